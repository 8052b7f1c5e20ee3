import { foreignErrorDetail } from '../messages.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { configError } from '../errors.js';
import { publicKeyFromJwk } from './dsse.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { KID } from './key-store.js';

export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  /** base64url public key, 32 bytes. */
  x: string;
}

/** One trusted signing key of the repository. */
export interface KeyringEntry {
  alg: 'Ed25519';
  jwk: Ed25519Jwk;
  /** ISO 8601 validity window. */
  notBefore: string;
  notAfter: string;
  status: 'active' | 'revoked';
  created: string;
  revokedAt?: string;
  reason?: string;
}

export interface Keyring {
  version: 1;
  keys: Record<string, KeyringEntry>;
}

const emptyKeyring = (): Keyring => ({ version: 1, keys: {} });

const ISO = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v);

/** Read and validate a keyring file; a missing file is an empty keyring. */
export function readKeyring(path: string): Keyring {
  if (!existsSync(path)) return emptyKeyring();
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw configError(`keyring ${path} is not valid JSON (${foreignErrorDetail(e)})`, 'Restore it from git history (git checkout -- <file>).');
  }
  const problems: string[] = [];
  const k = data as Partial<Keyring> | null;
  if (!k || typeof k !== 'object' || k.version !== 1 || !k.keys || typeof k.keys !== 'object' || Array.isArray(k.keys)) {
    throw configError(`keyring ${path} must be {"version": 1, "keys": {...}}`, 'Restore it from git history, or create keys with agent-vault skill keygen.');
  }
  for (const [kid, e] of Object.entries(k.keys)) {
    const at = `keys.${kid}`;
    if (!KID.test(kid)) problems.push(`${at}: key id must be lower-case letters, digits and hyphens`);
    if (!e || typeof e !== 'object') {
      problems.push(`${at}: must be an object`);
      continue;
    }
    if (e.alg !== 'Ed25519') problems.push(`${at}.alg: only Ed25519 is supported`);
    const j = e.jwk as unknown as Record<string, unknown> | undefined;
    if (!j || j.kty !== 'OKP' || j.crv !== 'Ed25519' || typeof j.x !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(j.x)) problems.push(`${at}.jwk: must be an OKP Ed25519 public JWK ({"kty":"OKP","crv":"Ed25519","x":...})`);
    if (j && 'd' in j) problems.push(`${at}.jwk: holds a private key ("d"); remove it now and rotate this key: private keys live in the vault only`);
    if (!ISO(e.notBefore) || !ISO(e.notAfter)) problems.push(`${at}: notBefore and notAfter must be ISO 8601 times`);
    if (e.status !== 'active' && e.status !== 'revoked') problems.push(`${at}.status: must be "active" or "revoked"`);
  }
  if (problems.length) throw configError(`keyring ${path}:\n  ${problems.join('\n  ')}`, 'Fix the entries named above.');
  return k as Keyring;
}

export function writeKeyring(path: string, keyring: Keyring): void {
  mkdirSync(dirname(path), { recursive: true });
  const sorted: Keyring = { version: 1, keys: Object.fromEntries(Object.entries(keyring.keys).sort(([a], [b]) => (a < b ? -1 : 1))) };
  writeFileAtomicSync(path, JSON.stringify(sorted, null, 2) + '\n');
}

export type KeyState = { ok: true; key: KeyObject; entry: KeyringEntry } | { ok: false; code: 'SKILL_KEY_UNTRUSTED' | 'SKILL_KEY_EXPIRED' | 'SKILL_KEY_REVOKED'; message: string };

/** Look a key id up for verification at `now`: present, active, inside its window. */
export function keyFor(keyring: Keyring, kid: string, now: Date, revokedKids: ReadonlySet<string> = new Set()): KeyState {
  const entry = Object.prototype.hasOwnProperty.call(keyring.keys, kid) ? keyring.keys[kid] : undefined;
  if (!entry) return { ok: false, code: 'SKILL_KEY_UNTRUSTED', message: `signing key "${kid}" is not in the keyring` };
  if (entry.status === 'revoked' || revokedKids.has(kid)) return { ok: false, code: 'SKILL_KEY_REVOKED', message: `signing key "${kid}" is revoked${entry.reason ? ` (${entry.reason})` : ''}` };
  if (now.getTime() < Date.parse(entry.notBefore) || now.getTime() > Date.parse(entry.notAfter)) {
    return { ok: false, code: 'SKILL_KEY_EXPIRED', message: `signing key "${kid}" is valid from ${entry.notBefore} to ${entry.notAfter}, not now` };
  }
  return { ok: true, key: publicKeyFromJwk(entry.jwk), entry };
}
