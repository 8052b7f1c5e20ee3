import type { AgentVaultConfig } from '../config/config.js';
import { skillPolicy } from '../config/skills.js';
import type { Skipped } from '../core/types.js';
import { FILTER_DRIVER, filterAttributes, withCommitIndex } from '../git/protected.js';
import { MSG } from '../messages.js';
import { SKILL_FILE } from '../skill/model.js';
import { commitCount, indexEntries, SUBMODULE_MODE, type GitEntry } from '../sources/git-sources.js';
import { readContent, type ContentContext, type ContentPass } from './content.js';
import type { CheckName, CheckResult, GateTarget } from './model.js';
import { checkSkills } from './skills.js';

type Judged = Exclude<GateTarget, { kind: 'none' }>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The checks of one gate run, target after target: what each target adds is read once
 * (content.ts) and judged by the secrets and protected-paths checks; the tree it leaves is
 * judged for the protected-path mapping and the skills it changed.
 */
export class GateChecks {
  readonly notes: string[] = [];
  readonly files = new Set<string>();
  bytes = 0;
  commits = 0;
  private readonly results: Map<CheckName, CheckResult>;
  private readonly skipped: Skipped[] = [];
  private readonly skills = { changed: 0, inTree: 0, below: 0 };
  private judged = 0;

  constructor(
    private readonly ctx: ContentContext & { config: AgentVaultConfig; trust: 'worktree' | 'base' },
    checks: readonly CheckName[],
  ) {
    this.results = new Map(checks.map((check) => [check, { check, findings: [], problems: [], verifiedSkills: 0, notes: [] }]));
  }

  async judge(target: GateTarget): Promise<void> {
    if (target.kind === 'none') return;
    this.judged++;
    const content = await readContent(this.ctx, target);
    for (const f of content.files) this.files.add(f);
    this.bytes += content.bytes;
    for (const s of content.skipped) this.skipped.push(s);
    if (target.kind === 'commits') this.commits += commitCount(this.ctx.repo, target.revs);
    this.contentChecks(content);
    if (this.results.has('protected-paths') || this.results.has('skills')) await this.treeChecks(target, content);
  }

  /** Every check's result, with the lines the summary shows about it. */
  finish(): CheckResult[] {
    const secrets = this.results.get('secrets');
    const prot = this.results.get('protected-paths');
    const skills = this.results.get('skills');
    if (secrets) {
      secrets.notes.push(`${plural(this.files.size, 'file')} scanned, ${this.bytes} bytes`);
      const notable = this.skipped.filter((s) => s.reason !== 'binary');
      if (notable.length) secrets.notes.push(`${notable.length} skipped (${[...new Set(notable.map((s) => s.reason))].join(', ')})`);
    }
    if (prot && this.ctx.config.protected.length === 0) prot.notes.push('no protected paths configured');
    if (skills && this.judged) {
      const t = this.skills;
      const policy = skillPolicy(this.ctx.config);
      if (t.inTree === 0) skills.notes.unshift('no skills in the repository');
      else if (t.changed === 0) skills.notes.unshift(`no changed skill of ${t.inTree}`);
      else skills.notes.unshift(`${t.changed} changed skill${t.changed === 1 ? '' : 's'} of ${t.inTree}${policy.requireSignatures ? ', signatures required' : ''}`);
      if (t.below) skills.notes.push(`${plural(t.below, 'skill finding')} below skills.failOn (${policy.failOn})`);
    }
    return [...this.results.values()];
  }

  /** Secrets and raw vaulted values in what the target adds; unvaulted markers in protected paths. */
  private contentChecks(content: ContentPass): void {
    const secrets = this.results.get('secrets');
    for (const f of content.findings) secrets?.findings.push(f);
    for (const p of content.vaulted) secrets?.problems.push(p);
    const prot = this.results.get('protected-paths');
    if (!prot) return;
    for (const m of content.unvaulted) {
      if (!this.ctx.isProtected(m.path)) continue;
      prot.problems.push({
        check: 'protected-paths', ruleId: 'unvaulted-value-committed', description: 'Unvaulted suspect committed to a protected path', severity: 'high',
        path: m.path, line: m.line, commit: m.commit, message: MSG.unvaultedCommitted, hint: MSG.unvaultedCommittedFix,
      });
    }
    // A finding in a protected path is a secret finding; this check reports it only when the
    // secrets check does not run, so that turning that one off does not blind this one.
    if (!secrets) for (const f of content.findings) if (this.ctx.isProtected(f.path)) prot.findings.push(f);
  }

