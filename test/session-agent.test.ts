import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { AgentSession } from '../src/session/agent-client.js';
import { SessionAgent } from '../src/session/agent-server.js';
import { agentEndpoints } from '../src/session/agent-socket.js';
import { deriveKeys } from '../src/vault/crypto.js';
import { vaultPaths } from '../src/vault/index.js';
import { BIN, removeDir, runCli, tempDir } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { passphraseVault, socketGone, startAgentProcess, stopAgents, waitFor } from './helpers/locked.js';

/** The session agent as a real process with real Unix sockets. */

const dirs: string[] = [];
afterEach(() => {
  stopAgents();
  dirs.splice(0).forEach(removeDir);
});
afterAll(stopAgents);

const next = rng(9090);
const DB = expandTemplate('fake-db-{{alnum:24}}', next);
const API = expandTemplate('fake-api-{{alnum:32}}', next);

interface Setup {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  master: Buffer;
}

async function setup(): Promise<Setup> {
  const dir = tempDir('av-agent-');
  dirs.push(dir);
  const home = join(dir, 'vault');
  // Bound to the test folder, as `agent-vault bind KEY GLOB` would: write may restore them there.
  const master = await passphraseVault(home, 'agent tests', { 'db-password': DB, 'api-key': API }, undefined, { 'db-password': [`${dir}/**`], 'api-key': [`${dir}/**`] });
  const env = { PATH: process.env.PATH, HOME: dir, AGENT_VAULT_HOME: home, LANG: 'C.UTF-8', NO_COLOR: '1' };
  return { dir, home, env, master };
}

const cli = (s: Setup, args: string[], input?: string) => runCli(args, { cwd: s.dir, env: s.env, ...(input !== undefined ? { input } : {}) });

/** Every spelling of a byte string a leak test looks for. */
const spellings = (b: Buffer) => [b.toString('hex'), b.toString('base64'), b.toString('base64url'), b.toString('latin1')];

