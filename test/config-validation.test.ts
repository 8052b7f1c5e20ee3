import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../src/config/config.js';
import { SKILL_CHECK_IDS } from '../src/core/skill-checks.js';
import { runActionBundle } from './helpers/action.js';
import { cli } from './helpers/cli.js';
import { git, gitOk, newRepo, REPO, sandbox, write } from './helpers/sandbox.js';

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

// skills.suppressions names the rule it silences: a typo (or a rule since renamed) suppressed
// nothing and said nothing. Every id a skill scan can report is accepted: a threat rule's
// (rules/skill-*.yaml), a check done in code (structural, dataflow), a secret rule's.
describe('skills.suppressions rule ids', () => {
  const threatIds = readdirSync(join(REPO, 'rules'))
    .filter((f) => f.startsWith('skill-') && f.endsWith('.yaml'))
    .flatMap((f) => ((parseYaml(readFileSync(join(REPO, 'rules', f), 'utf8')) as { rules: { id: string }[] }).rules ?? []).map((r) => r.id));
  const suppressions = (ids: string[]) =>
    ['skills:', '  suppressions:', ...ids.flatMap((id) => [`    - skill: demo`, `      path: SKILL.md`, `      rule: ${id}`, `      reason: reviewed`])].join('\n') + '\n';

  it('an unknown id is a configuration error naming its line, in scan and skill scan', () => {
    const sb = sandbox();
    const repo = newRepo(sb);
    write(repo, '.agent-vault.yaml', suppressions(['skill-flow-secret-exfil', 'skill-flow-secret-exfill']));
    for (const args of [['scan', 'README.md'], ['skill', 'scan', '.']]) {
      const r = cli(sb, repo, args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/\.agent-vault\.yaml:9: skills\.suppressions\[1\]\.rule: unknown rule id "skill-flow-secret-exfill"/);
      expect(r.stderr).not.toMatch(/suppressions\[0\]/);
    }
  });

  it('every threat rule, every check done in code, built-in and added secret rules are known (built CLI and source)', () => {
    expect(threatIds.length).toBeGreaterThan(20);
    const ids = [...threatIds, ...SKILL_CHECK_IDS, 'github-pat-classic', 'team-internal-token'];
    const text = suppressions(ids) + "rules:\n  add:\n    - id: team-internal-token\n      description: internal\n      regex: 'tkn_[a-z0-9]{32}'\n      keywords: [tkn_]\n";
    expect(() => parseConfig(text, '.agent-vault.yaml')).not.toThrow();
    const sb = sandbox();
    const repo = newRepo(sb);
    write(repo, '.agent-vault.yaml', text);
    const r = cli(sb, repo, ['scan', 'README.md']);
    expect(r.stderr).not.toContain('unknown rule id');
    expect(r.code, r.stderr).toBe(0);
    // With the built-in rules off, a built-in secret rule is no longer something a skill scan reports.
    write(repo, '.agent-vault.yaml', suppressions(['github-pat-classic']) + 'rules:\n  useBuiltin: false\n');
    expect(cli(sb, repo, ['scan', 'README.md']).stderr).toContain('unknown rule id "github-pat-classic"');
  });
});
