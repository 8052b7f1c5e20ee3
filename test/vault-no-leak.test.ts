import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { linkSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomFrom, rng } from './helpers/fake-secrets.js';
import { leakForms, run, sandbox, type RunResult, type Sandbox } from './helpers/vault-cli.js';
import { bindKeys } from './helpers/vault.js';
import { passphraseVault, startAgentProcess, stopAgents } from './helpers/locked.js';

/**
 * The safe-command invariant: whatever an agent runs (and every way it can fail), no
 * vaulted value appears in stdout or stderr: not raw, not JSON-, URL- or base64-encoded, and
 * no 12-byte window of it. Runs every safe command and output format over a vault of
 * random values, in a repository whose work tree holds the vault home itself.
 */
const next = rng(0x1eaf);
const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"\\ &=%?:é';
const values = Array.from({ length: 6 }, (_, i) => ({ key: `random-key-${i}`, value: randomFrom(CHARS, 16 + i * 3, next) }));
const WINDOW = 12;

/** Every form and every 12-byte window of each value. */
const needles = values.flatMap((v) => {
  const bytes = Buffer.from(v.value, 'utf8');
  const windows: Buffer[] = [];
  for (let i = 0; i + WINDOW <= bytes.length; i++) windows.push(bytes.subarray(i, i + WINDOW));
  return [...leakForms(v.value).map((f) => Buffer.from(f, 'utf8')), ...windows].map((needle) => ({ key: v.key, needle }));
});

function expectNoLeak(r: RunResult, what: string) {
  const out = { stdout: r.stdoutBytes, stderr: Buffer.from(r.stderr, 'utf8') };
  for (const { key, needle } of needles) {
    expect(out.stdout.includes(needle), `${what}: stdout holds a form or 12-byte window of ${key}`).toBe(false);
    expect(out.stderr.includes(needle), `${what}: stderr holds a form or 12-byte window of ${key}`).toBe(false);
  }
}

