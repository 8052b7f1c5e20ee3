import type { KeySource } from '../vault/index.js';

export type { KeySource };

/**
 * Secret providers: places outside the local vault that hand values in by key name (an env
 * file, 1Password through its CLI, the local vault itself). The session resolves a key from
 * the local vault first, then the team vault, then the provider the configuration routes it
 * to (session/local.ts); a provider never decides where a value may go, the session does.
 *
 * Names are agent-vault key names (`stripe-secret-key`): each implementation maps its own
 * names onto them (an env variable STRIPE_SECRET_KEY or a 1Password item "Stripe secret key"
 * become `stripe-secret-key`, the same mapping `import` uses) and skips names that do not map
 * to a valid key. Values are bytes, never logged: errors name keys, files and providers only.
 */
export interface SecretProvider {
  /** The configured name (`providers: <name>:`), shown as the key's source `provider:<name>`. */
  readonly name: string;
  /** Key names this provider can hand in, sorted and unique. */
  list(): Promise<string[]>;
  /** One value, or undefined when the provider has no such key. */
  get(name: string): Promise<Buffer | undefined>;
  /** Store a value (only providers that can). */
  set?(name: string, value: Buffer): Promise<void>;
}

export const providerSource = (name: string): KeySource => `provider:${name}`;

/**
 * Native names -> key names, the first of each key kept (a later duplicate would be a second
 * value for one key; which one a person meant is theirs to say, so it is never guessed later).
 */
export function keyedNames<T>(items: T[], nameOf: (item: T) => string, keyOf: (name: string) => string, isKey: (key: string) => boolean): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(nameOf(item));
    if (isKey(key) && !out.has(key)) out.set(key, item);
  }
  return out;
}
