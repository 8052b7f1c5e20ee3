import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openVault } from '../src/vault/index.js';
import { commandBinding } from '../src/vault/bindings.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { BIN } from './helpers/cli.js';
import { passphraseVault, startAgentProcess, stopAgents } from './helpers/locked.js';
import { run as runCli, sandbox } from './helpers/vault-cli.js';

/**
 * Issue 14, `agent-vault run`, attacked as the agent does it: a shell, no terminal, the same
 * OS user. The child is a real process that prints what it received in every encoding and
 * split across writes; the output the agent sees must hold no value (every value and every
 * 12-byte window of it grepped), a value goes only to a command bound to it, and the exit
 * status, signals, prompts and standard input pass through.
 */
const dirs: string[] = [];
afterAll(() => {
  stopAgents();
  dirs.forEach(removeDir);
});

// Generated at test time: no literal secret in the repository.
const gen = (n = 24) => randomBytes(n).toString('base64url');
const DB = `db-${gen()}`;
const API = `api-${gen()}`;
const OTHER = `other-${gen()}`;
const SHORT = 'abc1234';
const ALL = [DB, API, OTHER];

/** The child: prints its environment's values (and files) as told, in many forms and pieces. */
const CHILD = `
const [mode, ...rest] = process.argv.slice(2);
const v = process.env.DB_PASSWORD ?? '';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const forms = (x) => [x, Buffer.from(x).toString('base64'), Buffer.from('A' + x).toString('base64'), Buffer.from('AB' + x).toString('base64url'), encodeURIComponent(x), JSON.stringify({ x }), Buffer.from(x).toString('hex')];
async function main() {
  if (mode === 'leak') {
    for (const f of forms(v)) { process.stdout.write('out ' + f + '\\n'); process.stderr.write('err ' + f + '\\n'); }
    // Split across writes (and event-loop turns): half, pause, the rest.
    const h = Math.floor(v.length / 2);
    process.stdout.write('split ' + v.slice(0, h)); await sleep(60); process.stdout.write(v.slice(h) + ' end\\n');
    process.stderr.write(v.slice(0, 5)); await sleep(60); process.stderr.write(v.slice(5) + '\\n');
    // One byte at a time.
    for (const c of v) { process.stdout.write(c); await sleep(2); }
    process.stdout.write('\\n');
    // A value the command was not given, read from a file, and the environment as a whole.
    process.stdout.write(require('fs').readFileSync(rest[0], 'utf8'));
    process.stdout.write(JSON.stringify(process.env) + '\\n');
    process.stdout.write('no newline at the end ' + v);
  } else if (mode === 'env') {
    process.stdout.write(JSON.stringify(Object.keys(process.env).filter((k) => /^(DB_PASSWORD|API_TOKEN|PGPASS|DATABASE_URL|OTHER_SECRET)$/.test(k)).sort()) + '\\n');
    process.stdout.write('url=' + (process.env.DATABASE_URL ?? '') + '\\n');
    process.stdout.write('len=' + (process.env.PGPASS ?? process.env.DB_PASSWORD ?? '').length + '\\n');
  } else if (mode === 'exit') {
    process.exit(Number(rest[0]));
  } else if (mode === 'kill-self') {
    process.kill(process.pid, rest[0]);
    await sleep(5000);
  } else if (mode === 'trap') {
    process.on('SIGTERM', () => { process.stdout.write('got SIGTERM, value ' + v + '\\n'); process.exit(42); });
    process.stdout.write('ready\\n');
    await sleep(20000);
  } else if (mode === 'prompt') {
    process.stdout.write('Password for ' + v + ': ');
    let got = '';
    process.stdin.on('data', (d) => { got += d; if (got.includes('\\n')) { process.stdout.write('thanks ' + got.trim() + '\\n'); process.exit(0); } });
  } else if (mode === 'stdin') {
    let got = '';
    process.stdin.on('data', (d) => (got += d));
    process.stdin.on('end', () => process.stdout.write('read ' + got.length + ' bytes: ' + got));
  } else if (mode === 'tty') {
    process.stdout.write('tty=' + !!process.stdout.isTTY + ' value: ' + v + '\\n');
  } else if (mode === 'token') {
    process.stdout.write('config token = ' + rest[0] + '\\n');
  }
}
main();
`;

