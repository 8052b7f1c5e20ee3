import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomFrom, rng } from './helpers/fake-secrets.js';
import { cliAsync, type AsyncRun } from './helpers/cli.js';
import { sandbox, type Sandbox } from './helpers/sandbox.js';
import { leakForms } from './helpers/vault.js';

/**
 * The safe-command invariant: whatever an agent runs (and every way it can fail), no
 * vaulted value appears in stdout or stderr, raw or JSON-, URL- or base64-encoded.
 */
const next = rng(0x1eaf);
const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"\\ &=%?:é';
const values = Array.from({ length: 6 }, (_, i) => ({ key: `random-key-${i}`, value: randomFrom(CHARS, 16 + i * 3, next) }));
const forms = values.flatMap((v) => leakForms(v.value).map((f) => ({ key: v.key, form: f })));

function expectNoLeak(r: AsyncRun, what: string) {
  for (const { key, form } of forms) {
    expect(r.stdout.includes(form), `${what}: stdout holds a form of ${key}`).toBe(false);
    expect(r.stderr.includes(form), `${what}: stderr holds a form of ${key}`).toBe(false);
  }
}

describe('no value reaches the output of a safe command', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = sandbox();
    for (const v of values) expect((await cliAsync(sb, sb.dir, ['set', v.key, '--stdin', '--desc', 'random'], { input: v.value })).code).toBe(0);
    // Rotate one key: its earlier value must stay hidden too.
    expect((await cliAsync(sb, sb.dir, ['set', values[0]!.key, '--stdin'], { input: values[0]!.value + '-rotated' })).code).toBe(0);
    const v = values.map((x) => x.value);
    writeFileSync(
      join(sb.dir, 'mixed.txt'),
      [
        `raw: ${v[0]}`,
        `json: ${JSON.stringify({ p: v[1] })}`,
        `url: https://u:${encodeURIComponent(v[2]!)}@host/`,
        `b64: ${Buffer.from(v[3]!).toString('base64')}`,
        `b64url: ${Buffer.from(v[4]!).toString('base64url')}`,
        `inline:${v[5]}${v[1]}`,
        `literal: <agent-vault:${values[2]!.key}>`,
      ].join('\n'),
    );
  });

  it('every safe command and error path, over a vault of random values', async () => {
    const runs: [string, string[], string | 'ignore'][] = [
      ['read', ['read', 'mixed.txt'], 'ignore'],
      ['read missing file', ['read', 'nope.txt'], 'ignore'],
      ['write with placeholders', ['write', 'out.txt', '--content', values.map((x) => `<agent-vault:${x.key}>`).join('\n')], 'ignore'],
      ['read what was written', ['read', 'out.txt'], 'ignore'],
      ['write from stdin', ['write', 'out2.txt'], `a <agent-vault:${values[1]!.key}> b`],
      ['write unknown key', ['write', 'out.txt', '--content', `<agent-vault:${values[0]!.key}> <agent-vault:not-there>`], 'ignore'],
      ['write bad marker', ['write', 'mixed.txt', '--content', '<agent-vault:UNVAULTED:sha256:12345678>'], 'ignore'],
      ['write into a missing folder', ['write', 'no/such/dir.txt', '--content', `<agent-vault:${values[0]!.key}>`], 'ignore'],
      ['has', ['has', ...values.map((x) => x.key), 'absent'], 'ignore'],
      ['has --json', ['has', values[0]!.key, '--json'], 'ignore'],
      ['list', ['list'], 'ignore'],
      ['list --json', ['list', '--json'], 'ignore'],
      ['set without a terminal', ['set', values[0]!.key], 'ignore'],
      ['set --stdin overwrite warning', ['set', values[3]!.key, '--stdin'], values[3]!.value],
      ['set --stdin too short', ['set', 'short-one', '--stdin'], 'abc'],
      ['get without a terminal', ['get', values[0]!.key], 'ignore'],
      ['get --reveal without a terminal', ['get', values[0]!.key, '--reveal'], values[0]!.value],
      ['rm without a terminal', ['rm', values[0]!.key], 'y\n'],
      ['import without a terminal', ['import', 'mixed.txt'], 'y\n'],
      ['init without a terminal', ['init'], 'ignore'],
      ['read --help', ['read', '--help'], 'ignore'],
    ];
    for (const [what, args, input] of runs) expectNoLeak(await cliAsync(sb, sb.dir, args, { input }), what);

    // The read above really had something to hide: every line holds a placeholder or marker.
    const read = await cliAsync(sb, sb.dir, ['read', 'mixed.txt'], { input: 'ignore' });
    expect(read.stdout.split('\n').filter((l) => l.includes('<agent-vault:'))).toHaveLength(7);
    expect(read.stdout).toContain(`<agent-vault:LITERAL:${values[2]!.key}>`);

    // The files written hold the real values: the placeholders were restored on disk.
    expect(readFileSync(join(sb.dir, 'out.txt'), 'utf8').split('\n')[1]).toBe(values[1]!.value);

    // A tampered vault fails closed without printing anything it decrypted.
    const file = join(sb.vaultHome, 'vault.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"random"', '"RANDOM"'));
    for (const args of [['read', 'mixed.txt'], ['list'], ['has', values[0]!.key], ['write', 'out.txt', '--content', `<agent-vault:${values[0]!.key}>`]]) {
      const r = await cliAsync(sb, sb.dir, args, { input: 'ignore' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('integrity check');
      expectNoLeak(r, `${args[0]} on a tampered vault`);
    }
  });
});
