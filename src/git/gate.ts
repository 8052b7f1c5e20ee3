import { posix } from 'node:path';
import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import { maskSecret } from '../core/mask.js';
import type { Ruleset } from '../core/rules.js';
import { scanText } from '../core/scan.js';
import { SEVERITIES, severityRank, type Finding, type Severity } from '../core/types.js';
import { AgentVaultError, configError } from '../errors.js';
import { GIT_MSG, MSG } from '../messages.js';
import { checkSkills, touchedSkillFolders } from '../skill/gate.js';
import { SKILL_FILE } from '../skill/model.js';
import { skillPolicy } from '../skill/policy.js';
import { decodeForScan } from '../sources/files.js';
import { changedPaths, readBlobs, stagedChanges, streamAddedLines } from '../sources/git-sources.js';
import { gitSync, gitText } from '../platform/exec.js';
import { FILTER_DRIVER, filterAttributes, indexPaths, protectedMatcher, withCommitIndex } from './protected.js';
import type { VaultSession } from '../session/session.js';

/** One reason a commit or push is blocked. Never holds a secret: `masked` only. */
export interface GateProblem {
  path: string;
  line: number;
  rule: string;
  masked: string;
  /** What is wrong, when the rule id alone does not say (skill failures). */
  detail?: string;
  fix: string;
  commit?: string;
}

export interface GateResult {
  problems: GateProblem[];
  filesChecked: number;
  notes: string[];
}

/**
 * The `policy:` section: `block` is the lowest severity that blocks a commit or push
 * (default `info`: every finding blocks). Findings in protected paths and raw vaulted
 * values always block, whatever the policy says.
 */
export interface GatePolicy {
  block: Severity;
}

export function parsePolicy(config: AgentVaultConfig): GatePolicy {
  const raw = config.policy ?? {};
  const problems: string[] = [];
  for (const k of Object.keys(raw)) if (k !== 'block') problems.push(`policy.${k}: unknown key (expected block)`);
  const block = raw.block ?? 'info';
  if (typeof block !== 'string' || !(SEVERITIES as readonly string[]).includes(block)) {
    problems.push(`policy.block: must be one of ${SEVERITIES.join(', ')}`);
  }
  if (problems.length) throw configError(`${config.file ?? 'config'}: ${problems.join('; ')}`, 'Fix the policy section of the configuration.');
  return { block: block as Severity };
}

/** What every check needs, prepared once per hook run. */
export interface GateContext {
  config: AgentVaultConfig;
  ruleset: Ruleset;
  policy: GatePolicy;
  isProtected: (path: string) => boolean;
  vault: VaultSession | undefined;
  maxFileSize: number;
}

export function prepareGate(config: AgentVaultConfig, vault: VaultSession | undefined): GateContext {
  // Validated up front so a broken skills: section stops every commit, not just the first
  // one that touches a skill; the skill module itself only runs when a skill changed.
  skillPolicy(config);
  return {
    config,
    ruleset: buildRuleset(config),
    policy: parsePolicy(config),
    isProtected: protectedMatcher(config.protected),
    vault,
    maxFileSize: config.maxFileSize,
  };
}

/** 0-based line index of offsets given in ascending order: counts forward from the last one. */
function lineCounter(bytes: Uint8Array): (offset: number) => number {
  let at = 0;
  let line = 0;
  return (offset) => {
    if (offset < at) {
      at = 0;
      line = 0;
    }
    for (; at < offset && at < bytes.length; at++) if (bytes[at] === 10) line++;
    return line;
  };
}

/**
 * Check one piece of content about to enter history: a staged blob, or the added lines of
 * one file in one pushed commit (then `lineMap` maps fragment lines to file lines).
 */
