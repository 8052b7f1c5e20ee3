import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * $AGENT_VAULT_HOME (default ~/.agent-vault): the vault, its key material and the state that
 * must survive a checkout (the newest revocation list seen, purged hashes, quarantined
 * skills). Kept outside the repository on purpose: an agent that rewrites the checkout
 * cannot roll these back.
 */
export function vaultHome(env: NodeJS.ProcessEnv): string {
  const explicit = env.AGENT_VAULT_HOME;
  if (explicit) return explicit;
  return join(env.HOME || homedir(), '.agent-vault');
}

/** The vault home as an absolute path. */
export function agentVaultHome(env: NodeJS.ProcessEnv): string {
  return resolve(vaultHome(env));
}

/** Create a private folder (0700) and its parents. */
export function privateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}
