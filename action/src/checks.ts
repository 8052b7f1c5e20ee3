import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type { AgentVaultConfig } from '../../src/config/config.js';
import type { Ruleset } from '../../src/core/rules.js';
import { severityRank, type Finding, type Severity } from '../../src/core/types.js';
import { FILTER_DRIVER, filterAttributes, protectedMatcher, withCommitIndex } from '../../src/git/protected.js';
import { MSG } from '../../src/messages.js';
import { openSkillGate, scanWithGate, verifySkill } from '../../src/skill/attest.js';
import { SIGNATURE_FILE } from '../../src/skill/avt1.js';
import { writeEntries } from '../../src/skill/gate.js';
import { SKILL_FILE } from '../../src/skill/model.js';
import { skillPolicy } from '../../src/skill/policy.js';
import type { SkillScanReport } from '../../src/skill/threats.js';
import type { AddedContent, TreeEntry } from './added.js';
import { INPUT_DEFAULTS, type ActionInputs, type CheckName } from './inputs.js';
import type { ScanTarget } from './target.js';

/** A failed check that is not a secret finding: a path, a skill, a policy. */
export interface Problem {
  check: CheckName;
  /** Stable id, used as the SARIF rule id. */
  ruleId: string;
  description: string;
  severity: Severity;
  path: string;
  line: number | undefined;
  commit: string | undefined;
  message: string;
  hint: string;
}

/** What every check returns; the gate merges them. */
export interface CheckResult {
  check: CheckName;
  findings: Finding[];
  problems: Problem[];
  verifiedSkills: number;
  /** Lines for the job summary that are neither findings nor problems. */
  notes: string[];
}

export interface GateContext {
  repo: string;
  config: AgentVaultConfig;
  ruleset: Ruleset;
  target: ScanTarget;
  inputs: ActionInputs;
  /** The shared pass over added content, computed on first use. */
  added: () => Promise<AddedContent>;
  /** The tree at head, listed on first use. */
  headTree: () => TreeEntry[];
  /** Read a trust file (keyring, revocations) from the base commit when there is one, so a change cannot vouch for itself. */
  readTrusted: (path: string) => Buffer | undefined;
}

export type Check = (ctx: GateContext) => Promise<CheckResult>;

const empty = (check: CheckName): CheckResult => ({ check, findings: [], problems: [], verifiedSkills: 0, notes: [] });

/** Secrets in every line the target adds. */
export const secretsCheck: Check = async (ctx) => {
  const result = empty('secrets');
  const added = await ctx.added();
  result.findings = added.findings;
  result.notes.push(`${added.filesScanned} file${added.filesScanned === 1 ? '' : 's'} scanned, ${added.bytesScanned} bytes`);
  const notable = added.skipped.filter((s) => s.reason !== 'binary');
  if (notable.length) result.notes.push(`${notable.length} skipped (${[...new Set(notable.map((s) => s.reason))].join(', ')})`);
  return result;
};

/**
 * Protected paths: every file matching a `protected:` glob must still go through the clean
 * filter at head, and what the target adds to them must hold no secret and no unvaulted
 * marker. Raw vaulted values cannot be recognised here (CI has no vault); the scanner and
 * the filter mapping are what CI can prove.
 */
export const protectedPathsCheck: Check = async (ctx) => {
  const result = empty('protected-paths');
  const globs = ctx.config.protected;
  if (globs.length === 0) {
    result.notes.push('no protected paths configured');
    return result;
  }
  if (ctx.target.kind === 'none') return result;
  const isProtected = protectedMatcher(globs);
  const paths = ctx.headTree().filter((e) => e.mode !== '160000' && isProtected(e.path)).map((e) => e.path);
  const attrs = paths.length ? withCommitIndex(ctx.repo, ctx.target.head, (env) => filterAttributes(ctx.repo, env, paths)) : new Map<string, string>();
  for (const path of paths) {
    const value = attrs.get(path) ?? 'unspecified';
    if (value === FILTER_DRIVER) continue;
    result.problems.push({
      check: 'protected-paths',
      ruleId: 'protected-path-unfiltered',
      description: 'Protected path not mapped to the agent-vault filter',
      severity: 'high',
      path,
      line: undefined,
      commit: undefined,
      message: MSG.actionProtectedUnfiltered(value),
      hint: MSG.actionProtectedUnfilteredHint(path),
    });
  }
  const added = await ctx.added();
  for (const m of added.unvaulted) {
    if (!isProtected(m.path)) continue;
    result.problems.push({
      check: 'protected-paths',
      ruleId: 'unvaulted-value-committed',
      description: 'Unvaulted suspect committed to a protected path',
      severity: 'high',
      path: m.path,
      line: m.line,
      commit: m.commit,
      message: MSG.actionUnvaultedCommitted,
      hint: MSG.actionUnvaultedCommittedHint,
    });
  }
  // Findings in protected paths are secret findings already; report them here only when the
  // secrets check is not running, so that turning it off does not blind this one.
  if (!ctx.inputs.checks.includes('secrets')) result.findings = added.findings.filter((f) => isProtected(f.path));
  result.notes.push(`${paths.length} protected file${paths.length === 1 ? '' : 's'} at head`);
  return result;
};

