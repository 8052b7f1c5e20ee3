import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { indexEntries, type IndexEntry } from '../git/index-blobs.js';
import { readBlobs } from '../sources/git-sources.js';
import { openSkillGate, scanWithGate, verifySkill, type SkillGate } from './attest.js';
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

export interface SkillCheckOptions {
  /**
   * What to check: `index` (default; what the commit will record, read from the index, so
   * a clean working copy cannot hide a bad staged one) or `worktree` (the files on disk).
   */
  source?: 'index' | 'worktree';
  env?: NodeJS.ProcessEnv;
}

/** Nearest folder at or above a changed path that holds SKILL.md, repository-relative. */
function skillFolderOf(path: string, hasSkillMd: (folder: string) => boolean): string | undefined {
  let dir = posix.dirname(path);
  for (;;) {
    if (hasSkillMd(dir)) return dir;
    if (dir === '.' || dir === '' || dir === '/') return undefined;
    dir = posix.dirname(dir);
  }
}

/** A file as git records it, in a tree or the index. */
export interface GitEntry {
  path: string;
  mode: string;
  oid: string;
}

/**
 * Write git entries below `into` exactly as recorded (bytes, executable bit, symlinks; no
 * filter runs), so a skill is judged as committed rather than as the checkout holds it.
 * `at` gives where an entry goes below `into`. Submodules have no content and are skipped.
 */
export function writeEntries(repo: string, entries: GitEntry[], into: string, at: (path: string) => string = (p) => p): void {
  const files = entries.filter((e) => e.mode !== '160000');
  const blobs = readBlobs(repo, [...new Set(files.map((e) => e.oid))]);
  for (const e of files) {
    const target = join(into, at(e.path));
    mkdirSync(dirname(target), { recursive: true });
    const bytes = blobs.get(e.oid) ?? Buffer.alloc(0); // a missing blob then fails the content hash
    if (e.mode === '120000') symlinkSync(bytes.toString('utf8'), target);
    else {
      writeFileSync(target, bytes);
      chmodSync(target, e.mode === '100755' ? 0o755 : 0o644); // exact, whatever the umask
    }
  }
}

/** Write a skill folder exactly as staged. */
function materialise(repoRoot: string, folder: string, entries: Map<string, IndexEntry>, into: string): void {
  const prefix = folder === '.' ? '' : `${folder}/`;
  const mine = [...entries].filter(([p]) => p.startsWith(prefix)).map(([path, e]) => ({ path, ...e }));
  writeEntries(repoRoot, mine, into, (p) => p.slice(prefix.length));
}

/**
 * The skill folders (repository-relative, '.' for the root) that changed paths touch:
 * the nearest folder at or above each path for which `hasSkillMd` holds.
 */
export function touchedSkillFolders(changedPaths: string[], hasSkillMd: (folder: string) => boolean): string[] {
  const folders = new Set<string>();
  for (const p of changedPaths) {
    const path = p.replace(/\\/g, '/');
    const base = posix.basename(path);
    const folder = base === SIGNATURE_FILE || base === SKILL_FILE ? posix.dirname(path) : skillFolderOf(path, hasSkillMd);
    if (folder !== undefined && hasSkillMd(folder)) folders.add(folder);
  }
  return [...folders].sort();
}

/**
 * The pre-commit gate for skills: every skill touched by the changed paths is scanned and,
 * when the policy requires signatures, verified (unsigned or stale-signed skills fail).
 */
export function checkSkills(repoRoot: string, changedPaths: string[], config: AgentVaultConfig, options: SkillCheckOptions | NodeJS.ProcessEnv = {}): SkillCheckResult {
  const opts: SkillCheckOptions = 'source' in options || 'env' in options ? (options as SkillCheckOptions) : { env: options as NodeJS.ProcessEnv };
  const env = opts.env ?? process.env;
  const source = opts.source ?? 'index';
  const entries = source === 'index' ? indexEntries(repoRoot, env) : undefined;
  const hasSkillMd = entries ? (f: string) => entries.has(f === '.' ? SKILL_FILE : `${f}/${SKILL_FILE}`) : (f: string) => existsSync(join(repoRoot, f, SKILL_FILE));
  const checked = touchedSkillFolders(changedPaths, hasSkillMd);
  const result: SkillCheckResult = { checked, failures: [] };
  if (!checked.length) return result;
  const gate = openSkillGate(repoRoot, config, env);
  const staging = entries ? mkdtempSync(join(tmpdir(), 'agent-vault-skills-')) : undefined;
  try {
    for (const folder of checked) {
      let dir = join(repoRoot, folder);
      if (staging && entries) {
        dir = join(staging, String(checked.indexOf(folder)), posix.basename(folder === '.' ? 'skill' : folder));
        materialise(repoRoot, folder, entries, dir);
      }
      const failure = checkOne(gate, dir, folder);
      if (failure) result.failures.push(failure);
    }
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
  return result;
}

function checkOne(gate: SkillGate, dir: string, folder: string): SkillCheckFailure | undefined {
  const rel = (m: string) => m.split(dir).join(folder);
  if (gate.policy.requireSignatures) {
    const v = verifySkill(gate, dir);
    return v.ok ? undefined : { skill: folder, code: v.code!, message: rel(v.message) };
  }
  const r = scanWithGate(gate, dir);
  if (r.error) return { skill: folder, code: (r.error.code as SkillFailureCode) ?? 'SKILL_INVALID', message: rel(r.error.message) };
  if (r.passed) return undefined;
  const worst = r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');
  return { skill: folder, code: 'SKILL_SCAN_FAILED', message: `${folder}: ${worst.map((f) => `${f.ruleId} at ${f.path}:${f.line}`).join(', ')}` };
}
