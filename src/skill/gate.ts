import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { openSkillGate, scanWithGate, verifySkill } from './attest.js';
import { SIGNATURE_FILE } from './avt1.js';
import type { SkillFailureCode } from './codes.js';
import { SKILL_FILE } from './model.js';

export interface SkillCheckFailure {
  /** Skill folder, repository-relative. */
  skill: string;
  code: SkillFailureCode;
  message: string;
}

export interface SkillCheckResult {
  /** Skill folders looked at, repository-relative. */
  checked: string[];
  failures: SkillCheckFailure[];
}

/** Nearest folder at or above a changed path that holds SKILL.md, repository-relative. */
function skillFolderOf(repoRoot: string, path: string): string | undefined {
  let dir = posix.dirname(path);
  const base = posix.basename(path);
  if (base === SKILL_FILE || base === SIGNATURE_FILE) return dir;
  for (;;) {
    if (existsSync(join(repoRoot, dir, SKILL_FILE))) return dir;
    if (dir === '.' || dir === '' || dir === '/') return undefined;
    dir = posix.dirname(dir);
  }
}

/**
 * The pre-commit gate for skills: every skill touched by the changed paths is scanned
 * (and, when the policy requires signatures, verified: unsigned or stale-signed skills
 * fail). Works on the files in the working tree at repoRoot; the hook should call it after
 * checking out the index state (or on a clean tree) when the two may differ.
 */
export function checkSkills(repoRoot: string, changedPaths: string[], config: AgentVaultConfig, env: NodeJS.ProcessEnv = process.env): SkillCheckResult {
  const folders = new Set<string>();
  for (const p of changedPaths) {
    const folder = skillFolderOf(repoRoot, p.replace(/\\/g, '/'));
    if (folder !== undefined && existsSync(join(repoRoot, folder, SKILL_FILE))) folders.add(folder);
  }
  const checked = [...folders].sort();
  const result: SkillCheckResult = { checked, failures: [] };
  if (!checked.length) return result;
  const gate = openSkillGate(repoRoot, config, env);
  for (const folder of checked) {
    const abs = join(repoRoot, folder);
    if (gate.policy.requireSignatures) {
      const v = verifySkill(gate, abs);
      if (!v.ok) result.failures.push({ skill: folder, code: v.code!, message: v.message.replace(abs, folder) });
    } else {
      const r = scanWithGate(gate, abs);
      if (r.error) result.failures.push({ skill: folder, code: (r.error.code as SkillFailureCode) ?? 'SKILL_INVALID', message: r.error.message });
      else if (!r.passed) result.failures.push({ skill: folder, code: 'SKILL_SCAN_FAILED', message: `${folder}: ${r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => `${f.ruleId} at ${f.path}:${f.line}`).join(', ')}` });
    }
  }
  return result;
}
