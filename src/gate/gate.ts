import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import { failsOn, parsePolicy, type FailOn } from '../config/policy.js';
import { skillPolicy } from '../config/skills.js';
import type { Finding } from '../core/types.js';
import { FILTER_DRIVER, filterAttributes, protectedMatcher, withCommitIndex } from '../git/protected.js';
import { GIT_MSG, MSG } from '../messages.js';
import type { VaultSession } from '../session/session.js';
import { SKILL_FILE } from '../skill/model.js';
import { commitCount, indexEntries, SUBMODULE_MODE, type GitEntry } from '../sources/git-sources.js';
import { readContent, type ContentContext, type ContentPass } from './content.js';
import { CHECK_NAMES, type Blocker, type CheckName, type CheckResult, type GateResult, type GateTarget, type Problem } from './model.js';
import { checkSkills } from './skills.js';

export interface GateRequest {
  repo: string;
  /** The environment git runs in (GIT_INDEX_FILE names the index a pre-commit judges). */
  env: NodeJS.ProcessEnv;
  config: AgentVaultConfig;
  /** Where the configuration came from, for people. */
  configSource: string;
  targets: GateTarget[];
  /** Which checks run (default all). */
  checks?: readonly CheckName[];
  /** The threshold for secret findings; default the configuration's policy.block. */
  failOn?: FailOn;
  /** Raw vaulted values are looked for only through a session whose vault exists. */
  session?: VaultSession | undefined;
  /**
   * Where the skill keyring and revocation list come from: the work tree (the hooks: the
   * person committing is the one trusted), or a target's base commit (the Action: a change
   * must not vouch for itself), its head when it has none.
   */
  trust: 'worktree' | 'base';
}

interface Gate {
  request: GateRequest;
  content: ContentContext;
  checks: readonly CheckName[];
  results: Map<CheckName, CheckResult>;
  notes: string[];
  skillTally: { changed: number; skills: number; below: number; requireSignatures: boolean };
}

const emptyResult = (check: CheckName): CheckResult => ({ check, findings: [], problems: [], verifiedSkills: 0, notes: [] });

/** Where a target's whole-tree checks look: the index itself for staged changes, else the head's tree in a throwaway index. */
function withTreeIndex<T>(gate: Gate, target: Exclude<GateTarget, { kind: 'none' }>, use: (env: NodeJS.ProcessEnv) => T): T {
  const { repo, env } = gate.request;
  return target.kind === 'staged' ? use(env) : withCommitIndex(repo, target.head, use, env);
}

function trustCommit(gate: Gate, target: GateTarget): string | undefined {
  if (gate.request.trust === 'worktree' || target.kind === 'staged' || target.kind === 'none') return undefined;
  return target.kind === 'commits' ? (target.base ?? target.head) : target.head;
}

/** Protected paths (as the tree holds them) whose `filter` attribute is not ours. */
function unfilteredPaths(gate: Gate, env: NodeJS.ProcessEnv, entries: GitEntry[], commit: string | undefined): Problem[] {
  const paths = entries.filter((e) => e.mode !== SUBMODULE_MODE && gate.content.isProtected(e.path)).map((e) => e.path);
  const attrs = filterAttributes(gate.request.repo, env, paths);
  const problems: Problem[] = [];
  for (const path of paths) {
    const value = attrs.get(path) ?? 'unspecified';
    if (value === FILTER_DRIVER) continue;
    problems.push({
      check: 'protected-paths', ruleId: 'protected-path-unfiltered', description: 'Protected path not mapped to the agent-vault filter', severity: 'high',
      path, line: undefined, commit, message: MSG.protectedUnfiltered(value), hint: MSG.protectedUnfilteredFix(path),
    });
  }
  gate.results.get('protected-paths')?.notes.push(`${paths.length} protected file${paths.length === 1 ? '' : 's'} ${commit ? 'at head' : 'in the index'}`);
  return problems;
}

