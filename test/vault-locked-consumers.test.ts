import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { encodeContent, encodeList, PacketReader } from '../src/git/pkt-line.js';
import { BIN, git, removeDir, runCli } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { confRepo, passphraseVault, startAgentProcess, stopAgents, stopAgentsOf, terminal } from './helpers/locked.js';

/**
 * Every consumer of vault values against a passphrase vault: through the session agent while
 * unlocked (the filter, the hooks, read, write, skill signing), and what each does while
 * the vault is locked.
 */

const dirs: string[] = [];
const homes: string[] = [];
afterEach(() => {
  stopAgents();
  homes.splice(0).forEach(stopAgentsOf);
});
afterAll(() => dirs.splice(0).forEach(removeDir));

const next = rng(3131);
const DB = expandTemplate('fake-db-{{alnum:24}}', next);
const API = expandTemplate('fake-api-{{alnum:30}}', next);
const PASS = 'consumers passphrase';

interface World {
  repo: string;
  home: string;
  env: NodeJS.ProcessEnv;
  master: Buffer;
}

/** A repository protecting conf/*.yaml, with the agent-vault filter and hooks installed, and a passphrase vault whose keys are bound to the repository. */
async function world(files = 3): Promise<World> {
  const { env, home, repo } = confRepo('av-locked-use-', dirs, homes);
  const master = await passphraseVault(home, PASS, { 'db-password': DB, 'api-key': API }, undefined, { 'db-password': [`${repo}/**`], 'api-key': [`${repo}/**`] });
  writeFileSync(join(repo, '.agent-vault.yaml'), 'protected:\n  - "conf/*.yaml"\n');
  for (let i = 0; i < files; i++) writeFileSync(join(repo, 'conf', `svc-${i}.yaml`), `name: svc-${i}\npassword: ${DB}\napi: ${API}\n`);
  return { repo, home, env, master };
}

