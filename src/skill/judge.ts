import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { MSG } from '../messages.js';
import { scanWithGate, verifySkill, type SkillGate } from './attest.js';
import { SIGNATURE_FILE } from './avt1.js';
import type { SkillFailureCode } from './codes.js';
import { describeFailing, type SkillScanReport } from './threats.js';

export interface SkillJudgement {
  /** Why the skill may not enter history; empty when it may. */
  failures: { code: SkillFailureCode; message: string }[];
  /** Its signature, keyring entry and revocation status verified. */
  verified: boolean;
  /** A signature that does not verify where signatures are not required: worth telling, not blocking. */
  notes: string[];
  report: SkillScanReport;
}

function hasSignature(dir: string): boolean {
  try {
    lstatSync(join(dir, SIGNATURE_FILE));
    return true;
  } catch {
    return false;
  }
}

/**
 * The verdict of the git gates (hooks and Action alike) on one skill folder:
 * - the scan always counts (threats and secrets at or above skills.failOn, or a skill that
 *   cannot be analysed), signed or not;
 * - a skill that carries a SKILL.sig is verified (signature, keyring, revocations, content
 *   hash); when skills.requireSignatures is set a failure blocks, otherwise it is a note;
 * - an unsigned skill fails only when signatures are required.
 * Messages name `dir` as given; callers rewrite it to the repository path.
 */
export function judgeSkill(gate: SkillGate, dir: string): SkillJudgement {
  const required = gate.policy.requireSignatures;
  const signed = hasSignature(dir);
  const verdict = signed ? verifySkill(gate, dir) : undefined;
  const report = verdict?.report ?? scanWithGate(gate, dir);
  const judgement: SkillJudgement = { failures: [], verified: verdict?.ok ?? false, notes: [], report };
  if (!signed && required) judgement.failures.push({ code: 'SKILL_UNSIGNED', message: MSG.skillUnsigned(dir) });
  if (report.error) judgement.failures.push({ code: (report.error.code as SkillFailureCode | undefined) ?? 'SKILL_INVALID', message: report.error.message });
  else if (!report.passed) judgement.failures.push({ code: 'SKILL_SCAN_FAILED', message: `${dir}: ${describeFailing(report)}` });
  // verifySkill stops at the first failure; the scan's own (error, verdict) are counted above.
  if (verdict && !verdict.ok && !report.error && verdict.code !== 'SKILL_SCAN_FAILED') {
    if (required) judgement.failures.push({ code: verdict.code ?? 'SKILL_BAD_SIGNATURE', message: verdict.message });
    else judgement.notes.push(verdict.message);
  }
  return judgement;
}
