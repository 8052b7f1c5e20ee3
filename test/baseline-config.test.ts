import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeToken, runActionBundle } from './helpers/action.js';
import { cli } from './helpers/cli.js';
import { git, gitOk, newRepo, sandbox, write } from './helpers/sandbox.js';

// `baseline:` in .agent-vault.yaml: a committed baseline is honoured by scan, both hooks and
// the Action, not only by `scan --baseline`.
describe('baseline: in the configuration', () => {
  it('scan, pre-commit, pre-push and the Action accept the baselined finding and still block a new one', () => {
    const sb = sandbox();
    const old = fakeToken(901);
    const repo = newRepo(sb, 'repo', { 'README.md': 'demo\n', 'legacy/keys.txt': `token=${old}\n` });
    expect(cli(sb, repo, ['install']).code).toBe(0);
    expect(cli(sb, repo, ['scan', '.', '--write-baseline', '.agent-vault-baseline.json']).code).toBe(1);
    write(repo, '.agent-vault.yaml', 'baseline: .agent-vault-baseline.json\n');

    const scan = cli(sb, repo, ['scan', '.']);
    expect(scan.code, scan.stdout).toBe(0);

    // The accepted finding where it was accepted (same path, same line) passes every gate.
    write(repo, 'legacy/keys.txt', `token=${old}\nmore=1\n`);
    gitOk(sb, repo, ['add', '-A']);
    const commit = git(sb, repo, ['commit', '-qm', 'baseline, and a line after the accepted one']);
    expect(commit.code, commit.stderr).toBe(0);
    const head = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    // A new branch: every commit is judged, the one that added the accepted token too.
    const zero = '0'.repeat(40);
    const push = cli(sb, repo, ['hook', 'pre-push', 'origin', 'unused'], { input: `refs/heads/main ${head} refs/heads/main ${zero}\n` });
    expect(push.code, push.stderr).toBe(0);
    // The Action trusts the base commit's configuration: the range after the commit that has the baseline.
    write(repo, 'legacy/keys.txt', `token=${old}\nmore=2\n`);
    gitOk(sb, repo, ['add', '-A']);
    gitOk(sb, repo, ['commit', '-qm', 'again']);
    const head3 = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    const action = runActionBundle({ workspace: repo, env: sb.env, eventName: 'push', payload: { before: head, after: head3, ref: 'refs/heads/main' } });
    expect(action.code, action.stdout).toBe(0);
    // Without the configuration's baseline the same range is blocked: the test above is not vacuous.
    write(sb.dir, 'plain.yaml', 'version: 1\n');
    const unbaselined = cli(sb, repo, ['hook', 'pre-push', 'origin', 'unused'], { input: `refs/heads/main ${head} refs/heads/main ${zero}\n`, env: { AGENT_VAULT_CONFIG: join(sb.dir, 'plain.yaml') } });
    expect(unbaselined.stderr).toContain('legacy/keys.txt:1');
    expect(unbaselined.code).toBe(1);

    // A new secret is not in the baseline: every gate still blocks it.
    const fresh = fakeToken(902);
    write(repo, 'src/new.txt', `t=${fresh}\n`);
    expect(cli(sb, repo, ['scan', '.']).code).toBe(1);
    gitOk(sb, repo, ['add', 'src/new.txt']);
    const blocked = git(sb, repo, ['commit', '-qm', 'new key']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('src/new.txt:1');
    gitOk(sb, repo, ['commit', '-qm', 'new key', '--no-verify']);
    const head4 = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    const action2 = runActionBundle({ workspace: repo, env: sb.env, eventName: 'push', payload: { before: head3, after: head4, ref: 'refs/heads/main' } });
    expect(action2.code).toBe(1);
    for (const r of [scan, commit, push, blocked]) expect(r.stdout + r.stderr).not.toContain(old);
  }, 240_000); // a dozen real git and CLI processes and two Action runs, on a shared machine

  it('the Action takes the baseline from the base commit: a pull request cannot baseline its own secret', () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { 'README.md': 'demo\n' });
    const base = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    const secret = fakeToken(903);
    write(repo, 'app.txt', `t=${secret}\n`);
    expect(cli(sb, repo, ['scan', 'app.txt', '--write-baseline', 'bl.json']).code).toBe(1);
    write(repo, '.agent-vault.yaml', 'baseline: bl.json\n');
    gitOk(sb, repo, ['add', '-A']);
    gitOk(sb, repo, ['commit', '-qm', 'sneak', '--no-verify']);
    const head = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    const action = runActionBundle({ workspace: repo, env: sb.env, eventName: 'push', payload: { before: base, after: head, ref: 'refs/heads/main' } });
    expect(action.code).toBe(1);
    expect(action.stdout).toContain('github-pat-classic');
  });

  it('a baseline: that cannot be read is a configuration error naming it, in scan and the hooks', () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { 'README.md': 'demo\n', '.agent-vault.yaml': 'baseline: missing.json\n' });
    const scan = cli(sb, repo, ['scan', '.']);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain('missing.json');
    expect(cli(sb, repo, ['install']).code).toBe(0);
    write(repo, 'x.txt', 'x\n');
    gitOk(sb, repo, ['add', 'x.txt']);
    const commit = git(sb, repo, ['commit', '-qm', 'x']);
    expect(commit.code).toBe(1);
    expect(commit.stderr).toContain('missing.json');
  });
});
