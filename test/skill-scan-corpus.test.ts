import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { REPO, sandbox, type Sandbox } from './helpers/sandbox.js';
import { RAW_TOKEN_FOR_TESTS, writeMaliciousCorpus, type MaliciousSkill } from './helpers/skill-corpus.js';

interface ScanJson {
  skills: { dir: string; skill: string | null; passed: boolean; error: { code: string } | null; findings: { ruleId: string; severity: string; masked: string }[] }[];
}

const HIGH = new Set(['high', 'critical']);

describe('skill scan on a malicious corpus (one or more per threat class)', () => {
  let sb: Sandbox;
  let corpus: MaliciousSkill[];
  let json: ScanJson;
  let status: number;
  let text: string;
  beforeAll(() => {
    sb = sandbox();
    const dir = join(sb.dir, 'malicious');
    mkdirSync(dir);
    corpus = writeMaliciousCorpus(dir);
    const r = cli(sb, sb.dir, ['skill', 'scan', 'malicious', '--format', 'json']);
    status = r.code;
    json = JSON.parse(r.stdout) as ScanJson;
    text = cli(sb, sb.dir, ['skill', 'scan', 'malicious']).stdout;
  });

  it('covers every threat class', () => {
    expect(new Set(corpus.map((c) => c.threatClass)).size).toBe(8);
  });

  it('fails the scan (exit 1) and fails every malicious skill', () => {
    expect(status).toBe(1);
    expect(json.skills).toHaveLength(corpus.length);
    expect(json.skills.filter((s) => s.passed).map((s) => s.skill)).toEqual([]);
  });

  it('flags each skill with the rule for its threat, at high or critical', () => {
    const missed = corpus.filter((c) => {
      const s = json.skills.find((x) => x.skill === c.name);
      return !s?.findings.some((f) => f.ruleId === c.expectRule && HIGH.has(f.severity));
    });
    expect(missed.map((m) => `${m.name} (${m.expectRule})`)).toEqual([]);
  });

  it('ignores inline allow comments inside a skill, and reports them', () => {
    const s = json.skills.find((x) => x.skill === 'leaky-token-allowed')!;
    expect(s.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['github-pat-classic', 'skill-scanner-evasion']));
  });

  it('never prints the raw secret, in text or JSON', () => {
    const token = RAW_TOKEN_FOR_TESTS();
    expect(JSON.stringify(json)).not.toContain(token);
    expect(text).not.toContain(token);
    expect(text).toContain('ghp_********');
  });

  it('never prints the raw secret from verify or audit either, and records none in quarantine', () => {
    const token = RAW_TOKEN_FOR_TESTS();
    writeFileSync(join(sb.dir, '.agent-vault.yaml'), 'skills:\n  requireRevocations: false\n');
    const outputs = [
      cli(sb, sb.dir, ['skill', 'verify', 'malicious/leaky-token', '--format', 'json']),
      cli(sb, sb.dir, ['skill', 'verify', 'malicious/leaky-token']),
      cli(sb, sb.dir, ['skill', 'audit', 'malicious/leaky-token', '--dry-run']),
      cli(sb, sb.dir, ['skill', 'audit', 'malicious/leaky-token-allowed']),
      cli(sb, sb.dir, ['skill', 'quarantine', 'list', '--format', 'json']),
    ];
    for (const r of outputs) {
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(r.code).not.toBe(2);
    }
    expect(JSON.parse(outputs[0]!.stdout).skills[0].code).toBe('SKILL_UNSIGNED');
    expect(outputs[4]!.stdout).toContain('leaky-token-allowed');
  });
});

describe('skill scan on benign, documentation-heavy skills', () => {
  it('passes every one with no high or critical finding', () => {
    const sb = sandbox();
    cpSync(join(REPO, 'test', 'fixtures', 'skills-benign'), join(sb.dir, 'benign'), { recursive: true });
    const r = cli(sb, sb.dir, ['skill', 'scan', 'benign', '--format', 'json']);
    const json = JSON.parse(r.stdout) as ScanJson;
    expect(json.skills.length).toBeGreaterThanOrEqual(5);
    const high = json.skills.flatMap((s) => s.findings.filter((f) => HIGH.has(f.severity)).map((f) => `${s.skill}: ${f.ruleId}`));
    expect(high).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('skill scan suppressions', () => {
  it('come only from the repository config, scoped to skill, path and rule, with a reason', () => {
    const sb = sandbox();
    const dir = join(sb.dir, 'repo');
    mkdirSync(dir);
    writeMaliciousCorpus(join(dir, 'skills'));
    const cfg = (yaml: string) => writeFileSync(join(dir, '.agent-vault.yaml'), yaml);
    cfg('skills:\n  suppressions:\n    - skill: read-aws\n      path: SKILL.md\n      rule: skill-exfil-credential-read\n      reason: documents where credentials live; reviewed by security\n');
    const ok = cli(sb, dir, ['skill', 'scan', 'skills/read-aws', '--format', 'json']);
    const okJson = JSON.parse(ok.stdout) as ScanJson & { skills: { suppressed: { reason: string }[] }[] };
    expect(ok.code).toBe(0);
    expect(okJson.skills[0]!.suppressed[0]!.reason).toContain('reviewed by security');
    // the same suppression does not reach another skill
    expect(cli(sb, dir, ['skill', 'scan', 'skills/upload-key']).code).toBe(1);
    cfg('skills:\n  suppressions:\n    - skill: read-aws\n      path: SKILL.md\n      rule: skill-exfil-credential-read\n');
    const bad = cli(sb, dir, ['skill', 'scan', 'skills/read-aws']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('reason');
  });
});
