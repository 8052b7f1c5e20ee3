import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProtectedFolders } from '../src/platform/safe-path.js';
import { EnvFileProvider } from '../src/providers/envfile.js';
import { LocalVaultProvider } from '../src/providers/local-vault.js';
import { OnePasswordProvider } from '../src/providers/onepassword.js';
import type { SecretProvider } from '../src/providers/provider.js';
import { formatDotenvLine } from '../src/vault/dotenv.js';
import { initVault, openVault } from '../src/vault/index.js';
import { randomFrom, rng } from './helpers/fake-secrets.js';
import { opWorld } from './helpers/op-standin.js';
import { scratchDir } from './helpers/sandbox.js';

/**
 * One contract, three providers: whatever a provider keeps its values in, the session sees
 * the same behaviour. Each harness stores the given keys the provider's own way (a vault
 * entry, a variable STRIPE_SECRET_KEY, a 1Password item titled "Stripe secret key") and
 * hands back the provider.
 */
type Seed = Record<string, string>;
interface Harness {
  name: string;
  make(seed: Seed): Promise<SecretProvider>;
  canSet: boolean;
}

const harnesses: Harness[] = [
  {
    name: 'local vault',
    canSet: true,
    async make(seed) {
      const home = scratchDir('av-pv-');
      initVault(home);
      const vault = openVault(home);
      for (const [k, v] of Object.entries(seed)) vault.set(k, Buffer.from(v, 'utf8'));
      return new LocalVaultProvider(vault);
    },
  },
  {
    name: 'envfile',
    canSet: true,
    async make(seed) {
      const dir = scratchDir('av-pe-');
      const file = join(dir, 'secrets.env');
      const lines = ['# secrets for the sandbox', ...Object.entries(seed).map(([k, v]) => formatDotenvLine(k.toUpperCase().replace(/-/g, '_'), v))];
      if (Object.keys(seed).length) writeFileSync(file, lines.join('\n') + '\n');
      return new EnvFileProvider('sandbox', file, new ProtectedFolders([join(dir, 'vault-home')]));
    },
  },
  {
    name: 'onepassword (stand-in op)',
    canSet: false,
    async make(seed) {
      const world = opWorld();
      // "Stripe secret key" -> stripe-secret-key: titles are people's names for items.
      world.seed(Object.entries(seed).map(([k, value]) => ({ title: k.split('-').map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' '), value })));
      return new OnePasswordProvider({ name: 'team', vault: 'Engineering', tokenEnv: world.tokenEnv, env: { ...world.env } });
    },
  },
];

/** Values made now: printable ASCII with the characters env files and JSON escape, and some non-ASCII. */
function values(n: number, seed: number): string[] {
  const next = rng(seed);
  const tricky = ['"', "'", '\\', '#', '=', ' ', '$', '`', 'é', '→'];
  return Array.from({ length: n }, (_, i) => `v${i}-${randomFrom('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 20, next)}${tricky[i % tricky.length]}${randomFrom('abcdefghijklmnopqrstuvwxyz', 6, next)}`);
}

describe.each(harnesses)('SecretProvider contract: $name', (h) => {
  it('lists exactly the keys it holds, sorted', async () => {
    const [a, b, c] = values(3, 1);
    const p = await h.make({ 'stripe-secret-key': a!, 'database-url': b!, 'api-token': c! });
    expect(await p.list()).toEqual(['api-token', 'database-url', 'stripe-secret-key']);
  });

  it('hands back each value byte for byte, whatever characters it holds', async () => {
    const vs = values(10, 2);
    const seed = Object.fromEntries(vs.map((v, i) => [`key-${i}`, v]));
    const p = await h.make(seed);
    for (const [k, v] of Object.entries(seed)) expect((await p.get(k))?.toString('utf8'), k).toBe(v);
  });

  it('answers undefined for a key it does not hold', async () => {
    const [a] = values(1, 3);
    const p = await h.make({ 'present-key': a! });
    expect(await p.get('absent-key')).toBeUndefined();
  });

  it('an empty provider lists nothing and holds nothing', async () => {
    const p = await h.make({});
    expect(await p.list()).toEqual([]);
    expect(await p.get('any-key')).toBeUndefined();
  });

  it.runIf(h.canSet)('set adds a key and replaces one, leaving the others as they were', async () => {
    const [a, b, c, d] = values(4, 4);
    const p = await h.make({ 'kept-key': a!, 'changed-key': b! });
    await p.set!('changed-key', Buffer.from(c!, 'utf8'));
    await p.set!('new-key', Buffer.from(d!, 'utf8'));
    expect(await p.list()).toEqual(['changed-key', 'kept-key', 'new-key']);
    expect((await p.get('kept-key'))?.toString()).toBe(a);
    expect((await p.get('changed-key'))?.toString()).toBe(c);
    expect((await p.get('new-key'))?.toString()).toBe(d);
  });

  it.runIf(!h.canSet)('is read-only: it has no set', async () => {
    const p = await h.make({});
    expect(p.set).toBeUndefined();
  });
});
