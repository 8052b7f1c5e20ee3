import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { readmeBlock } from './helpers/readme.js';
import { gitOk, newRepo, sandbox, write } from './helpers/sandbox.js';

/**
 * The README's `.agent-vault.yaml` snippets, copied as they are into a repository and loaded by
 * the real CLI: each must be a valid configuration (exit 2 would be a configuration error) and
 * must do what the README says it does.
 */
const acmeToken = (seed: number) => expandTemplate('acme_{{lower:8}}{{digits:4}}{{lower:20}}', rng(seed));

describe('README: Scanning > Configuration', () => {
  const config = readmeBlock('rules:\n  useBuiltin: true');

  it('loads as written; the custom rule finds its token, fixtures/** is allowlisted, and the baseline it names is written by scan --write-baseline, then honoured', () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': config, 'app.txt': `acme = "${acmeToken(1)}"\n`, 'fixtures/sample.txt': `acme = "${acmeToken(2)}"\n` });
    // The configuration names a baseline that does not exist yet: scan refuses, naming the command that writes it.
    const missing = cli(sb, repo, ['scan', '.']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('baseline: cannot read .agent-vault-baseline.json');
    expect(missing.stderr).toContain('agent-vault scan --write-baseline');
    // ... and that command works with the configuration as it is.
    const accept = cli(sb, repo, ['scan', '--write-baseline', '.agent-vault-baseline.json']);
    expect(accept.code, accept.stderr).toBe(1);
    expect(accept.stdout).toMatch(/^app\.txt:1:\d+ {2}acme-internal-token {2}acme\*+ {2}high$/m);
    expect(accept.stdout).not.toContain('fixtures/');
    const entries = JSON.parse(readFileSync(join(repo, '.agent-vault-baseline.json'), 'utf8'));
    expect(JSON.stringify(entries)).toContain('acme-internal-token');
    // The accepted finding no longer fails; a new one does.
    const clean = cli(sb, repo, ['scan', '.']);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    write(repo, 'more.txt', `acme = "${acmeToken(3)}"\n`);
    const fresh = cli(sb, repo, ['scan', '.']);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toMatch(/^more\.txt:1:\d+ {2}acme-internal-token/m);
    expect(fresh.stdout).not.toMatch(/^app\.txt/m);
    // No output holds a token.
    for (const seed of [1, 2, 3]) expect(missing.stdout + missing.stderr + accept.stdout + accept.stderr + clean.stdout + fresh.stdout + fresh.stderr).not.toContain(acmeToken(seed));
  });
});

describe('README: Git gate', () => {
  const config = readmeBlock('# .agent-vault.yaml\nprotected:');

  it('loads as written; install maps every protected glob to the filter, and status finds nothing missing', () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': config, 'config.yaml': 'a: 1\n', 'sub/app.env': 'X=1\n', 'deploy/secrets/db.txt': 'x\n' });
    expect(cli(sb, repo, ['scan', '.']).code).toBe(0);
    const install = cli(sb, repo, ['install']);
    expect(install.code, install.stderr).toBe(0);
    const attributes = readFileSync(join(repo, '.gitattributes'), 'utf8');
    for (const glob of ['config.yaml', '*.env', 'deploy/secrets/**']) expect(attributes).toContain(`${glob} filter=agent-vault`);
    const attrs = gitOk(sb, repo, ['check-attr', 'filter', '--', 'config.yaml', 'sub/app.env', 'deploy/secrets/db.txt']);
    expect(attrs.trim().split('\n').map((l) => l.endsWith(': filter: agent-vault'))).toEqual([true, true, true]);
    const status = cli(sb, repo, ['status']);
    expect(status.code, status.stdout).toBe(0);
  });
});

describe('README: Verified skills > Configuration', () => {
  const config = readmeBlock('skills:\n  roots:');
  const skill = '---\nname: aws-helper\ndescription: Helps with the AWS CLI profile.\n---\nCheck which profile is active: `cat ~/.aws/config`.\n';

  it('loads as written, and its suppression is what lets the aws-helper skill pass its scan', () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': config, '.claude/skills/aws-helper/SKILL.md': skill });
    expect(cli(sb, repo, ['scan', '.']).code).toBe(0);
    const scan = cli(sb, repo, ['skill', 'scan', '.claude/skills']);
    expect(scan.code, scan.stdout + scan.stderr).toBe(0);
    // Without the README's suppression, the same skill fails on the rule it names.
    write(repo, '.agent-vault.yaml', config.slice(0, config.indexOf('  suppressions:')));
    const unsuppressed = cli(sb, repo, ['skill', 'scan', '.claude/skills']);
    expect(unsuppressed.code).toBe(1);
    expect(unsuppressed.stdout).toContain('skill-exfil-credential-read');
    // requireRevocations: true: verification fails closed while the revocation list is missing.
    write(repo, '.agent-vault.yaml', config);
    const verify = cli(sb, repo, ['skill', 'verify', '.claude/skills']);
    expect(verify.code).toBe(17);
    expect(verify.stdout + verify.stderr).toContain('REVOCATIONS_MISSING');
  });
});
