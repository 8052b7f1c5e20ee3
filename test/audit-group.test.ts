import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { entryLine, lineHash, parseEntries, verifyChain } from '../src/audit/chain.js';
import { appendAudit, auditPaths, readAuditLines, syncAudit } from '../src/audit/log.js';
import { BIN, git, isolatedEnv, REPO, removeDir, runCli, tempDir } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { confRepo, passphraseVault, startAgentProcess, stopAgents, stopAgentsOf, waitFor } from './helpers/locked.js';

/**
 * Grouped audit appends (a checkout's smudges, issue 12's benchmark) hold the log: the lock is
 * taken once per group and the chain's end kept in memory. What must still hold: entries
 * appended by other processes during held groups land in one valid chain (`audit verify`
 * exit 0), another process waiting for the log gets it while the holder keeps appending (it
 * announces itself and the holder lets go), a holder that is killed leaves a lock the next
 * appender recovers, with every entry it wrote, and a holder that stops appending without
 * flushing lets go by itself.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

let script: string;
beforeAll(async () => {
  const dir = tempDir('av-audit-group-');
  dirs.push(dir);
  script = join(dir, 'appender.mjs');
  // One script, several roles (argv: role home ...).
  const source = `
import { appendAudit, syncAudit } from ${JSON.stringify(join(REPO, 'src/audit/log.ts'))};
import { existsSync, writeFileSync, writeSync } from 'node:fs';
const [role, home, a, b] = process.argv.slice(2);
const smudge = (who, i) => ({ event: 'materialise-smudge', keys: ['k-' + who], destination: 'checkout /x/' + i, outcome: 'allowed', actor: 'session' });
if (role === 'grouped') {
  // A checkout that never pauses: grouped appends back to back, until told to stop. It flushes
  // every 4,096 (the session: 256) so that the moments it does not hold the log are rare: only
  // letting go for an announced waiter gives another process its turn.
  const stop = a, cap = Number(b);
  let i = 0;
  while (i < cap && !existsSync(stop)) {
    appendAudit(home, smudge('a', i), new Date(), { sync: false });
    if (++i % 4096 === 0) syncAudit(home);
  }
  syncAudit(home);
  writeSync(1, JSON.stringify({ appended: i, stopped: existsSync(stop) }));
} else if (role === 'single') {
  // Another process's own entries, each locked and flushed; then it tells the holder to stop.
  for (let i = 0; i < Number(a); i++) appendAudit(home, smudge('b', i));
  if (b) writeFileSync(b, 'done');
} else if (role === 'hold-blocked' || role === 'hold-idle') {
  appendAudit(home, smudge('a', 0), new Date(), { sync: false });
  appendAudit(home, smudge('a', 1), new Date(), { sync: false });
  writeSync(1, 'held\\n');
  if (role === 'hold-blocked') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // never lets go by itself
  else setInterval(() => {}, 1000); // alive, idle, never flushes
}
`;
  await build({ stdin: { contents: source, resolveDir: REPO, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'silent' });
}, 60_000);

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** Resolves once the child printed `held` (it holds the log). */
function held(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.includes('held\n')) resolve();
    });
    child.on('close', () => reject(new Error('the holder exited before holding the log')));
  });
}

function vaultHomeDir(): { home: string; env: NodeJS.ProcessEnv } {
  const base = tempDir('av-audit-group-home-');
  dirs.push(base);
  const env = isolatedEnv(join(base, 'user'));
  const home = env.AGENT_VAULT_HOME!;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return { home, env };
}

const whoOf = (line: string) => (JSON.parse(line) as { keys?: string[] }).keys?.[0];

