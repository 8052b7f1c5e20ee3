import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { initVault, openVault, vaultHome, vaultPaths } from '../vault/index.js';

/** Key ids: the vault's placeholder-key grammar, so `skill-signing-<kid>` is a valid vault key. */
export const KID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Vault key holding the private signing key of a key id. */
export const signingKeyName = (kid: string) => `skill-signing-${kid}`;

/**
 * Where private signing keys live: the vault, under `skill-signing-<kid>`. The interface
 * keeps the skill code independent of the vault's other duties (and lets unit tests use
 * memory). Values are PKCS#8 DER.
 */
export interface SigningKeyStore {
  get(kid: string): Buffer | undefined;
  set(kid: string, pkcs8Der: Buffer, description: string): void;
  has(kid: string): boolean;
  /** Where the keys are, for messages (never the key itself). */
  readonly location: string;
}

/** Test double. */
export class MemorySigningKeyStore implements SigningKeyStore {
  private readonly keys = new Map<string, Buffer>();
  readonly location = 'memory';
  get(kid: string) {
    return this.keys.get(signingKeyName(kid));
  }
  set(kid: string, der: Buffer) {
    this.keys.set(signingKeyName(kid), Buffer.from(der));
  }
  has(kid: string) {
    return this.keys.has(signingKeyName(kid));
  }
}

/**
 * The real store: the agent-vault vault ($AGENT_VAULT_HOME/vault.json, each value
 * encrypted on its own). The vault is created on first use (keygen is a sensitive,
 * terminal-only command, like agent-vault init). Because every vault value is also a
 * redaction target, a private key that ever lands in a file is redacted like any secret.
 */
export class VaultSigningKeyStore implements SigningKeyStore {
  constructor(private readonly home: string) {}
  get location(): string {
    return `the vault at ${this.home}`;
  }
  private exists(): boolean {
    return existsSync(vaultPaths(this.home).file);
  }
  get(kid: string) {
    return this.exists() ? openVault(this.home).get(signingKeyName(kid)) : undefined;
  }
  set(kid: string, der: Buffer, description: string) {
    initVault(this.home);
    openVault(this.home).set(signingKeyName(kid), der, { description });
  }
  has(kid: string) {
    return this.exists() && openVault(this.home).has(signingKeyName(kid));
  }
}

export function openSigningKeyStore(env: NodeJS.ProcessEnv): SigningKeyStore {
  return new VaultSigningKeyStore(resolve(vaultHome(env)));
}