  /**
   * What is judged on the tree a target leaves, read from an index: the real one for staged
   * changes, the head's tree in a throwaway one otherwise (git 2.39's check-attr has no
   * --source).
   */
  private async treeChecks(target: Judged, content: ContentPass): Promise<void> {
    const { repo, env } = this.ctx;
    const commit = target.kind === 'staged' ? undefined : target.head;
    const judge = async (indexEnv: NodeJS.ProcessEnv) => {
      // Every entry only when protected paths must each be found; the skills check lists its own.
      const prot = this.results.get('protected-paths');
      const entries = prot && this.ctx.config.protected.length ? indexEntries(repo, indexEnv) : undefined;
      if (prot && entries) this.unfilteredPaths(prot, indexEnv, entries, commit);
      const skills = this.results.get('skills');
      if (skills) await this.changedSkills(skills, target, indexEnv, entries, content.touchedPaths);
    };
    if (target.kind === 'staged') await judge(env);
    else await withCommitIndex(repo, target.head, judge, env);
  }

  /** Protected paths whose `filter` attribute (as the index's .gitattributes says) is not ours. */
  private unfilteredPaths(result: CheckResult, indexEnv: NodeJS.ProcessEnv, entries: GitEntry[], commit: string | undefined): void {
    const paths = entries.filter((e) => e.mode !== SUBMODULE_MODE && this.ctx.isProtected(e.path)).map((e) => e.path);
    const attrs = filterAttributes(this.ctx.repo, indexEnv, paths);
    for (const path of paths) {
      const value = attrs.get(path) ?? 'unspecified';
      if (value === FILTER_DRIVER) continue;
      result.problems.push({
        check: 'protected-paths', ruleId: 'protected-path-unfiltered', description: 'Protected path not mapped to the agent-vault filter', severity: 'high',
        path, line: undefined, commit, message: MSG.protectedUnfiltered(value), hint: MSG.protectedUnfilteredFix(path),
      });
    }
    result.notes.push(`${plural(paths.length, 'protected file')} ${commit ? 'at head' : 'in the index'}`);
  }

  /**
   * The skills the target changed, judged as the tree holds them. Their keyring and
   * revocation list come from the work tree, or with `trust: 'base'` from the target's base
   * commit (its head when it has none).
   */
  private async changedSkills(result: CheckResult, target: Judged, indexEnv: NodeJS.ProcessEnv, entries: GitEntry[] | undefined, touched: Set<string>): Promise<void> {
    const commit = target.kind === 'staged' ? undefined : target.head;
    const trustCommit = this.ctx.trust === 'base' && target.kind !== 'staged' ? (target.kind === 'commits' ? (target.base ?? target.head) : target.head) : undefined;
    const r = await checkSkills(this.ctx.repo, touched, this.ctx.config, { env: indexEnv, ...(entries ? { entries } : {}), ...(trustCommit ? { trustCommit } : {}) });
    this.skills.changed += r.checked.length;
    this.skills.inTree = Math.max(this.skills.inTree, r.skills ?? 0);
    this.skills.below += r.below;
    result.verifiedSkills += r.verified.length;
    for (const f of r.findings) result.findings.push(commit ? { ...f, commit } : f);
    for (const n of r.notes) {
      result.notes.push(n);
      this.notes.push(n);
    }
    for (const f of r.failures) {
      result.problems.push({
        check: 'skills', ruleId: `skill-${f.code.toLowerCase().replace(/^skill_/, '').replace(/_/g, '-')}`, code: f.code, description: `Skill check failed: ${f.code}`, severity: 'high',
        path: f.skill === '.' ? SKILL_FILE : `${f.skill}/${SKILL_FILE}`, line: undefined, commit, message: f.message, hint: MSG.skillFix(f.code, f.skill),
      });
    }
  }
}