describe('grouped audit appends hold the log', () => {
  it('in one process: a group is one chain with the entries around it, and a non-grouped entry flushes and ends it', () => {
    const { home } = vaultHomeDir();
    appendAudit(home, { event: 'unlock' });
    for (let i = 0; i < 5; i++) expect(appendAudit(home, { event: 'materialise-smudge', keys: ['k'], destination: `checkout /x/${i}` }, new Date(), { sync: false }).seq).toBe(i + 2);
    // The group holds the lock file while it is open; an entry that wants its own fsync ends it.
    expect(existsSync(auditPaths(home).lock)).toBe(true);
    const grant = appendAudit(home, { event: 'materialise-smudge', keys: ['k'], grant: 'g-1', detail: 'by approval' });
    expect(grant.seq).toBe(7);
    expect(existsSync(auditPaths(home).lock)).toBe(false);
    appendAudit(home, { event: 'materialise-smudge', keys: ['k'] }, new Date(), { sync: false });
    syncAudit(home);
    expect(existsSync(auditPaths(home).lock)).toBe(false);
    const { lines } = readAuditLines(home);
    expect(lines).toHaveLength(8);
    expect(verifyChain(lines)).toMatchObject({ ok: true, count: 8 });
    // The byte offset returned is where the entry's line ends, as for a locked append.
    expect(grant.end).toBe(Buffer.byteLength(lines.slice(0, 7).map((l) => l + '\n').join('')));
  });

  it('a log another writer appended to under a held group (its lock file deleted by hand) is re-read: one chain still', () => {
    const { home } = vaultHomeDir();
    appendAudit(home, { event: 'materialise-smudge', keys: ['k'] }, new Date(), { sync: false });
    // Someone deletes the lock file and appends an entry of their own, chained correctly.
    const { lines: before } = readAuditLines(home);
    expect(before).toHaveLength(1);
    rmSync(auditPaths(home).lock);
    appendFileSync(auditPaths(home).log, entryLine({ event: 'lock', actor: 'terminal' }, 2, lineHash(before[0]!), new Date().toISOString()) + '\n');
    // The group sees the log is not where it left it and starts over from the file.
    expect(appendAudit(home, { event: 'materialise-smudge', keys: ['k'] }, new Date(), { sync: false }).seq).toBe(3);
    syncAudit(home);
    const { lines } = readAuditLines(home);
    expect(verifyChain(lines)).toMatchObject({ ok: true, count: 3 });
  });

  it('another process appending while a holder appends groups back to back gets its turn; one chain, audit verify exits 0', async () => {
    const { home, env } = vaultHomeDir();
    const stop = join(home, '..', 'stop');
    // The holder would append for a long time (a cap it only reaches if the other process starves).
    const holder = start(['grouped', home, stop, '2000000']);
    while (!existsSync(auditPaths(home).log)) await new Promise((r) => setTimeout(r, 20));
    const other = start(['single', home, '60', stop]);
    const [h, o] = await Promise.all([holder.done, other.done]);
    expect(o.code, o.stderr).toBe(0);
    expect(h.code, h.stderr).toBe(0);
    const result = JSON.parse(h.stdout) as { appended: number; stopped: boolean };
    // The other process finished (and said stop) while the holder was still appending.
    expect(result.stopped).toBe(true);
    const { lines, partial } = readAuditLines(home);
    expect(partial).toBe(false);
    expect(verifyChain(lines)).toMatchObject({ ok: true, count: result.appended + 60 });
    expect(lines.filter((l) => whoOf(l) === 'k-b')).toHaveLength(60);
    expect(lines.filter((l) => whoOf(l) === 'k-a')).toHaveLength(result.appended);
    const v = runCli(['audit', 'verify'], { cwd: home, env });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`${result.appended + 60} entries`));
  }, 300_000);

  it('a holder killed with SIGKILL mid-group: its lock is recovered by the next appender and nothing it wrote is lost', async () => {
    const { home, env } = vaultHomeDir();
    const holder = start(['hold-blocked', home]);
    await held(holder.child);
    const lock = JSON.parse(readFileSync(auditPaths(home).lock, 'utf8')) as { pid: number };
    expect(lock.pid).toBe(holder.child.pid);
    holder.child.kill('SIGKILL');
    await holder.done;
    const next = appendAudit(home, { event: 'lock', actor: 'terminal' });
    expect(next.seq).toBe(3);
    const { lines } = readAuditLines(home);
    expect(lines.map(whoOf)).toEqual(['k-a', 'k-a', undefined]);
    expect(verifyChain(lines)).toMatchObject({ ok: true, count: 3 });
    expect(existsSync(auditPaths(home).lock)).toBe(false);
    const v = runCli(['audit', 'verify'], { cwd: home, env });
    expect(v.code, v.stderr).toBe(0);
  }, 120_000);

  it('a live holder that stops appending without flushing lets go of the log by itself', async () => {
    const { home } = vaultHomeDir();
    const holder = start(['hold-idle', home]);
    await held(holder.child);
    // Another process appends (it waits for the lock, at most its 30 s timeout).
    const other = await start(['single', home, '3']).done;
    expect(other.code, other.stderr).toBe(0);
    expect(holder.child.exitCode).toBe(null); // still alive: the lock was let go, not broken
    holder.child.kill('SIGKILL');
    await holder.done;
    const { lines } = readAuditLines(home);
    expect(lines.map(whoOf)).toEqual(['k-a', 'k-a', 'k-b', 'k-b', 'k-b']);
    expect(verifyChain(lines)).toMatchObject({ ok: true, count: 5 });
  }, 120_000);
});

