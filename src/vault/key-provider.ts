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

/**
 * A master key already in memory: the passphrase provider's key once unwrapped (unlock, the
 * session agent), or a new one being written for the first time (init --passphrase, key
 * migrate). Never touches the disk; `create()` hands out the key it holds.
 */
export class MemoryKeyProvider implements KeyProvider {
  constructor(
    private readonly key: Buffer,
    readonly description = 'the unlocked session key',
  ) {
    if (key.length !== MASTER_KEY_BYTES) throw new AgentVaultError('internal', `a master key must be ${MASTER_KEY_BYTES} bytes`);
  }

  exists(): boolean {
    return true;
  }

  load(): Buffer {
    return this.key;
  }

  create(): Buffer {
    return this.key;
  }
}

/** A new random master key. */
export function newMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

/**
 * The CI provider: the master key, base64, in an environment variable whose NAME is given by
 * AGENT_VAULT_KEY_ENV. Both come from the process environment only (never from repository
 * configuration, which an agent can edit). Off unless AGENT_VAULT_KEY_ENV is set. Any
 * process that sees that environment can decrypt the vault: that is the trade-off, for CI
 * runners that must smudge without a person.
 */
export class EnvKeyProvider implements KeyProvider {
  constructor(
    readonly variable: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get description(): string {
    return `the environment variable ${this.variable} (named by AGENT_VAULT_KEY_ENV)`;
  }

  exists(): boolean {
    return !!this.env[this.variable];
  }

  load(): Buffer {
    const text = this.env[this.variable]?.trim();
    const hint = `Set ${this.variable} to the vault's 32-byte master key in base64 (for example: base64 -w0 < vault.key), or unset AGENT_VAULT_KEY_ENV to use the vault's own key provider.`;
    if (!text) throw new AgentVaultError('vault', `AGENT_VAULT_KEY_ENV names ${this.variable}, which is not set or is empty`, { code: 'VAULT_KEY_MISSING', hint });
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
    if (key.length !== MASTER_KEY_BYTES) {
      throw new AgentVaultError('vault', `${this.variable} does not hold a base64 ${MASTER_KEY_BYTES}-byte key`, { code: 'VAULT_KEY_MISSING', hint });
    }
    return key;
  }

  create(): Buffer {
    return this.load();
  }
}

/** The env provider when AGENT_VAULT_KEY_ENV is set (process environment only), else undefined. */
export function envKeyProvider(env: NodeJS.ProcessEnv): EnvKeyProvider | undefined {
  const name = env.AGENT_VAULT_KEY_ENV?.trim();
  if (!name) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new AgentVaultError('usage', 'AGENT_VAULT_KEY_ENV must hold the NAME of an environment variable (letters, digits, _), not the key itself', {
      hint: 'For example: AGENT_VAULT_KEY_ENV=AGENT_VAULT_KEY with the base64 key in AGENT_VAULT_KEY. Its value is not shown here, since it may be the key.',
    });
  }
  return new EnvKeyProvider(name, env);
}
