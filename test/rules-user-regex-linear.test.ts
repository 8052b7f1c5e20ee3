/**
 * Issue 11 item 5: a rule from a configuration (`(a+)+$` on forty `a`s and a `!`) hung `scan`,
 * `read` and the pre-commit hook. Patterns from a configuration (rules.add, allowlists) run on
 * RE2 (linear time); what RE2 cannot do is a configuration error naming the pattern.
 */
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { git, gitOk, initRepo, sandbox, write } from './helpers/sandbox.js';

const EVIL = `rules:
  add:
    - id: evil-rule
      description: catastrophic backtracking on V8
      regex: '(a+)+$'
      keywords: [aaaa]
`;
const HOSTILE = `${'a'.repeat(40)}!\n`;
/** A hung process is killed here and counted as a failure (exit null). */
const LIMIT = { timeout: 45_000 };

describe('configured patterns run in linear time', () => {
  it('scan, read and the pre-commit hook finish on the input that hung them', () => {
    const sb = sandbox();
    const repo = initRepo(sb);
    write(repo, '.agent-vault.yaml', EVIL);
    write(repo, 'input.txt', HOSTILE);
    const scan = cli(sb, repo, ['scan', 'input.txt'], LIMIT);
    expect(scan.code, scan.stderr).toBe(0);
    const read = cli(sb, repo, ['read', 'input.txt'], LIMIT);
    expect(read.code, read.stderr).toBe(0);
    expect(cli(sb, repo, ['install']).code).toBe(0);
    gitOk(sb, repo, ['add', '.agent-vault.yaml', 'input.txt']);
    const commit = git(sb, repo, ['commit', '-qm', 'hostile input'], LIMIT);
    expect(commit.code, commit.stderr).toBe(0);
  });

  it('a configured rule and allowlist still match what they describe, with the secret group', () => {
    const sb = sandbox();
    const repo = initRepo(sb);
    const token = expandTemplate('acme_{{loweralnum:32}}', rng(3));
    write(repo, '.agent-vault.yaml', `rules:\n  add:\n    - id: acme-token\n      description: ACME token\n      regex: 'token\\s*=\\s*(acme_[a-z0-9]{32})'\n      keywords: [acme_]\nallowlist:\n  regexes: ['^acme_0{32}$']\n`);
    write(repo, 'a.txt', `token = ${token}\ntoken = acme_${'0'.repeat(32)}\n`);
    const r = cli(sb, repo, ['scan', 'a.txt', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { ruleId: string; line: number; column: number }[];
    expect(findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([['acme-token', 1, 9]]);
    expect(r.stdout).not.toContain(token);
  });

  it('a pattern RE2 cannot run is a configuration error naming the rule and why', () => {
    const sb = sandbox();
    const repo = initRepo(sb);
    write(repo, '.agent-vault.yaml', "rules:\n  add:\n    - id: look-ahead\n      description: x\n      regex: 'key(?=[0-9])'\n      keywords: [key]\nallowlist:\n  regexes: ['(a)\\1']\n");
    write(repo, 'a.txt', 'x\n');
    const r = cli(sb, repo, ['scan', 'a.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules\.add(?:\.0|\[0\])\.regex: uses what the linear-time engine \(RE2\)/);
    expect(r.stderr).toMatch(/allowlist\.regexes(?:\.0|\[0\]): /);
  });
});
