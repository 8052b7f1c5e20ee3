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

/** Every form of a value the no-leak tests look for. */
export function leakForms(value: string): string[] {
  const b = Buffer.from(value, 'utf8');
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), b.toString('base64').replace(/=+$/, ''), b.toString('base64url')];
}
