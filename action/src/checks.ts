import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';
import type { AgentVaultConfig } from '../../src/config/config.js';
import type { Ruleset } from '../../src/core/rules.js';
import type { Finding, Severity } from '../../src/core/types.js';
import { gitSync } from '../../src/git/exec.js';
import { MSG } from '../../src/messages.js';
import { listTree, scanTreeEntries, type AddedContent, type TreeEntry } from './added.js';
import type { ActionInputs, CheckName } from './inputs.js';
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

/** `git check-attr filter` for paths as .gitattributes at `commit` say, not as the work tree says. */
function filterAttributes(repo: string, commit: string, paths: string[]): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-vault-attr-'));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(dir, 'index') };
    gitSync(['read-tree', commit], { cwd: repo, env });
    const out = gitSync(['check-attr', '--cached', '-z', '--stdin', 'filter'], { cwd: repo, env, input: paths.join('\0') + '\0' }).toString('utf8');
    const parts = out.split('\0');
    const attrs = new Map<string, string>();
    for (let i = 0; i + 2 < parts.length; i += 3) attrs.set(parts[i]!, parts[i + 2]!);
    return attrs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
  const isProtected = picomatch(globs, { dot: true });
  const paths = ctx.headTree().filter((e) => e.mode !== '160000' && isProtected(e.path)).map((e) => e.path);
  const attrs = paths.length ? filterAttributes(ctx.repo, ctx.target.head, paths) : new Map<string, string>();
  for (const path of paths) {
    const value = attrs.get(path) ?? 'unspecified';
    if (value === 'agent-vault') continue;
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
  return tree.filter((e) => posix.basename(e.path) === 'SKILL.md' && e.mode !== '160000').map((e) => posix.dirname(e.path)).map((d) => (d === '.' ? '' : d));
}

const inside = (folder: string, path: string) => folder === '' || path === folder || path.startsWith(`${folder}/`);

/**
 * INTEGRATION POINT (branch `skills`): signature, keyring and revocation verification of a
 * skill folder. Until the skill module's verify API is merged this is undefined, and a signed
 * skill cannot be verified: with signatures required that fails closed.
 */
export interface SkillSignatureInput {
  repo: string;
  commit: string;
  folder: string;
  files: TreeEntry[];
  keyring: Buffer | undefined;
  revocations: Buffer | undefined;
}
export type SkillSignatureVerdict = { ok: true } | { ok: false; code: string; message: string; hint: string };
export type SkillSignatureVerifier = (input: SkillSignatureInput) => SkillSignatureVerdict;
export function skillSignatureVerifier(): SkillSignatureVerifier | undefined {
  return undefined;
}

function signaturesRequired(config: AgentVaultConfig): boolean {
  return config.skills?.requireSignatures === true;
}

/** Changed skills: every file scanned with the engine, then signature, keyring and revocation. */
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
  const required = signaturesRequired(ctx.config);
  const keyring = ctx.readTrusted(ctx.inputs.keyring);
  const revocations = ctx.readTrusted(ctx.inputs.revocations);
  for (const folder of changed) {
    const files = tree.filter((e) => inside(folder, e.path));
    result.findings.push(...scanTreeEntries(ctx.repo, files, ctx.ruleset, ctx.config).findings);
    const sigPath = folder ? `${folder}/SKILL.sig` : 'SKILL.sig';
    const hasSignature = files.some((e) => e.path === sigPath);
    const problem = (ruleId: string, description: string, message: string, hint: string): Problem => ({
      check: 'skills', ruleId, description, severity: 'high', path: folder ? `${folder}/SKILL.md` : 'SKILL.md', line: undefined, commit: undefined, message, hint,
    });
    if (!hasSignature) {
      if (required) result.problems.push(problem('skill-unsigned', 'Skill not signed', MSG.actionSkillUnsigned(folder), MSG.actionSkillUnsignedHint(folder)));
      else result.notes.push(`skill ${folder || '.'} is unsigned (signatures not required)`);
      continue;
    }
    const verify = skillSignatureVerifier();
    if (!verify) {
      if (required) result.problems.push(problem('skill-unverified', 'Skill signature not verified', MSG.actionSkillVerifierMissing(folder), MSG.actionSkillVerifierMissingHint));
      else result.notes.push(MSG.actionSkillVerifierMissing(folder));
      continue;
    }
    const verdict = verify({ repo: ctx.repo, commit: ctx.target.head, folder, files, keyring, revocations });
    if (verdict.ok) result.verifiedSkills++;
    else result.problems.push(problem(`skill-${verdict.code.toLowerCase().replace(/_/g, '-')}`, 'Skill verification failed', verdict.message, verdict.hint));
  }
  result.notes.push(`${changed.length} changed skill${changed.length === 1 ? '' : 's'} of ${folders.length}${required ? ', signatures required' : ''}`);
  return result;
};

export const CHECKS: Record<CheckName, Check> = {
  secrets: secretsCheck,
  'protected-paths': protectedPathsCheck,
  skills: skillsCheck,
};
