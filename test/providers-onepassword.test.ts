import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentVaultError } from '../src/errors.js';
import { OnePasswordProvider, type OnePasswordOptions } from '../src/providers/onepassword.js';
import { opWorld, type OpWorld } from './helpers/op-standin.js';

/**
 * The 1Password provider against the stand-in op (test/fixtures/op/op), which reproduces the
 * documented JSON and exit codes of op 2.x; the real CLI is not tested here. Every failure op
 * can report becomes one error with its own code, and no error or call line carries a value
 * or the token.
 */

const secret = (n: number) => `op-value-${n}-${'kq7Zp2Xw9Lm4'.split('').reverse().join('')}${n * 7919}`;

function world(): OpWorld {
  const w = opWorld();
  w.seed([
    { title: 'Stripe secret key', value: secret(1) },
    { title: 'GITHUB_TOKEN', value: secret(2), category: 'API_CREDENTIAL' },
    { title: 'Database', value: secret(3), extra: { 'connection string': secret(4) } },
    { title: 'Just a note', value: secret(5), category: 'SECURE_NOTE' },
  ]);
  return w;
}

const provider = (w: OpWorld, extra: Partial<OnePasswordOptions> = {}, env: NodeJS.ProcessEnv = w.env) => new OnePasswordProvider({ name: 'team', vault: 'Engineering', tokenEnv: w.tokenEnv, env: { ...env }, ...extra });

async function failure(p: Promise<unknown>): Promise<AgentVaultError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AgentVaultError);
  return e as AgentVaultError;
}

function calls(w: OpWorld): { args: string[]; token: boolean }[] {
  try {
    return readFileSync(w.log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { args: string[]; token: boolean });
  } catch {
    return [];
  }
}

function expectNoValue(w: OpWorld, text: string): void {
  for (let n = 1; n <= 5; n++) expect(text).not.toContain(secret(n));
  expect(text).not.toContain(w.token);
}

describe('1Password provider: reading', () => {
  it('names keys after item titles and reads the password, or an API credential', async () => {
    const w = world();
    const p = provider(w);
    expect(await p.list()).toEqual(['database', 'github-token', 'just-a-note', 'stripe-secret-key']);
    expect((await p.get('stripe-secret-key'))?.toString()).toBe(secret(1));
    expect((await p.get('github-token'))?.toString()).toBe(secret(2));
  });

  it('runs op with an argument array, the token only in its environment, and lists once per provider', async () => {
    const w = world();
    const p = provider(w);
    await p.get('stripe-secret-key');
    await p.get('github-token');
    const log = calls(w);
    expect(log.map((c) => c.args)).toEqual([
      ['item', 'list', '--vault', 'Engineering', '--format', 'json'],
      ['item', 'get', 'itemid00000000000000000000', '--vault', 'Engineering', '--format', 'json'],
      ['item', 'get', 'itemid00000000000000000001', '--vault', 'Engineering', '--format', 'json'],
    ]);
    expect(log.every((c) => c.token)).toBe(true);
    expectNoValue(w, readFileSync(w.log, 'utf8'));
  });

  it('reads a configured field with op read --no-newline (the value exactly, no newline added)', async () => {
    const w = world();
    const p = provider(w, { field: 'connection string' });
    expect((await p.get('database'))?.toString()).toBe(secret(4));
    expect(calls(w).at(-1)?.args).toEqual(['read', '--no-newline', 'op://Engineering/itemid00000000000000000002/connection string']);
  });

  it('signs in through an account instead of a token (--account)', async () => {
    const w = world();
    const env = { ...w.env, [w.tokenEnv]: undefined };
    const p = new OnePasswordProvider({ name: 'team', vault: 'Engineering', account: 'example.1password.invalid', env });
    expect((await p.get('stripe-secret-key'))?.toString()).toBe(secret(1));
    expect(calls(w)[0]?.args.slice(-2)).toEqual(['--account', 'example.1password.invalid']);
  });
});

describe('1Password provider: every documented failure is one clear error, with no value in it', () => {
  it('not signed in (no token, no account)', async () => {
    const w = world();
    const e = await failure(new OnePasswordProvider({ name: 'team', vault: 'Engineering', env: { ...w.env, [w.tokenEnv]: undefined } }).list());
    expect(e.code).toBe('PROVIDER_NOT_SIGNED_IN');
    expect(e.message).toContain('provider "team"');
    expect(e.hint).toContain('token-env');
  });

  it('a wrong service account token', async () => {
    const w = world();
    const e = await failure(provider(w, {}, { ...w.env, [w.tokenEnv]: 'fake-op-token-wrongwrongwrong' }).list());
    expect(e.code).toBe('PROVIDER_NOT_SIGNED_IN');
    expect(e.message + e.hint).not.toContain('wrongwrongwrong');
  });

  it('token-env names a variable that is not set', async () => {
    const w = world();
    const e = await failure(provider(w, {}, { ...w.env, [w.tokenEnv]: undefined }).list());
    expect(e.code).toBe('PROVIDER_NOT_SIGNED_IN');
    expect(e.message).toContain(w.tokenEnv);
    expect(calls(w)).toEqual([]);
  });

  it('a vault the account cannot see', async () => {
    const w = world();
    const e = await failure(provider(w, { vault: 'Nowhere' }).list());
    expect(e.code).toBe('PROVIDER_VAULT_NOT_FOUND');
    expect(e.message).toContain('"Nowhere"');
  });

  it('an item that has no password or credential field, and a configured field that does not exist', async () => {
    const w = world();
    const e1 = await failure(provider(w).get('just-a-note'));
    expect(e1.code).toBe('PROVIDER_NO_FIELD');
    expect(e1.hint).toContain('field:');
    const e2 = await failure(provider(w, { field: 'no such field' }).get('database'));
    expect(e2.code).toBe('PROVIDER_NO_FIELD');
    expectNoValue(w, `${e1.message} ${e1.hint} ${e2.message} ${e2.hint}`);
  });

  it('an item removed between list and get', async () => {
    const w = world();
    const p = provider(w);
    await p.list();
    w.seed([]);
    const e = await failure(p.get('stripe-secret-key'));
    expect(e.code).toBe('PROVIDER_ITEM_NOT_FOUND');
    expect(e.message).toContain('Stripe secret key');
  });

  it('op is not installed', async () => {
    const w = world();
    const e = await failure(provider(w, {}, { ...w.env, PATH: '/nonexistent-folder' }).list());
    expect(e.code).toBe('PROVIDER_OP_MISSING');
    expect(e.hint).toContain('1Password CLI');
  });

  it('op does not answer: stopped after the configured timeout', async () => {
    const w = world();
    const e = await failure(provider(w, { timeoutMs: 300 }, { ...w.env, OP_STANDIN_HANG: '1' }).list());
    expect(e.code).toBe('PROVIDER_TIMEOUT');
  });

  it('output that is not the documented JSON', async () => {
    const w = world();
    // The stand-in answers `read` with the value itself: as if `item list` printed text, not JSON.
    const broken = new OnePasswordProvider({ name: 'team', vault: 'Engineering', tokenEnv: w.tokenEnv, env: { ...w.env } });
    (broken as unknown as { op: (a: string[]) => Promise<Buffer> }).op = async () => Buffer.from(`not json ${secret(1)}`);
    const e = await failure(broken.list());
    expect(e.code).toBe('PROVIDER_BAD_OUTPUT');
    expectNoValue(w, `${e.message} ${e.hint}`);
  });
});
