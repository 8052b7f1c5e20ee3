import type { Vault } from '../vault/index.js';
import type { SecretProvider } from './provider.js';

/**
 * The local vault as a provider: the first link of the session's chain (session/local.ts
 * reads it through the Vault itself, because it also keeps bindings, earlier values and
 * approvals), and the reference implementation the provider contract tests hold the others to.
 * Internal keys (skill signing) are agent-vault's own and are never handed out as a provider.
 */
export class LocalVaultProvider implements SecretProvider {
  readonly name = 'local';

  constructor(private readonly vault: Vault) {}

  async list(): Promise<string[]> {
    return this.vault
      .list()
      .filter((m) => !m.internal)
      .map((m) => m.key)
      .sort();
  }

  async get(name: string): Promise<Buffer | undefined> {
    const meta = this.vault.list().find((m) => m.key === name);
    return meta && !meta.internal ? this.vault.get(name) : undefined;
  }

  async set(name: string, value: Buffer): Promise<void> {
    this.vault.set(name, value);
  }
}
