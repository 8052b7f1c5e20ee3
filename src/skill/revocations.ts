import { sha256Hex } from './avt1.js';
import { existsSync, mkdirSync, readFileSync, realpathSync as fsRealpath } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeBase64, parseEnvelope, REVOCATIONS_PAYLOAD_TYPE, signEnvelopeWith, verifySignature, type Envelope, type Signer } from './dsse.js';
import { agentVaultHome, privateDir } from '../platform/home.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { keyFor, type Keyring } from './keyring.js';
import { skillFailure, type SkillFailureCode } from './codes.js';
import type { AgentVaultError } from '../errors.js';

/** What a revocation list revokes: content hashes (any name, any signer) and key ids. */
export interface RevocationList {
  version: number;
  issuedAt: string;
  expiresAt: string;
  content: { hash: string; reason: string; at: string }[];
  keys: { kid: string; reason: string; at: string }[];
}

export const DEFAULT_REVOCATION_DAYS = 90;

export type RevocationState =
  | { ok: true; list: RevocationList; present: boolean; digest: string }
  | { ok: false; error: AgentVaultError };

const fail = (code: SkillFailureCode, message: string, hint?: string): RevocationState => ({ ok: false, error: skillFailure(code, message, hint) });

function validList(v: unknown): v is RevocationList {
  const l = v as RevocationList;
  return (
    !!l && typeof l === 'object' && Number.isInteger(l.version) && l.version > 0 &&
    typeof l.issuedAt === 'string' && !Number.isNaN(Date.parse(l.issuedAt)) &&
    typeof l.expiresAt === 'string' && !Number.isNaN(Date.parse(l.expiresAt)) &&
    Array.isArray(l.content) && l.content.every((c) => typeof c?.hash === 'string' && /^sha256:[0-9a-f]{64}$/.test(c.hash) && typeof c.reason === 'string') &&
    Array.isArray(l.keys) && l.keys.every((k) => typeof k?.kid === 'string' && typeof k.reason === 'string')
  );
}

// -- the newest version seen, remembered outside the checkout ------------------------------

interface SeenRecord {
  version: number;
  digest: string;
  path: string;
}

function seenFile(env: NodeJS.ProcessEnv): string {
  return join(agentVaultHome(env), 'state', 'revocations-seen.json');
}

/** Lists are told apart by the real path of the list file. */
function listId(path: string): string {
  let real = path;
  try {
    real = fsRealpath(path);
  } catch {
    try {
      real = join(fsRealpath(dirname(path)), path.split('/').pop()!);
    } catch {
      /* keep as given */
    }
  }
  return sha256Hex(real);
}

function readSeen(env: NodeJS.ProcessEnv): Record<string, SeenRecord> {
  try {
    return JSON.parse(readFileSync(seenFile(env), 'utf8')) as Record<string, SeenRecord>;
  } catch {
    return {};
  }
}

function seenVersion(env: NodeJS.ProcessEnv, path: string, id = listId(path)): SeenRecord | undefined {
  return readSeen(env)[id];
}

function recordSeen(env: NodeJS.ProcessEnv, path: string, version: number, digest: string, id = listId(path)): void {
  const all = readSeen(env);
  if ((all[id]?.version ?? 0) >= version) return;
  all[id] = { version, digest, path };
  privateDir(dirname(seenFile(env)));
  writeFileAtomicSync(seenFile(env), JSON.stringify(all, null, 2) + '\n', 0o600);
}

// -- loading ---------------------------------------------------------------------------

/**
 * Load and check the revocation list. Fails closed: a list that is present but unreadable,
 * badly signed, expired or older than one seen is a failure whether or not it is required;
 * a missing list fails only when required.
 */
