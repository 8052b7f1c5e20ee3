/**
 * The harness of the class-by-class skill analysis tests: each class has malicious skills that
 * must fail the scan (optionally naming the rules of which one must fail it) and benign skills
 * doing look-alike legitimate work that must pass. Skills are written to a temporary folder
 * (removed after the file's tests) and scanned in process with the default configuration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { skillPolicy } from '../../src/config/skills.js';
import { buildSkillRules, scanSkill } from '../../src/skill/threats.js';
import { scratchDir } from './sandbox.js';

export interface Case {
  name: string;
  files: Record<string, string>;
  /** For malicious cases: rule ids of which at least one must be among the failing findings. */
  rules?: string[];
}

const rules = buildSkillRules(defaultConfig());
const policy = skillPolicy(defaultConfig());
let root: string | undefined;
let n = 0;

export function scanCase(c: Case) {
  // Removed when the test file ends (an afterAll made inside a running test never ran, and
  // every run left a folder in /tmp).
  root ??= scratchDir('av-skill-classes-', 'file');
  const dir = join(root, `${n++}-${c.name}`);
  for (const [rel, text] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return scanSkill(dir, rules, policy, 10 * 1024 * 1024);
}

export const md = (name: string, body: string, extra = '', description = 'Helps with routine project work.') => `---\nname: ${name}\ndescription: ${description}\n${extra}---\n\n${body.trim()}\n`;
export const fence = (lang: string, code: string) => '```' + lang + '\n' + code.trim() + '\n```';
export const b64 = (s: string) => Buffer.from(s).toString('base64');
export const hex = (s: string) => Buffer.from(s).toString('hex');
export const xor = (s: string, k: number) => [...Buffer.from(s)].map((b) => b ^ k);

const FAILING = new Set(['high', 'critical']);

export function classCases(label: string, malicious: Case[], benign: Case[]) {
  describe(label, () => {
    it('has at least five malicious and five benign variants', () => {
      expect(malicious.length).toBeGreaterThanOrEqual(5);
      expect(benign.length).toBeGreaterThanOrEqual(5);
    });
    it.each(malicious.map((c) => [c.name, c] as const))('fails malicious skill %s', (_name, c) => {
      const r = scanCase(c);
      const failing = r.findings.filter((f) => FAILING.has(f.severity));
      expect(r.error, r.error?.message).toBeUndefined();
      expect(r.passed, JSON.stringify(r.findings.map((f) => [f.ruleId, f.severity, f.path, f.line]))).toBe(false);
      if (c.rules) expect(failing.map((f) => f.ruleId), JSON.stringify(failing.map((f) => f.ruleId))).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^(?:${c.rules.join('|')})$`))]));
    });
    it.each(benign.map((c) => [c.name, c] as const))('passes benign skill %s', (_name, c) => {
      const r = scanCase(c);
      expect(r.error, r.error?.message).toBeUndefined();
      const failing = r.findings.filter((f) => FAILING.has(f.severity));
      expect(failing.map((f) => `${f.ruleId} ${f.path}:${f.line} ${f.description}`)).toEqual([]);
      expect(r.passed).toBe(true);
    });
  });
}
