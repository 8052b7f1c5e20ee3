import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync, fsyncSync, statSync } from 'node:fs';
import { AgentVaultError } from '../errors.js';

/**
 * Where the 256-bit master key comes from. The key file is the first provider; a
 * passphrase with a memory-hard KDF, an OS keychain or a CI key from the environment plug
 * in behind the same interface.
 */
export interface KeyProvider {
  /** Shown in messages, e.g. the key file's path. */
  readonly description: string;
  exists(): boolean;
  /** The 32-byte master key; throws AgentVaultError (vault) when it is missing or invalid. */
  load(): Buffer;
  /** Create a new key (never overwrites one) and return it. */
  create(): Buffer;
}

const MASTER_KEY_BYTES = 32;

export class KeyFileProvider implements KeyProvider {
  constructor(readonly path: string) {}

  get description(): string {
    return this.path;
  }

  exists(): boolean {
    try {
      statSync(this.path);
      return true;
    } catch {
      return false;
    }
  }

  load(): Buffer {
    let key: Buffer;
    try {
      key = readFileSync(this.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new AgentVaultError('vault', `the vault's key file ${this.path} ${code === 'ENOENT' ? 'is missing' : `cannot be read (${code})`}`, {
        code: 'VAULT_KEY_MISSING',
        hint: `Without it the vault cannot be decrypted. Restore ${this.path} from your backup; agent-vault never creates a new key for an existing vault.`,
      });
    }
    if (key.length !== MASTER_KEY_BYTES) {
      throw new AgentVaultError('vault', `the vault's key file ${this.path} holds ${key.length} bytes, not ${MASTER_KEY_BYTES}`, {
        code: 'VAULT_KEY_MISSING',
        hint: `It was truncated or replaced. Restore ${this.path} from your backup.`,
      });
    }
    return key;
  }

  create(): Buffer {
    const key = randomBytes(MASTER_KEY_BYTES);
    // 'wx': fail rather than replace a key that already exists.
    const fd = openSync(this.path, 'wx', 0o600);
    try {
      writeSync(fd, key);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return key;
  }
}
