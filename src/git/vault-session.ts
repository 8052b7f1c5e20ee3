import { existsSync } from 'node:fs';
import { Redactor, restorePlaceholders, type ValueOccurrence } from '../core/redact.js';
import { openVault, vaultHome } from '../vault/index.js';

export type VaultedHit = ValueOccurrence;

/**
 * What the git gate needs from the vault, decrypted once per git command: redaction of
 * current and earlier values, lookup for restore, and detection of raw values.
 */
export interface VaultSession {
  redact(input: Uint8Array): { output: Buffer; count: number; keys: string[] };
  restore(input: Uint8Array): { output: Buffer; restored: number; unknown: string[] };
  findValues(input: Uint8Array): VaultedHit[];
}

/**
 * Open the vault and build the redaction automaton. Throws AgentVaultError kind 'vault'
 * when the vault is missing, locked or damaged; callers decide what that means.
 *
 * Placeholder text in a protected file means the placeholder: a checkout without the vault
 * leaves `<agent-vault:key>` in the working tree, and people write placeholders by hand in
 * place of values. So both directions run with escapeLiterals off (see core/redact.ts),
 * which keeps clean idempotent and a file unmodified after checkout.
 */
export function openVaultSession(env: NodeJS.ProcessEnv): VaultSession {
  const vault = openVault(vaultHome(env));
  const redactor = new Redactor(vault.redactionValues());
  const cache = new Map<string, Buffer | undefined>();
  const lookup = (key: string) => {
    if (!cache.has(key)) cache.set(key, vault.get(key));
    return cache.get(key);
  };
  return {
    redact: (input) => redactor.redact(input, { escapeLiterals: false }),
    restore: (input) => restorePlaceholders(input, lookup, { escapeLiterals: false }),
    findValues: (input) => redactor.findValues(input),
  };
}

/** True when a vault folder exists at all: tells "never set up here" from "broken or locked". */
export function vaultConfigured(env: NodeJS.ProcessEnv): boolean {
  return existsSync(vaultHome(env));
}