export function loadRevocations(path: string, keyring: Keyring, opts: { required: boolean; env: NodeJS.ProcessEnv; now: Date; allowExpired?: boolean }): RevocationState {
  const empty: RevocationList = { version: 0, issuedAt: new Date(0).toISOString(), expiresAt: new Date(8.64e15).toISOString(), content: [], keys: [] };
  if (!existsSync(path)) {
    const seen = seenVersion(opts.env, path);
    if (opts.required || seen) {
      return fail('REVOCATIONS_MISSING', `the revocation list ${path} is missing${seen ? ` (version ${seen.version} was seen before)` : ''}`, 'Restore it from git, or create one with agent-vault skill keygen / skill revoke.');
    }
    return { ok: true, list: empty, present: false, digest: '' };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail('REVOCATIONS_MISSING', `cannot read the revocation list ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return checkRevocations(text, path, listId(path), keyring, opts);
}

/** The stable id under which a registry's revocation list is remembered (rollback protection). */
export function registryListId(registryId: string): string {
  return sha256Hex(`registry:${registryId}`);
}

/**
 * Check a revocation list's text (from a file, or fetched from a registry): signed by a key
 * of `keyring`, well formed, not older than the newest version seen under `seenId` on this
 * machine, not expired. The version is remembered when it passes.
 */
export function checkRevocations(text: string, path: string, seenId: string, keyring: Keyring, opts: { env: NodeJS.ProcessEnv; now: Date; allowExpired?: boolean }): RevocationState {
  const env = parseEnvelope(text);
  if (typeof env === 'string') return fail('REVOCATIONS_BAD_SIGNATURE', `the revocation list ${path} is not a signed envelope: ${env}`, 'Restore it from git history.');
  if (env.payloadType !== REVOCATIONS_PAYLOAD_TYPE) return fail('REVOCATIONS_BAD_SIGNATURE', `the revocation list ${path} has payload type ${JSON.stringify(env.payloadType)}, expected ${REVOCATIONS_PAYLOAD_TYPE}`);
  const signed = verifiedBy(env, keyring, opts.now);
  if (!signed.ok) return fail('REVOCATIONS_BAD_SIGNATURE', `the revocation list ${path} is not signed by a trusted key: ${signed.message}`, 'Restore it from git history, or re-issue it with agent-vault skill revoke.');
  let list: unknown;
  try {
    list = JSON.parse(decodeBase64(env.payload)!.toString('utf8'));
  } catch {
    return fail('REVOCATIONS_BAD_SIGNATURE', `the revocation list ${path} payload is not JSON`);
  }
  if (!validList(list)) return fail('REVOCATIONS_BAD_SIGNATURE', `the revocation list ${path} payload does not have the expected shape`);
  if (list.keys.some((k) => k.kid === signed.kid)) return fail('REVOCATIONS_BAD_SIGNATURE', `the revocation list ${path} is signed by key "${signed.kid}", which it revokes itself`);
  const digest = sha256Hex(env.payload);
  const seen = seenVersion(opts.env, path, seenId);
  if (seen && (list.version < seen.version || (list.version === seen.version && digest !== seen.digest))) {
    return fail('REVOCATIONS_ROLLBACK', `the revocation list ${path} is version ${list.version}, but version ${seen.version} was already seen${list.version === seen.version ? ' with different content' : ''}`, 'Someone replaced the list with an older copy; restore the newest one (git log -- the list file).');
  }
  // Renewal (skill revoke) may build on an expired list: it is signed and not rolled back.
  if (Date.parse(list.expiresAt) < opts.now.getTime() && !opts.allowExpired) {
    return fail('REVOCATIONS_EXPIRED', `the revocation list ${path} expired at ${list.expiresAt}`, 'Re-issue it: agent-vault skill revoke --renew (needs a terminal).');
  }
  recordSeen(opts.env, path, list.version, digest, seenId);
  return { ok: true, list, present: true, digest };
}

function verifiedBy(env: Envelope, keyring: Keyring, now: Date): { ok: true; kid: string } | { ok: false; message: string } {
  let message = 'no signature';
  for (const s of env.signatures) {
    const k = keyFor(keyring, s.keyid, now);
    if (!k.ok) {
      message = k.message;
      continue;
    }
    if (verifySignature(env, s, k.key)) return { ok: true, kid: s.keyid };
    message = `the signature by "${s.keyid}" does not verify`;
  }
  return { ok: false, message };
}

/** Sign and write a new list version; records it as seen. */
export async function writeRevocations(path: string, list: RevocationList, kid: string, signer: Signer, env: NodeJS.ProcessEnv): Promise<void> {
  const payload = Buffer.from(JSON.stringify(list, null, 2), 'utf8');
  const envelope = await signEnvelopeWith(REVOCATIONS_PAYLOAD_TYPE, payload, kid, signer);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicSync(path, JSON.stringify(envelope, null, 2) + '\n');
  recordSeen(env, path, list.version, sha256Hex(envelope.payload));
}

export function nextList(prev: RevocationList, now: Date, days: number): RevocationList {
  return {
    version: prev.version + 1,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + days * 86400_000).toISOString(),
    content: [...prev.content],
    keys: [...prev.keys],
  };
}

// -- purged hashes: a local blocklist that only ever grows --------------------------------

function purgedFile(env: NodeJS.ProcessEnv) {
  return join(agentVaultHome(env), 'state', 'purged.json');
}

export function purgedHashes(env: NodeJS.ProcessEnv): Map<string, string> {
  try {
    const data = JSON.parse(readFileSync(purgedFile(env), 'utf8')) as { hash: string; reason: string }[];
    return new Map(data.map((d) => [d.hash, d.reason]));
  } catch {
    return new Map();
  }
}

export function addPurged(env: NodeJS.ProcessEnv, hash: string, id: string, reason: string, now: Date): void {
  let data: { hash: string; id: string; reason: string; at: string }[] = [];
  try {
    data = JSON.parse(readFileSync(purgedFile(env), 'utf8'));
  } catch {
    /* first purge */
  }
  if (!data.some((d) => d.hash === hash)) data.push({ hash, id, reason, at: now.toISOString() });
  privateDir(dirname(purgedFile(env)));
  writeFileAtomicSync(purgedFile(env), JSON.stringify(data, null, 2) + '\n', 0o600);
}