/** Every value, and every 12-byte window of each, that occurs in `text` (0 wanted). */
function leaks(text: string, values = ALL): string[] {
  const hits: string[] = [];
  for (const v of values) {
    if (text.includes(v)) hits.push(v.slice(0, 3) + '…');
    for (let i = 0; i + 12 <= v.length; i++) if (text.includes(v.slice(i, i + 12))) hits.push(`${v.slice(0, 3)}…@${i}`);
  }
  return hits;
}

describe('agent-vault run', () => {
  let w: AgentWorld;
  let child: string;
  let otherFile: string;
  beforeAll(async () => {
    w = agentWorld(dirs);
    child = join(w.repo, 'child.cjs');
    writeFileSync(child, CHILD);
    otherFile = join(w.repo, 'restored.txt');
    writeFileSync(otherFile, `other value: ${OTHER}\n`);
    await personSets(w, 'db-password', DB);
    await personSets(w, 'api-token', API);
    await personSets(w, 'other-secret', OTHER);
    // The person allows the node child for db-password, in a terminal.
    const bound = await w.person(`bind db-password --command 'node child.cjs *'`);
    expect(bound.code, bound.screen).toBe(0);
    expect(bound.screen).toContain('run may now start node child.cjs *');
    // Test-only (as a person would in a terminal): a short value stored before set refused them.
    const v = openVault(w.vault);
    v.set('short-one', Buffer.from(SHORT));
    v.bind('short-one', [commandBinding('node child.cjs *')]);
    v.bind('api-token', [commandBinding('node child.cjs env*')]);
  }, 120_000);

  it('shows the child output only as the agent view: no value in any form, split or whole, on stdout or stderr', async () => {
    const r = await w.agent(['run', '--key', 'db-password', '--', 'node', 'child.cjs', 'leak', otherFile]);
    expect(r.code, r.stderr).toBe(0);
    const all = r.stdout + r.stderr;
    expect(leaks(all)).toEqual([]);
    expect(r.stdout).toContain('out <agent-vault:db-password>\n');
    expect(r.stderr).toContain('err <agent-vault:db-password>\n');
    expect(r.stdout).toContain('split <agent-vault:db-password> end\n');
    expect(r.stdout).toContain('other value: <agent-vault:other-secret>\n');
    // Encoded forms are UNVAULTED markers, not their bytes.
    expect(r.stdout).toMatch(/out <agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>\n/);
    expect(r.stdout.endsWith('no newline at the end <agent-vault:db-password>')).toBe(true);
    // The encoded forms never appear either.
    for (const f of [Buffer.from(DB).toString('base64'), encodeURIComponent(DB), Buffer.from(DB).toString('hex')]) expect(all.includes(f)).toBe(false);
    // The audit log holds the run: the key and the command, never the value.
    const audit = await w.agent(['audit', '--event', 'run', '--key', 'db-password', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    const runs = audit.stdout.trim().split('\n').map((l) => JSON.parse(l) as { keys: string[]; destination: string; outcome: string });
    expect(runs.some((e) => e.outcome === 'allowed' && e.destination.includes('child.cjs') && e.destination.includes('leak'))).toBe(true);
    expect(leaks(audit.stdout + audit.stderr)).toEqual([]);
  }, 180_000);

  it('gives the child only the keys bound to that command, under the names asked for', async () => {
    const r = await w.agent(['run', '--key', 'db-password=PGPASS', '--', 'node', 'child.cjs', 'env']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('["PGPASS"]\n');
    expect(r.stdout).toContain(`len=${DB.length}\n`);
    const both = await w.agent(['run', '-k', 'db-password', '-k', 'api-token', '--', 'node', 'child.cjs', 'env']);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toContain('["API_TOKEN","DB_PASSWORD"]\n');
    expect(leaks(both.stdout + both.stderr)).toEqual([]);
  }, 180_000);

  it('refuses a key not bound to the command, starts nothing and names the terminal command', async () => {
    const marker = join(w.repo, 'started');
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
    const r = await w.agent(['run', '--key', 'other-secret', '--', 'node', '-e', script]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not allowed for the command');
    expect(r.stderr).toContain('agent-vault bind other-secret --command');
    expect(existsSync(marker)).toBe(false);
    // api-token is bound to `node child.cjs env*` only.
    const wrong = await w.agent(['run', '--key', 'api-token', '--', 'node', 'child.cjs', 'leak', otherFile]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    // One argv word holding spaces is not the bound command line.
    const glued = await w.agent(['run', '--key', 'db-password', '--', 'node', 'child.cjs env']);
    expect(glued.code).toBe(1);
    expect(glued.stderr).toContain("node 'child.cjs env'");
    // Missing keys, short values.
    const missing = await w.agent(['run', '--key', 'no-such-key', '--', 'node', 'child.cjs', 'env']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no-such-key');
    const short = await w.agent(['run', '--key', 'short-one', '--', 'node', 'child.cjs', 'env']);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('shorter than 8 bytes');
    expect(short.stderr).not.toContain(SHORT);
    for (const x of [r, wrong, glued, missing, short]) expect(leaks(x.stdout + x.stderr)).toEqual([]);
  }, 180_000);

  it('an agent cannot bind a command to a key (terminal only)', async () => {
    const r = await w.agent(['bind', 'other-secret', '--command', 'node -e*']);
    expect(r.code).toBe(1);
    expect(openVault(w.vault).list().find((m) => m.key === 'other-secret')!.bindings).toEqual([]);
  }, 180_000);

  it('resolves <agent-vault:KEY> placeholders of an env file into the environment, never writing it', async () => {
    const envFile = join(w.repo, '.env.run');
    const content = 'DATABASE_URL=postgres://app:<agent-vault:db-password>@db.invalid/app\nPLAIN=1\n';
    writeFileSync(envFile, content);
    const r = await w.agent(['run', '--env-file', '.env.run', '--', 'node', 'child.cjs', 'env']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('url=postgres://app:<agent-vault:db-password>@db.invalid/app\n');
    expect(r.stdout).toContain('["DATABASE_URL"]');
    expect((await import('node:fs')).readFileSync(envFile, 'utf8')).toBe(content);
    // The placeholder of a key not bound to the command: refused.
    writeFileSync(envFile, 'OTHER_SECRET=<agent-vault:other-secret>\n');
    const refused = await w.agent(['run', '--env-file', '.env.run', '--', 'node', 'child.cjs', 'env']);
    expect(refused.code).toBe(1);
    // An env file in the vault home is never read.
    const home = await w.agent(['run', '--env-file', join(w.vault, 'vault.json'), '--', 'node', 'child.cjs', 'env']);
    expect(home.code).toBe(1);
    expect(home.stderr).toContain('vault home');
    for (const x of [r, refused, home]) expect(leaks(x.stdout + x.stderr)).toEqual([]);
  }, 180_000);

  it("passes the child's exit status through, and 128 + signal when it is killed", async () => {
    expect((await w.agent(['run', '--', 'node', 'child.cjs', 'exit', '7'])).code).toBe(7);
    expect((await w.agent(['run', '--', 'node', 'child.cjs', 'exit', '0'])).code).toBe(0);
    expect((await w.agent(['run', '--', 'node', 'child.cjs', 'kill-self', 'SIGTERM'])).code).toBe(143);
    expect((await w.agent(['run', '--', 'node', 'child.cjs', 'kill-self', 'SIGKILL'])).code).toBe(137);
    const missing = await w.agent(['run', '--', 'no-such-command-here']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('command not found');
  }, 180_000);

  it('forwards SIGTERM to the child, whose redacted last words and status come through', async () => {
    const p = spawn(process.execPath, [BIN, 'run', '--key', 'db-password', '--', 'node', 'child.cjs', 'trap'], { cwd: w.repo, env: w.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const code = await new Promise<number | null>((resolve) => {
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready\n') && !sent) {
          sent = true;
          p.kill('SIGTERM');
        }
      });
      p.on('close', resolve);
    });
    expect(code).toBe(42);
    expect(out).toContain('got SIGTERM, value <agent-vault:db-password>\n');
    expect(leaks(out)).toEqual([]);
  }, 180_000);

  it('shows a prompt without a newline at once, and passes standard input to the child', async () => {
    const p = spawn(process.execPath, [BIN, 'run', '--key', 'db-password', '--', 'node', 'child.cjs', 'prompt'], { cwd: w.repo, env: w.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const code = await new Promise<number | null>((resolve) => {
      p.stdout.on('data', (d: Buffer) => {
        const before = out;
        out += d.toString();
        if (!before.includes(': ') && out.includes(': ')) p.stdin.write('hunter2-answer\n');
      });
      p.on('close', resolve);
    });
    expect(code).toBe(0);
    expect(out).toBe('Password for <agent-vault:db-password>: thanks hunter2-answer\n');
    const piped = await w.agent(['run', '--', 'node', 'child.cjs', 'stdin'], 'line one\nline two\n');
    expect(piped.stdout).toBe('read 18 bytes: line one\nline two\n');
  }, 180_000);

  it('hides scanner findings on complete lines as UNVAULTED markers (a secret the vault does not hold)', async () => {
    const token = 'ghp_' + randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36);
    const r = await w.agent(['run', '--', 'node', 'child.cjs', 'token', token]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^config token = <agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>\n$/);
    expect(leaks(r.stdout, [token])).toEqual([]);
  }, 180_000);

  it('gives the child a terminal when run is in one (util-linux script), still redacted', async () => {
    const r = await w.person(`run --key db-password -- node child.cjs tty`);
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain('tty=true value: <agent-vault:db-password>');
    expect(leaks(r.screen)).toEqual([]);
    const pipes = await w.person(`run --no-pty --key db-password -- node child.cjs tty`);
    expect(pipes.screen).toContain('tty=false value: <agent-vault:db-password>');
  }, 180_000);
});

describe('agent-vault run with a passphrase vault (the session agent holds the values)', () => {
  it('redacts through the agent and gets the value for a bound command across the socket', async () => {
    const sb = sandbox();
    dirs.push(sb.dir);
    const master = await passphraseVault(sb.home, 'run tests', { 'db-password': DB, 'other-secret': OTHER });
    const { MemoryKeyProvider } = await import('../src/vault/key-provider.js');
    openVault(sb.home, { keyProvider: new MemoryKeyProvider(master) }).bind('db-password', [commandBinding('node child.cjs *')]);
    writeFileSync(join(sb.dir, 'child.cjs'), CHILD);
    writeFileSync(join(sb.dir, 'restored.txt'), `other value: ${OTHER}\n`);
    // Locked: nothing starts.
    const locked = await runCli(sb, ['run', '--key', 'db-password', '--', 'node', 'child.cjs', 'env'], 'ignore');
    expect(locked.code).not.toBe(0);
    expect(locked.stdout).toBe('');
    await startAgentProcess(sb.home, master, { env: sb.env });
    const r = await runCli(sb, ['run', '--key', 'db-password', '--', 'node', 'child.cjs', 'leak', join(sb.dir, 'restored.txt')], 'ignore');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('split <agent-vault:db-password> end\n');
    expect(r.stdout).toContain('other value: <agent-vault:other-secret>\n');
    expect(leaks(r.stdout + r.stderr + locked.stdout + locked.stderr)).toEqual([]);
    // The agent applies the command bindings on its side too.
    const refused = await runCli(sb, ['run', '--key', 'other-secret', '--', 'node', 'child.cjs', 'env'], 'ignore');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not allowed for the command');
  }, 180_000);
});