const cli = (w: World, args: string[], input?: string) => runCli(args, { cwd: w.repo, env: w.env, ...(input !== undefined ? { input } : {}) });
/** git, whatever its exit status (the hooks and the filter are expected to refuse). */
function spawnGit(w: World, args: string[]) {
  const r = spawnSync('git', args, { cwd: w.repo, env: w.env });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

describe('consumers through the session agent (unlocked)', () => {
  it('the filter: git add stores placeholders, a checkout restores values, status stays clean', async () => {
    const w = await world();
    await startAgentProcess(w.home, w.master, { env: w.env });
    expect(cli(w, ['install']).code).toBe(0);
    git(w.repo, w.env, 'add', '-A');
    git(w.repo, w.env, 'commit', '-qm', 'conf', '--no-verify');
    const blob = git(w.repo, w.env, 'show', 'HEAD:conf/svc-1.yaml');
    expect(blob).toBe('name: svc-1\npassword: <agent-vault:db-password>\napi: <agent-vault:api-key>\n');
    for (let i = 0; i < 3; i++) writeFileSync(join(w.repo, 'conf', `svc-${i}.yaml`), 'overwritten\n');
    git(w.repo, w.env, 'checkout', '--', 'conf');
    expect(readFileSync(join(w.repo, 'conf', 'svc-2.yaml'), 'utf8')).toBe(`name: svc-2\npassword: ${DB}\napi: ${API}\n`);
    expect(git(w.repo, w.env, 'status', '--porcelain')).toBe('');
  });

  it('the pre-commit hook blocks a raw vaulted value, naming the key and not the value', async () => {
    const w = await world(0);
    await startAgentProcess(w.home, w.master, { env: w.env });
    expect(cli(w, ['install']).code).toBe(0);
    writeFileSync(join(w.repo, 'notes.md'), `the password is ${DB}\n`);
    git(w.repo, w.env, 'add', '-A');
    const r = spawnGit(w, ['commit', '-qm', 'leak']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('db-password');
    expect(r.stderr).not.toContain(DB);
  });

  it('read and write', async () => {
    const w = await world(1);
    await startAgentProcess(w.home, w.master, { env: w.env });
    const read = cli(w, ['read', 'conf/svc-0.yaml']);
    expect(read.stdout).toBe('     1\tname: svc-0\n     2\tpassword: <agent-vault:db-password>\n     3\tapi: <agent-vault:api-key>\n');
    expect(cli(w, ['write', 'conf/new.yaml', '--content', 'p: <agent-vault:db-password>\n']).code).toBe(0);
    expect(readFileSync(join(w.repo, 'conf', 'new.yaml'), 'utf8')).toBe(`p: ${DB}\n`);
    // The binding is enforced in the agent: outside the repository the value is refused.
    const outside = join(w.repo, '..', 'elsewhere.txt');
    writeFileSync(outside, '');
    const r = cli(w, ['write', outside, '--content', 'p: <agent-vault:db-password>\n']);
    expect(r.code).toBe(1);
    expect(readFileSync(outside, 'utf8')).toBe('');
  });

  // The agent view's script markers (a Set) once crossed the socket as `{}`, so a write that
  // put an UNVAULTED marker back failed with an internal error through the agent.
  it('write puts an UNVAULTED marker back through the agent, as read showed it', async () => {
    const w = await world(1);
    const token = expandTemplate('ghp_{{alnum:36}}', next);
    writeFileSync(join(w.repo, 'conf', 'svc-0.yaml'), `name: svc-0\ngithub_token: ${token}\n`);
    await startAgentProcess(w.home, w.master, { env: w.env });
    const read = cli(w, ['read', 'conf/svc-0.yaml']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain('<agent-vault:UNVAULTED:');
    expect(read.stdout).not.toContain(token);
    const edited = read.stdout.replace(/^ *\d+\t/gm, '').replace('name: svc-0', 'name: svc-0-renamed');
    const write = cli(w, ['write', 'conf/svc-0.yaml', '--content', edited]);
    expect(write.code, write.stderr).toBe(0);
    expect(readFileSync(join(w.repo, 'conf', 'svc-0.yaml'), 'utf8')).toBe(`name: svc-0-renamed\ngithub_token: ${token}\n`);
  });

  it('skill signing: keygen and sign ask the person for the passphrase, the agent signs, verify passes', { timeout: 180_000 }, async () => {
    const w = await world(0);
    await startAgentProcess(w.home, w.master, { env: w.env });
    mkdirSync(join(w.repo, 'skills', 'fmt'), { recursive: true });
    writeFileSync(join(w.repo, 'skills', 'fmt', 'SKILL.md'), '---\nname: fmt\ndescription: Formats code with the project formatter.\n---\n\nRun the formatter on changed files.\n');
    const pass = [{ after: 'Passphrase: ', keys: `${PASS}\r` }];
    const keygen = await terminal(w.repo, w.env, 'skill keygen --kid team-key', pass);
    expect(keygen.code, keygen.screen).toBe(0);
    const sign = await terminal(w.repo, w.env, 'skill sign skills/fmt --kid team-key --version 1.0.0', pass);
    expect(sign.code, sign.screen).toBe(0);
    const verify = cli(w, ['skill', 'verify', 'skills/fmt']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    // Without the person, the agent refuses to sign: a same-user process cannot sign a skill.
    const noPerson = await terminal(w.repo, w.env, 'skill sign skills/fmt --kid team-key', [{ after: 'Passphrase: ', keys: 'wrong passphrase\r' }]);
    expect(noPerson.code).toBe(1);
    expect(noPerson.screen).toContain('wrong passphrase');
  });
});

describe('consumers while the vault is locked', () => {
  it('read refuses with VAULT_LOCKED and exit 1; write too, writing nothing', async () => {
    const w = await world(1);
    const read = cli(w, ['read', 'conf/svc-0.yaml']);
    expect(read.code).toBe(1);
    expect(read.stdout).toBe('');
    expect(read.stderr).toContain('is locked');
    expect(read.stderr).toContain('agent-vault unlock');
    const write = cli(w, ['write', 'conf/x.yaml', '--content', 'p: <agent-vault:db-password>\n']);
    expect(write.code).toBe(1);
  });

  it('the hooks fail closed, naming agent-vault unlock', async () => {
    const w = await world(0);
    await startAgentProcess(w.home, w.master, { env: w.env, idleMs: 60_000 });
    expect(cli(w, ['install']).code).toBe(0);
    expect(cli(w, ['lock']).code).toBe(0);
    writeFileSync(join(w.repo, 'notes.md'), 'hello\n');
    git(w.repo, w.env, 'add', 'notes.md');
    const r = spawnGit(w, ['commit', '-qm', 'locked']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('blocked because the check could not run');
    expect(r.stderr).toContain('agent-vault unlock');
  });

  it('clean refuses a changed protected file once, with the unlock command; untouched files and status keep working; checkout leaves placeholders and warns once', async () => {
    const w = await world(3);
    await startAgentProcess(w.home, w.master, { env: w.env });
    expect(cli(w, ['install']).code).toBe(0);
    git(w.repo, w.env, 'add', '-A');
    git(w.repo, w.env, 'commit', '-qm', 'conf', '--no-verify');
    expect(cli(w, ['lock']).code).toBe(0);
    // A checkout while locked: placeholders stay, one warning for the whole command.
    for (let i = 0; i < 3; i++) writeFileSync(join(w.repo, 'conf', `svc-${i}.yaml`), 'changed\n');
    const co = spawnGit(w, ['checkout', '--', 'conf']);
    expect(co.code, co.stderr).toBe(0);
    expect(readFileSync(join(w.repo, 'conf', 'svc-0.yaml'), 'utf8')).toContain('<agent-vault:db-password>');
    expect(co.stderr.match(/vault locked/g)).toHaveLength(1);
    // The placeholder files are exactly the index's blobs: git status (which re-cleans racy files) is clean.
    const status = spawnGit(w, ['status', '--porcelain']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toBe('');
    // A file with a value in it cannot be cleaned without the vault: refused, once, naming unlock.
    writeFileSync(join(w.repo, 'conf', 'svc-0.yaml'), `name: svc-0\npassword: ${DB}\n`);
    writeFileSync(join(w.repo, 'conf', 'svc-1.yaml'), 'an innocent-looking change\n');
    const add = spawnGit(w, ['add', 'conf']);
    expect(add.code).not.toBe(0);
    expect(add.stderr).toContain('vault locked');
    expect(add.stderr.match(/Run agent-vault unlock in your terminal/g)).toHaveLength(1);
    expect(add.stderr).not.toContain(DB);
    expect(git(w.repo, w.env, 'show', ':conf/svc-0.yaml')).toContain('<agent-vault:db-password>');
  });

  it('a lock in the middle of a checkout leaves the remaining files with placeholders and one warning', async () => {
    const w = await world(0);
    await startAgentProcess(w.home, w.master, { env: w.env });
    const filter = spawn(process.execPath, [BIN, 'filter-process'], { cwd: w.repo, env: w.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    filter.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const reader = new PacketReader(filter.stdout as unknown as Readable);
    filter.stdin.write(Buffer.concat([encodeList(['git-filter-client', 'version=2']), encodeList(['capability=clean', 'capability=smudge'])]));
    expect(await reader.readList()).toEqual(['git-filter-server', 'version=2']);
    expect(await reader.readList()).toEqual(['capability=clean', 'capability=smudge']);
    const smudge = async (name: string) => {
      filter.stdin.write(Buffer.concat([encodeList(['command=smudge', `pathname=conf/${name}`]), encodeContent(Buffer.from('p: <agent-vault:db-password>\n'))]));
      expect(await reader.readList()).toEqual(['status=success']);
      const out = (await reader.readContent()).toString('utf8');
      expect(await reader.readList()).toEqual([]);
      return out;
    };
    expect(await smudge('a.yaml')).toBe(`p: ${DB}\n`);
    expect(cli(w, ['lock']).code).toBe(0);
    for (const name of ['b.yaml', 'c.yaml', 'd.yaml']) expect(await smudge(name)).toBe('p: <agent-vault:db-password>\n');
    filter.stdin.end();
    await new Promise((r) => filter.once('close', r));
    expect(stderr.match(/vault locked/g)).toHaveLength(1);
    expect(stderr).not.toContain(DB);
  });
});
