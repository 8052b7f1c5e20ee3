
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { git, gitOk, initRepo, sandbox, write } from './helpers/sandbox.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

const next = rng(7);
const token = () => expandTemplate('ghp_{{alnum:36}}', next);
const repo = () => {
  const sb = sandbox();
  return { sb, dir: initRepo(sb) };
};
const json = (stdout: string) => JSON.parse(stdout) as { findings: { path: string; line: number; commit?: string; ruleId: string }[]; skipped: { path: string; reason: string }[] };

describe('scanning paths', () => {
  it('in a git repository: tracked and untracked files, not ignored ones', () => {
    const { sb, dir } = repo();
    write(dir, '.gitignore', 'ignored.txt\n');
    write(dir, 'tracked.txt', `a=${token()}\n`);
    gitOk(sb, dir, ['add', '.']);
    gitOk(sb, dir, ['commit', '-qm', 'init']);
    write(dir, 'untracked.txt', `b=${token()}\n`);
    write(dir, 'ignored.txt', `c=${token()}\n`);
    const r = cli(sb, dir, ['scan', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.path).sort()).toEqual(['tracked.txt', 'untracked.txt']);
  });

  it('outside git: everything except dependency and VCS folders', () => {
    const sb = sandbox();
    const dir = sb.dir;
    write(dir, 'src/a.ts', `x='${token()}'\n`);
    write(dir, 'node_modules/pkg/index.js', `x='${token()}'\n`);
    write(dir, '.hg/store', `x='${token()}'\n`);
    const r = cli(sb, dir, ['scan', 'src', 'node_modules/..', '--format', 'json']);
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(['src/a.ts']);
  });
  it('a folder git does not see as part of the repository (GIT_CEILING_DIRECTORIES) is walked as plain files', () => {
    const { sb, dir } = repo();
    write(dir, 'outer.txt', 'x\n');
    write(dir, 'walled/inner.txt', `k=${token()}\n`);
    const r = cli(sb, dir, ['scan', 'walled', '--format', 'json'], { env: { GIT_CEILING_DIRECTORIES: join(dir, 'walled') } });
    expect(r.stderr).toBe('');
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(['walled/inner.txt']);
  });
});

