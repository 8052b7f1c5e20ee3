import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentVaultError } from '../src/errors.js';
import { ProtectedFolders } from '../src/platform/safe-path.js';
import { EnvFileProvider } from '../src/providers/envfile.js';
import { formatDotenvLine, parseDotenv } from '../src/vault/dotenv.js';
import { scratchDir } from './helpers/sandbox.js';

/** The env-file provider: the parser it shares with import, its round trip, and its file rules. */

function provider(text: string | undefined): { p: EnvFileProvider; file: string; dir: string } {
  const dir = scratchDir('av-envf-');
  const file = join(dir, 'sandbox.env');
  if (text !== undefined) writeFileSync(file, text);
  return { p: new EnvFileProvider('sandbox', file, new ProtectedFolders([join(dir, 'vault-home')])), file, dir };
}

const get = async (p: EnvFileProvider, k: string) => (await p.get(k))?.toString('utf8');

describe('envfile provider: what the file may hold', () => {
  it('reads comments, export, single, double and backtick quotes, escapes, empty values and CRLF', async () => {
    const text = [
      '# a comment',
      'export EXPORTED_KEY=exported-value-1',
      "SINGLE_KEY='single $NOT \\n expanded'",
      'DOUBLE_KEY="line one\\nline \\"two\\"\\t\\\\end"',
      'BACKTICK_KEY=`back tick`',
      'UNQUOTED_KEY=plain value # trailing comment',
      'EMPTY_KEY=',
      'EMPTY_QUOTED=""',
      '  SPACED_KEY = spaced-value  ',
      'MULTI_KEY="first',
      'second"',
      '',
    ].join('\r\n');
    const { p } = provider(text);
    expect(await p.list()).toEqual(['backtick-key', 'double-key', 'empty-key', 'empty-quoted', 'exported-key', 'multi-key', 'single-key', 'spaced-key', 'unquoted-key']);
    expect(await get(p, 'exported-key')).toBe('exported-value-1');
    expect(await get(p, 'single-key')).toBe('single $NOT \\n expanded');
    expect(await get(p, 'double-key')).toBe('line one\nline "two"\t\\end');
    expect(await get(p, 'backtick-key')).toBe('back tick');
    expect(await get(p, 'unquoted-key')).toBe('plain value');
    expect(await get(p, 'empty-key')).toBe('');
    expect(await get(p, 'empty-quoted')).toBe('');
    expect(await get(p, 'spaced-key')).toBe('spaced-value');
    expect(await get(p, 'multi-key')).toBe('first\r\nsecond'.replace('\r\n', '\n'));
  });

  it('keeps the first of two variables that name one key (STRIPE_KEY and stripe-key)', async () => {
    const { p } = provider('STRIPE_KEY=first-value-1\nstripe-key=second-value-2\n');
    expect(await p.list()).toEqual(['stripe-key']);
    expect(await get(p, 'stripe-key')).toBe('first-value-1');
  });

  it('a file that does not exist holds no keys (a teammate without it has nothing to redact)', async () => {
    const { p } = provider(undefined);
    expect(await p.list()).toEqual([]);
  });

  it('refuses a file inside the vault home, and a folder, naming the provider', async () => {
    const dir = scratchDir('av-envf-');
    const home = join(dir, 'vault-home');
    mkdirSync(home);
    writeFileSync(join(home, 'vault.env'), 'KEY=inside-the-vault-home\n');
    const inside = new EnvFileProvider('sandbox', join(home, 'vault.env'), new ProtectedFolders([home]));
    await expect(inside.list()).rejects.toMatchObject({ code: 'PROVIDER_FILE_REFUSED', message: expect.stringContaining('provider "sandbox"') });
    const folder = new EnvFileProvider('sandbox', dir, new ProtectedFolders([home]));
    const err = (await folder.list().catch((e: unknown) => e)) as AgentVaultError;
    expect(err).toBeInstanceOf(AgentVaultError);
    expect(err.message).not.toContain('inside-the-vault-home');
  });

  it('set keeps comments, other lines and CRLF, and writes the file 0600', async () => {
    const { p, file } = provider('# keep me\r\nOTHER=other-value-1\r\nTARGET="old-value-22"\r\n');
    await p.set('target', Buffer.from('new "value" #1'));
    await p.set('added-key', Buffer.from('added-value-3'));
    expect(readFileSync(file, 'utf8')).toBe('# keep me\r\nOTHER=other-value-1\r\nTARGET="new \\"value\\" #1"\r\nADDED_KEY="added-value-3"\r\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await get(p, 'target')).toBe('new "value" #1');
  });

  it('set refuses a value an env file cannot hold (NUL, not UTF-8), naming the key only', async () => {
    const { p } = provider('');
    await expect(p.set('bin-key', Buffer.from([0x61, 0x00, 0x62]))).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining('bin-key') });
    await expect(p.set('bin-key', Buffer.from([0xff, 0xfe, 0x41]))).rejects.toMatchObject({ kind: 'usage' });
  });
});

describe('envfile provider: the parser round trip (property)', () => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
  const value = fc.string({ unit: fc.oneof(fc.constantFrom('"', "'", '\\', '\n', '\r', '\t', '#', '=', ' ', '$', '`', 'é'), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 40 });

  it('formatDotenvLine then parseDotenv gives back every name and value, with LF or CRLF', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 8 }), fc.boolean(), (entries, crlf) => {
        const text = entries.map(([n, v]) => formatDotenvLine(n, v)).join(crlf ? '\r\n' : '\n') + '\n';
        const parsed = parseDotenv(text).map((e) => [e.name, e.value]);
        expect(parsed).toEqual(entries);
      }),
      { numRuns: 300 },
    );
  });

  it('set then get gives back the value (through the file)', async () => {
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const { p } = provider('FIRST=first-value-1\n');
        await p.set('the-key', Buffer.from(v, 'utf8'));
        const again = new EnvFileProvider('sandbox', (p as unknown as { path: string }).path, new ProtectedFolders([]));
        expect(await get(again, 'the-key')).toBe(v);
        expect(await get(again, 'first')).toBe('first-value-1');
      }),
      { numRuns: 60 },
    );
  });
});
