import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { restorePlaceholders, type RestoreResult } from '../core/placeholder.js';
import { Redactor } from '../core/redact.js';
import type { SuspectSpan } from '../core/suspects.js';
import { vaultHome } from '../platform/home.js';
import { initVault, openVault, vaultPaths, type Vault } from '../vault/index.js';
import type { Destination, NewValue, RestoreRequest, SetOptions, VaultSession, VaultState } from './session.js';

/**
 * The in-process session: opens vault.json with the key file in this process. The vault is
 * read at the first operation that needs it and the redaction matcher built once, so one
 * session serves a whole git command (the filter process) or one CLI command.
 *
 * A vault that does not exist behaves as an empty one for reading operations (nothing to
 * redact, every placeholder unknown); a vault that exists but cannot be opened throws
 * AgentVaultError kind 'vault' from every operation that needs it, and callers decide what
 * that means.
 */
export class LocalVaultSession implements VaultSession {
  readonly home: string;
  private vault: Vault | undefined;
  private redactor: Redactor | undefined;

  constructor(home: string) {
    this.home = resolve(home);
  }

  private exists(): boolean {
    return existsSync(vaultPaths(this.home).file);
  }

  /** The open vault, or undefined when none exists here. */
  private open(): Vault | undefined {
    if (this.vault) return this.vault;
    if (!this.exists()) return undefined;
    this.vault = openVault(this.home);
    return this.vault;
  }

  private matcher(): Redactor {
    this.redactor ??= new Redactor(this.open()?.redactionValues() ?? []);
    return this.redactor;
  }

  async state(): Promise<VaultState> {
    return { exists: this.exists(), locked: false, provider: `key file ${vaultPaths(this.home).key}` };
  }

  async init(): Promise<{ created: boolean }> {
    return initVault(this.home);
  }

  async list() {
    return this.open()?.list() ?? [];
  }

  async has(keys: string[]) {
    const v = this.open();
    return keys.map((k) => v?.has(k) ?? false);
  }

  async redact(input: Uint8Array, options: { escapeLiterals?: boolean } = {}) {
    return this.matcher().redact(input, options);
  }

  async agentView(input: Uint8Array, suspects: SuspectSpan[]) {
    return this.matcher().redactForAgent(input, suspects);
  }

  async findValues(input: Uint8Array) {
    return this.matcher().findValues(input);
  }

  async restore(input: Uint8Array, options: RestoreRequest): Promise<RestoreResult> {
    // The vault is opened at the first placeholder: content without one never needs it.
    const cache = new Map<string, Buffer | undefined>();
    const lookup = (key: string) => {
      if (!cache.has(key)) cache.set(key, this.open()?.get(key));
      return cache.get(key);
    };
    const markers = options.markers;
    return restorePlaceholders(input, lookup, {
      ...(options.escapeLiterals !== undefined ? { escapeLiterals: options.escapeLiterals } : {}),
      ...(markers
        ? {
            unvaulted: (h: string) => {
              const bytes = markers.get(h);
              return bytes && bytes.length ? bytes : undefined;
            },
          }
        : {}),
    });
  }

  async valueFor(key: string, _use: Destination): Promise<Buffer | undefined> {
    return this.open()?.get(key);
  }

  async set(entries: NewValue[], _options: SetOptions): Promise<void> {
    if (!this.exists()) initVault(this.home);
    this.open()!.setMany(entries);
    this.redactor = undefined;
  }

  async remove(key: string): Promise<boolean> {
    const removed = this.open()?.remove(key) ?? false;
    if (removed) this.redactor = undefined;
    return removed;
  }

  async close(): Promise<void> {
    this.vault = undefined;
    this.redactor = undefined;
  }
}

/** The session for this environment's vault ($AGENT_VAULT_HOME, default ~/.agent-vault). */
export function openSession(env: NodeJS.ProcessEnv, cwd = process.cwd()): VaultSession {
  return new LocalVaultSession(resolve(cwd, vaultHome(env)));
}
