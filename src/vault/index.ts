import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ValueOrigin, VaultedValue } from '../core/redact.js';
import { isValidKey } from '../core/placeholder.js';
import { AgentVaultError } from '../errors.js';
import { LOCK_MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { deriveKeys, keyCheck, mac, open, sameHex, seal, signWithSeed, type SealedValue, type VaultKeys } from './crypto.js';
import { isReservedInternalName } from './bindings.js';
import { approvalsShapeOk, emptyApprovals, type ApprovalsState } from './approval-state.js';
import { KeyFileProvider, type KeyProvider } from './key-provider.js';
import { withLock } from './lock.js';
import { checkPermissions, readGeneration, rollbackError, writeGeneration, type GenerationRecord } from './state.js';

/**
 * The vault: one folder ($AGENT_VAULT_HOME, default ~/.agent-vault, mode 0700) holding
 *   vault.json      entries, each value sealed on its own (AES-256-GCM, fresh IV, the key
 *                   name and entry version as associated data), plus an HMAC over the
 *                   whole document so a changed byte anywhere is detected
 *   vault.json.bak  the state before the last write
 *   vault.key       the 32-byte master key (key-file provider), mode 0600
 *   vault.generation  the highest generation written, HMAC'd (rollback detection, state.ts)
 * A vault whose key comes from elsewhere carries a header naming its provider (covered by
 * the MAC): `passphrase` holds the master key wrapped under an Argon2id-derived key (see
 * passphrase.ts) and, with TOTP on, the sealed TOTP secret and the last accepted time step;
 * `env` stores nothing (CI: the key is in an environment variable). A vault.json without a
 * header is a key-file vault, as every vault was before headers.
 *   vault.lock      present while a process writes (see lock.ts)
 * Reads verify everything before any value is used; writes re-read the file under the lock,
 * so concurrent writers never lose each other's changes. The folder and key file must be
 * private to their owner (state.ts), as ssh requires of its keys.
 *
 * Earlier values are kept without limit (so redaction still catches every rotated-out value)
 * until a person prunes them: nothing an agent can run drops one.
 */

const VAULT_FORMAT = 'agent-vault/1';
/**
 * The associated-data name the TOTP secret is sealed under: not a valid key name, so it can
 * never be confused with (or swapped for) an entry, and it is never listed or materialised.
 */
const TOTP_ENTRY = '#totp';

export interface KeyMeta {
  key: string;
  description: string | null;
  created: string;
  updated: string;
  /** Length of the current value in bytes. */
  length: number;
  version: number;
  earlierValues: number;
  /** Who stored the current value (see ValueOrigin); 'terminal' for values from before origins were kept. */
  origin: ValueOrigin;
  /** Absolute path globs where the value may be materialised (bindings.ts); empty: nowhere. */
  bindings: string[];
  /** A key agent-vault uses itself (skill signing): never materialised anywhere. */
  internal: boolean;
  /** Where the session resolved the key (set by the session; the vault's own entries are 'local'). */
  source?: KeySourceName;
}

/** The sources a session resolves keys from, in order: this vault, the repository's team vault, providers. */
export type KeySourceName = 'local' | 'team' | `provider:${string}`;
/** The same, as providers name it. */
export type KeySource = KeySourceName;

interface EarlierValue extends SealedValue {
  version: number;
  retired: string;
  /** Absent in vaults written before origins were kept: 'terminal'. */
  origin?: ValueOrigin;
}

interface EntryRecord {
  description: string | null;
  created: string;
  updated: string;
  length: number;
  version: number;
  value: SealedValue;
  earlier: EarlierValue[];
  /** Who stored the current value; absent in older vaults ('terminal'). Covered by the MAC like every field. */
  origin?: ValueOrigin;
  /** Absolute path globs where the value may be materialised; absent in older vaults (unbound). */
  bindings?: string[];
  /** Set for keys agent-vault uses itself. */
  internal?: true;
}

/** The second factor: the sealed TOTP secret and the last time step accepted (never accepted twice). */
export interface TotpRecord {
  secret: SealedValue;
  lastStep: number;
}

/** Where the master key of a vault comes from, when not from vault.key. */
export type VaultHeader =
  | { provider: 'passphrase'; kdf: string; wrappedKey: SealedValue; totp?: TotpRecord }
  | { provider: 'env' };

export type ProviderName = 'keyfile' | VaultHeader['provider'];

interface VaultDocument {
  format: string;
  header?: VaultHeader;
  keyCheck: string;
  /** Incremented on every write; absent in vaults written before rollback detection (0). */
  generation?: number;
  entries: Record<string, EntryRecord>;
  /** Approval policy, webhooks, grants and the audit anchor (approval-state.ts); absent until first used. */
  approvals?: ApprovalsState;
  /**
   * Bindings of keys the vault does not hold, whose values a configured provider hands in
   * (issue 17): a person's decision where such a value may go, kept here under the MAC like
   * every other binding. Absent until first used.
   */
  providedBindings?: Record<string, string[]>;
  mac: string;
}

export interface Vault {
  readonly home: string;
  has(key: string): boolean;
  list(): KeyMeta[];
  /** Decrypts one value. */
  get(key: string): Buffer | undefined;
  /** Current and earlier values of every key. */
  redactionValues(): VaultedValue[];
  /** Locked, atomic; keeps the earlier value. Origin defaults to 'terminal'. */
  set(key: string, value: Buffer, opts?: { description?: string; origin?: ValueOrigin }): void;
  /**
   * Several keys in one locked, atomic write (import). `createOnly`: refuse (KEY_EXISTS,
   * nothing written) when any key already exists, checked under the lock.
   */
  setMany(entries: NewEntry[], options?: { createOnly?: boolean }): void;
  remove(key: string): boolean;
  /** Add bindings (already normalised absolute globs) to a key. Returns the ones that were new. */
  bind(key: string, globs: string[]): string[];
  /** Remove some bindings of a key, or all of them. Returns the ones removed. */
  unbind(key: string, globs?: string[]): string[];
  /** Bindings of keys the vault does not hold (a provider's), by key. */
  providedBindings(): Record<string, string[]>;
  /** Add (`add`) or remove (`add: false`; no globs: all) bindings of a key a provider holds. Returns the globs changed. */
  bindProvided(key: string, globs: string[] | undefined, add: boolean): string[];
  /** Drop a key's earlier values. Returns how many were dropped. */
  prune(key: string): number;
  /** The generation of vault.json (0 for a vault written before generations). */
  readonly generation: number;
  /** The key-provider header (undefined: a key-file vault). */
  header(): VaultHeader | undefined;
  /** The decrypted TOTP secret, when the second factor is on. */
  totpSecret(): Buffer | undefined;
  /**
   * Record TOTP time step `step` as used, under the write lock: false (nothing written) when it
   * is not after the last accepted step, so one code is accepted once.
   */
  acceptTotpStep(step: number): boolean;
  /** Turn the second factor on (with the step its confirming code used) or off. */
  setTotp(totp: { secret: Buffer; step: number } | undefined): void;
  /** Replace the wrapped master key (stronger KDF parameters, same master key). */
  rewrap(kdf: string, wrappedKey: SealedValue): void;
  /**
   * Re-seal every value, earlier value and the TOTP secret under `master`, with `header`
   * (undefined: a key-file vault), in one locked atomic write; then re-open the file from disk
   * and decrypt everything to prove it, and only then replace the backup (which still held
   * the document under the old key). Returns the vault under the new key. See migrate.ts.
   */
  rekey(master: Buffer, header: VaultHeader | undefined): Vault;
  /** The approval policy, webhooks, grants and audit anchor (defaults when none were set). */
  approvals(): ApprovalsState;
  /**
   * Sign an audit checkpoint with the vault's audit key (an Ed25519 key derived from the master
   * key, never stored); returns the signature and the raw public key.
   */
  signAuditCheckpoint(message: Uint8Array): { signature: Buffer; publicKey: Buffer };
  /**
   * Change the approval state under the write lock (re-read first, so concurrent consumers of
   * one grant never both get its last use); `change` says whether it changed anything.
   */
  updateApprovals<T>(change: (state: ApprovalsState) => { changed: boolean; result: T }): T;
  /** Forget the derived keys (zeroed). The vault cannot be used afterwards. */
  close(): void;
}

export interface NewEntry {
  key: string;
  value: Buffer;
  description?: string;
  /** Who supplies the value: a person at a terminal, or a script. */
  origin: ValueOrigin;
  /** Bindings to add (normalised absolute globs). */
  bindings?: string[];
  /** A key agent-vault uses itself; required for the reserved internal names. */
  internal?: boolean;
}

export interface VaultOptions {
  keyProvider?: KeyProvider;
  lockTimeoutMs?: number;
  /** Open a vault older than the recorded generation and record its generation instead (recover --accept-rollback). */
  acceptRollback?: boolean;
  /** The header a new vault is created with (init --passphrase); none: a key-file vault. */
  header?: VaultHeader;
}

export const vaultPaths = (home: string) => ({
  file: join(home, 'vault.json'),
  backup: join(home, 'vault.json.bak'),
  key: join(home, 'vault.key'),
  lock: join(home, 'vault.lock'),
});

function vaultError(code: string, message: string, hint: string): AgentVaultError {
  return new AgentVaultError('vault', message, { code, hint });
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function serialize(doc: VaultDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

/** The MAC input: a vault without a generation (or a header) hashes exactly as it did then. */
function macOf(keys: VaultKeys, doc: Omit<VaultDocument, 'mac'>): string {
  const header = doc.header ? { header: doc.header } : {};
  const generation = doc.generation === undefined ? {} : { generation: doc.generation };
  const approvals = doc.approvals === undefined ? {} : { approvals: doc.approvals };
  const provided = doc.providedBindings === undefined ? {} : { providedBindings: doc.providedBindings };
  return mac(keys, JSON.stringify({ format: doc.format, ...header, keyCheck: doc.keyCheck, ...generation, entries: doc.entries, ...approvals, ...provided }));
}

/** A document in the field order serialize() must reproduce. */
function documentOf(keys: VaultKeys, header: VaultHeader | undefined, keyCheckHex: string, generation: number, entries: Record<string, EntryRecord>, approvals?: ApprovalsState, providedBindings?: Record<string, string[]>): VaultDocument {
  const body: Omit<VaultDocument, 'mac'> = { format: VAULT_FORMAT, ...(header ? { header } : {}), keyCheck: keyCheckHex, generation, entries, ...(approvals ? { approvals } : {}), ...(providedBindings ? { providedBindings } : {}) };
  return { ...body, mac: macOf(keys, body) };
}

const isSealed = (v: unknown): v is SealedValue =>
  !!v && typeof v === 'object' && typeof (v as SealedValue).iv === 'string' && typeof (v as SealedValue).tag === 'string' && typeof (v as SealedValue).ciphertext === 'string';

function headerShapeOk(h: unknown): h is VaultHeader {
  if (!h || typeof h !== 'object') return false;
  const header = h as Record<string, unknown>;
  if (header.provider === 'env') return Object.keys(header).length === 1;
  if (header.provider !== 'passphrase' || typeof header.kdf !== 'string' || !isSealed(header.wrappedKey)) return false;
  if (header.totp === undefined) return true;
  const totp = header.totp as Record<string, unknown> | null;
  return !!totp && isSealed(totp.secret) && Number.isSafeInteger(totp.lastStep);
}

const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((g) => typeof g === 'string');

type Verdict = { ok: true; doc: VaultDocument } | { ok: false; code: string; why: string };

/** Parse and verify a vault document's bytes: shape, key, integrity, canonical form. */
function verify(text: string, keys: VaultKeys): Verdict {
  let doc: VaultDocument;
  try {
    doc = JSON.parse(text) as VaultDocument;
  } catch {
    return { ok: false, code: 'VAULT_DAMAGED', why: 'is not valid JSON (truncated or damaged)' };
  }
  if (
    typeof doc !== 'object' ||
    doc === null ||
    doc.format !== VAULT_FORMAT ||
    typeof doc.keyCheck !== 'string' ||
    typeof doc.mac !== 'string' ||
    typeof doc.entries !== 'object' ||
    doc.entries === null ||
    (doc.generation !== undefined && (!Number.isSafeInteger(doc.generation) || doc.generation < 0)) ||
    (doc.header !== undefined && !headerShapeOk(doc.header)) ||
    (doc.approvals !== undefined && !approvalsShapeOk(doc.approvals)) ||
    (doc.providedBindings !== undefined && (typeof doc.providedBindings !== 'object' || doc.providedBindings === null || Array.isArray(doc.providedBindings) || !Object.entries(doc.providedBindings).every(([k, g]) => isValidKey(k) && isStringArray(g))))
  ) {
    return { ok: false, code: 'VAULT_DAMAGED', why: `does not have the ${VAULT_FORMAT} layout` };
  }
  if (!sameHex(doc.keyCheck, keyCheck(keys))) {
    return {
      ok: false,
      code: 'VAULT_TAMPERED',
      why: doc.header
        ? `was not written with this key (${doc.header.provider === 'env' ? 'the key in the environment is another vault\'s' : 'the unlocked key is another vault\'s'}, or the vault was altered)`
        : 'was not written with this vault.key (the key file was replaced, or the vault was altered)',
    };
  }
  if (!sameHex(doc.mac, macOf(keys, doc))) {
    return { ok: false, code: 'VAULT_TAMPERED', why: 'fails its integrity check: it was changed outside agent-vault' };
  }
  // The MAC covers the parsed content; requiring the exact bytes we would write also
  // catches a change to the layout (whitespace, number spelling) that parses the same.
  if (serialize(doc) !== text) {
    return { ok: false, code: 'VAULT_TAMPERED', why: 'was reformatted or changed outside agent-vault' };
  }
  for (const [key, e] of Object.entries(doc.entries)) {
    if (
      !isValidKey(key) ||
      typeof e?.value?.iv !== 'string' ||
      !Array.isArray(e.earlier) ||
      typeof e.version !== 'number' ||
      (e.origin !== undefined && !ORIGINS.includes(e.origin)) ||
      e.earlier.some((o) => o?.origin !== undefined && !ORIGINS.includes(o.origin)) ||
      (e.bindings !== undefined && !isStringArray(e.bindings)) ||
      (e.internal !== undefined && e.internal !== true)
    ) {
      return { ok: false, code: 'VAULT_DAMAGED', why: `has a malformed entry "${isValidKey(key) ? key : '?'}"` };
    }
  }
  return { ok: true, doc };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw vaultError('VAULT_DAMAGED', `cannot read ${path} (${(e as NodeJS.ErrnoException).code})`, 'Check the permissions of the vault folder (it should belong to you, mode 0700).');
  }
}

/** Load and verify vault.json; on failure, say what the backup can do. Never repairs. */
function loadDocument(home: string, keys: VaultKeys, options: VaultOptions & { locked: boolean }): VaultDocument {
  const paths = vaultPaths(home);
  // The record first: writers write vault.json before the record, so a vault.json read after
  // it is never older than it, unless it was rolled back.
  const record = readGeneration(home, keys);
  const text = readText(paths.file);
  if (text === undefined) {
    throw vaultMissing(home);
  }
  const verdict = verify(text, keys);
  if (verdict.ok) {
    checkGeneration(home, keys, verdict.doc.generation ?? 0, record, options);
    return verdict.doc;
  }
  const backupText = readText(paths.backup);
  const backupOk = backupText !== undefined && verify(backupText, keys).ok;
  const hint = backupOk
    ? `Nothing was changed. The state before the last write is in ${paths.backup} and verifies; to go back to it, run: cp "${paths.backup}" "${paths.file}"`
    : `Nothing was changed. ${backupText === undefined ? 'There is no backup' : `The backup ${paths.backup} does not verify either`}; restore ${paths.file} (and vault.key) from your own backup.`;
  throw vaultError(verdict.code, `the vault file ${paths.file} ${verdict.why}`, hint);
}

/**
 * Refuse a vault.json older than the generation recorded beside it. A record that is missing
 * (a vault from before generations: recorded now) or behind (a crash between the two writes)
 * is brought up to date under the lock.
 */
function checkGeneration(home: string, keys: VaultKeys, generation: number, record: GenerationRecord, options: VaultOptions & { locked: boolean }): void {
  const paths = vaultPaths(home);
  if (options.acceptRollback) {
    writeGeneration(home, keys, generation);
    return;
  }
  if (record.state === 'invalid') throw rollbackError(paths.file, `cannot be checked against its generation record (vault.generation ${record.why})`);
  if (record.state === 'absent' && generation > 0) throw rollbackError(paths.file, `is at generation ${generation} but its generation record (vault.generation) is missing`);
  if (record.state === 'ok' && generation < record.generation) throw rollbackError(paths.file, `is at generation ${generation}, older than generation ${record.generation} recorded for this vault`);
  if (record.state === 'ok' && generation === record.generation) return;
  // Behind (a vault from before generations, or a crash between the two writes): raise it,
  // under the lock and never lowering it, since a writer may be moving it right now.
  const raise = () => {
    const now = readGeneration(home, keys);
    if (now.state !== 'ok' || now.generation < generation) writeGeneration(home, keys, generation);
  };
  if (options.locked) raise();
  else withLock(paths.lock, raise, { timeoutMs: options.lockTimeoutMs });
}

/** The error for a home without vault.json: what to restore, or how to create one. */
export function vaultMissing(home: string): AgentVaultError {
  const paths = vaultPaths(home);
  const hint = exists(paths.backup)
    ? `${paths.file} is gone but ${paths.backup} exists; restore it with: cp "${paths.backup}" "${paths.file}"`
    : 'Ask the user to create it by running in their terminal: agent-vault init (or agent-vault set KEY, which creates it)';
  return vaultError('VAULT_MISSING', `no vault at ${home}`, hint);
}

/**
 * What vault.json says about its key provider, read WITHOUT verification (the MAC needs the
 * key): enough to pick the provider, never to trust anything else. undefined: no vault.
 */
export function vaultProvider(home: string): { provider: ProviderName; header: VaultHeader | undefined } | undefined {
  const text = readText(vaultPaths(home).file);
  if (text === undefined) return undefined;
  let header: unknown;
  try {
    header = (JSON.parse(text) as Partial<VaultDocument> | null)?.header;
  } catch {
    header = undefined; // a damaged file: opening it reports that, with the backup to use
  }
  if (header === undefined || !headerShapeOk(header)) return { provider: 'keyfile', header: undefined };
  return { provider: header.provider, header };
}

/**
 * A vault's id for the repositories installed with it: its key check (an HMAC of the master
 * key, not the key; it changes when the key is rotated). Read without the key; undefined
 * when there is no readable vault at `home`.
 */
export function vaultIdOf(home: string): string | undefined {
  const text = readText(vaultPaths(home).file);
  if (text === undefined) return undefined;
  try {
    const check = (JSON.parse(text) as Partial<VaultDocument> | null)?.keyCheck;
    return typeof check === 'string' && /^[0-9a-f]{8,64}$/.test(check) ? `kc-${check}` : undefined;
  } catch {
    return undefined;
  }
}

/** The error for a vault whose key is held by a session agent that is not running. */
export function vaultLocked(home: string): AgentVaultError {
  return new AgentVaultError('vault', `the vault at ${home} is locked`, {
    code: 'VAULT_LOCKED',
    // A refusal the person resolves, not a fault: exit 1 like other refusals.
    exitCode: 1,
    hint: LOCK_MSG.unlockHint,
  });
}

function provider(home: string, options: VaultOptions): KeyProvider {
  if (options.keyProvider) return options.keyProvider;
  const found = vaultProvider(home);
  if (found?.provider === 'passphrase') throw vaultLocked(home);
  if (found?.provider === 'env') {
    throw vaultError('VAULT_KEY_MISSING', `the vault at ${home} takes its key from the environment, and AGENT_VAULT_KEY_ENV is not set`, 'Set AGENT_VAULT_KEY_ENV to the name of the variable holding the base64 key.');
  }
  return new KeyFileProvider(vaultPaths(home).key);
}

/** The key provider's file on disk, whose permissions matter; undefined for providers without one. */
function keyFileOf(p: KeyProvider): string | undefined {
  return p instanceof KeyFileProvider ? p.path : undefined;
}

/** Create the vault folder, key and an empty vault. Returns false when one already exists. */
export function initVault(home: string, options: VaultOptions = {}): { created: boolean } {
  const paths = vaultPaths(home);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  try {
    chmodSync(home, 0o700);
  } catch {
    /* not ours to change; the key and vault files are still 0600 */
  }
  return withLock(
    paths.lock,
    () => {
      const keyProvider = provider(home, options);
      if (exists(paths.file)) {
        // Make sure what is there opens; a damaged vault is reported, never replaced.
        checkPermissions(home, keyFileOf(keyProvider));
        loadDocument(home, deriveKeys(keyProvider.load()), { locked: true });
        return { created: false };
      }
      if (exists(paths.backup)) {
        throw vaultError('VAULT_MISSING', `${paths.file} is missing but its backup exists`, `Restore it instead of starting over: cp "${paths.backup}" "${paths.file}"`);
      }
      if (keyProvider.exists()) checkPermissions(home, keyFileOf(keyProvider));
      const master = keyProvider.exists() ? keyProvider.load() : keyProvider.create();
      const keys = deriveKeys(master);
      // A vault started again beside an old generation record continues above it.
      const record = readGeneration(home, keys);
      const generation = (record.state === 'ok' ? record.generation : 0) + 1;
      writeFileAtomicSync(paths.file, Buffer.from(serialize(documentOf(keys, options.header, keyCheck(keys), generation, {}))), 0o600);
      writeGeneration(home, keys, generation);
      return { created: true };
    },
    { timeoutMs: options.lockTimeoutMs },
  );
}

/** Open and verify the vault. Throws AgentVaultError kind 'vault' with a hint. */
export function openVault(home: string, options: VaultOptions = {}): Vault {
  const paths = vaultPaths(home);
  if (!exists(paths.file)) throw vaultMissing(home);
  const keyProvider = provider(home, options);
  checkPermissions(home, keyFileOf(keyProvider));
  const keys = deriveKeys(keyProvider.load());
  // The lock keeps a concurrent writer from moving the generation between our two reads.
  const doc = options.acceptRollback
    ? withLock(paths.lock, () => loadDocument(home, keys, { ...options, locked: true }), { timeoutMs: options.lockTimeoutMs })
    : loadDocument(home, keys, { ...options, locked: false });
  return new FileVault(home, keys, doc, { ...options, acceptRollback: false });
}

const ORIGINS: readonly ValueOrigin[] = ['terminal', 'script'];

/** Internal keys are flagged, and the reserved names are internal in vaults written before the flag. */
const isInternal = (key: string, e: EntryRecord) => e.internal === true || isReservedInternalName(key);

function metaOf(key: string, e: EntryRecord): KeyMeta {
  return {
    key,
    description: e.description,
    created: e.created,
    updated: e.updated,
    length: e.length,
    version: e.version,
    earlierValues: e.earlier.length,
    origin: e.origin ?? 'terminal',
    bindings: isInternal(key, e) ? [] : [...(e.bindings ?? [])],
    internal: isInternal(key, e),
  };
}

function keyNotFound(key: string): AgentVaultError {
  return new AgentVaultError('refused', `Secret "${key}" not found in vault`, { code: 'SECRET_NOT_FOUND', hint: 'agent-vault list shows the keys there are.' });
}

class FileVault implements Vault {
  constructor(
    readonly home: string,
    private readonly keys: VaultKeys,
    private doc: VaultDocument,
    private readonly options: VaultOptions,
  ) {}

  private entry(key: string): EntryRecord | undefined {
    return Object.hasOwn(this.doc.entries, key) ? this.doc.entries[key] : undefined;
  }

  get generation(): number {
    return this.doc.generation ?? 0;
  }

  has(key: string): boolean {
    return this.entry(key) !== undefined;
  }

  list(): KeyMeta[] {
    return Object.keys(this.doc.entries)
      .sort()
      .map((k) => metaOf(k, this.doc.entries[k]!));
  }

  private decrypt(key: string, version: number, sealed: SealedValue): Buffer {
    const value = open(this.keys, key, version, sealed);
    if (!value) {
      throw vaultError('VAULT_TAMPERED', `the value of "${key}" fails authentication`, `The vault was altered. Restore ${vaultPaths(this.home).file} from ${vaultPaths(this.home).backup} or your own backup.`);
    }
    return value;
  }

  get(key: string): Buffer | undefined {
    const e = this.entry(key);
    return e && this.decrypt(key, e.version, e.value);
  }

  redactionValues(): VaultedValue[] {
    const out: VaultedValue[] = [];
    for (const [key, e] of Object.entries(this.doc.entries)) out.push({ key, value: this.decrypt(key, e.version, e.value), origin: e.origin ?? 'terminal' });
    // Earlier values after every current one: when two keys ever shared bytes, the
    // current owner keeps them.
    for (const [key, e] of Object.entries(this.doc.entries)) {
      for (const old of e.earlier) out.push({ key, value: this.decrypt(key, old.version, old), origin: old.origin ?? 'terminal' });
    }
    return out;
  }

  header(): VaultHeader | undefined {
    return this.doc.header;
  }

  totpSecret(): Buffer | undefined {
    const h = this.doc.header;
    if (h?.provider !== 'passphrase' || !h.totp) return undefined;
    return this.decrypt(TOTP_ENTRY, 0, h.totp.secret);
  }

  acceptTotpStep(step: number): boolean {
    return this.update((doc) => {
      const h = doc.header;
      if (h?.provider !== 'passphrase' || !h.totp || step <= h.totp.lastStep) return false;
      doc.header = { ...h, totp: { ...h.totp, lastStep: step } };
      return true;
    });
  }

  setTotp(totp: { secret: Buffer; step: number } | undefined): void {
    this.update((doc) => {
      const h = doc.header;
      if (h?.provider !== 'passphrase') throw vaultError('VAULT_NO_PASSPHRASE', 'TOTP needs a passphrase vault', 'Move to one first: agent-vault key migrate --to passphrase');
      const { totp: _old, ...rest } = h;
      doc.header = totp ? { ...rest, totp: { secret: seal(this.keys, TOTP_ENTRY, 0, totp.secret), lastStep: totp.step } } : rest;
      return true;
    });
  }

  rewrap(kdf: string, wrappedKey: SealedValue): void {
    this.update((doc) => {
      const h = doc.header;
      if (h?.provider !== 'passphrase') return false;
      doc.header = { ...h, kdf, wrappedKey };
      return true;
    });
  }

  rekey(master: Buffer, header: VaultHeader | undefined): Vault {
    const paths = vaultPaths(this.home);
    const next = deriveKeys(master);
    return withLock(
      paths.lock,
      () => {
        const before = readFileSync(paths.file);
        const doc = loadDocument(this.home, this.keys, { ...this.options, locked: true });
        const generation = doc.generation ?? 0;
        const plain = new Map<string, Buffer[]>();
        const entries: Record<string, EntryRecord> = {};
        for (const [key, e] of Object.entries(doc.entries)) {
          const values = [this.decrypt(key, e.version, e.value), ...e.earlier.map((old) => this.decrypt(key, old.version, old))];
          plain.set(key, values);
          entries[key] = {
            ...e,
            value: seal(next, key, e.version, values[0]!),
            earlier: e.earlier.map((old, i) => ({ ...seal(next, key, old.version, values[i + 1]!), version: old.version, retired: old.retired })),
          };
        }
        // The second factor moves with the vault when it stays a passphrase vault.
        const oldTotp = doc.header?.provider === 'passphrase' ? doc.header.totp : undefined;
        let newHeader = header;
        if (newHeader?.provider === 'passphrase' && oldTotp && !newHeader.totp) {
          newHeader = { ...newHeader, totp: { secret: seal(next, TOTP_ENTRY, 0, this.decrypt(TOTP_ENTRY, 0, oldTotp.secret)), lastStep: oldTotp.lastStep } };
        }
        const bytes = Buffer.from(serialize(documentOf(next, newHeader, keyCheck(next), generation + 1, entries, doc.approvals, doc.providedBindings)));
        // First a generation record that both keys verify, so whichever vault.json a crash
        // leaves (the old one under the old key, the new one under the new key) opens.
        writeGeneration(this.home, this.keys, generation, next);
        writeFileAtomicSync(paths.backup, before, 0o600);
        writeFileAtomicSync(paths.file, bytes, 0o600);
        writeGeneration(this.home, next, generation + 1);
        // Verify what is on disk now, under the new key, value by value.
        const reopened = new FileVault(this.home, next, loadDocument(this.home, next, { ...this.options, locked: true }), this.options);
        for (const [key, values] of plain) {
          const e = reopened.doc.entries[key];
          const again = e ? [reopened.decrypt(key, e.version, e.value), ...e.earlier.map((old) => reopened.decrypt(key, old.version, old))] : [];
          if (again.length !== values.length || again.some((v, i) => !v.equals(values[i]!))) {
            throw vaultError('VAULT_TAMPERED', `re-encrypting "${key}" did not verify`, `Nothing was lost: ${paths.backup} holds the vault under the old key; restore it with cp "${paths.backup}" "${paths.file}".`);
          }
        }
        // The backup held the document under the old key (and the old wrapped key): drop it.
        writeFileAtomicSync(paths.backup, bytes, 0o600);
        return reopened;
      },
      { timeoutMs: this.options.lockTimeoutMs },
    );
  }

  approvals(): ApprovalsState {
    return structuredClone(this.doc.approvals ?? emptyApprovals());
  }

  signAuditCheckpoint(message: Uint8Array): { signature: Buffer; publicKey: Buffer } {
    return signWithSeed(this.keys.audit, message);
  }

  updateApprovals<T>(change: (state: ApprovalsState) => { changed: boolean; result: T }): T {
    let result: T | undefined;
    this.update((doc) => {
      const state = structuredClone(doc.approvals ?? emptyApprovals());
      const r = change(state);
      result = r.result;
      if (r.changed) doc.approvals = state;
      return r.changed;
    });
    return result as T;
  }

  close(): void {
    this.keys.encryption.fill(0);
    this.keys.integrity.fill(0);
    this.keys.audit.fill(0);
  }

  /** Re-read the file under the lock, change it, write it atomically keeping a backup. */
  private update(change: (doc: VaultDocument) => boolean): boolean {
    const paths = vaultPaths(this.home);
    return withLock(
      paths.lock,
      () => {
        const before = readFileSync(paths.file);
        const doc = loadDocument(this.home, this.keys, { locked: true });
        const changed = change(doc);
        if (changed) {
          const next = documentOf(this.keys, doc.header, doc.keyCheck, (doc.generation ?? 0) + 1, doc.entries, doc.approvals, doc.providedBindings);
          writeFileAtomicSync(paths.backup, before, 0o600);
          writeFileAtomicSync(paths.file, Buffer.from(serialize(next)), 0o600);
          // After vault.json: a crash in between leaves the record behind, which opening repairs.
          writeGeneration(this.home, this.keys, next.generation!);
          this.doc = next;
        } else {
          this.doc = doc;
        }
        return changed;
      },
      { timeoutMs: this.options.lockTimeoutMs },
    );
  }

  set(key: string, value: Buffer, opts: { description?: string; origin?: ValueOrigin } = {}): void {
    this.setMany([{ key, value, ...opts, origin: opts.origin ?? 'terminal' }]);
  }

  setMany(entries: NewEntry[], options: { createOnly?: boolean } = {}): void {
    for (const { key, internal, bindings } of entries) {
      if (!isValidKey(key)) throw new AgentVaultError('usage', `"${key}" is not a valid key name`, { hint: 'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit (e.g. openai-key).' });
      if (isReservedInternalName(key) && !internal) throw new AgentVaultError('usage', `"${key}" is a name agent-vault keeps for its own keys`, { hint: 'Skill signing keys are made by agent-vault skill keygen; choose another name.' });
      if (internal && bindings?.length) throw new AgentVaultError('usage', `"${key}" is an internal key and cannot be bound to files`);
    }
    this.update((doc) => {
      const now = new Date().toISOString();
      if (options.createOnly) {
        const existing = entries.filter((e) => Object.hasOwn(doc.entries, e.key)).map((e) => e.key);
        if (existing.length) {
          throw new AgentVaultError('refused', `${existing.map((k) => `"${k}"`).join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'}; a value set without a terminal may create a key, never replace one`, {
            code: 'KEY_EXISTS',
            hint: `Nothing was changed. To replace it, ask the user to run in their own terminal: ${existing.map((k) => `agent-vault set ${k}`).join('; ')}`,
          });
        }
      }
      for (const { key, value, description, origin, bindings, internal } of entries) {
        const prior = Object.hasOwn(doc.entries, key) ? doc.entries[key] : undefined;
        const extra = { ...(internal ? { internal: true as const } : {}), ...(bindings?.length ? { bindings: [...new Set([...(prior?.bindings ?? []), ...bindings])] } : {}) };
        if (!prior) {
          doc.entries[key] = { description: description ?? null, created: now, updated: now, length: value.length, version: 1, value: seal(this.keys, key, 1, value), earlier: [], origin, ...extra };
          continue;
        }
        const current = this.decrypt(key, prior.version, prior.value);
        const version = prior.version + 1;
        const retired: EarlierValue = { ...prior.value, version: prior.version, retired: now, ...(prior.origin ? { origin: prior.origin } : {}) };
        const earlier = current.equals(value) ? prior.earlier : [retired, ...prior.earlier];
        doc.entries[key] = {
          ...prior,
          description: description ?? prior.description,
          created: prior.created,
          updated: now,
          length: value.length,
          version,
          value: seal(this.keys, key, version, value),
          earlier,
          origin,
          ...extra,
        };
      }
      return true;
    });
  }

  remove(key: string): boolean {
    return this.update((doc) => {
      if (!Object.hasOwn(doc.entries, key)) return false;
      delete doc.entries[key];
      return true;
    });
  }

  /** Change one existing entry under the lock; `change` says whether it changed anything. */
  private updateEntry<T>(key: string, change: (e: EntryRecord) => { changed: boolean; result: T }): T {
    let result: T | undefined;
    this.update((doc) => {
      const e = Object.hasOwn(doc.entries, key) ? doc.entries[key] : undefined;
      if (!e) throw keyNotFound(key);
      const r = change(e);
      result = r.result;
      return r.changed;
    });
    return result as T;
  }

  bind(key: string, globs: string[]): string[] {
    return this.updateEntry(key, (e) => {
      if (isInternal(key, e)) throw new AgentVaultError('refused', `"${key}" is a key agent-vault uses itself (skill signing); it is never written to a file, so it cannot be bound`, { code: 'KEY_INTERNAL', hint: 'Nothing was changed.' });
      const have = e.bindings ?? [];
      const added = [...new Set(globs)].filter((g) => !have.includes(g));
      if (added.length) e.bindings = [...have, ...added];
      return { changed: added.length > 0, result: added };
    });
  }

  unbind(key: string, globs?: string[]): string[] {
    return this.updateEntry(key, (e) => {
      const have = e.bindings ?? [];
      const removed = globs ? have.filter((g) => globs.includes(g)) : have;
      if (!removed.length) return { changed: false, result: [] };
      const kept = have.filter((g) => !removed.includes(g));
      if (kept.length) e.bindings = kept;
      else delete e.bindings;
      return { changed: true, result: removed };
    });
  }

  providedBindings(): Record<string, string[]> {
    return structuredClone(this.doc.providedBindings ?? {});
  }

  bindProvided(key: string, globs: string[] | undefined, add: boolean): string[] {
    if (!isValidKey(key)) throw new AgentVaultError('usage', `"${key}" is not a valid key name`);
    let result: string[] = [];
    this.update((doc) => {
      // A key the vault holds keeps its bindings on its entry (bind); this map is for the others.
      if (Object.hasOwn(doc.entries, key)) throw new AgentVaultError('internal', `"${key}" is in the vault; its bindings live on its entry`);
      const all = { ...(doc.providedBindings ?? {}) };
      const have = all[key] ?? [];
      result = add ? [...new Set(globs ?? [])].filter((g) => !have.includes(g)) : globs ? have.filter((g) => globs.includes(g)) : have;
      if (!result.length) return false;
      const kept = add ? [...have, ...result] : have.filter((g) => !result.includes(g));
      if (kept.length) all[key] = kept;
      else delete all[key];
      if (Object.keys(all).length) doc.providedBindings = all;
      else delete doc.providedBindings;
      return true;
    });
    return result;
  }

  prune(key: string): number {
    return this.updateEntry(key, (e) => {
      const dropped = e.earlier.length;
      e.earlier = [];
      return { changed: dropped > 0, result: dropped };
    });
  }
}
