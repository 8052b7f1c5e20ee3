import type { AgentVaultConfig } from './config.js';
import { SEVERITIES, type Severity } from '../core/types.js';
import { configError } from '../errors.js';

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

/** Validate `skills:`; every problem is reported at once, named by its field. */
export function skillPolicy(config: AgentVaultConfig): SkillPolicy {
  const policy: SkillPolicy = { ...DEFAULT_SKILL_POLICY, roots: [...DEFAULT_SKILL_POLICY.roots], suppressions: [] };
  const raw = config.skills;
  if (!raw) return policy;
  const problems: string[] = [];
  for (const k of Object.keys(raw)) if (!KEYS.includes(k)) problems.push(`skills.${k}: unknown key (expected one of ${KEYS.join(', ')})`);
  const str = (k: 'keyring' | 'revocations') => {
    const v = raw[k];
    if (v === undefined) return;
    if (typeof v !== 'string' || !v || v.startsWith('/') || v.split('/').includes('..')) problems.push(`skills.${k}: must be a path inside the repository`);
    else policy[k] = v;
  };
  str('keyring');
  str('revocations');
  for (const k of ['requireSignatures', 'requireRevocations'] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') problems.push(`skills.${k}: must be true or false`);
    else policy[k] = v;
  }
  if (raw.roots !== undefined) {
    if (!Array.isArray(raw.roots) || raw.roots.some((r) => typeof r !== 'string' || !r)) problems.push('skills.roots: must be a list of folders');
    else policy.roots = raw.roots as string[];
  }
  if (raw.failOn !== undefined) {
    if (!SEVERITIES.includes(raw.failOn as Severity)) problems.push(`skills.failOn: must be one of ${SEVERITIES.join(', ')}`);
    else policy.failOn = raw.failOn as Severity;
  }
  if (raw.suppressions !== undefined) {
    if (!Array.isArray(raw.suppressions)) problems.push('skills.suppressions: must be a list');
    else
      raw.suppressions.forEach((s: unknown, i: number) => {
        const where = `skills.suppressions[${i}]`;
        if (!s || typeof s !== 'object' || Array.isArray(s)) return problems.push(`${where}: must be a mapping with skill, path, rule and reason`);
        const e = s as Record<string, unknown>;
        for (const k of Object.keys(e)) if (!['skill', 'path', 'rule', 'reason'].includes(k)) problems.push(`${where}.${k}: unknown key (expected skill, path, rule, reason)`);
        const missing = ['skill', 'path', 'rule', 'reason'].filter((k) => typeof e[k] !== 'string' || !(e[k] as string).trim());
        if (missing.length) return problems.push(`${where}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required (a suppression is scoped to one skill, path and rule, and says why)`);
        policy.suppressions.push({ skill: e.skill as string, path: e.path as string, rule: e.rule as string, reason: e.reason as string });
      });
  }
  if (problems.length) throw configError(problems.map((p) => `${config.file ?? 'config'}: ${p}`).join('\n'), 'Fix the skills section of the configuration.');
  return policy;
}
