import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.js';
import { providerFor } from '../src/config/providers.js';
import { AgentVaultError } from '../src/errors.js';
import { readmeBlock } from './helpers/readme.js';

/** `providers:` and `keys:` in .agent-vault.yaml: validated with lines, routed exact-first then longest prefix. */

function problems(text: string): string {
  try {
    parseConfig(text, '.agent-vault.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(AgentVaultError);
    expect((e as AgentVaultError).kind).toBe('config');
    return (e as AgentVaultError).message;
  }
  throw new Error('expected configuration problems');
}

describe('providers: and keys: validation', () => {
  it('reads a good configuration', () => {
    const config = parseConfig(
      [
        'providers:',
        '  sandbox:',
        '    type: envfile',
        '    path: .env.sandbox',
        '  shared:',
        '    type: onepassword',
        '    vault: Engineering',
        '    token-env: OP_SERVICE_ACCOUNT_TOKEN',
        '    field: credential',
        '    timeout: 20',
        'keys:',
        '  STRIPE_*: shared',
        '  database-url: sandbox',
        '',
      ].join('\n'),
      '.agent-vault.yaml',
    );
    expect(config.providers.providers).toEqual({
      sandbox: { type: 'envfile', path: '.env.sandbox' },
      shared: { type: 'onepassword', vault: 'Engineering', tokenEnv: 'OP_SERVICE_ACCOUNT_TOKEN', field: 'credential', timeoutSeconds: 20 },
    });
    expect(config.providers.keys).toEqual([
      { pattern: 'stripe-', prefix: true, provider: 'shared' },
      { pattern: 'database-url', prefix: false, provider: 'sandbox' },
    ]);
  });

  it('names every problem with its line', () => {
    const text = [
      'providers:', //                 1
      '  local:', //                   2  reserved name (problems of an entry point at its first line)
      '    type: envfile', //          3
      '    path: x.env', //            4
      '  vaulty:', //                  5
      '    type: keychain', //         6  unknown type
      '  onep:', //                    7
      '    type: onepassword', //      8  no vault
      '    token: abc', //             9  unknown key
      '  files:', //                  10
      '    type: envfile', //         11  no path
      '  slow:', //                   12
      '    type: onepassword', //     13
      '    vault: Eng', //            14
      '    timeout: 0', //            15
      'keys:', //                     16
      '  "stripe*key": files', //     17  star inside
      '  github-token: nobody', //    18  unknown provider
      '  Bad Key: slow', //           19  not a key
      '',
    ].join('\n');
    const out = problems(text);
    expect(out).toMatch(/\.agent-vault\.yaml:3: providers\.local: provider names are lower-case/);
    expect(out).toMatch(/\.agent-vault\.yaml:6: providers\.vaulty\.type: type must be envfile or onepassword/);
    expect(out).toMatch(/\.agent-vault\.yaml:8: providers\.onep: vault: is required for type onepassword/);
    expect(out).toMatch(/\.agent-vault\.yaml:9: providers\.onep\.token: unknown key \(expected type, vault, account, token-env, field, timeout\)/);
    expect(out).toMatch(/\.agent-vault\.yaml:11: providers\.files: path: is required for type envfile/);
    expect(out).toMatch(/\.agent-vault\.yaml:15: providers\.slow\.timeout: must be a whole number of seconds/);
    expect(out).toMatch(/\.agent-vault\.yaml:17: keys\.stripe\*key: must be a key name/);
    expect(out).toMatch(/\.agent-vault\.yaml:18: keys\.github-token: names no provider "nobody"/);
    expect(out).toMatch(/\.agent-vault\.yaml:19: keys\.Bad Key: must be a key name/);
  });

  it('a token written where its variable name belongs is refused without being repeated', () => {
    const token = `ops_${'x'.repeat(12)}${Date.now().toString(36)}`;
    const out = problems(['providers:', '  shared:', '    type: onepassword', '    vault: Eng', `    token-env: ${token}`, 'keys:', '  "*": shared', ''].join('\n'));
    expect(out).toMatch(/\.agent-vault\.yaml:5: providers\.shared\.token-env: must be the NAME of an environment variable/);
    expect(out).not.toContain(token);
    const long = `eyJ${'AbC1'.repeat(30)}+/=`;
    const out2 = problems(['providers:', '  shared:', '    type: onepassword', '    vault: Eng', `    token-env: ${long}`, 'keys:', '  "*": shared', ''].join('\n'));
    expect(out2).toMatch(/providers\.shared\.token-env: must be the NAME/);
    expect(out2).not.toContain(long.slice(0, 20));
  });

  it('the same pattern twice (STRIPE_* and stripe-*) is a problem at the second', () => {
    const out = problems(['providers:', '  a: { type: envfile, path: a.env }', 'keys:', '  STRIPE_*: a', '  stripe-*: a', ''].join('\n'));
    expect(out).toMatch(/\.agent-vault\.yaml:5: keys\.stripe-\*: the same pattern as an earlier one/);
  });
});

describe('README: Providers', () => {
  it('the README configuration loads as written and routes stripe-* and database-url', () => {
    const config = parseConfig(readmeBlock('# .agent-vault.yaml\nproviders:'), '.agent-vault.yaml');
    expect(Object.keys(config.providers.providers)).toEqual(['sandbox', 'onep']);
    expect(config.providers.providers.onep).toEqual({ type: 'onepassword', vault: 'Engineering', tokenEnv: 'OP_SERVICE_ACCOUNT_TOKEN' });
    expect(providerFor(config.providers.keys, 'stripe-live-key')).toBe('onep');
    expect(providerFor(config.providers.keys, 'database-url')).toBe('sandbox');
    expect(providerFor(config.providers.keys, 'other-key')).toBeUndefined();
  });
});

describe('routing a key to a provider', () => {
  const routes = [
    { pattern: '', prefix: true, provider: 'everything' },
    { pattern: 'stripe-', prefix: true, provider: 'payments' },
    { pattern: 'stripe-live-', prefix: true, provider: 'live' },
    { pattern: 'stripe-live-webhook', prefix: false, provider: 'hooks' },
  ];
  it('the exact key wins, then the longest prefix, then *', () => {
    expect(providerFor(routes, 'stripe-live-webhook')).toBe('hooks');
    expect(providerFor(routes, 'stripe-live-key')).toBe('live');
    expect(providerFor(routes, 'stripe-test-key')).toBe('payments');
    expect(providerFor(routes, 'database-url')).toBe('everything');
    expect(providerFor(routes.slice(1), 'database-url')).toBeUndefined();
  });
});
