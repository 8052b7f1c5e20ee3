import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AgentVaultError } from '../errors.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { mac, sameHex, type VaultKeys } from './crypto.js';

/**
 * Vault state kept beside vault.json: the highest generation ever written (rollback
 * detection) and the permission rules the vault folder and key file must meet.
 *
 * Every write of vault.json increments its `generation` (covered by the file's MAC) and then
 * records it in vault.generation, with an HMAC under the vault key so the record cannot be
 * lowered or forged without the key. A vault.json older than the record (say, vault.json.bak
 * copied over it) is refused until a person accepts it with `agent-vault recover
 * --accept-rollback`. Copying both files back together defeats this, as does anyone holding
 * the key: the key is the real protection (a passphrase provider keeps it off the disk).
 */

export const generationFile = (home: string) => join(home, 'vault.generation');

const label = (generation: number) => `agent-vault/1 generation\0${generation}`;

export type GenerationRecord = { state: 'absent' } | { state: 'ok'; generation: number } | { state: 'invalid'; why: string };

export function readGeneration(home: string, keys: VaultKeys): GenerationRecord {
  let text: string;
  try {
    text = readFileSync(generationFile(home), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'invalid', why: `cannot be read (${(e as NodeJS.ErrnoException).code})` };
  }
  let rec: { generation?: unknown; mac?: unknown };
  try {
    rec = JSON.parse(text) as typeof rec;
  } catch {
    return { state: 'invalid', why: 'is not valid JSON' };
  }
  if (typeof rec?.generation !== 'number' || !Number.isSafeInteger(rec.generation) || rec.generation < 0 || typeof rec.mac !== 'string') {
    return { state: 'invalid', why: 'does not have the expected layout' };
  }
  if (!sameHex(rec.mac, mac(keys, label(rec.generation)))) return { state: 'invalid', why: 'fails its integrity check' };
  return { state: 'ok', generation: rec.generation };
}

export function writeGeneration(home: string, keys: VaultKeys, generation: number): void {
  writeFileAtomicSync(generationFile(home), JSON.stringify({ generation, mac: mac(keys, label(generation)) }) + '\n', 0o600);
}

export const RECOVER_COMMAND = 'agent-vault recover --accept-rollback';

export function rollbackError(file: string, why: string): AgentVaultError {
  return new AgentVaultError('vault', `the vault file ${file} ${why}: it may have been rolled back to an older state (a rotated-out value back in place)`, {
    code: 'VAULT_ROLLBACK',
    hint: `Nothing was changed. If you restored it on purpose (say, from vault.json.bak), accept it by running in your own terminal: ${RECOVER_COMMAND}. Otherwise restore the newest vault.json from your backup.`,
  });
}

/**
 * What is wrong with the vault folder's or key file's permissions, like ssh checks its keys:
 * readable or writable by group or others, or owned by another user. Undefined when fine or
 * absent (a missing key file is reported by the key provider).
 */
export function permissionProblem(path: string, kind: 'folder' | 'key'): { message: string; fix: string } | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  const want = kind === 'folder' ? 0o700 : 0o600;
  const what = kind === 'folder' ? 'vault folder' : 'vault key file';
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return { message: `the ${what} ${path} belongs to user id ${st.uid}, not to you (${uid})`, fix: `chown ${uid} "${path}"` };
  if (st.mode & 0o077) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
    return { message: `the ${what} ${path} is accessible by group or others (mode ${mode})`, fix: `chmod ${want.toString(8)} "${path}"` };
  }
  return undefined;
}

/** Refuse a vault whose folder or key file others could read or change. */
export function checkPermissions(home: string, keyFile: string | undefined): void {
  const problems = [permissionProblem(home, 'folder'), keyFile ? permissionProblem(keyFile, 'key') : undefined].filter((p) => p !== undefined);
  if (!problems.length) return;
  throw new AgentVaultError('vault', `${problems.map((p) => p.message).join('; ')}; refusing to use it`, {
    code: 'VAULT_PERMISSIONS',
    hint: `Nothing was read. Anyone who can read the key can decrypt every value. Fix it by running: ${problems.map((p) => p.fix).join(' && ')}`,
  });
}