describe('no value reaches the output of a safe command', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = sandbox();
    spawnSync('git', ['init', '-q'], { cwd: sb.dir, env: sb.env });
    for (const v of values) expect((await run(sb, ['set', v.key, '--stdin', '--desc', 'random'], v.value)).code).toBe(0);
    // A person binds some keys (at a terminal; here through the vault library) and rotates one:
    // its earlier value must stay hidden too.
    bindKeys(sb.home, { [values[0]!.key]: [join(sb.dir, 'out.txt')], [values[1]!.key]: [join(sb.dir, 'out.txt'), join(sb.dir, 'out2.txt')], [values[2]!.key]: ['/nowhere/at/all.txt'] });
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
    writeFileSync(join(sb.dir, 'config.env'), `DB_PASSWORD=${v[0]}\nAPI_TOKEN=${v[3]}\n`);
    symlinkSync(join(sb.home, 'vault.key'), join(sb.dir, 'key-link'));
    linkSync(join(sb.home, 'vault.json'), join(sb.dir, 'vault-hardlink.json'));
    expect(spawnSync('mkfifo', [join(sb.dir, 'fifo')]).status).toBe(0);
  }, 120_000);

  it('every safe command, output format and refusal, over a vault of random values', async () => {
    const all = values.map((x) => `<agent-vault:${x.key}>`).join('\n');
    const runs: [string, string[], string | 'ignore'][] = [
      ['read', ['read', 'mixed.txt'], 'ignore'],
      ['read .env', ['read', 'config.env'], 'ignore'],
      ['read missing file', ['read', 'nope.txt'], 'ignore'],
      ['read the key through a symlink', ['read', 'key-link'], 'ignore'],
      ['read the vault through a hard link', ['read', 'vault-hardlink.json'], 'ignore'],
      ['read the vault home by path', ['read', join(sb.home, 'vault.json')], 'ignore'],
      ['read a FIFO', ['read', 'fifo'], 'ignore'],
      ['write with placeholders', ['write', 'out.txt', '--content', `${values[0]!.key}: <agent-vault:${values[0]!.key}>\n<agent-vault:${values[1]!.key}>`], 'ignore'],
      ['read what was written', ['read', 'out.txt'], 'ignore'],
      ['write from stdin', ['write', 'out2.txt'], `a <agent-vault:${values[1]!.key}> b`],
      ['write unbound keys', ['write', 'exfil.sh', '--content', all], 'ignore'],
      ['write unknown key', ['write', 'out.txt', '--content', `<agent-vault:${values[0]!.key}> <agent-vault:not-there>`], 'ignore'],
      ['write bad marker', ['write', 'mixed.txt', '--content', '<agent-vault:UNVAULTED:sha256:12345678>'], 'ignore'],
      ['write into a missing folder', ['write', 'no/such/dir.txt', '--content', `<agent-vault:${values[0]!.key}>`], 'ignore'],
      ['write outside the repository', ['write', '../escape.txt', '--content', `<agent-vault:${values[0]!.key}>`], 'ignore'],
      ['write into the vault home', ['write', 'key-link', '--content', `<agent-vault:${values[0]!.key}>`], 'ignore'],
      ['write --outside-repo without a terminal', ['write', '/tmp/x.txt', '--outside-repo', '--content', 'x'], 'ignore'],
      ['smudge without a path', ['smudge'], all],
      ['smudge an unbound path', ['smudge', 'exfil.sh'], all],
      ['smudge a path in the vault home', ['smudge', join(sb.home, 'x')], all],
      // clean replaces raw values (its input's encoded forms pass through as given: that is input, not the vault).
      ['clean', ['clean', 'config.env'], readFileSync(join(sb.dir, 'config.env'), 'utf8')],
      ['has', ['has', ...values.map((x) => x.key), 'absent'], 'ignore'],
      ['has --json', ['has', values[0]!.key, '--json'], 'ignore'],
      ['list', ['list'], 'ignore'],
      ['list --json', ['list', '--json'], 'ignore'],
      ['doctor', ['doctor'], 'ignore'],
      ['scan', ['scan', '.'], 'ignore'],
      ['scan --format json', ['scan', '.', '--format', 'json'], 'ignore'],
      ['scan --format sarif', ['scan', '.', '--format', 'sarif'], 'ignore'],
      ['scan --format github', ['scan', '.', '--format', 'github'], 'ignore'],
      ['scan --stdin', ['scan', '--stdin'], readFileSync(join(sb.dir, 'config.env'), 'utf8')],
      ['scan the vault home', ['scan', sb.home], 'ignore'],
      ['status', ['status'], 'ignore'],
      ['set without a terminal', ['set', values[0]!.key], 'ignore'],
      ['set --stdin replacing a key', ['set', values[3]!.key, '--stdin'], values[3]!.value],
      ['set --stdin too short', ['set', 'short-one', '--stdin'], 'abc'],
      ['set --path without a terminal', ['set', 'new-key', '--stdin', '--path', 'x'], values[4]!.value],
      ['bind without a terminal', ['bind', values[0]!.key, 'exfil.sh'], 'ignore'],
      ['bind --from-repo without a terminal', ['bind', '--from-repo'], 'ignore'],
      ['unbind without a terminal', ['unbind', values[0]!.key], 'ignore'],
      ['prune without a terminal', ['prune', values[0]!.key], 'y\n'],
      ['recover without a terminal', ['recover', '--accept-rollback'], 'y\n'],
      ['get without a terminal', ['get', values[0]!.key], 'ignore'],
      ['get --reveal without a terminal', ['get', values[0]!.key, '--reveal'], values[0]!.value],
      ['rm without a terminal', ['rm', values[0]!.key], 'y\n'],
      ['import without a terminal', ['import', 'mixed.txt'], 'y\n'],
      ['init without a terminal', ['init'], 'ignore'],
      ['read --help', ['read', '--help'], 'ignore'],
      ['skill keygen without a terminal', ['skill', 'keygen', '--kid', 'k1'], 'ignore'],
      ['skill sign without a terminal', ['skill', 'sign', '.', '--kid', 'k1'], 'ignore'],
      ['hook pre-push with nothing to push', ['hook', 'pre-push', 'origin', 'https://x.invalid/r.git'], ''],
    ];
    for (const [what, args, input] of runs) expectNoLeak(await run(sb, args, input), what);

    // Approvals and audit (issue 13): the request a use outside the bindings makes, every safe
    // look at it, the decisions refused without a terminal, and the files they write.
    const pending = await run(sb, ['write', 'exfil2.sh', '--content', all, '--reason', `${values[0]!.key} please`], 'ignore');
    expectNoLeak(pending, 'write outside the bindings (pending)');
    const id = /pending ([a-z2-7]{16})/.exec(pending.stderr)?.[1];
    expect(id, pending.stderr).toBeDefined();
    const looks: [string, string[]][] = [
      ['request status', ['request', 'status', id!]],
      ['request status --json', ['request', 'status', id!, '--json']],
      ['request list', ['request', 'list']],
      ['grants', ['grants']],
      ['grants --json', ['grants', '--json']],
      ['policy', ['policy']],
      ['policy --json', ['policy', '--json']],
      ['audit', ['audit']],
      ['audit --json', ['audit', '--json']],
      ['audit --format csv', ['audit', '--format', 'csv']],
      ['audit verify', ['audit', 'verify']],
      ['approve without a terminal', ['approve', id!]],
      ['deny without a terminal', ['deny', id!]],
      ['revoke-grant without a terminal', ['revoke-grant', '--all']],
      ['policy set without a terminal', ['policy', 'set', '--ttl', '1h']],
      ['policy webhook add without a terminal', ['policy', 'webhook', 'add', 'http://127.0.0.1:9/x']],
    ];
    for (const [what, args] of looks) expectNoLeak(await run(sb, args, 'ignore'), what);
    const written = [join(sb.home, 'audit', 'log.jsonl'), join(sb.home, 'approvals', 'requests', `${id}.json`)];
    for (const f of written) {
      const bytes = readFileSync(f);
      for (const { key, needle } of needles) expect(bytes.includes(needle), `${f} holds a form or 12-byte window of ${key}`).toBe(false);
    }
    expect(readFileSync(written[0]!, 'utf8')).toContain('"event":"materialise-write"');

    // The git gate: a commit holding values is blocked, naming keys only.
    spawnSync('git', ['add', 'mixed.txt', 'config.env'], { cwd: sb.dir, env: sb.env });
    const hook = await run(sb, ['hook', 'pre-commit'], 'ignore');
    expect(hook.code).toBe(1);
    expect(hook.stderr).toContain(`<agent-vault:${values[0]!.key}>`);
    expectNoLeak(hook, 'hook pre-commit');

    // The read above really had something to hide: every line holds a placeholder or marker.
    const read = await run(sb, ['read', 'mixed.txt'], 'ignore');
    expect(read.stdout.split('\n').filter((l) => l.includes('<agent-vault:'))).toHaveLength(7);
    expect(read.stdout).toContain(`<agent-vault:LITERAL:${values[2]!.key}>`);

    // The bound files hold the real values: the placeholders were restored on disk; the
    // unbound write wrote nothing.
    expect(readFileSync(join(sb.dir, 'out.txt'), 'utf8').split('\n')[1]).toBe(values[1]!.value);
    expect(() => readFileSync(join(sb.dir, 'exfil.sh'))).toThrow();

    // A tampered vault fails closed without printing anything it decrypted.
    const file = join(sb.home, 'vault.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"random"', '"RANDOM"'));
    for (const args of [['read', 'mixed.txt'], ['list'], ['doctor'], ['has', values[0]!.key], ['write', 'out.txt', '--content', `<agent-vault:${values[0]!.key}>`]]) {
      const r = await run(sb, args, 'ignore');
      expect(r.code, args.join(' ')).toBe(args[0] === 'doctor' ? 1 : 2);
      expect(r.stdout + r.stderr).toContain('integrity check');
      expectNoLeak(r, `${args[0]} on a tampered vault`);
    }
  }, 600_000);
});