describe('scan --staged', () => {
  it('reads the index blobs, not the working tree', () => {
    const { sb, dir } = repo();
    write(dir, 'a.env', `T=${token()}\n`);
    gitOk(sb, dir, ['add', 'a.env']);
    // The working tree no longer holds the secret, but the index does: still found.
    write(dir, 'a.env', 'T=<agent-vault:t>\n');
    // A secret only in the working tree (not staged) is not part of the commit.
    write(dir, 'b.env', `T=${token()}\n`);
    const r = cli(sb, dir, ['scan', '--staged', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(['a.env']);
  });

  it('honours GIT_INDEX_FILE', () => {
    const { sb, dir } = repo();
    write(dir, 'x.txt', 'clean\n');
    gitOk(sb, dir, ['add', 'x.txt']);
    gitOk(sb, dir, ['commit', '-qm', 'init']);
    const alt = join(dir, '..', 'alt-index');
    write(dir, 'x.txt', `T=${token()}\n`);
    gitOk(sb, dir, ['add', 'x.txt'], { env: { GIT_INDEX_FILE: alt } });
    expect(cli(sb, dir, ['scan', '--staged']).code).toBe(0);
    expect(cli(sb, dir, ['scan', '--staged'], { env: { GIT_INDEX_FILE: alt } }).code).toBe(1);
  });

  it('is clean on an empty index and outside a repository it says what to do', () => {
    const { sb, dir } = repo();
    expect(cli(sb, dir, ['scan', '--staged']).code).toBe(0);
    const outside = sb.dir;
    const r = cli(sb, outside, ['scan', '--staged']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not inside a git repository/);
  });
});

describe('scan --range and --history', () => {
  it('reports lines added in a range with the commit and the file line', () => {
    const { sb, dir } = repo();
    write(dir, 'f.txt', 'line1\nline2\n');
    gitOk(sb, dir, ['add', '.']);
    gitOk(sb, dir, ['commit', '-qm', 'base']);
    const base = gitOk(sb, dir, ['rev-parse', 'HEAD']).trim();
    write(dir, 'f.txt', `line1\nline2\nline3\nkey=${token()}\n`);
    gitOk(sb, dir, ['commit', '-qam', 'add secret']);
    const added = gitOk(sb, dir, ['rev-parse', 'HEAD']).trim();
    write(dir, 'f.txt', 'line1\nline2\n');
    gitOk(sb, dir, ['commit', '-qam', 'remove secret']);
    const r = cli(sb, dir, ['scan', '--range', `${base}..HEAD`, '--format', 'json']);
    expect(r.code).toBe(1);
    const f = json(r.stdout).findings;
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ path: 'f.txt', line: 4, commit: added });
    // The secret was removed at HEAD: a plain scan of the tree is clean, history is not.
    expect(cli(sb, dir, ['scan']).code).toBe(0);
    const h = cli(sb, dir, ['scan', '--history', '--format', 'json']);
    expect(json(h.stdout).findings.map((x) => x.commit)).toEqual([added]);
  });

  it('history covers every branch, and odd file names survive git quoting', () => {
    const { sb, dir } = repo();
    write(dir, 'a.txt', 'x\n');
    gitOk(sb, dir, ['add', '.']);
    gitOk(sb, dir, ['commit', '-qm', 'base']);
    gitOk(sb, dir, ['checkout', '-qb', 'side']);
    write(dir, 'dir with space/tab\there "q".txt', `k=${token()}\n`);
    gitOk(sb, dir, ['add', '.']);
    gitOk(sb, dir, ['commit', '-qm', 'side secret']);
    gitOk(sb, dir, ['checkout', '-q', 'main']);
    const h = cli(sb, dir, ['scan', '--history', '--format', 'json']);
    expect(json(h.stdout).findings.map((x) => x.path)).toEqual(['dir with space/tab\there "q".txt']);
  });

  it('lines written while resolving a merge conflict are scanned, with the merge commit', () => {
    const { sb, dir } = repo();
    write(dir, 'f.txt', 'a\nb\nc\n');
    gitOk(sb, dir, ['add', '.']);
    gitOk(sb, dir, ['commit', '-qm', 'base']);
    const base = gitOk(sb, dir, ['rev-parse', 'HEAD']).trim();
    gitOk(sb, dir, ['checkout', '-qb', 'side']);
    write(dir, 'f.txt', 'a\nSIDE\nc\n');
    gitOk(sb, dir, ['commit', '-qam', 'side']);
    gitOk(sb, dir, ['checkout', '-q', 'main']);
    write(dir, 'f.txt', 'a\nMAIN\nc\n');
    gitOk(sb, dir, ['commit', '-qam', 'main']);
    git(sb, dir, ['merge', '-q', 'side']);
    write(dir, 'f.txt', `a\nresolved=${token()}\nc\n`);
    gitOk(sb, dir, ['add', 'f.txt']);
    gitOk(sb, dir, ['commit', '-qm', 'merge']);
    const merge = gitOk(sb, dir, ['rev-parse', 'HEAD']).trim();
    const r = cli(sb, dir, ['scan', '--range', `${base}..HEAD`, '--format', 'json']);
    expect(json(r.stdout).findings.map((f) => `${f.path}:${f.line}@${f.commit}`)).toEqual([`f.txt:2@${merge}`]);
  });

  it('an unknown revision is a usage error that names it', () => {
    const { sb, dir } = repo();
    write(dir, 'a.txt', 'x\n');
    gitOk(sb, dir, ['add', '.']);
    gitOk(sb, dir, ['commit', '-qm', 'base']);
    const r = cli(sb, dir, ['scan', '--range', 'nope..HEAD']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown revision "nope"/);
  });
});

describe('scan --stdin', () => {
  it('scans standard input', () => {
    const sb = sandbox();
    const dir = sb.dir;
    const s = token();
    const r = cli(sb, dir, ['scan', '--stdin'], { input: `token: ${s}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('<stdin>:1:8');
    expect(r.stdout).not.toContain(s);
    expect(cli(sb, dir, ['scan', '--stdin'], { input: 'hello\n' }).code).toBe(0);
  });
});

