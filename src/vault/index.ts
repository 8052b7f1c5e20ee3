import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultedValue } from '../core/redact.js';
import { isValidKey } from '../core/placeholder.js';
import { AgentVaultError } from '../errors.js';
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
 *   vault.lock      present while a process writes (see lock.ts)
 * Reads verify everything before any value is used; writes re-read the file under the lock,
 * so concurrent writers never lose each other's changes.
 */

const VAULT_FORMAT = 'agent-vault/1';
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

interface VaultDocument {
  format: string;
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
}

export interface VaultOptions {
  keyProvider?: KeyProvider;
  lockTimeoutMs?: number;
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
  return mac(keys, JSON.stringify({ format: doc.format, keyCheck: doc.keyCheck, entries: doc.entries }));
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
    doc.entries === null
  ) {
    return { ok: false, code: 'VAULT_DAMAGED', why: `does not have the ${VAULT_FORMAT} layout` };
  }
  if (!sameHex(doc.keyCheck, keyCheck(keys))) {
    return { ok: false, code: 'VAULT_TAMPERED', why: 'was not written with this vault.key (the key file was replaced, or the vault was altered)' };
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

function provider(home: string, options: VaultOptions): KeyProvider {
  return options.keyProvider ?? new KeyFileProvider(vaultPaths(home).key);
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
      const doc: Omit<VaultDocument, 'mac'> = { format: VAULT_FORMAT, keyCheck: keyCheck(keys), entries: {} };
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
          const body: Omit<VaultDocument, 'mac'> = { format: VAULT_FORMAT, keyCheck: doc.keyCheck, entries: doc.entries };
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
