import { dirname, isAbsolute, resolve } from 'node:path';
import { providerFor, type KeyRoute, type ProvidersConfig } from '../config/providers.js';
import { ProtectedFolders } from '../platform/safe-path.js';
import { EnvFileProvider } from './envfile.js';
import { OnePasswordProvider } from './onepassword.js';
import { providerSource, type KeySource, type SecretProvider } from './provider.js';

/** A value a provider handed in, with where it came from. */
export interface ProvidedValue {
  key: string;
  source: KeySource;
  value: Buffer;
}

/**
 * The configured providers and the routes from keys to them: the part of the session's chain
 * after the local and team vaults. `values()` asks every routed provider for every key routed
 * to it, once per session, so redaction (read, the clean filter, the gates) covers every value
 * a provider can hand in, not only the ones a placeholder names. A provider that fails fails
 * the operation: redaction that silently missed its values could show one.
 */
export class ProviderChain {
  constructor(
    private readonly providers: ReadonlyMap<string, SecretProvider>,
    private readonly routes: readonly KeyRoute[],
  ) {}

  /** The chain a configuration describes, or undefined when it routes no key to a provider. */
  static fromConfig(config: { file: string | undefined; providers: ProvidersConfig }, context: { cwd: string; env: NodeJS.ProcessEnv; home: string }): ProviderChain | undefined {
    const { providers: specs, keys } = config.providers;
    if (!keys.length) return undefined;
    // Relative paths are taken from the configuration file's folder (the repository root).
    const base = config.file ? dirname(resolve(context.cwd, config.file)) : context.cwd;
    const folders = new ProtectedFolders([context.home]);
    const providers = new Map<string, SecretProvider>();
    for (const name of new Set(keys.map((k) => k.provider))) {
      const spec = specs[name];
      if (!spec) continue;
      if (spec.type === 'envfile') providers.set(name, new EnvFileProvider(name, isAbsolute(spec.path) ? spec.path : resolve(base, spec.path), folders));
      else {
        providers.set(
          name,
          new OnePasswordProvider({ name, vault: spec.vault, account: spec.account, tokenEnv: spec.tokenEnv, field: spec.field, timeoutMs: spec.timeoutSeconds ? spec.timeoutSeconds * 1000 : undefined, env: context.env }),
        );
      }
    }
    return new ProviderChain(providers, keys);
  }

  /** The provider a key is routed to (whether or not it holds the key). */
  providerOf(key: string): SecretProvider | undefined {
    const name = providerFor(this.routes, key);
    return name === undefined ? undefined : this.providers.get(name);
  }

  /**
   * Every routed key a provider holds, with its value. Keys `skip` says an earlier link of the
   * chain holds are never asked for: a provider's copy of a key a person stored locally stays
   * where it is.
   */
  async values(skip: (key: string) => boolean = () => false): Promise<Map<string, ProvidedValue>> {
    const out = new Map<string, ProvidedValue>();
    for (const provider of this.providers.values()) {
      for (const key of await provider.list()) {
        if (skip(key) || this.providerOf(key) !== provider || out.has(key)) continue;
        const value = await provider.get(key);
        if (value !== undefined) out.set(key, { key, source: providerSource(provider.name), value });
      }
    }
    return out;
  }
}
