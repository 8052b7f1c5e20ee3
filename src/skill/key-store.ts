import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentVaultHome, privateDir, writeAtomic } from './home.js';

/** Key ids: the vault's placeholder-key grammar, so `skill-signing-<kid>` is a valid vault key. */
export const KID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Vault key holding the private signing key of a key id. */
export const signingKeyName = (kid: string) => `skill-signing-${kid}`;

/**
 * Where private signing keys live. The agreed home is the vault (src/vault, being written
 * on another branch: get/set/has by key); this interface is the seam, so wiring the vault in
 * is one adapter. Values are PKCS#8 DER.
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
 * Interim store until the vault lands: one 0600 file per key under
 * $AGENT_VAULT_HOME/skill-keys (folder 0700), named by the vault key. Replace with the
 * vault adapter in openSigningKeyStore when src/vault is merged.
 */
export class FileSigningKeyStore implements SigningKeyStore {
  constructor(readonly location: string) {}
  private file(kid: string) {
    if (!KID.test(kid)) throw new Error(`invalid key id ${JSON.stringify(kid)}`);
    return join(this.location, `${signingKeyName(kid)}.pk8`);
  }
  get(kid: string) {
    const f = this.file(kid);
    return existsSync(f) ? readFileSync(f) : undefined;
  }
  set(kid: string, der: Buffer) {
    privateDir(this.location);
    writeAtomic(this.file(kid), der, 0o600);
  }
  has(kid: string) {
    return existsSync(this.file(kid));
  }
}

export function openSigningKeyStore(env: NodeJS.ProcessEnv): SigningKeyStore {
  return new FileSigningKeyStore(join(agentVaultHome(env), 'skill-keys'));
}
