import { sha256Hex } from './avt1.js';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { scanWithGate, verifySkill, type SkillGate, type VerifyResult } from './attest.js';
import { describeFailing } from './threats.js';
import { skillFailure } from './codes.js';
import { agentVaultHome, privateDir } from '../platform/home.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { SKILL_FILE } from './model.js';
import { purgedHashes } from './revocations.js';

/** Why a skill was moved out of the load path, kept beside the quarantined copy. */
export interface QuarantineRecord {
  id: string;
  skill: string | undefined;
  originalPath: string;
  contentHash: string | undefined;
  quarantinedAt: string;
  failures: { code: string; message: string }[];
  status: 'quarantined' | 'cleared' | 'purged';
  clearedAt?: string;
  purgedAt?: string;
  purgeReason?: string;
}

function quarantineDir(env: NodeJS.ProcessEnv): string {
  return join(agentVaultHome(env), 'quarantine');
}

/** Skill folders under the given paths: a folder with SKILL.md is a skill; otherwise its sub-folders are looked at. */
export function findSkills(paths: string[], cwd: string): { skills: string[]; missing: string[] } {
  const skills: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      missing.push(p);
      continue;
    }
    if (existsSync(join(abs, SKILL_FILE))) {
      skills.push(abs);
      continue;
    }
    for (const d of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (d.isDirectory() && existsSync(join(abs, d.name, SKILL_FILE))) skills.push(join(abs, d.name));
    }
  }
  return { skills, missing };
}

/** Verify every skill under the given paths; a path that holds none fails as SKILL_NOT_FOUND. */
export function verifySkills(gate: SkillGate, paths: string[], cwd: string): VerifyResult[] {
  const { skills, missing } = findSkills(paths, cwd);
  const notFound = (dir: string, message: string): VerifyResult => ({ dir, ok: false, code: 'SKILL_NOT_FOUND', message, skill: undefined, version: undefined, contentHash: undefined, kid: undefined, report: undefined });
  const results = skills.map((d) => verifySkill(gate, d));
  for (const m of missing) results.push(notFound(m, `${m}: not a folder`));
  if (!skills.length && !missing.length) for (const d of paths) results.push(notFound(d, `${d}: no SKILL.md here or in its sub-folders`));
  return results;
}

/** Move a folder, across file systems if need be; symlinks are copied as links. */
function moveFolder(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    cpSync(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    rmSync(from, { recursive: true, force: true });
  }
}

function newId(env: NodeJS.ProcessEnv, result: VerifyResult): string {
  const base = (result.skill ?? basename(result.dir)).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'skill';
  const tag = (result.contentHash?.slice(7, 19) ?? sha256Hex(`${result.dir}\0${Date.now()}`).slice(0, 12));
  let id = `${base}-${tag}`;
  for (let n = 2; existsSync(join(quarantineDir(env), id)); n++) id = `${base}-${tag}-${n}`;
  return id;
}

export interface AuditOutcome {
  results: VerifyResult[];
  quarantined: QuarantineRecord[];
}

/** Verify every skill found; move each failing one into quarantine with its reasons. */
export function auditSkills(gate: SkillGate, skillDirs: string[], opts: { dryRun?: boolean } = {}): AuditOutcome {
  const results = skillDirs.map((d) => verifySkill(gate, d));
  const quarantined: QuarantineRecord[] = [];
  for (const r of results) {
    if (r.ok || opts.dryRun) continue;
    const id = newId(gate.env, r);
    const home = privateDir(join(quarantineDir(gate.env), id));
    const record: QuarantineRecord = {
      id,
      skill: r.skill,
      originalPath: resolve(r.dir),
      contentHash: r.contentHash,
      quarantinedAt: gate.now.toISOString(),
      failures: [{ code: r.code!, message: r.message }],
      status: 'quarantined',
    };
    // The record goes first: if the move fails half-way, the reason is still on disk.
    writeFileAtomicSync(join(home, 'record.json'), JSON.stringify(record, null, 2) + '\n', 0o600);
    moveFolder(resolve(r.dir), join(home, 'skill'));
    quarantined.push(record);
  }
  return { results, quarantined };
}

export function listQuarantine(env: NodeJS.ProcessEnv): QuarantineRecord[] {
  const dir = quarantineDir(env);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(join(dir, id, 'record.json')))
    .map((id) => JSON.parse(readFileSync(join(dir, id, 'record.json'), 'utf8')) as QuarantineRecord)
    .sort((a, b) => a.quarantinedAt.localeCompare(b.quarantinedAt) || a.id.localeCompare(b.id));
}

export function readRecord(env: NodeJS.ProcessEnv, id: string): QuarantineRecord {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw usageError(`invalid quarantine id ${JSON.stringify(id)}`, 'See the ids with agent-vault skill quarantine list.');
  const file = join(quarantineDir(env), id, 'record.json');
  if (!existsSync(file)) throw usageError(`no quarantined skill with id ${id}`, 'See the ids with agent-vault skill quarantine list.');
  return JSON.parse(readFileSync(file, 'utf8')) as QuarantineRecord;
}

function saveRecord(env: NodeJS.ProcessEnv, record: QuarantineRecord): void {
  writeFileAtomicSync(join(quarantineDir(env), record.id, 'record.json'), JSON.stringify(record, null, 2) + '\n', 0o600);
}

/**
 * Clear a quarantined skill: it must pass a rescan under the current rules and must not be
 * revoked or purged; it goes back where it was, and still needs signing before it verifies.
 */
export function clearQuarantined(gate: SkillGate, id: string): QuarantineRecord {
  const record = readRecord(gate.env, id);
  if (record.status !== 'quarantined') throw usageError(`${id} is already ${record.status}`);
  const copy = join(quarantineDir(gate.env), id, 'skill');
  const report = scanWithGate(gate, copy);
  if (report.error) throw report.error;
  if (!report.passed) throw skillFailure('SKILL_SCAN_FAILED', `${id} still fails the scan (${describeFailing(report)})`, 'Fix the skill at its source and add it again, or purge it.');
  const hash = report.tree!.manifest.contentHash;
  const purged = purgedHashes(gate.env).get(hash);
  const list = gate.revocations();
  const revoked = purged ?? (list.ok ? list.list.content.find((c) => c.hash === hash)?.reason : undefined);
  if (revoked !== undefined) throw skillFailure('SKILL_REVOKED', `${id} has revoked content (${revoked}); it cannot be cleared`);
  if (existsSync(record.originalPath)) throw usageError(`${record.originalPath} exists again; cannot restore ${id} over it`, 'Move that folder away first.');
  moveFolder(copy, record.originalPath);
  Object.assign(record, { status: 'cleared', clearedAt: gate.now.toISOString() });
  saveRecord(gate.env, record);
  return record;
}

/** Purge: the quarantined copy is deleted and its hash blocked for good, under any name. */
export function markPurged(gate: SkillGate, id: string, reason: string): QuarantineRecord {
  const record = readRecord(gate.env, id);
  if (record.status === 'purged') throw usageError(`${id} is already purged`);
  rmSync(join(quarantineDir(gate.env), id, 'skill'), { recursive: true, force: true });
  Object.assign(record, { status: 'purged', purgedAt: gate.now.toISOString(), purgeReason: reason });
  saveRecord(gate.env, record);
  return record;
}