describe('no value reaches the output of a safe command with a passphrase vault (through the session agent, and locked)', () => {
  const made: string[] = [];
  afterAll(() => {
    stopAgents();
    made.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('the same commands unlocked and locked, and the locking commands themselves', async () => {
    const sb = sandbox();
    made.push(sb.dir);
    spawnSync('git', ['init', '-q'], { cwd: sb.dir, env: sb.env });
    const pass = 'no leak passphrase';
    const master = await passphraseVault(sb.home, pass, Object.fromEntries(values.map((v) => [v.key, v.value])), undefined, { [values[0]!.key]: [join(sb.dir, 'out.txt')] });
    const v = values.map((x) => x.value);
    writeFileSync(join(sb.dir, 'mixed.txt'), `raw: ${v[0]}\njson: ${JSON.stringify({ p: v[1] })}\nb64: ${Buffer.from(v[3]!).toString('base64')}\n`);
    const all = values.map((x) => `<agent-vault:${x.key}>`).join('\n');
    const runs: [string, string[], string | 'ignore'][] = [
      ['read', ['read', 'mixed.txt'], 'ignore'],
      ['write bound', ['write', 'out.txt', '--content', `<agent-vault:${values[0]!.key}>`], 'ignore'],
      ['write unbound', ['write', 'exfil.sh', '--content', all], 'ignore'],
      ['smudge without a path', ['smudge'], all],
      // clean replaces raw values (encoded forms in its input pass through as given, as above).
      ['clean', ['clean', 'mixed.txt'], `raw: ${v[0]}\nalso: ${v[2]}\n`],
      ['has', ['has', ...values.map((x) => x.key)], 'ignore'],
      ['list --json', ['list', '--json'], 'ignore'],
      ['status --vault', ['status', '--vault'], 'ignore'],
      ['set --stdin replacing a key', ['set', values[3]!.key, '--stdin'], values[3]!.value],
      ['get --reveal without a terminal', ['get', values[0]!.key, '--reveal'], values[0]!.value],
      ['unlock without a terminal', ['unlock'], `${pass}\n`],
      ['totp enable without a terminal', ['totp', 'enable'], `${pass}\n`],
      ['totp disable without a terminal', ['totp', 'disable'], `${pass}\n`],
      ['key migrate without a terminal', ['key', 'migrate', '--to', 'keyfile'], `${pass}\n`],
      ['scan', ['scan', '.'], 'ignore'],
    ];
    await startAgentProcess(sb.home, master, { env: sb.env });
    const read = await run(sb, ['read', 'mixed.txt'], 'ignore');
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain(`<agent-vault:${values[0]!.key}>`);
    for (const [what, args, input] of runs) expectNoLeak(await run(sb, args, input), `unlocked: ${what}`);
    const hook = await run(sb, ['hook', 'pre-commit'], 'ignore');
    expectNoLeak(hook, 'unlocked: hook pre-commit');
    const lock = await run(sb, ['lock'], 'ignore');
    expect(lock.stdout).toContain('Locked');
    expectNoLeak(lock, 'lock');
    // Locked: every path that refuses (VAULT_LOCKED) or warns.
    for (const [what, args, input] of [...runs, ['lock again', ['lock'], 'ignore'] as [string, string[], string]]) expectNoLeak(await run(sb, args, input), `locked: ${what}`);
    const lockedRead = await run(sb, ['read', 'mixed.txt'], 'ignore');
    expect(lockedRead.code).toBe(1);
    expect(lockedRead.stdout).toBe('');
    expectNoLeak(await run(sb, ['hook', 'pre-commit'], 'ignore'), 'locked: hook pre-commit');
  }, 600_000);
});