/** Folders holding a SKILL.md at head. '' is the repository root. */
function skillFolders(tree: TreeEntry[]): string[] {
  return tree.filter((e) => posix.basename(e.path) === SKILL_FILE && e.mode !== '160000').map((e) => posix.dirname(e.path)).map((d) => (d === '.' ? '' : d));
}

const inside = (folder: string, path: string) => folder === '' || path === folder || path.startsWith(`${folder}/`);

/**
 * Changed skills: every file scanned (threats and secrets), then signature, keyring and
 * revocation verified by the skill module, with the same policy as the pre-commit hook.
 * The keyring and revocation list come from the base commit (readTrusted).
 */
export const skillsCheck: Check = async (ctx) => {
  const result = empty('skills');
  if (ctx.target.kind === 'none') return result;
  const tree = ctx.headTree();
  const folders = skillFolders(tree);
  if (folders.length === 0) {
    result.notes.push('no skills in the repository');
    return result;
  }
  const added = await ctx.added();
  const changed = folders.filter((f) => [...added.touchedPaths].some((p) => inside(f, p)));
  if (changed.length === 0) {
    result.notes.push(`no changed skill of ${folders.length}`);
    return result;
  }
  const policy = skillPolicy(ctx.config);
  // An input that differs from its default wins over the configuration.
  const keyringPath = ctx.inputs.keyring !== INPUT_DEFAULTS.keyring ? ctx.inputs.keyring : policy.keyring;
  const revocationsPath = ctx.inputs.revocations !== INPUT_DEFAULTS.revocations ? ctx.inputs.revocations : policy.revocations;
  const work = mkdtempSync(join(tmpdir(), 'agent-vault-skills-'));
  try {
    const trust = join(work, 'trust');
    for (const path of [keyringPath, revocationsPath]) {
      const bytes = ctx.readTrusted(path);
      if (!bytes) continue;
      mkdirSync(dirname(join(trust, path)), { recursive: true });
      writeFileSync(join(trust, path), bytes);
    }
    const config = { ...ctx.config, skills: { ...(ctx.config.skills ?? {}), keyring: keyringPath, revocations: revocationsPath } };
    // A fresh state folder: CI keeps no rollback memory or local purge list between jobs.
    const gate = openSkillGate(trust, config, { AGENT_VAULT_HOME: join(work, 'home') });
    const checkout = join(work, 'tree');
    let below = 0;
    for (const folder of changed) {
      const files = tree.filter((e) => inside(folder, e.path));
      writeEntries(ctx.repo, files, checkout);
      const abs = join(checkout, folder);
      const shown = (text: string) => text.split(abs).join(folder || '.');
      const problem = (code: string, message: string): Problem => ({
        check: 'skills',
        ruleId: `skill-${code.toLowerCase().replace(/^skill_/, '').replace(/_/g, '-')}`,
        description: `Skill check failed: ${code}`,
        severity: 'high',
        path: folder ? `${folder}/${SKILL_FILE}` : SKILL_FILE,
        line: undefined,
        commit: undefined,
        message: shown(message),
        hint: MSG.skillFix(code, folder),
      });
      const signed = files.some((e) => e.path === (folder ? `${folder}/${SIGNATURE_FILE}` : SIGNATURE_FILE));
      let report: SkillScanReport | undefined;
      if (policy.requireSignatures && !signed) {
        report = scanWithGate(gate, abs);
        result.problems.push(problem('SKILL_UNSIGNED', MSG.actionSkillUnsigned(folder)));
      } else if (signed) {
        const verdict = verifySkill(gate, abs);
        report = verdict.report;
        if (verdict.ok) result.verifiedSkills++;
        else if (policy.requireSignatures || verdict.code === 'SKILL_SCAN_FAILED') result.problems.push(problem(verdict.code ?? 'SKILL_INVALID', verdict.message));
        // Signatures not required: a signature that does not verify is worth a note, as in the hook.
        else result.notes.push(shown(verdict.message));
      } else {
        report = scanWithGate(gate, abs);
        if (report.error) result.problems.push(problem(report.error.code ?? 'SKILL_INVALID', report.error.message));
        else if (!report.passed) result.problems.push(problem('SKILL_SCAN_FAILED', `${folder || '.'}: fails the skill scan`));
      }
      for (const f of report?.findings ?? []) {
        if (severityRank(f.severity) < severityRank(policy.failOn)) {
          below++;
          continue;
        }
        result.findings.push({ ...f, path: folder ? `${folder}/${f.path}` : f.path });
      }
    }
    result.notes.push(`${changed.length} changed skill${changed.length === 1 ? '' : 's'} of ${folders.length}${policy.requireSignatures ? ', signatures required' : ''}`);
    if (below) result.notes.push(`${below} skill finding${below === 1 ? '' : 's'} below skills.failOn (${policy.failOn})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return result;
};

export const CHECKS: Record<CheckName, Check> = {
  secrets: secretsCheck,
  'protected-paths': protectedPathsCheck,
  skills: skillsCheck,
};
