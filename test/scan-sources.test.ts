
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { git, isolatedEnv, runCli, scratch, write } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

const next = rng(7);
const token = () => expandTemplate('ghp_{{alnum:36}}', next);
const tmp = scratch(afterAll);
const repo = () => tmp.repo();
const json = (stdout: string) => JSON.parse(stdout) as { findings: { path: string; line: number; commit?: string; ruleId: string }[]; skipped: { path: string; reason: string }[] };

describe('scanning paths', () => {
  it('in a git repository: tracked and untracked files, not ignored ones', () => {
    const { dir, env } = repo();
    write(dir, '.gitignore', 'ignored.txt\n');
    write(dir, 'tracked.txt', `a=${token()}\n`);
    git(dir, env, 'add', '.');
    git(dir, env, 'commit', '-qm', 'init');
    write(dir, 'untracked.txt', `b=${token()}\n`);
    write(dir, 'ignored.txt', `c=${token()}\n`);
    const r = runCli(['scan', '--format', 'json'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.path).sort()).toEqual(['tracked.txt', 'untracked.txt']);
  });

  it('outside git: everything except dependency and VCS folders', () => {
    const dir = tmp.dir();
    const env = isolatedEnv(join(dir, '.home'));
    write(dir, 'src/a.ts', `x='${token()}'\n`);
    write(dir, 'node_modules/pkg/index.js', `x='${token()}'\n`);
    write(dir, '.hg/store', `x='${token()}'\n`);
    const r = runCli(['scan', 'src', 'node_modules/..', '--format', 'json'], { cwd: dir, env });
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(['src/a.ts']);
  });
  it('a folder git does not see as part of the repository (GIT_CEILING_DIRECTORIES) is walked as plain files', () => {
    const { dir, env } = repo();
    write(dir, 'outer.txt', 'x\n');
    write(dir, 'walled/inner.txt', `k=${token()}\n`);
    const r = runCli(['scan', 'walled', '--format', 'json'], { cwd: dir, env: { ...env, GIT_CEILING_DIRECTORIES: join(dir, 'walled') } });
    expect(r.stderr).toBe('');
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(['walled/inner.txt']);
  });
});

