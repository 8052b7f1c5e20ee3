import { initVault, openVault } from '../../src/vault/index.js';

/**
 * Store values in a real vault folder (what `agent-vault set KEY --stdin` does), through the
 * vault library so the git tests do not depend on the interactive command.
 */
export function storeValues(home: string, values: Record<string, string>): void {
  initVault(home);
  const vault = openVault(home);
  for (const [key, value] of Object.entries(values)) vault.set(key, Buffer.from(value, 'utf8'));
}
