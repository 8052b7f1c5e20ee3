import { describe, expect, it } from 'vitest';
import { fakePasswordLine, runActionBundle } from './helpers/action.js';
import { cli } from './helpers/cli.js';
import { git, gitOk, newRepo, sandbox, write } from './helpers/sandbox.js';

// With policy.block: critical a high finding does not block, but it is a finding: the gates
// must count it and say that it does not block, never "no secrets".
describe('findings below policy.block are counted, not hidden', () => {
  it('pre-commit and pre-push pass and name the high finding as not blocking; the Action says the same', () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { 'README.md': 'demo\n', '.agent-vault.yaml': 'policy:\n  block: critical\n' });
    const base = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    expect(cli(sb, repo, ['install']).code).toBe(0);
    const line = fakePasswordLine(81);
    const value = /"(.*)"/.exec(line)![1]!;
    write(repo, 'src/db.py', `import os\n${line}`);
    write(repo, 'src/other.py', 'print(1)\n');
    gitOk(sb, repo, ['add', 'src']);
    const commit = git(sb, repo, ['commit', '-qm', 'db']);
    expect(commit.code, commit.stderr).toBe(0);
    expect(commit.stderr).not.toMatch(/no secrets/);
    expect(commit.stderr).toContain('agent-vault pre-commit: 2 files checked, 1 finding below policy.block (critical), not blocking:');
    expect(commit.stderr).toMatch(/src\/db\.py:2 {2}generic-password-assignment {2}\S+/);
    expect(commit.stdout + commit.stderr).not.toContain(value);
    const head = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();

    const push = cli(sb, repo, ['hook', 'pre-push', 'origin', 'unused'], { input: `refs/heads/main ${head} refs/heads/main ${base}\n` });
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).not.toMatch(/no secrets/);
    expect(push.stderr).toContain('1 finding below policy.block (critical), not blocking:');
    expect(push.stderr).not.toContain(value);

    const action = runActionBundle({ workspace: repo, env: sb.env, eventName: 'push', payload: { before: base, after: head, ref: 'refs/heads/main' } });
    expect(action.code, action.stdout).toBe(0);
    expect(action.stdout).toContain('1 finding below the fail-on severity (critical), not blocking');
    expect(action.summary).toContain('1 finding below the fail-on severity (critical), not blocking');
    // The runner is told the value to mask it (::add-mask::); nothing else carries it.
    expect(action.stdout.replace(/^::add-mask::.*$/gm, '') + action.summary).not.toContain(value);
  });
});
