import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { skillPolicy } from '../config/skills.js';
import type { Finding } from '../core/types.js';
import { severityRank } from '../core/types.js';
import type { SkillFailureCode } from '../skill/codes.js';
import { SKILL_FILE } from '../skill/model.js';
import { blobAt, indexEntries, SUBMODULE_MODE, writeEntries, type GitEntry } from '../sources/git-sources.js';

export interface SkillCheckFailure {
  /** Skill folder, repository-relative ('.' for the root). */
  skill: string;
  code: SkillFailureCode;
  message: string;
}

export interface SkillCheckResult {
  /** Skill folders looked at, repository-relative. */
  checked: string[];
  failures: SkillCheckFailure[];
  /** Folders whose signature, keyring entry and revocation status verified. */
  verified: string[];
  /** Signatures that do not verify where signatures are not required. */
  notes: string[];
  /** The findings that fail the skills (at or above skills.failOn), with repository paths. */
  findings: Finding[];
  /** Findings below skills.failOn, not reported. */
  below: number;
  /** Skill folders in the tree looked at (undefined for the work tree: not counted there). */
  skills: number | undefined;
}

export interface SkillCheckOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * What to check: `index` (default; what the commit will record, read from the index `env`
   * names, so a clean working copy cannot hide a bad staged one) or `worktree` (the files on disk).
   */
  source?: 'index' | 'worktree';
  /** The index's entries, when the caller has listed them already. */
  entries?: GitEntry[];
  /**
   * Read the keyring and revocation list from this commit instead of the work tree, with a
   * state home of its own (no rollback memory, no purge list): CI, where a change must not
   * vouch for itself and nothing is kept between jobs.
   */
  trustCommit?: string;
}

/** Folders holding a SKILL.md among these entries ('.' for the root). */
function skillFoldersIn(entries: GitEntry[]): Set<string> {
  const folders = new Set<string>();
  for (const e of entries) if (e.mode !== SUBMODULE_MODE && posix.basename(e.path) === SKILL_FILE) folders.add(posix.dirname(e.path));
  return folders;
}

const inside = (folder: string, path: string) => folder === '.' || path.startsWith(`${folder}/`);

/**
 * Every skill folder a change touches: each folder at or above a changed path that holds a
 * SKILL.md. Nested skills count each: the outer skill's content hash covers the inner one's
 * files, so an edit there changes both.
 */
export function touchedSkillFolders(changed: Iterable<string>, isSkill: (folder: string) => boolean): string[] {
  const folders = new Set<string>();
  const walked = new Set<string>();
  for (const p of changed) {
    let dir = posix.dirname(p.replace(/\\/g, '/'));
    // A folder walked once had its ancestors walked too.
    while (!walked.has(dir)) {
      walked.add(dir);
      if (isSkill(dir)) folders.add(dir);
      if (dir === '.' || dir === '/') break;
      dir = posix.dirname(dir);
    }
  }
  return [...folders].sort();
}

/** The keyring and revocation list as `commit` holds them, under `into`. */
function trustFilesAt(repo: string, commit: string, config: AgentVaultConfig, into: string): void {
  const policy = skillPolicy(config);
  for (const path of [policy.keyring, policy.revocations]) {
    const bytes = blobAt(repo, commit, path);
    if (!bytes) continue;
    mkdirSync(dirname(join(into, path)), { recursive: true });
    writeFileSync(join(into, path), bytes);
  }
}

/**
 * The skills among `changedPaths`: each one judged by judgeSkill (scan, signature, policy),
 * as the index (or the work tree) holds it.
 */
export async function checkSkills(repo: string, changedPaths: Iterable<string>, config: AgentVaultConfig, options: SkillCheckOptions | NodeJS.ProcessEnv = {}): Promise<SkillCheckResult> {
  const opts: SkillCheckOptions = 'source' in options || 'env' in options || 'entries' in options || 'trustCommit' in options ? (options as SkillCheckOptions) : { env: options as NodeJS.ProcessEnv };
  const env = opts.env ?? process.env;
  // Without the caller's listing, git lists only the SKILL.md entries (a commit in a large
  // repository need not list every file to learn that it touches no skill), and then the
  // entries of the skills the change touches.
  const skillFiles = opts.source === 'worktree' ? undefined : (opts.entries ?? indexEntries(repo, env, [`:(glob)**/${SKILL_FILE}`]));
  const folders = skillFiles ? skillFoldersIn(skillFiles) : undefined;
  const isSkill = folders ? (f: string) => folders.has(f) : (f: string) => existsSync(join(repo, f, SKILL_FILE));
  const checked = folders?.size === 0 ? [] : touchedSkillFolders(changedPaths, isSkill);
  const result: SkillCheckResult = { checked, failures: [], verified: [], notes: [], findings: [], below: 0, skills: folders?.size };
  if (checked.length === 0) return result;
  // The skill analysis (parsers, threat rules, signatures: the largest part of the code) is
  // loaded only when a change touches a skill: most commits do not, and every hook start pays
  // for what it parses.
  const [{ openSkillGate }, { judgeSkill }] = await Promise.all([import('../skill/attest.js'), import('../skill/judge.js')]);
  const work = mkdtempSync(join(tmpdir(), 'agent-vault-skills-'));
  try {
    let gate;
    if (opts.trustCommit) {
      trustFilesAt(repo, opts.trustCommit, config, join(work, 'trust'));
      gate = openSkillGate(join(work, 'trust'), config, { AGENT_VAULT_HOME: join(work, 'home') });
    } else gate = openSkillGate(repo, config, env);
    // Judged as recorded: the changed skills' files written out once, exactly as the index holds them.
    const root = skillFiles ? join(work, 'tree') : repo;
    const entries = !skillFiles ? undefined : opts.entries ?? indexEntries(repo, env, checked.map((f) => (f === '.' ? ':(literal).' : `:(literal)${f}/`)));
    if (entries) writeEntries(repo, entries.filter((e) => checked.some((f) => inside(f, e.path))), root);
    for (const folder of checked) {
      const dir = folder === '.' ? root : join(root, folder);
      const shown = (text: string) => text.split(dir).join(folder);
      const judgement = judgeSkill(gate, dir);
      for (const f of judgement.failures) result.failures.push({ skill: folder, code: f.code, message: shown(f.message) });
      for (const n of judgement.notes) result.notes.push(shown(n));
      if (judgement.verified) result.verified.push(folder);
      for (const f of judgement.report.findings) {
        if (severityRank(f.severity) < severityRank(judgement.report.failOn)) result.below++;
        else result.findings.push({ ...f, path: folder === '.' ? f.path : `${folder}/${f.path}` });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return result;
}
