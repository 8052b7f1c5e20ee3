import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { git, gitOk, newRepo, read, sandbox, write, type Sandbox } from './helpers/sandbox.js';

const HUSKY_BIN = resolve(__dirname, '../node_modules/husky/bin.js');

/** Every file under .git/hooks and .husky plus .gitattributes, with bytes and mode. */
function snapshot(repo: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of ['.git/hooks', '.husky', '.husky/_']) {
    const abs = join(repo, dir);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs)) {
      const p = join(abs, name);
      if (statSync(p).isFile()) out[`${dir}/${name}`] = `${(statSync(p).mode & 0o777).toString(8)} ${readFileSync(p, 'base64')}`;
    }
  }
  const attrs = join(repo, '.gitattributes');
  if (existsSync(attrs)) out['.gitattributes'] = readFileSync(attrs, 'base64');
  return out;
}

function localConfig(sb: Sandbox, repo: string): string {
  return gitOk(sb, repo, ['config', '--local', '--list']);
}

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});

const CONFIG = 'protected:\n  - config.yaml\n  - "*.env"\n';

describe('agent-vault install', () => {
  it('keeps an existing plain pre-commit hook running, and uninstall restores it byte for byte', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG, 'config.yaml': 'a: 1\n' });
    write(repo, '.git/hooks/pre-commit', '#!/bin/sh\necho "legacy hook ran" > legacy-ran\n');
    chmodSync(join(repo, '.git/hooks/pre-commit'), 0o755);
    const before = snapshot(repo);
    const configBefore = localConfig(sb, repo);

    const inst = cli(sb, repo, ['install']);
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.stdout).toContain('running the existing hook first');
    expect(read(repo, '.gitattributes')).toContain('config.yaml filter=agent-vault\n*.env filter=agent-vault\n');
    expect(gitOk(sb, repo, ['config', 'filter.agent-vault.required']).trim()).toBe('true');

    write(repo, 'notes.txt', 'nothing secret\n');
    gitOk(sb, repo, ['add', 'notes.txt', '.gitattributes']);
    const commit = git(sb, repo, ['commit', '-m', 'notes']);
    expect(commit.code, commit.stderr).toBe(0);
    expect(existsSync(join(repo, 'legacy-ran'))).toBe(true);
    expect(commit.stderr).toContain('agent-vault pre-commit: 2 files checked, no secrets.');

    const un = cli(sb, repo, ['uninstall']);
    expect(un.code, un.stderr).toBe(0);
    expect(snapshot(repo)).toEqual(before);
    expect(localConfig(sb, repo)).toBe(configBefore);
    expect(existsSync(join(repo, '.git/agent-vault'))).toBe(false);
  });

  it('gives an existing pre-push hook the same ref list git sent, then runs the push gate', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG });
    gitOk(sb, sb.root, ['init', '-q', '--bare', 'remote.git']);
    gitOk(sb, repo, ['remote', 'add', 'origin', join(sb.root, 'remote.git')]);
    write(repo, '.git/hooks/pre-push', '#!/bin/sh\ncat > "$(git rev-parse --git-dir)/pushed-refs"\n');
    chmodSync(join(repo, '.git/hooks/pre-push'), 0o755);
    expect(cli(sb, repo, ['install']).code).toBe(0);
    gitOk(sb, repo, ['add', '.gitattributes']);
    gitOk(sb, repo, ['commit', '-qm', 'attributes']);
    const push = git(sb, repo, ['push', 'origin', 'main']);
    expect(push.code, push.stderr).toBe(0);
    const head = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    expect(read(repo, '.git/pushed-refs')).toBe(`refs/heads/main ${head} refs/heads/main ${'0'.repeat(40)}\n`);
    expect(push.stderr).toContain('agent-vault pre-push: 2 files checked, no secrets.');
  });

  it('is idempotent: a second install changes nothing', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG });
    expect(cli(sb, repo, ['install']).code).toBe(0);
    const once = snapshot(repo);
    const configOnce = localConfig(sb, repo);
    const again = cli(sb, repo, ['install']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already installed');
    expect(snapshot(repo)).toEqual(once);
    expect(localConfig(sb, repo)).toBe(configOnce);
    expect(readdirSync(join(repo, '.git/hooks')).filter((n) => n.includes('chained'))).toEqual([]);
  });

  it('adds one line to a husky pre-commit file, keeps the husky hook running, and uninstall restores it', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG });
    const r = spawnNode(sb, repo, [HUSKY_BIN]);
    expect(r.code, r.stderr).toBe(0);
    write(repo, '.husky/pre-commit', 'echo husky ran > husky-ran\n');
    const before = snapshot(repo);
    const inst = cli(sb, repo, ['install']);
    expect(inst.code, inst.stderr).toBe(0);
    expect(read(repo, '.husky/pre-commit')).toBe('echo husky ran > husky-ran\nagent-vault hook pre-commit # agent-vault secret gate\n');
    expect(existsSync(join(repo, '.git/hooks/pre-commit'))).toBe(false);

    write(repo, 'ok.txt', 'fine\n');
    gitOk(sb, repo, ['add', 'ok.txt', '.gitattributes']);
    const commit = git(sb, repo, ['commit', '-m', 'ok']);
    expect(commit.code, commit.stderr).toBe(0);
    expect(existsSync(join(repo, 'husky-ran'))).toBe(true);
    expect(commit.stderr).toContain('agent-vault pre-commit:');

    expect(cli(sb, repo, ['uninstall']).code).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('chains a pre-commit framework hook so it keeps running, and uninstall restores it', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG, '.pre-commit-config.yaml': 'repos: []\n' });
    // What `pre-commit install` writes: a generated script in .git/hooks that calls the framework.
    write(repo, '.git/hooks/pre-commit', '#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\necho framework ran > framework-ran\n');
    chmodSync(join(repo, '.git/hooks/pre-commit'), 0o755);
    const before = snapshot(repo);
    expect(cli(sb, repo, ['install']).code).toBe(0);
    write(repo, 'ok.txt', 'fine\n');
    gitOk(sb, repo, ['add', 'ok.txt', '.gitattributes']);
    const commit = git(sb, repo, ['commit', '-m', 'ok']);
    expect(commit.code, commit.stderr).toBe(0);
    expect(existsSync(join(repo, 'framework-ran'))).toBe(true);
    expect(cli(sb, repo, ['uninstall']).code).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  const hasFramework = spawnSync('pre-commit', ['--version']).status === 0;
  it.skipIf(!hasFramework)('keeps the real pre-commit framework hook running (pre-commit install), and uninstall restores it', () => {
    const repo = newRepo(sb, 'repo', {
      '.agent-vault.yaml': CONFIG,
      '.pre-commit-config.yaml': "repos:\n  - repo: local\n    hooks:\n      - id: marker\n        name: marker\n        entry: sh -c 'echo ran > framework-ran'\n        language: system\n        pass_filenames: false\n        always_run: true\n",
    });
    const env = { PRE_COMMIT_HOME: join(sb.root, 'pre-commit-cache') };
    const fw = spawnSync('pre-commit', ['install'], { cwd: repo, env: { ...sb.env, ...env } });
    expect(fw.status, fw.stderr.toString()).toBe(0);
    const before = snapshot(repo);
    expect(cli(sb, repo, ['install']).code).toBe(0);
    write(repo, 'ok.txt', 'fine\n');
    gitOk(sb, repo, ['add', 'ok.txt', '.gitattributes']);
    const commit = git(sb, repo, ['commit', '-m', 'ok'], { env });
    expect(commit.code, commit.stdout + commit.stderr).toBe(0);
    expect(read(repo, 'framework-ran')).toBe('ran\n');
    expect(commit.stderr).toContain('agent-vault pre-commit: 2 files checked, no secrets.');
    expect(cli(sb, repo, ['uninstall']).code).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses a core.hooksPath outside the repository, saying why, and changes nothing', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG });
    gitOk(sb, repo, ['config', 'core.hooksPath', join(sb.root, 'shared-hooks')]);
    const before = snapshot(repo);
    const r = cli(sb, repo, ['install']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('outside this repository');
    expect(r.stderr).toContain('--hooks-path');
    expect(snapshot(repo)).toEqual(before);
    expect(git(sb, repo, ['config', 'filter.agent-vault.process']).code).toBe(1);
  });

  it('honours a core.hooksPath inside the repository', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG });
    gitOk(sb, repo, ['config', 'core.hooksPath', 'githooks']);
    expect(cli(sb, repo, ['install']).code).toBe(0);
    expect(read(repo, 'githooks/pre-commit')).toContain('agent-vault hook shim');
    expect(read(repo, 'githooks/pre-push')).toContain('agent-vault hook shim');
  });

  it('status names what is missing and exits 1, then reports everything installed', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG, 'config.yaml': 'a: 1\n' });
    const missing = cli(sb, repo, ['status']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('✗ filter.agent-vault.process: missing');
    expect(missing.stdout).toContain('✗ hook pre-commit: missing');
    expect(missing.stdout).toContain('✗ .gitattributes config.yaml: missing');
    expect(cli(sb, repo, ['install']).code).toBe(0);
    const ok = cli(sb, repo, ['status']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('✓ protected files: 1 tracked, all filtered');
  });

  it('writes a filter command that works from any folder git runs it in', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': CONFIG });
    expect(cli(sb, repo, ['install']).code).toBe(0);
    write(repo, 'deep/er/config.yaml', 'k: v\n');
    // Run git from a subfolder with a PATH that has no agent-vault on it.
    const r = git(sb, join(repo, 'deep/er'), ['add', 'config.yaml', '../../.gitattributes'], { env: { PATH: '/usr/bin:/bin' } });
    expect(r.code, r.stderr).toBe(0);
    expect(gitOk(sb, repo, ['check-attr', 'filter', '--', 'deep/er/config.yaml'])).toContain('filter: agent-vault');
  });
});

function spawnNode(sb: Sandbox, cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, args, { cwd, env: sb.env });
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('agent-vault install --no-hooks, for hook managers', () => {
  it('sets up only the filter, and status counts the lefthook configuration as the hooks', () => {
    const repo = newRepo(sb, 'repo', {
      '.agent-vault.yaml': CONFIG,
      'lefthook.yml': 'pre-commit:\n  commands:\n    agent-vault:\n      run: agent-vault hook pre-commit\npre-push:\n  commands:\n    agent-vault:\n      run: agent-vault hook pre-push\n      use_stdin: true\n',
    });
    const r = cli(sb, repo, ['install', '--no-hooks']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('installed in');
    expect(readdirSync(join(repo, '.git/hooks')).filter((n) => !n.endsWith('.sample'))).toEqual([]);
    expect(gitOk(sb, repo, ['config', 'filter.agent-vault.required']).trim()).toBe('true');
    const st = cli(sb, repo, ['status']);
    expect(st.code, st.stdout).toBe(0);
    expect(st.stdout).toContain('✓ hook pre-commit: run by lefthook.yml');
    expect(st.stdout).toContain('✓ hook pre-push: run by lefthook.yml');
  });
});
