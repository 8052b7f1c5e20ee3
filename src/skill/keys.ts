import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AgentVaultError, usageError } from '../errors.js';
import type { SkillGate } from './attest.js';
import type { SigningKeyStore } from './key-store.js';
import { writeKeyring, type Ed25519Jwk } from './keyring.js';
import { addPurged, DEFAULT_REVOCATION_DAYS, loadRevocations, nextList, writeRevocations, type RevocationList } from './revocations.js';
import { markPurged, readRecord } from './quarantine.js';
import { readSkillTree } from './tree.js';

/**
 * The trust decisions a person makes at a terminal: creating a signing key, revoking content
 * or a key in the signed revocation list, purging a quarantined skill for good. The private
 * keys stay in the vault; each signature fetches one for that use only.
 */

const EMPTY_LIST: RevocationList = { version: 0, issuedAt: '', expiresAt: '', content: [], keys: [] };

/** Sign `list` with `signer`'s private key and write it (the signer was checked by pickSigner). */
async function writeSigned(gate: SkillGate, store: SigningKeyStore, list: RevocationList, signer: string): Promise<void> {
  writeRevocations(gate.revocationsPath, list, signer, (await store.privateKey(signer))!, gate.env);
}

export interface CreatedKey {
  notAfter: string;
  /** The revocation list this key created and signed, when the repository had none. */
  createdList: { expiresAt: string } | undefined;
}

/**
 * A new Ed25519 key: the private key into the vault, the public key (JWK) into the keyring,
 * and an empty signed revocation list when none exists, so verification (which requires one
 * by default) works from the first signature.
 */
export async function createSigningKey(gate: SkillGate, store: SigningKeyStore, kid: string, validDays: number): Promise<CreatedKey> {
  if (gate.keyring.keys[kid]) throw usageError(`key "${kid}" is already in ${gate.keyringPath}`, 'Choose a new key id; a key id is never reused.');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as unknown as Ed25519Jwk;
  await store.set(kid, privateKey.export({ format: 'der', type: 'pkcs8' }), `skill signing key ${kid}`);
  const now = gate.now;
  const notAfter = new Date(now.getTime() + validDays * 86400_000).toISOString();
  gate.keyring.keys[kid] = { alg: 'Ed25519', jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, notBefore: now.toISOString(), notAfter, status: 'active', created: now.toISOString() };
  writeKeyring(gate.keyringPath, gate.keyring);
  if (existsSync(gate.revocationsPath)) return { notAfter, createdList: undefined };
  const first = nextList(EMPTY_LIST, now, DEFAULT_REVOCATION_DAYS);
  await writeSigned(gate, store, first, kid);
  return { notAfter, createdList: { expiresAt: first.expiresAt } };
}

/** What a revocation adds: content (a skill folder or sha256:HASH), a key, or nothing (renewal). */
export type Revocation = { content: string; reason: string; cwd: string } | { kid: string; reason: string } | { renew: true };

/**
 * Issue the next version of the revocation list with `what` added, expiring in `days`. A
 * missing list starts at version 0; an expired one is renewed; any other failure (bad
 * signature, rollback) is never built on. A revoked key is marked in the keyring too.
 */
export async function revoke(gate: SkillGate, store: SigningKeyStore, what: Revocation, opts: { days: number; signer: string | undefined }): Promise<{ list: RevocationList; signer: string; revoked: string }> {
  const state = loadRevocations(gate.revocationsPath, gate.keyring, { required: false, env: gate.env, now: gate.now, allowExpired: true });
  if (!state.ok) throw state.error;
  const list = nextList(state.list, gate.now, opts.days);
  const at = gate.now.toISOString();
  let revoked = 'renewed';
  if ('kid' in what) {
    const entry = gate.keyring.keys[what.kid];
    if (!entry) throw usageError(`key "${what.kid}" is not in ${gate.keyringPath}`);
    if (!list.keys.some((k) => k.kid === what.kid)) list.keys.push({ kid: what.kid, reason: what.reason, at });
    Object.assign(entry, { status: 'revoked', revokedAt: at, reason: what.reason });
    revoked = `key ${what.kid}`;
  } else if ('content' in what) {
    const hash = /^sha256:[0-9a-f]{64}$/.test(what.content) ? what.content : readSkillTree(resolve(what.cwd, what.content)).manifest.contentHash;
    if (!list.content.some((c) => c.hash === hash)) list.content.push({ hash, reason: what.reason, at });
    revoked = `content ${hash}`;
  }
  const signer = await pickSigner(gate, store, opts.signer, 'kid' in what ? what.kid : undefined);
  await writeSigned(gate, store, list, signer);
  if ('kid' in what) writeKeyring(gate.keyringPath, gate.keyring);
  return { list, signer, revoked };
}

/**
 * Purge a quarantined skill: its copy is deleted and its content hash blocked on this machine
 * for good, under any name; also revoked in the repository's signed list when a key is at
 * hand, so every clone refuses it. Returns what was blocked where, for the person.
 */
export async function purgeQuarantined(gate: SkillGate, store: SigningKeyStore, id: string, opts: { reason: string | undefined; signer: string | undefined }): Promise<string> {
  const record = readRecord(gate.env, id);
  const reason = opts.reason?.trim() || `purged from quarantine: ${record.failures.map((f) => f.code).join(', ')}`;
  let note = 'no content hash (the folder could not be hashed): nothing to block';
  if (record.contentHash) {
    addPurged(gate.env, record.contentHash, id, reason, gate.now);
    note = `content ${record.contentHash} blocked on this machine`;
    const state = gate.revocations();
    const canSign = Object.values(gate.keyring.keys).length > 0 && (state.ok || (state.error.code === 'REVOCATIONS_MISSING' && !existsSync(gate.revocationsPath)));
    if (canSign) {
      try {
        const signer = await pickSigner(gate, store, opts.signer);
        const list = nextList(state.ok ? state.list : EMPTY_LIST, gate.now, DEFAULT_REVOCATION_DAYS);
        if (!list.content.some((c) => c.hash === record.contentHash)) list.content.push({ hash: record.contentHash, reason, at: gate.now.toISOString() });
        await writeSigned(gate, store, list, signer);
        note += ` and revoked in ${gate.revocationsPath} (version ${list.version})`;
      } catch (e) {
        if (!(e instanceof AgentVaultError) || e.kind !== 'usage') throw e;
        note += ` (not added to the repository's revocation list: ${e.message})`;
      }
    }
  }
  markPurged(gate, id, reason);
  return note;
}

/** The key that signs a revocation list: named, or the only active key with a private key here. */
async function pickSigner(gate: SkillGate, store: SigningKeyStore, named: string | undefined, revoking?: string): Promise<string> {
  const held = await store.held(Object.keys(gate.keyring.keys));
  const usable = Object.entries(gate.keyring.keys)
    .filter(([kid, e]) => e.status === 'active' && kid !== revoking && held.has(kid) && Date.parse(e.notAfter) > gate.now.getTime())
    .map(([kid]) => kid);
  if (named) {
    if (!usable.includes(named)) throw usageError(`key "${named}" cannot sign here (not active, expired, being revoked, or its private key is not in ${store.location})`);
    return named;
  }
  if (usable.length === 1) return usable[0]!;
  if (!usable.length) throw usageError(`no active key with a private key in ${store.location} can sign the revocation list`, 'Create one with agent-vault skill keygen --kid ID.');
  throw usageError(`several keys could sign the revocation list (${usable.join(', ')})`, 'Choose one with --signer ID.');
}
