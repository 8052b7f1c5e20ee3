import type { Problem } from '../core/rules.js';
import { isValidKey } from '../core/placeholder.js';

/**
 * The `providers:` and `keys:` sections: named secret providers and which keys each one hands
 * in, by exact key or by prefix.
 *
 *   providers:
 *     sandbox:   { type: envfile, path: .env.sandbox }
 *     team:      { type: onepassword, vault: Engineering, token-env: OP_SERVICE_ACCOUNT_TOKEN }
 *   keys:
 *     stripe-*: team          # every key starting with stripe-
 *     database-url: sandbox   # one key
 *
 * Key patterns are key names (STRIPE_* is read as stripe-*, the way `import` names keys); the
 * exact key wins over a prefix, a longer prefix over a shorter one, `*` alone matches every key.
 * A provider that no key pattern names is never opened. The local vault always comes first, so
 * no provider can replace a value a person stored.
 */
export type ProviderSpec =
  | { type: 'envfile'; path: string }
  | { type: 'onepassword'; vault: string; account?: string; tokenEnv?: string; field?: string; timeoutSeconds?: number };

export interface KeyRoute {
  /** A key name, or a prefix (without the `*`) when `prefix` is set. */
  pattern: string;
  prefix: boolean;
  provider: string;
}

export interface ProvidersConfig {
  providers: Record<string, ProviderSpec>;
  keys: KeyRoute[];
}

const NAME_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Sources the session itself names: a provider cannot take their names. */
const RESERVED = new Set(['local', 'team']);
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIELDS = { envfile: ['type', 'path'], onepassword: ['type', 'vault', 'account', 'token-env', 'field', 'timeout'] } as const;

/** STRIPE_* -> stripe-*: the pattern as key names are spelled. */
function normalizePattern(raw: string): string {
  return raw.trim().toLowerCase().replace(/_/g, '-');
}

/** Validate both sections; each problem is pushed with where it is (for its line). */
export function readProviders(rawProviders: unknown, rawKeys: unknown, problems: Problem[]): ProvidersConfig {
  const out: ProvidersConfig = { providers: {}, keys: [] };
  if (rawProviders !== undefined) {
    if (!isMapping(rawProviders)) problems.push({ where: ['providers'], message: 'must be a mapping of provider names to { type: envfile | onepassword, ... }' });
    else for (const [name, raw] of Object.entries(rawProviders)) {
      const spec = readProvider(name, raw, problems);
      if (spec) out.providers[name] = spec;
    }
  }
  if (rawKeys !== undefined) {
    if (!isMapping(rawKeys)) problems.push({ where: ['keys'], message: 'must be a mapping of key names or prefixes (stripe-*) to provider names' });
    else {
      const seen = new Set<string>();
      for (const [rawPattern, provider] of Object.entries(rawKeys)) {
        const where = ['keys', rawPattern];
        const pattern = normalizePattern(rawPattern);
        const prefix = pattern.endsWith('*');
        const stem = prefix ? pattern.slice(0, -1) : pattern;
        if (prefix ? stem.includes('*') || (stem !== '' && !/^[a-z0-9][a-z0-9-]*$/.test(stem)) : !isValidKey(stem)) {
          problems.push({ where, message: 'must be a key name (stripe-secret-key) or a prefix ending in * (stripe-*)' });
          continue;
        }
        if (seen.has(pattern)) {
          problems.push({ where, message: `the same pattern as an earlier one (${pattern})` });
          continue;
        }
        seen.add(pattern);
        if (typeof provider !== 'string' || !provider) problems.push({ where, message: 'must name a provider from providers:' });
        else if (!(provider in out.providers) && !(isMapping(rawProviders) && provider in rawProviders)) problems.push({ where, message: `names no provider "${provider}" (providers: defines ${Object.keys(isMapping(rawProviders) ? rawProviders : {}).join(', ') || 'none'})` });
        else out.keys.push({ pattern: stem, prefix, provider });
      }
    }
  }
  return out;
}

function readProvider(name: string, raw: unknown, problems: Problem[]): ProviderSpec | undefined {
  const where = ['providers', name];
  if (!NAME_RE.test(name) || RESERVED.has(name)) {
    problems.push({ where, message: `provider names are lower-case letters, digits and hyphens, and not ${[...RESERVED].join(' or ')}` });
    return undefined;
  }
  if (!isMapping(raw)) {
    problems.push({ where, message: 'must be a mapping with type: envfile or type: onepassword' });
    return undefined;
  }
  const type = raw.type;
  if (type !== 'envfile' && type !== 'onepassword') {
    problems.push({ where: [...where, 'type'], message: 'type must be envfile or onepassword' });
    return undefined;
  }
  const before = problems.length;
  for (const k of Object.keys(raw)) if (!(FIELDS[type] as readonly string[]).includes(k)) problems.push({ where: [...where, k], message: `unknown key (expected ${FIELDS[type].join(', ')})` });
  const text = (k: string, required: boolean): string | undefined => {
    const v = raw[k];
    if (v === undefined) {
      if (required) problems.push({ where, message: `${k}: is required for type ${type}` });
      return undefined;
    }
    if (typeof v !== 'string' || !v.trim()) {
      problems.push({ where: [...where, k], message: 'must be a non-empty string' });
      return undefined;
    }
    return v;
  };
  if (type === 'envfile') {
    const path = text('path', true);
    return problems.length === before && path ? { type, path } : undefined;
  }
  const vault = text('vault', true);
  const account = text('account', false);
  const tokenEnv = text('token-env', false);
  const field = text('field', false);
  // Service account tokens start ops_ and run to hundreds of characters; a name never does.
  if (tokenEnv !== undefined && (!ENV_NAME_RE.test(tokenEnv) || /^ops_/i.test(tokenEnv) || tokenEnv.length > 64)) {
    // Never echo it: a value that is not a variable name may be the token itself.
    problems.push({ where: [...where, 'token-env'], message: 'must be the NAME of an environment variable holding the token (e.g. OP_SERVICE_ACCOUNT_TOKEN), never the token itself' });
  }
  let timeoutSeconds: number | undefined;
  if (raw.timeout !== undefined) {
    if (typeof raw.timeout !== 'number' || !Number.isInteger(raw.timeout) || raw.timeout < 1 || raw.timeout > 600) problems.push({ where: [...where, 'timeout'], message: 'must be a whole number of seconds from 1 to 600' });
    else timeoutSeconds = raw.timeout;
  }
  if (problems.length !== before || !vault) return undefined;
  return { type, vault, ...(account ? { account } : {}), ...(tokenEnv ? { tokenEnv } : {}), ...(field ? { field } : {}), ...(timeoutSeconds ? { timeoutSeconds } : {}) };
}

/** The provider a key resolves from: the exact key, else the longest matching prefix. */
export function providerFor(routes: readonly KeyRoute[], key: string): string | undefined {
  let best: KeyRoute | undefined;
  for (const r of routes) {
    if (!r.prefix) {
      if (r.pattern === key) return r.provider;
    } else if (key.startsWith(r.pattern) && (!best || r.pattern.length > best.pattern.length)) best = r;
  }
  return best?.provider;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
