import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentVaultError } from '../errors.js';
import { privateDir } from '../platform/home.js';

const BYTES = 32;

/**
 * The key of UNVAULTED marker fingerprints (core's hash8): 32 random bytes in the vault home,
 * made on first use, whether or not a vault exists there. `read` and `write` in separate
 * processes must agree on it; nobody else needs it, and nothing derived from a secret leaves
 * the machine unkeyed. Created through a link so two processes racing agree on one key.
 */
export function markerKey(home: string): Buffer {
  const path = join(home, 'marker.key');
  const existing = readKey(path);
  if (existing) return existing;
  privateDir(home);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, randomBytes(BYTES), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  const made = readKey(path);
  if (!made) throw new AgentVaultError('vault', `${path} is damaged (expected ${BYTES} bytes)`, { code: 'MARKER_KEY_DAMAGED', hint: `Remove it (rm ${path}); a new one is made on the next read. Markers read before then no longer match, so read those files again.` });
  return made;
}

function readKey(path: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (bytes.length !== BYTES) throw new AgentVaultError('vault', `${path} is damaged (expected ${BYTES} bytes)`, { code: 'MARKER_KEY_DAMAGED', hint: `Remove it (rm ${path}); a new one is made on the next read. Markers read before then no longer match, so read those files again.` });
  return bytes;
}
