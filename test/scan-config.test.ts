import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { gitOk, initRepo, sandbox, write } from './helpers/sandbox.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

const next = rng(11);
const token = () => expandTemplate('ghp_{{alnum:36}}', next);
const acme = () => expandTemplate('acme_{{loweralnum:32}}', next);
const repo = () => {
  const sb = sandbox();
  return { sb, dir: initRepo(sb) };
};
const ids = (stdout: string) => (JSON.parse(stdout).findings as { ruleId: string; path: string }[]).map((f) => `${f.ruleId}@${f.path}`).sort();

const CUSTOM = `rules:
  add:
    - id: acme-token
      description: ACME internal token
      regex: '\\b(acme_[a-z0-9]{32})\\b'
      keywords: [acme_]
      severity: high
`;

describe('configuration', () => {
  it('is discovered at the repository root from a subfolder, and adds custom rules', () => {
    const { sb, dir } = repo();
    write(dir, '.agent-vault.yaml', CUSTOM);
    write(dir, 'sub/a.txt', `x=${acme()}\n`);
    const r = cli(sb, join(dir, 'sub'), ['scan', '.', '--format', 'json']);
    expect(ids(r.stdout)).toEqual(['acme-token@sub/a.txt']);
  });

  it('--config wins over AGENT_VAULT_CONFIG, which wins over the repository file', () => {
    const { sb, dir } = repo();
    write(dir, '.agent-vault.yaml', CUSTOM);
    write(dir, 'off.yaml', 'rules:\n  useBuiltin: false\n');
    write(dir, 'a.txt', `x=${acme()}\ny=${token()}\n`);
    expect(ids(cli(sb, dir, ['scan', 'a.txt', '--format', 'json']).stdout)).toEqual(['acme-token@a.txt', 'github-pat-classic@a.txt']);
    expect(cli(sb, dir, ['scan', 'a.txt'], { env: { AGENT_VAULT_CONFIG: 'off.yaml' } }).code).toBe(0);
    const both = cli(sb, dir, ['scan', 'a.txt', '--format', 'json', '--config', '.agent-vault.yaml'], { env: { AGENT_VAULT_CONFIG: 'off.yaml' } });
    expect(ids(both.stdout)).toHaveLength(2);
  });

  it('disables rules by id and names an unknown id', () => {
    const { sb, dir } = repo();
    write(dir, 'a.txt', `y=${token()}\n`);
    write(dir, '.agent-vault.yaml', 'rules:\n  disable: [github-pat-classic]\n');
    expect(cli(sb, dir, ['scan', 'a.txt']).code).toBe(0);
    write(dir, '.agent-vault.yaml', 'rules:\n  disable: [no-such-rule]\n');
    const r = cli(sb, dir, ['scan', 'a.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown rule id "no-such-rule"/);
  });

  it('allowlists paths, regexes and stopwords', () => {
    const { sb, dir } = repo();
    const keep = token();
    write(dir, 'fixtures/a.txt', `y=${token()}\n`);
    write(dir, 'b.txt', `y=${keep}\n`);
    write(dir, 'c.txt', `y=${expandTemplate('ghp_{{alnum:10}}SAMPLE{{alnum:20}}', next)}\n`);
    write(dir, 'd.txt', `y=${expandTemplate('ghp_TESTONLY{{alnum:28}}', next)}\n`);
    write(dir, '.agent-vault.yaml', `allowlist:\n  paths: ['fixtures/**']\n  stopwords: [sample]\n  regexes: ['^ghp_TESTONLY']\n`);
    const r = cli(sb, dir, ['scan', '.', '--format', 'json']);
    expect(ids(r.stdout)).toEqual(['github-pat-classic@b.txt']);
    // Without the allowlist every one of them is a finding: the test above is not vacuous.
    write(dir, '.agent-vault.yaml', 'version: 1\n');
    expect(ids(cli(sb, dir, ['scan', '.', '--format', 'json']).stdout)).toHaveLength(4);
  });

  it('maxFileSize from the config: bigger files are scanned in windows, not skipped', () => {
    const { sb, dir } = repo();
    write(dir, '.agent-vault.yaml', 'maxFileSize: 100\n');
    write(dir, 'big.txt', `y=${token()}\n${'z'.repeat(200)}`);
    const r = cli(sb, dir, ['scan', 'big.txt']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('big.txt:1:3');
    expect(r.stdout).not.toMatch(/too-large/);
  });
});

describe('baselines', () => {
  it('--write-baseline then --baseline accepts today\'s findings, even after lines move, and reports new ones', () => {
    const { sb, dir } = repo();
    const old = token();
    write(dir, 'a.txt', `y=${old}\n`);
    expect(cli(sb, dir, ['scan', 'a.txt', '--write-baseline', 'baseline.json']).code).toBe(1);
    const baseline = readFileSync(join(dir, 'baseline.json'), 'utf8');
    expect(baseline).not.toContain(old);
    write(dir, 'a.txt', `\n\n# moved\ny=${old}\n`);
    expect(cli(sb, dir, ['scan', 'a.txt', '--baseline', 'baseline.json']).code).toBe(0);
    write(dir, 'a.txt', `y=${old}\nz=${token()}\n`);
    const r = cli(sb, dir, ['scan', 'a.txt', '--baseline', 'baseline.json', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toHaveLength(1);
  });

  it('a damaged baseline is a configuration error with the fix', () => {
    const { sb, dir } = repo();
    write(dir, 'a.txt', 'clean\n');
    write(dir, 'baseline.json', '{"findings": [{"fingerprint": 1}]}');
    const r = cli(sb, dir, ['scan', 'a.txt', '--baseline', 'baseline.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline\.json does not have the expected shape/);
    expect(r.stderr).toMatch(/--write-baseline/);
  });
});

describe('worker threads', () => {
  it('produce the same findings, in the same order, as an inline scan', () => {
    const { sb, dir } = repo();
    for (let i = 0; i < 300; i++) write(dir, `f/${String(i).padStart(3, '0')}.txt`, i % 7 === 0 ? `k=${token()}\n` : `nothing ${i}\n`);
    gitOk(sb, dir, ['add', '.']);
    const inline = cli(sb, dir, ['scan', '--threads', '1', '--format', 'json']);
    // two threads: this one and a worker; three: this one and two workers
    const workers = cli(sb, dir, ['scan', '--threads', '2', '--format', 'json']);
    const more = cli(sb, dir, ['scan', '--threads', '3', '--format', 'json']);
    expect(inline.code).toBe(1);
    const strip = (s: string) => JSON.parse(s).findings.map((f: { path: string; fingerprint: string }) => `${f.path}:${f.fingerprint}`);
    expect(strip(workers.stdout)).toEqual(strip(inline.stdout));
    expect(strip(more.stdout)).toEqual(strip(inline.stdout));
    expect(strip(inline.stdout)).toHaveLength(43);
  });
});