export async function checkContent(gate: GateContext, path: string, bytes: Buffer, origin: { lineMap?: number[]; commit?: string } = {}): Promise<GateProblem[]> {
  const problems: GateProblem[] = [];
  const isProtected = gate.isProtected(path);
  const toLine = (l0: number) => origin.lineMap?.[l0] ?? l0 + 1;
  const withCommit = (p: GateProblem): GateProblem => (origin.commit ? { ...p, commit: origin.commit } : p);
  const vaultedLines = new Set<number>();

  // Raw vaulted values, in any file and any common encoding: always block.
  const lineIndexOf = lineCounter(bytes);
  for (const hit of (await gate.vault?.findValues(bytes)) ?? []) {
    const line = toLine(lineIndexOf(hit.offset));
    vaultedLines.add(line);
    problems.push(withCommit({
      path,
      line,
      rule: hit.encoding === 'raw' ? 'vaulted-value' : `vaulted-value-${hit.encoding}`,
      masked: maskSecret(Buffer.from(bytes.subarray(hit.offset, hit.offset + hit.length)).toString('latin1')),
      fix: GIT_MSG.fixVaultedValue(hit.key, path, isProtected),
    }));
  }

  const read = decodeForScan(bytes, path, gate.maxFileSize);
  if (!read.ok) return problems; // binary or too large: the vaulted-value check above still ran
  const findings: Finding[] = scanText(read.text, { path, ...(origin.lineMap ? { lineMap: origin.lineMap } : {}) }, gate.ruleset);
  const blockRank = severityRank(gate.policy.block);
  for (const f of findings) {
    if (vaultedLines.has(f.line)) continue; // already reported as a vaulted value
    if (!isProtected && severityRank(f.severity) < blockRank) continue;
    problems.push(withCommit({
      path,
      line: f.line,
      rule: f.ruleId,
      masked: f.masked,
      fix: isProtected ? GIT_MSG.fixUnvaultedInProtected(path) : GIT_MSG.fixFinding(path),
    }));
  }
  return problems;
}

/** Protected paths in the index whose `filter` attribute (from the index) is not ours. */
export function checkProtectedAttributes(gate: GateContext, repo: string, env: NodeJS.ProcessEnv, paths?: string[]): GateProblem[] {
  const candidates = (paths ?? indexPaths(repo, env)).filter(gate.isProtected);
  const attrs = filterAttributes(repo, env, candidates);
  const problems: GateProblem[] = [];
  for (const path of candidates) {
    const value = attrs.get(path) ?? 'unspecified';
    if (value !== FILTER_DRIVER) problems.push({ path, line: 0, rule: 'protected-path-unfiltered', masked: '-', fix: GIT_MSG.fixMissingFilter(path, value) });
  }
  return problems;
}

/** Folders holding a SKILL.md among these paths ('.' for the root). */
function skillFolders(paths: string[]): Set<string> {
  const folders = new Set<string>();
  for (const p of paths) if (p === SKILL_FILE || p.endsWith(`/${SKILL_FILE}`)) folders.add(posix.dirname(p));
  return folders;
}

/**
 * The skills among `changed`, as the index in `env` holds them: scanned, and verified when
 * skills.requireSignatures is set (unsigned or stale-signed skills fail). Runs the skill
 * module only when a changed path lies in a folder with a SKILL.md.
 */
export function checkChangedSkills(gate: GateContext, repo: string, env: NodeJS.ProcessEnv, indexed: string[], changed: string[]): GateProblem[] {
  // Plain string work over paths git already listed: a commit that touches no skill pays nothing more.
  const withSkill = skillFolders(indexed);
  if (withSkill.size === 0 || touchedSkillFolders(changed, (f) => withSkill.has(f)).length === 0) return [];
  const { failures } = checkSkills(repo, changed, gate.config, { env, source: 'index' });
  return failures.map((f) => ({
    path: f.skill === '.' ? SKILL_FILE : `${f.skill}/${SKILL_FILE}`,
    line: 0,
    rule: f.code,
    masked: '-',
    detail: f.message,
    fix: MSG.skillFix(f.code, f.skill),
  }));
}

/** The pre-commit gate: the index blobs the next commit records (GIT_INDEX_FILE honoured via env). */
export async function preCommitGate(gate: GateContext, repo: string, env: NodeJS.ProcessEnv): Promise<GateResult> {
  const staged = stagedChanges(repo, env);
  const blobs = staged.blobs.filter((b) => b.mode !== '120000'); // a symlink's blob is its target path
  const contents = readBlobs(repo, blobs.map((b) => b.oid));
  const problems: GateProblem[] = [];
  for (const b of blobs) {
    const bytes = contents.get(b.oid);
    if (!bytes) throw new AgentVaultError('git', `cannot read the staged content of ${b.path}`);
    problems.push(...(await checkContent(gate, b.path, bytes)));
  }
  const indexed = indexPaths(repo, env);
  problems.push(...checkProtectedAttributes(gate, repo, env, indexed));
  // Every change counts for skills: a deleted or re-moded file makes a signature stale too.
  problems.push(...checkChangedSkills(gate, repo, env, indexed, [...staged.blobs.map((b) => b.path), ...staged.deleted]));
  return { problems, filesChecked: blobs.length, notes: [] };
}

