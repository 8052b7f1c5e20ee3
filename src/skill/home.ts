import { chmodSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { vaultHome } from '../vault/index.js';

/**
 * $AGENT_VAULT_HOME (default ~/.agent-vault): where state that must survive a checkout
 * lives: the newest revocation list seen, purged hashes and quarantined skills (signing
 * keys are in the vault there). Kept outside the repository on purpose: an agent that
 * rewrites the checkout cannot roll these back.
 */
export function agentVaultHome(env: NodeJS.ProcessEnv): string {
  return resolve(vaultHome(env));
}

/** Create a private folder (0700) and its parents. */
export function privateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}