describe('the session agent process', () => {
  it('serves read, write, has and list; its argv and environment hold no key', async () => {
    const s = await setup();
    const agent = await startAgentProcess(s.home, s.master, { env: s.env });
    writeFileSync(join(s.dir, 'config.yaml'), `db: ${DB}\n`);
    const read = cli(s, ['read', 'config.yaml']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toBe('     1\tdb: <agent-vault:db-password>\n');
    expect(cli(s, ['write', 'out.yaml', '--content', 'k: <agent-vault:api-key>\n']).code).toBe(0);
    expect(readFileSync(join(s.dir, 'out.yaml'), 'utf8')).toBe(`k: ${API}\n`);
    expect(cli(s, ['has', 'db-password', 'api-key']).code).toBe(0);
    expect(cli(s, ['list']).stdout).toBe('api-key\ndb-password\n');
    const proc = readFileSync(`/proc/${agent.pid}/cmdline`, 'latin1') + readFileSync(`/proc/${agent.pid}/environ`, 'latin1');
    for (const form of spellings(s.master)) expect(proc).not.toContain(form);
    expect(proc).not.toContain(DB);
  });

  it('locks itself after the idle time: socket removed, process gone, the vault reads as locked', async () => {
    const s = await setup();
    const agent = await startAgentProcess(s.home, s.master, { env: s.env, idleMs: 2500 });
    // In-process client: a CLI start-up on a busy machine could take longer than the idle time.
    const client = new AgentSession(s.home, s.env);
    expect(await client.has(['api-key'])).toEqual([true]);
    await client.close();
    await waitFor(socketGone(agent.socket), 15_000, 'the idle lock');
    expect(await agent.exited).toBe(0);
    const r = cli(s, ['has', 'api-key']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is locked');
    expect(r.stderr).toContain('agent-vault unlock');
  });

  it('locks at the absolute limit even while it is being used', async () => {
    const s = await setup();
    const t0 = Date.now();
    await startAgentProcess(s.home, s.master, { env: s.env, idleMs: 60_000, maxMs: 3000 });
    const client = new AgentSession(s.home, s.env);
    let error: unknown;
    while (!error && Date.now() - t0 < 20_000) {
      try {
        await client.has(['api-key']);
        await new Promise((r) => setTimeout(r, 100));
      } catch (e) {
        error = e;
      }
    }
    await client.close();
    expect(error).toMatchObject({ code: 'VAULT_LOCKED', exitCode: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
  });

  it('agent-vault lock locks it; status --vault shows the time left before, and locked after', async () => {
    const s = await setup();
    const agent = await startAgentProcess(s.home, s.master, { env: s.env, idleMs: 600_000, maxMs: 3_600_000 });
    const before = cli(s, ['status', '--vault']);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/provider: {2}passphrase\nstate: {5}unlocked; locks in (9m 5\d|10m)s? without use, in (59m|1h)/);
    expect(cli(s, ['lock']).stdout).toContain('✓ Locked');
    expect(await agent.exited).toBe(0);
    expect(existsSync(agent.socket)).toBe(false);
    expect(cli(s, ['status', '--vault']).stdout).toContain('state:     locked');
    expect(cli(s, ['lock']).stdout).toContain('Already locked');
  });

  it('after a SIGKILL the stale socket reads as locked, and the next agent replaces it', async () => {
    const s = await setup();
    const agent = await startAgentProcess(s.home, s.master, { env: s.env });
    agent.child.kill('SIGKILL');
    expect(await agent.exited).toBe('SIGKILL');
    expect(lstatSync(agent.socket).isSocket()).toBe(true); // left behind
    const r = cli(s, ['read', 'nothing-here.txt']);
    expect(r.code).toBe(2); // the file is missing: checked before the vault
    writeFileSync(join(s.dir, 'a.txt'), 'hello\n');
    const locked = cli(s, ['read', 'a.txt']);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('is locked');
    // Nothing was lost: the vault on disk is the truth; the next agent takes the stale path over.
    const again = await startAgentProcess(s.home, s.master, { env: s.env });
    expect(again.socket).toBe(agent.socket);
    expect(cli(s, ['has', 'db-password']).code).toBe(0);
  });

  it('locks when its socket file is removed or replaced', async () => {
    const s = await setup();
    const a = await startAgentProcess(s.home, s.master, { env: s.env });
    renameSync(a.socket, a.socket + '.moved'); // removed from its path
    expect(await a.exited).toBe(0);
    const b = await startAgentProcess(s.home, s.master, { env: s.env });
    // Replaced: someone else's socket now sits at the path.
    const impostor = createServer();
    const other = join(s.dir, 'other.sock');
    await new Promise<void>((r) => impostor.listen(other, r));
    renameSync(other, b.socket);
    expect(await b.exited).toBe(0);
    impostor.close();
  });

  it('keeps running through its own writes, and locks when vault.json changes in a way that does not verify', async () => {
    const s = await setup();
    const agent = await startAgentProcess(s.home, s.master, { env: s.env });
    expect(cli(s, ['set', 'new-key', '--stdin'], expandTemplate('fake-new-{{alnum:20}}', next)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1500)); // several watch periods
    expect(agent.child.exitCode).toBeNull();
    expect(cli(s, ['has', 'new-key']).code).toBe(0);
    const file = vaultPaths(s.home).file;
    writeFileSync(file, readFileSync(file, 'utf8').replace('"new-key"', '"new-kez"'));
    expect(await agent.exited).toBe(0);
    expect(existsSync(agent.socket)).toBe(false);
  });

  it('clients refuse a socket, or a folder, that is not private to this user', async () => {
    const s = await setup();
    const agent = await startAgentProcess(s.home, s.master, { env: s.env });
    const folder = join(s.home, 'run');
    const refused = (why: RegExp) => {
      const r = cli(s, ['has', 'api-key']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/refusing the session agent socket/);
      expect(r.stderr).toMatch(why);
    };
    chmodSync(agent.socket, 0o666);
    refused(/not private to you \(owner uid \d+, mode 666\)/);
    chmodSync(agent.socket, 0o600);
    chmodSync(folder, 0o750);
    refused(/its folder .* is not private to you/);
    chmodSync(folder, 0o700);
    if (process.getuid?.() === 0) {
      chownSync(agent.socket, 65534, 65534);
      refused(/owner uid 65534/);
      chownSync(agent.socket, 0, 0);
    }
    expect(cli(s, ['has', 'api-key']).code).toBe(0);
  });

  it('session-agent refuses to run unless handed a whole key on a pipe at fd 3 (not argv, environment or a file)', async () => {
    const s = await setup();
    const socket = agentEndpoints(s.home, s.env)[0]!.socket;
    const start = (fd3: 'none' | 'file' | Buffer) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const file = fd3 === 'file' ? openSync(join(s.dir, 'key-file'), 'w+') : undefined;
        const child = spawn(process.execPath, [BIN, 'session-agent', '--home', s.home, '--socket', socket, '--ttl', '60000', '--max', '60000'], {
          env: s.env,
          stdio: fd3 === 'none' ? ['ignore', 'ignore', 'pipe'] : ['ignore', 'ignore', 'pipe', file ?? 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        if (Buffer.isBuffer(fd3)) (child.stdio[3] as Socket).end(fd3);
        child.on('close', (code) => {
          if (file !== undefined) closeSync(file);
          resolve({ code, stderr });
        });
      });
    const none = await start('none');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('not by hand');
    const file = await start('file');
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('file descriptor 3 is not a pipe');
    const short = await start(s.master.subarray(0, 16));
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('the key was incomplete');
    expect(existsSync(socket)).toBe(false);
  });

  it('uses a private XDG_RUNTIME_DIR when there is one, and the vault home otherwise', async () => {
    const s = await setup();
    const runtime = join(s.dir, 'xdg');
    mkdirSync(runtime, { mode: 0o700 });
    const env = { ...s.env, XDG_RUNTIME_DIR: runtime };
    expect(agentEndpoints(s.home, env)[0]!.socket).toMatch(new RegExp(`^${runtime}/agent-vault/[0-9a-f]{16}\\.sock$`));
    const agent = await startAgentProcess(s.home, s.master, { env });
    expect(agent.socket.startsWith(runtime)).toBe(true);
    expect(runCli(['has', 'api-key'], { cwd: s.dir, env }).code).toBe(0);
    chmodSync(runtime, 0o755); // not private any more: not used
    expect(agentEndpoints(s.home, env)[0]!.socket).toBe(join(s.home, 'run', 'agent.sock'));
  });

});

describe('the session agent protocol', () => {
  /** Send raw lines on one connection; resolves with what came back when the agent closes it or after `ms`. */
  function exchange(socket: string, lines: string[], ms = 1500): Promise<{ text: string; closed: boolean }> {
    return new Promise((resolve) => {
      const conn = createConnection(socket);
      let text = '';
      let closed = false;
      conn.on('data', (d) => (text += d.toString('utf8')));
      conn.on('close', () => {
        closed = true;
        resolve({ text, closed });
      });
      conn.on('error', () => undefined);
      conn.on('connect', () => conn.write(lines.join('')));
      setTimeout(() => {
        conn.destroy();
        resolve({ text, closed });
      }, ms);
    });
  }

  it('a malformed request closes that connection only', async () => {
    const s = await setup();
    const agent = await startAgentProcess(s.home, s.master, { env: s.env });
    for (const bad of ['not json\n', '{"id":1,"op":"giveMeTheKey","args":[]}\n', '{"id":1,"op":"has","args":[42]}\n', '{"id":1,"op":"redact","args":[{"$b":5}]}\n']) {
      const r = await exchange(agent.socket, [bad]);
      expect(r.closed, bad).toBe(true);
      expect(r.text).toMatch(/"ok":false/);
    }
    const good = await exchange(agent.socket, ['{"id":7,"op":"has","args":[["api-key","nope"]]}\n']);
    expect(JSON.parse(good.text)).toEqual({ id: 7, ok: true, value: [true, false] });
    expect(agent.child.exitCode).toBeNull();
  });

  it('bounds the size of a request (in-process agent, small bound)', async () => {
    const s = await setup();
    const endpoint = agentEndpoints(s.home, s.env)[0]!;
    const agent = new SessionAgent({ home: s.home, endpoint, key: Buffer.from(s.master), idleMs: 60_000, maxMs: 600_000, maxRequestBytes: 4096 });
    await agent.start();
    try {
      const big = await exchange(endpoint.socket, [`{"id":1,"op":"redact","args":[{"$b":"${'A'.repeat(8000)}"}]}\n`]);
      expect(big.closed).toBe(true);
      expect(big.text).toContain('request too large');
      const unterminated = await exchange(endpoint.socket, ['x'.repeat(10_000)]);
      expect(unterminated.closed).toBe(true);
      const small = await exchange(endpoint.socket, ['{"id":2,"op":"has","args":[["db-password"]]}\n']);
      expect(small.text).toContain('"value":[true]');
    } finally {
      await agent.lock('lock');
    }
  });

  it('no operation hands out the key; a value never leaves for an unproved connection, and signing keys never', async () => {
    const s = await setup();
    const agent = await startAgentProcess(s.home, s.master, { env: s.env });
    const b64 = (t: string) => ({ $b: Buffer.from(t).toString('base64') });
    const requests = [
      ['state', []],
      ['init', []],
      ['list', []],
      ['has', [['db-password']]],
      ['redact', [b64(`x ${DB} y`), {}]],
      ['agentView', [b64(`x ${DB} y`), []]],
      ['findValues', [b64(`x ${DB} y`)]],
      ['restore', [b64('<agent-vault:db-password>'), { destination: { kind: 'file', path: join(s.dir, 'f') } }]],
      ['valueFor', ['db-password', { kind: 'terminal' }]],
      ['valueFor', ['db-password', { kind: 'internal', purpose: 'skill-signing' }]],
      ['valueFor', ['db-password', { kind: 'file', path: join(s.dir, 'f') }]],
      ['valueFor', ['db-password', { kind: 'git-filter', path: 'f', repo: s.dir }]],
      ['signWith', ['db-password', b64('message'), { kind: 'command', argv: ['x'], cwd: '/' }]],
    ] as const;
    const lines = requests.map(([op, args], i) => JSON.stringify({ id: i + 1, op, args }) + '\n');
    const { text } = await exchange(agent.socket, lines, 3000);
    const replies = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(replies).toHaveLength(requests.length);
    const byOp = (i: number) => replies.find((r) => r.id === i + 1);
    // A value for the terminal (get --reveal) only on a connection that proved the person.
    expect(byOp(8)).toMatchObject({ ok: false, error: { code: 'PERSON_REQUIRED' } });
    for (const i of [9, 10, 11, 12]) expect(byOp(i), JSON.stringify(requests[i])).toMatchObject({ ok: false, error: { code: 'USE_NOT_ALLOWED' } });
    const keys = deriveKeys(s.master);
    for (const secret of [s.master, keys.encryption, keys.integrity]) for (const form of spellings(secret)) expect(text).not.toContain(form);
    // A command (run) gets a value only where a binding allows it, checked here in the agent:
    // a key bound to files is refused, so a same-user process cannot use `run` as an oracle.
    const run = await exchange(agent.socket, [JSON.stringify({ id: 1, op: 'valueFor', args: ['db-password', { kind: 'command', argv: ['env'], cwd: s.dir }] }) + '\n']);
    expect(JSON.parse(run.text)).toMatchObject({ ok: false, error: { code: 'KEY_NOT_BOUND' } });
    expect(run.text).not.toContain(DB);
    // Person decisions are refused on an unproved connection.
    const decisions = await exchange(agent.socket, [
      JSON.stringify({ id: 1, op: 'remove', args: ['db-password'] }) + '\n',
      JSON.stringify({ id: 2, op: 'bind', args: ['db-password', ['/**']] }) + '\n',
      JSON.stringify({ id: 3, op: 'set', args: [[{ key: 'db-password', value: b64('replaced'), origin: 'terminal' }], { interactive: true }] }) + '\n',
    ]);
    const answers = decisions.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(a).toMatchObject({ ok: false, error: { code: 'PERSON_REQUIRED' } });
    expect(cli(s, ['has', 'db-password']).code).toBe(0);
  });
});
