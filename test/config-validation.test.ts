import { describe, expect, it } from 'vitest';
import { runActionBundle } from './helpers/action.js';
import { cli } from './helpers/cli.js';
import { git, gitOk, newRepo, sandbox, write } from './helpers/sandbox.js';

// One validation of .agent-vault.yaml, whatever command loads it: every problem at once, each
// with its file and line. Before, scan passed policy.block and skills.failOn it never read,
// and an unknown id in rules.disable came without its line.
const BAD = [
  'policy:', //            1
  '  block: severe', //    2
  'skills:', //            3
  '  failOn: hi', //       4
  'rules:', //             5
  '  disable:', //         6
  '    - github-pat-classic', // 7
  '    - no-such-rule', // 8
  '',
].join('\n');

function expectAllProblems(text: string) {
  expect(text).toMatch(/\.agent-vault\.yaml:2: policy\.block: must be one of info, low, medium, high, critical/);
  expect(text).toMatch(/\.agent-vault\.yaml:4: skills\.failOn: must be one of info, low, medium, high, critical/);
  expect(text).toMatch(/\.agent-vault\.yaml:8: rules\.disable\[1\]: unknown rule id "no-such-rule"/);
  expect(text).not.toMatch(/:7: /);
}

describe('one configuration validation for every command', () => {
  it('scan, status, the pre-commit hook, the pre-push hook and the Action report the same problems with lines', () => {
    const sb = sandbox();
    const repo = newRepo(sb);
    expect(cli(sb, repo, ['install']).code).toBe(0);
    gitOk(sb, repo, ['add', '-A']);
    gitOk(sb, repo, ['commit', '-qm', 'installed', '--allow-empty']);
    const base = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    write(repo, '.agent-vault.yaml', BAD);

    const scan = cli(sb, repo, ['scan', 'README.md']);
    expect(scan.code).toBe(2);
    expectAllProblems(scan.stderr);

    const status = cli(sb, repo, ['status']);
    expect(status.code).toBe(2);
    expectAllProblems(status.stderr);

    gitOk(sb, repo, ['add', '.agent-vault.yaml']);
    const commit = git(sb, repo, ['commit', '-qm', 'bad config']);
    expect(commit.code).toBe(1);
    expect(commit.stderr).toContain('blocked because the check could not run');
    expectAllProblems(commit.stderr);

    gitOk(sb, repo, ['commit', '-qm', 'bad config', '--no-verify']);
    const head = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    const push = cli(sb, repo, ['hook', 'pre-push', 'origin', 'unused'], { input: `refs/heads/main ${head} refs/heads/main ${base}\n` });
    expect(push.code).toBe(1);
    expectAllProblems(push.stderr);

    // The Action judges with the base commit's configuration; given explicitly it reads this one.
    const action = runActionBundle({ workspace: repo, env: sb.env, eventName: 'push', payload: { before: base, after: head, ref: 'refs/heads/main' }, inputs: { config: '.agent-vault.yaml' } });
    expect(action.code).toBe(1);
    expectAllProblems(action.stdout);
  });
});
