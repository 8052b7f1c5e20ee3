import { SEVERITIES, type Severity } from '../core/types.js';
import { configError } from '../errors.js';
import type { Problem } from '../core/rules.js';
import { formatUnlocated } from './yaml.js';

/** A finding the repository accepts, for one skill and path, with the reason recorded. */
export interface SkillSuppression {
  skill: string;
  /** picomatch glob relative to the skill folder. */
  path: string;
  rule: string;
  reason: string;
}

/** The `skills:` section of .agent-vault.yaml, validated, with defaults. */
export interface SkillPolicy {
  /** Folders (relative to the repository root) whose sub-folders are skills. */
  roots: string[];
  /** The pre-commit gate refuses unsigned or stale-signed skills. */
  requireSignatures: boolean;
  keyring: string;
  revocations: string;
  /** Verification fails closed when the revocation list is missing. */
  requireRevocations: boolean;
  /** Lowest severity that fails a scan. */
  failOn: Severity;
  suppressions: SkillSuppression[];
}

const DEFAULT_SKILL_POLICY: Readonly<SkillPolicy> = {
  roots: ['.claude/skills', 'skills'],
  requireSignatures: false,
  keyring: '.agent-vault/keys.json',
  revocations: '.agent-vault/revocations.json',
  requireRevocations: true,
  failOn: 'high',
  suppressions: [],
};

const KEYS = ['roots', 'requireSignatures', 'keyring', 'revocations', 'requireRevocations', 'failOn', 'suppressions'];

/** Validate a `skills:` section; each problem is pushed with where it is (for its line). */
export function readSkillPolicy(raw: Record<string, unknown> | undefined, problems: Problem[]): SkillPolicy {
  const policy: SkillPolicy = { ...DEFAULT_SKILL_POLICY, roots: [...DEFAULT_SKILL_POLICY.roots], suppressions: [] };
  if (!raw) return policy;
  const problem = (where: (string | number)[], message: string) => problems.push({ where: ['skills', ...where], message });
  for (const k of Object.keys(raw)) if (!KEYS.includes(k)) problem([k], `unknown key (expected one of ${KEYS.join(', ')})`);
  const str = (k: 'keyring' | 'revocations') => {
    const v = raw[k];
    if (v === undefined) return;
    if (typeof v !== 'string' || !v || v.startsWith('/') || v.split('/').includes('..')) problem([k], 'must be a path inside the repository');
    else policy[k] = v;
  };
  str('keyring');
  str('revocations');
  for (const k of ['requireSignatures', 'requireRevocations'] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') problem([k], 'must be true or false');
    else policy[k] = v;
  }
  if (raw.roots !== undefined) {
    if (!Array.isArray(raw.roots) || raw.roots.some((r) => typeof r !== 'string' || !r)) problem(['roots'], 'must be a list of folders');
    else policy.roots = raw.roots as string[];
  }
  if (raw.failOn !== undefined) {
    if (!SEVERITIES.includes(raw.failOn as Severity)) problem(['failOn'], `must be one of ${SEVERITIES.join(', ')}`);
    else policy.failOn = raw.failOn as Severity;
  }
  if (raw.suppressions !== undefined) {
    if (!Array.isArray(raw.suppressions)) problem(['suppressions'], 'must be a list');
    else
      raw.suppressions.forEach((s: unknown, i: number) => {
        const where = ['suppressions', i];
        if (!s || typeof s !== 'object' || Array.isArray(s)) return problem(where, 'must be a mapping with skill, path, rule and reason');
        const e = s as Record<string, unknown>;
        for (const k of Object.keys(e)) if (!['skill', 'path', 'rule', 'reason'].includes(k)) problem([...where, k], 'unknown key (expected skill, path, rule, reason)');
        const missing = ['skill', 'path', 'rule', 'reason'].filter((k) => typeof e[k] !== 'string' || !(e[k] as string).trim());
        if (missing.length) return problem(where, `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required (a suppression is scoped to one skill, path and rule, and says why)`);
        policy.suppressions.push({ skill: e.skill as string, path: e.path as string, rule: e.rule as string, reason: e.reason as string });
      });
  }
  return policy;
}

/**
 * The skill policy of a configuration (validated when its file was parsed; checked again for
 * one built in code, such as the Action's trust-file inputs applied). It takes the two fields
 * it reads, not the whole configuration type, so config.ts can call readSkillPolicy without a cycle.
 */
export function skillPolicy(config: { file: string | undefined; skills: Record<string, unknown> | undefined }): SkillPolicy {
  const problems: Problem[] = [];
  const policy = readSkillPolicy(config.skills, problems);
  if (problems.length) throw configError(formatUnlocated(config.file, problems), 'Fix the skills section of the configuration.');
  return policy;
}