/** What is judged on a target's content: secrets, raw vaulted values, unvaulted markers in protected paths. */
function contentChecks(gate: Gate, content: ContentPass): void {
  const secrets = gate.results.get('secrets');
  if (secrets) {
    for (const f of content.findings) secrets.findings.push(f);
    for (const p of content.vaulted) secrets.problems.push(p);
  }
  const prot = gate.results.get('protected-paths');
  if (prot) {
    for (const m of content.unvaulted) {
      if (!gate.content.isProtected(m.path)) continue;
      prot.problems.push({
        check: 'protected-paths', ruleId: 'unvaulted-value-committed', description: 'Unvaulted suspect committed to a protected path', severity: 'high',
        path: m.path, line: m.line, commit: m.commit, message: MSG.unvaultedCommitted, hint: MSG.unvaultedCommittedFix,
      });
    }
    // A finding in a protected path is a secret finding; this check reports it only when the
    // secrets check does not run, so that turning that one off does not blind this one.
    if (!secrets) for (const f of content.findings) if (gate.content.isProtected(f.path)) prot.findings.push(f);
  }
}

/** What is judged on the tree a target leaves: the protected-path mapping and the skills it changed. */
function treeChecks(gate: Gate, target: Exclude<GateTarget, { kind: 'none' }>, content: ContentPass): void {
  const prot = gate.results.get('protected-paths');
  const skills = gate.results.get('skills');
  const commit = target.kind === 'staged' ? undefined : target.head;
  withTreeIndex(gate, target, (env) => {
    const entries = indexEntries(gate.request.repo, env);
    if (prot && gate.request.config.protected.length) for (const p of unfilteredPaths(gate, env, entries, commit)) prot.problems.push(p);
    if (!skills) return;
    const trust = trustCommit(gate, target);
    const r = checkSkills(gate.request.repo, content.touchedPaths, gate.request.config, { env, entries, ...(trust ? { trustCommit: trust } : {}) });
    gate.skillTally.changed += r.checked.length;
    gate.skillTally.skills = Math.max(gate.skillTally.skills, r.skills ?? 0);
    gate.skillTally.below += r.below;
    skills.verifiedSkills += r.verified.length;
    for (const f of r.findings) skills.findings.push(commit ? { ...f, commit } : f);
    for (const n of r.notes) {
      skills.notes.push(n);
      gate.notes.push(n);
    }
    for (const f of r.failures) {
      skills.problems.push({
        check: 'skills', ruleId: `skill-${f.code.toLowerCase().replace(/^skill_/, '').replace(/_/g, '-')}`, code: f.code, description: `Skill check failed: ${f.code}`, severity: 'high',
        path: f.skill === '.' ? SKILL_FILE : `${f.skill}/${SKILL_FILE}`, line: undefined, commit, message: f.message, hint: MSG.skillFix(f.code, f.skill),
      });
    }
  });
}

const findingKey = (f: Finding) => `${f.ruleId}\0${f.fingerprint}\0${f.path}\0${f.line}\0${f.commit ?? ''}`;

/**
 * The one gate of the pre-commit hook, the pre-push hook and the Action: secrets and raw
 * vaulted values in what the targets add, unvaulted markers and the filter mapping of
 * protected paths, and every skill they change. What blocks:
 * - a secret finding at or above the threshold (policy.block, or the caller's failOn), or in
 *   a protected path whatever its severity;
 * - every problem (a raw vaulted value, an unfiltered protected path, an unvaulted marker in
 *   one, a failing skill) and every finding that fails a skill, whatever the threshold;
 * - nothing at all when the threshold is `never` (report only).
 */