describe('through the session agent', () => {
  const homes: string[] = [];
  afterEach(() => {
    stopAgents();
    homes.splice(0).forEach(stopAgentsOf);
  });

  it('a checkout of a few files: when the filter process disconnects, its grouped entries are checkpointed; audit verify exits 0', async () => {
    const { env, home, repo } = confRepo('av-audit-group-agent-', dirs, homes);
    const value = expandTemplate('fake-group-{{alnum:24}}', rng(1212));
    const master = await passphraseVault(home, 'group passphrase', { 'db-password': value }, undefined, { 'db-password': [`${repo}/conf/*.yaml`] });
    await startAgentProcess(home, master, { env });
    writeFileSync(join(repo, '.gitattributes'), 'conf/** filter=agent-vault\n');
    git(repo, env, 'config', 'filter.agent-vault.process', `'${process.execPath}' '${BIN}' filter-process`);
    git(repo, env, 'config', 'filter.agent-vault.required', 'true');
    // Fewer files than a checkpoint interval (100): only the end of the checkout checkpoints them.
    const FILES = 5;
    for (let i = 0; i < FILES; i++) writeFileSync(join(repo, 'conf', `svc-${i}.yaml`), `name: svc-${i}\npassword: ${value}\n`);
    git(repo, env, 'add', '-A');
    git(repo, env, 'commit', '-qm', 'conf', '--no-verify');
    rmSync(join(repo, 'conf'), { recursive: true });
    git(repo, env, 'checkout', '--', 'conf');
    expect(readFileSync(join(repo, 'conf', 'svc-3.yaml'), 'utf8')).toBe(`name: svc-3\npassword: ${value}\n`);
    // Only the log is read while waiting: a connection to the agent would settle it too.
    const entries = () => parseEntries(readAuditLines(home).lines);
    const lastSmudge = () => Math.max(...entries().filter((e) => e.event === 'materialise-smudge').map((e) => e.seq));
    await waitFor(() => entries().some((e) => e.event === 'checkpoint' && (e.covers ?? 0) >= lastSmudge()), 20_000, 'a checkpoint covering the checkout');
    expect(entries().filter((e) => e.event === 'materialise-smudge')).toHaveLength(FILES);
    // The agent's own anchor write did not make it drop and re-read its vault, and it still serves.
    const v = runCli(['audit', 'verify'], { cwd: repo, env });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/signed checkpoints? verified/);
    expect(v.stdout + v.stderr).not.toContain(value);
  }, 180_000);
});
