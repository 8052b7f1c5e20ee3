import { initVault, openVault } from '../../src/vault/index.js';
import { literalGlob, normalizeBinding } from '../../src/vault/bindings.js';

/**
 * Store values in a real vault folder (what `agent-vault set KEY` does at a terminal),
 * through the vault library so the git tests do not depend on the interactive command.
 */
export function storeValues(home: string, values: Record<string, string>): void {
  initVault(home);
  const vault = openVault(home);
  for (const [key, value] of Object.entries(values)) vault.set(key, Buffer.from(value, 'utf8'));
}

/**
 * Bind keys to files, test-only: what a person does with `agent-vault bind KEY PATH` in a
 * terminal, written through the vault library into a temporary vault (never through a safe
 * command). Paths are absolute files (bound exactly) or absolute globs (`glob: true`).
 */
export function bindKeys(home: string, bindings: Record<string, string[]>, options: { glob?: boolean } = {}): void {
  const vault = openVault(home);
  for (const [key, paths] of Object.entries(bindings)) {
    vault.bind(key, paths.map((p) => normalizeBinding(options.glob ? p : literalGlob(p), '/')));
  }
}

/** Every form of a value the no-leak tests look for. */
export function leakForms(value: string): string[] {
  const b = Buffer.from(value, 'utf8');
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), b.toString('base64').replace(/=+$/, ''), b.toString('base64url')];
}