export async function runGate(request: GateRequest): Promise<GateResult> {
  const { config, repo } = request;
  // Validated up front, so a broken section stops every check, not only those that reach it.
  const policy = parsePolicy(config);
  const requireSignatures = skillPolicy(config).requireSignatures;
  const failOn = request.failOn ?? policy.block;
  const ruleset = buildRuleset(config);
  const checks = request.checks ?? CHECK_NAMES;
  const gate: Gate = {
    request,
    content: { repo, env: request.env, ruleset, maxFileSize: config.maxFileSize, isProtected: protectedMatcher(config.protected), session: request.session },
    checks,
    results: new Map(checks.map((c) => [c, emptyResult(c)])),
    notes: [],
    skillTally: { changed: 0, skills: 0, below: 0, requireSignatures },
  };
  let commits = 0;
  const files = new Set<string>();
  let bytes = 0;
  const skipped = [];
  for (const target of request.targets) {
    if (target.kind === 'none') continue;
    const content = await readContent(gate.content, target);
    for (const f of content.files) files.add(f);
    bytes += content.bytes;
    skipped.push(...content.skipped);
    if (target.kind === 'commits') commits += commitCount(repo, target.revs);
    contentChecks(gate, content);
    if (checks.includes('protected-paths') || checks.includes('skills')) treeChecks(gate, target, content);
  }

  const secrets = gate.results.get('secrets');
  if (secrets) {
    secrets.notes.push(`${files.size} file${files.size === 1 ? '' : 's'} scanned, ${bytes} bytes`);
    const notable = skipped.filter((s) => s.reason !== 'binary');
    if (notable.length) secrets.notes.push(`${notable.length} skipped (${[...new Set(notable.map((s) => s.reason))].join(', ')})`);
  }
  if (gate.results.get('protected-paths') && config.protected.length === 0) gate.results.get('protected-paths')!.notes.push('no protected paths configured');
  const skills = gate.results.get('skills');
  if (skills) {
    const t = gate.skillTally;
    if (t.skills === 0 && t.changed === 0) skills.notes.unshift('no skills in the repository');
    else if (t.changed === 0) skills.notes.unshift(`no changed skill of ${t.skills}`);
    else {
      skills.notes.unshift(`${t.changed} changed skill${t.changed === 1 ? '' : 's'} of ${Math.max(t.skills, t.changed)}${t.requireSignatures ? ', signatures required' : ''}`);
      if (t.below) skills.notes.push(`${t.below} skill finding${t.below === 1 ? '' : 's'} below skills.failOn (${skillPolicy(config).failOn})`);
    }
  }

  const results = checks.map((c) => gate.results.get(c)!);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const k = findingKey(f);
      if (seen.has(k)) continue;
      seen.add(k);
      findings.push(f);
    }
  }
  const problems = results.flatMap((r) => r.problems);
  const blocking = blockers(results, failOn, gate.content.isProtected);
  return {
    targets: request.targets,
    commits,
    configSource: request.configSource,
    ruleset,
    results,
    findings,
    problems,
    verifiedSkills: results.reduce((n, r) => n + r.verifiedSkills, 0),
    failOn,
    failing: blocking.length,
    blocking,
    filesScanned: files.size,
    bytesScanned: bytes,
    notes: gate.notes,
  };
}

/**
 * What blocks, for people: secret findings by the threshold (or a protected path), then every
 * problem. A skill's own findings are not listed: its failure is, naming them.
 */
function blockers(results: CheckResult[], failOn: FailOn, isProtected: (path: string) => boolean): Blocker[] {
  if (failOn === 'never') return [];
  const out: Blocker[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    if (r.check === 'skills') continue;
    for (const f of r.findings) {
      const inProtected = isProtected(f.path);
      if (seen.has(findingKey(f)) || (!inProtected && !failsOn(f.severity, failOn))) continue;
      seen.add(findingKey(f));
      out.push({ path: f.path, line: f.line, commit: f.commit, rule: f.ruleId, masked: f.masked, detail: undefined, fix: inProtected ? GIT_MSG.fixUnvaultedInProtected(f.path) : GIT_MSG.fixFinding(f.path) });
    }
  }
  for (const r of results) for (const p of r.problems) out.push({ path: p.path, line: p.line, commit: p.commit, rule: p.code ?? p.ruleId, masked: p.masked, detail: p.message, fix: p.hint });
  return out;
}