const ZERO = /^0+$/;

export interface RefUpdate {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

/** Parse pre-push stdin: `<local ref> <local sha> <remote ref> <remote sha>` per line. */
export function parsePushUpdates(text: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 4) continue;
    const [localRef, localSha, remoteRef, remoteSha] = parts as [string, string, string, string];
    if (!/^[0-9a-f]{40,64}$/.test(localSha) || !/^[0-9a-f]{40,64}$/.test(remoteSha)) continue;
    updates.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return updates;
}

function objectExists(repo: string, sha: string): boolean {
  try {
    gitSync(['cat-file', '-e', `${sha}^{commit}`], { cwd: repo });
    return true;
  } catch {
    return false;
  }
}

/**
 * The revisions one ref update would publish: `remote..local` when the remote tip is known
 * here; otherwise (a new branch, or a remote tip we never fetched) every commit reachable
 * from local that no remote-tracking ref already has. Deletions publish nothing.
 */
export function revisionsFor(repo: string, u: RefUpdate): string[] | undefined {
  if (ZERO.test(u.localSha)) return undefined;
  if (!ZERO.test(u.remoteSha) && objectExists(repo, u.remoteSha)) return [u.localSha, `^${u.remoteSha}`];
  const remoteTips = gitText(['for-each-ref', '--format=%(objectname)', 'refs/remotes'], { cwd: repo }).split('\n').filter(Boolean);
  return [u.localSha, ...[...new Set(remoteTips)].map((t) => `^${t}`)];
}

/** The pre-push gate: the added lines of every commit each update publishes. */
export async function prePushGate(gate: GateContext, repo: string, updates: RefUpdate[]): Promise<GateResult> {
  const problems: GateProblem[] = [];
  const files = new Set<string>();
  // A push of a branch and its tag (--follow-tags) names the same commits twice: commits an
  // earlier update already covered are excluded, and each tip is judged once.
  const pushedTips: string[] = [];
  for (const u of updates) {
    const own = revisionsFor(repo, u);
    if (!own) continue;
    if (pushedTips.includes(u.localSha)) continue;
    const revs = [...own, ...pushedTips.map((t) => `^${t}`)];
    pushedTips.push(u.localSha);
    const checked: Promise<GateProblem[]>[] = [];
    await streamAddedLines(repo, revs, (frag) => {
      files.add(`${frag.commit}:${frag.path}`);
      checked.push(checkContent(gate, frag.path, Buffer.from(frag.text, 'latin1'), { lineMap: frag.lineMap, ...(frag.commit ? { commit: frag.commit } : {}) }));
    });
    for (const found of await Promise.all(checked)) problems.push(...found);
    problems.push(...checkPushedTip(gate, repo, u.localSha, revs));
  }
  return { problems, filesChecked: files.size, notes: [] };
}

/**
 * What is judged on a pushed tip's tree rather than per commit: the protected-path
 * attributes, and every skill the pushed commits touched, as the tip holds it.
 */
function checkPushedTip(gate: GateContext, repo: string, sha: string, revs: string[]): GateProblem[] {
  return withCommitIndex(repo, sha, (env) => {
    const indexed = indexPaths(repo, env);
    const problems = checkProtectedAttributes(gate, repo, env, indexed);
    // The range's paths cost one more git call, paid only when the tip has skills at all.
    if (skillFolders(indexed).size) problems.push(...checkChangedSkills(gate, repo, env, indexed, changedPaths(repo, revs)));
    return problems.map((p) => ({ ...p, commit: sha }));
  });
}

/** Render problems for people: file:line, rule, masked value, then the fix. */
export function formatProblems(problems: GateProblem[]): string {
  return problems
    .map((p) => `  ${p.path}${p.line ? `:${p.line}` : ''}${p.commit ? ` (commit ${p.commit.slice(0, 12)})` : ''}  ${p.rule}  ${p.masked}\n${p.detail ? `    ${p.detail}\n` : ''}    fix: ${p.fix}\n`)
    .join('');
}
