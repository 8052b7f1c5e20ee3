import { AgentVaultError } from '../errors.js';

/** One position of a vaulted value found in some bytes (see Redactor.findValues). */
export interface VaultedHit {
  key: string;
  offset: number;
  length: number;
  encoding: 'raw' | 'json' | 'url' | 'base64';
}

/**
 * What the git gate needs from the vault, decrypted once per git command: redaction of
 * current and earlier values, lookup for restore, and detection of raw values.
 */
export interface VaultSession {
  redact(input: Uint8Array): { output: Buffer; count: number; keys: string[] };
  restore(input: Uint8Array): { output: Buffer; restored: number; unknown: string[] };
  findValues(input: Uint8Array): VaultedHit[];
  /** False when no vault was ever created here (a clone without the vault). */
  readonly exists: true;
}

/** Where the vault lives, for messages; never its contents. */
export function describeVaultHome(env: NodeJS.ProcessEnv): string {
  return env.AGENT_VAULT_HOME || '~/.agent-vault';
}

/**
 * Open the vault and build the redaction automaton. Throws AgentVaultError kind 'vault'
 * when the vault is missing, locked or damaged; callers decide what that means.
 */
export function openVaultSession(env: NodeJS.ProcessEnv): VaultSession {
  void env;
  throw new AgentVaultError('vault', 'this build of agent-vault has no vault support yet', { code: 'VAULT_UNAVAILABLE' });
}

/** True when a vault folder exists at all (distinguishes "never set up" from "broken"). */
export function vaultConfigured(env: NodeJS.ProcessEnv): boolean {
  void env;
  return false;
}