describe('scan --staged', () => {
  it('reads the index blobs, not the working tree', () => {
    const { dir, env } = repo();
    write(dir, 'a.env', `T=${token()}\n`);
    git(dir, env, 'add', 'a.env');
    // The working tree no longer holds the secret, but the index does: still found.
    write(dir, 'a.env', 'T=<agent-vault:t>\n');
    // A secret only in the working tree (not staged) is not part of the commit.
    write(dir, 'b.env', `T=${token()}\n`);
    const r = runCli(['scan', '--staged', '--format', 'json'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(['a.env']);
  });

  it('honours GIT_INDEX_FILE', () => {
    const { dir, env } = repo();
    write(dir, 'x.txt', 'clean\n');
    git(dir, env, 'add', 'x.txt');
    git(dir, env, 'commit', '-qm', 'init');
    const alt = join(dir, '..', 'alt-index');
    write(dir, 'x.txt', `T=${token()}\n`);
    git(dir, { ...env, GIT_INDEX_FILE: alt }, 'add', 'x.txt');
    expect(runCli(['scan', '--staged'], { cwd: dir, env }).code).toBe(0);
    expect(runCli(['scan', '--staged'], { cwd: dir, env: { ...env, GIT_INDEX_FILE: alt } }).code).toBe(1);
  });

  it('is clean on an empty index and outside a repository it says what to do', () => {
    const { dir, env } = repo();
    expect(runCli(['scan', '--staged'], { cwd: dir, env }).code).toBe(0);
    const outside = tmp.dir();
    const r = runCli(['scan', '--staged'], { cwd: outside, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not inside a git repository/);
  });
});

describe('scan --range and --history', () => {
  it('reports lines added in a range with the commit and the file line', () => {
    const { dir, env } = repo();
    write(dir, 'f.txt', 'line1\nline2\n');
    git(dir, env, 'add', '.');
    git(dir, env, 'commit', '-qm', 'base');
    const base = git(dir, env, 'rev-parse', 'HEAD').trim();
    write(dir, 'f.txt', `line1\nline2\nline3\nkey=${token()}\n`);
    git(dir, env, 'commit', '-qam', 'add secret');
    const added = git(dir, env, 'rev-parse', 'HEAD').trim();
    write(dir, 'f.txt', 'line1\nline2\n');
    git(dir, env, 'commit', '-qam', 'remove secret');
    const r = runCli(['scan', '--range', `${base}..HEAD`, '--format', 'json'], { cwd: dir, env });
    expect(r.code).toBe(1);
    const f = json(r.stdout).findings;
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ path: 'f.txt', line: 4, commit: added });
    // The secret was removed at HEAD: a plain scan of the tree is clean, history is not.
    expect(runCli(['scan'], { cwd: dir, env }).code).toBe(0);
    const h = runCli(['scan', '--history', '--format', 'json'], { cwd: dir, env });
    expect(json(h.stdout).findings.map((x) => x.commit)).toEqual([added]);
  });

  it('history covers every branch, and odd file names survive git quoting', () => {
    const { dir, env } = repo();
    write(dir, 'a.txt', 'x\n');
    git(dir, env, 'add', '.');
    git(dir, env, 'commit', '-qm', 'base');
    git(dir, env, 'checkout', '-qb', 'side');
    write(dir, 'dir with space/tab\there "q".txt', `k=${token()}\n`);
    git(dir, env, 'add', '.');
    git(dir, env, 'commit', '-qm', 'side secret');
    git(dir, env, 'checkout', '-q', 'main');
    const h = runCli(['scan', '--history', '--format', 'json'], { cwd: dir, env });
    expect(json(h.stdout).findings.map((x) => x.path)).toEqual(['dir with space/tab\there "q".txt']);
  });

  it('lines written while resolving a merge conflict are scanned, with the merge commit', () => {
    const { dir, env } = repo();
    write(dir, 'f.txt', 'a\nb\nc\n');
    git(dir, env, 'add', '.');
    git(dir, env, 'commit', '-qm', 'base');
    const base = git(dir, env, 'rev-parse', 'HEAD').trim();
    git(dir, env, 'checkout', '-qb', 'side');
    write(dir, 'f.txt', 'a\nSIDE\nc\n');
    git(dir, env, 'commit', '-qam', 'side');
    git(dir, env, 'checkout', '-q', 'main');
    write(dir, 'f.txt', 'a\nMAIN\nc\n');
    git(dir, env, 'commit', '-qam', 'main');
    spawnSync('git', ['merge', '-q', 'side'], { cwd: dir, env });
    write(dir, 'f.txt', `a\nresolved=${token()}\nc\n`);
    git(dir, env, 'add', 'f.txt');
    git(dir, env, 'commit', '-qm', 'merge');
    const merge = git(dir, env, 'rev-parse', 'HEAD').trim();
    const r = runCli(['scan', '--range', `${base}..HEAD`, '--format', 'json'], { cwd: dir, env });
    expect(json(r.stdout).findings.map((f) => `${f.path}:${f.line}@${f.commit}`)).toEqual([`f.txt:2@${merge}`]);
  });

  it('an unknown revision is a usage error that names it', () => {
    const { dir, env } = repo();
    write(dir, 'a.txt', 'x\n');
    git(dir, env, 'add', '.');
    git(dir, env, 'commit', '-qm', 'base');
    const r = runCli(['scan', '--range', 'nope..HEAD'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown revision "nope"/);
  });
});

describe('scan --stdin', () => {
  it('scans standard input', () => {
    const dir = tmp.dir();
    const env = isolatedEnv(join(dir, '.home'));
    const s = token();
    const r = runCli(['scan', '--stdin'], { cwd: dir, env, input: `token: ${s}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('<stdin>:1:8');
    expect(r.stdout).not.toContain(s);
    expect(runCli(['scan', '--stdin'], { cwd: dir, env, input: 'hello\n' }).code).toBe(0);
  });
});

