import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultedValue } from '../core/redact.js';
import { isValidKey } from '../core/placeholder.js';
import { AgentVaultError } from '../errors.js';
import { LOCK_MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { deriveKeys, keyCheck, mac, open, sameHex, seal, type SealedValue, type VaultKeys } from './crypto.js';
import { KeyFileProvider, type KeyProvider } from './key-provider.js';
import { withLock } from './lock.js';


/**
 * The vault: one folder ($AGENT_VAULT_HOME, default ~/.agent-vault, mode 0700) holding
 *   vault.json      entries, each value sealed on its own (AES-256-GCM, fresh IV, the key
 *                   name and entry version as associated data), plus an HMAC over the
 *                   whole document so a changed byte anywhere is detected
 *   vault.json.bak  the state before the last write
 *   vault.key       the 32-byte master key (key-file provider), mode 0600
 * A vault whose key comes from elsewhere carries a header naming its provider (covered by
 * the MAC): `passphrase` holds the master key wrapped under an Argon2id-derived key (see
 * passphrase.ts) and, with TOTP on, the sealed TOTP secret and the last accepted time step;
 * `env` stores nothing (CI: the key is in an environment variable). A vault.json without a
 * header is a key-file vault, as every vault was before headers.
 *   vault.lock      present while a process writes (see lock.ts)
 * Reads verify everything before any value is used; writes re-read the file under the lock,
 * so concurrent writers never lose each other's changes.
 */

const VAULT_FORMAT = 'agent-vault/1';
/**
 * The associated-data name the TOTP secret is sealed under: not a valid key name, so it can
 * never be confused with (or swapped for) an entry, and it is never listed or materialised.
 */
const TOTP_ENTRY = '#totp';
/** Earlier values kept per key so redaction still catches a rotated-out value. */
const MAX_EARLIER_VALUES = 20;

export interface KeyMeta {
  key: string;
  description: string | null;
  created: string;
  updated: string;
  /** Length of the current value in bytes. */
  length: number;
  version: number;
  earlierValues: number;
}

interface EarlierValue extends SealedValue {
  version: number;
  retired: string;
}

interface EntryRecord {
  description: string | null;
  created: string;
  updated: string;
  length: number;
  version: number;
  value: SealedValue;
  earlier: EarlierValue[];
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
  entries: Record<string, EntryRecord>;
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
  /** Locked, atomic; keeps the earlier value. */
  set(key: string, value: Buffer, opts?: { description?: string }): void;
  /** Several keys in one locked, atomic write (import). */
  setMany(entries: { key: string; value: Buffer; description?: string }[]): void;
  remove(key: string): boolean;
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
  /** Forget the derived keys (zeroed). The vault cannot be used afterwards. */
  close(): void;
}

export interface VaultOptions {
  keyProvider?: KeyProvider;
  lockTimeoutMs?: number;
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

function macOf(keys: VaultKeys, doc: Omit<VaultDocument, 'mac'>): string {
  // A header-less (key-file) vault keeps the exact MAC input it always had.
  return mac(keys, JSON.stringify({ format: doc.format, ...(doc.header ? { header: doc.header } : {}), keyCheck: doc.keyCheck, entries: doc.entries }));
}

/** A document in its canonical key order (the order serialize() writes and verify() expects). */
function documentOf(header: VaultHeader | undefined, keyCheckHex: string, entries: Record<string, EntryRecord>): Omit<VaultDocument, 'mac'> {
  return { format: VAULT_FORMAT, ...(header ? { header } : {}), keyCheck: keyCheckHex, entries };
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
    (doc.header !== undefined && !headerShapeOk(doc.header))
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
    if (!isValidKey(key) || typeof e?.value?.iv !== 'string' || !Array.isArray(e.earlier) || typeof e.version !== 'number') {
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
function loadDocument(home: string, keys: VaultKeys): VaultDocument {
  const paths = vaultPaths(home);
  const text = readText(paths.file);
  if (text === undefined) {
    throw vaultMissing(home);
  }
  const verdict = verify(text, keys);
  if (verdict.ok) return verdict.doc;
  const backupText = readText(paths.backup);
  const backupOk = backupText !== undefined && verify(backupText, keys).ok;
  const hint = backupOk
    ? `Nothing was changed. The state before the last write is in ${paths.backup} and verifies; to go back to it, run: cp "${paths.backup}" "${paths.file}"`
    : `Nothing was changed. ${backupText === undefined ? 'There is no backup' : `The backup ${paths.backup} does not verify either`}; restore ${paths.file} (and vault.key) from your own backup.`;
  throw vaultError(verdict.code, `the vault file ${paths.file} ${verdict.why}`, hint);
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
        loadDocument(home, deriveKeys(keyProvider.load()));
        return { created: false };
      }
      if (exists(paths.backup)) {
        throw vaultError('VAULT_MISSING', `${paths.file} is missing but its backup exists`, `Restore it instead of starting over: cp "${paths.backup}" "${paths.file}"`);
      }
      const master = keyProvider.exists() ? keyProvider.load() : keyProvider.create();
      const keys = deriveKeys(master);
      const doc = documentOf(options.header, keyCheck(keys), {});
      writeFileAtomicSync(paths.file, Buffer.from(serialize({ ...doc, mac: macOf(keys, doc) })), 0o600);
      return { created: true };
    },
    { timeoutMs: options.lockTimeoutMs },
  );
}

/** Open and verify the vault. Throws AgentVaultError kind 'vault' with a hint. */
export function openVault(home: string, options: VaultOptions = {}): Vault {
  const paths = vaultPaths(home);
  if (!exists(paths.file)) throw vaultMissing(home);
  const keys = deriveKeys(provider(home, options).load());
  return new FileVault(home, keys, loadDocument(home, keys), options);
}

function metaOf(key: string, e: EntryRecord): KeyMeta {
  return { key, description: e.description, created: e.created, updated: e.updated, length: e.length, version: e.version, earlierValues: e.earlier.length };
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
    for (const [key, e] of Object.entries(this.doc.entries)) out.push({ key, value: this.decrypt(key, e.version, e.value) });
    // Earlier values after every current one: when two keys ever shared bytes, the
    // current owner keeps them.
    for (const [key, e] of Object.entries(this.doc.entries)) {
      for (const old of e.earlier) out.push({ key, value: this.decrypt(key, old.version, old) });
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
        const doc = loadDocument(this.home, this.keys);
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
        const body = documentOf(newHeader, keyCheck(next), entries);
        const bytes = Buffer.from(serialize({ ...body, mac: macOf(next, body) }));
        writeFileAtomicSync(paths.backup, before, 0o600);
        writeFileAtomicSync(paths.file, bytes, 0o600);
        // Verify what is on disk now, under the new key, value by value.
        const reopened = new FileVault(this.home, next, loadDocument(this.home, next), this.options);
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

  close(): void {
    this.keys.encryption.fill(0);
    this.keys.integrity.fill(0);
  }

  /** Re-read the file under the lock, change it, write it atomically keeping a backup. */
  private update(change: (doc: VaultDocument) => boolean): boolean {
    const paths = vaultPaths(this.home);
    return withLock(
      paths.lock,
      () => {
        const before = readFileSync(paths.file);
        const doc = loadDocument(this.home, this.keys);
        const changed = change(doc);
        if (changed) {
          const body = documentOf(doc.header, doc.keyCheck, doc.entries);
          const next: VaultDocument = { ...body, mac: macOf(this.keys, body) };
          writeFileAtomicSync(paths.backup, before, 0o600);
          writeFileAtomicSync(paths.file, Buffer.from(serialize(next)), 0o600);
          this.doc = next;
        } else {
          this.doc = doc;
        }
        return changed;
      },
      { timeoutMs: this.options.lockTimeoutMs },
    );
  }

  set(key: string, value: Buffer, opts: { description?: string } = {}): void {
    this.setMany([{ key, value, ...opts }]);
  }

  setMany(entries: { key: string; value: Buffer; description?: string }[]): void {
    for (const { key } of entries) {
      if (!isValidKey(key)) throw new AgentVaultError('usage', `"${key}" is not a valid key name`, { hint: 'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit (e.g. openai-key).' });
    }
    this.update((doc) => {
      const now = new Date().toISOString();
      for (const { key, value, description } of entries) {
        const prior = Object.hasOwn(doc.entries, key) ? doc.entries[key] : undefined;
        if (!prior) {
          doc.entries[key] = { description: description ?? null, created: now, updated: now, length: value.length, version: 1, value: seal(this.keys, key, 1, value), earlier: [] };
          continue;
        }
        const current = this.decrypt(key, prior.version, prior.value);
        const version = prior.version + 1;
        const earlier = current.equals(value) ? prior.earlier : [{ ...prior.value, version: prior.version, retired: now }, ...prior.earlier].slice(0, MAX_EARLIER_VALUES);
        doc.entries[key] = {
          description: description ?? prior.description,
          created: prior.created,
          updated: now,
          length: value.length,
          version,
          value: seal(this.keys, key, version, value),
          earlier,
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
}
