import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { repoRoot } from '../platform/exec.js';
import { openSkillGate } from '../skill/attest.js';
import { auditSkills, findSkills, type AuditOutcome } from '../skill/quarantine.js';
import { REGISTRY_MSG } from '../messages.js';
import { recordSkillEvent } from './ledger.js';
import { gateWithLists, lockLists, readLock } from './install.js';

/**
 * The consume gate: run when an agent session starts (the SessionStart hook that
 * `agent-hooks install --claude` adds), before the agent loads any skill. Every skill under
 * the configured roots (skills.roots) is verified like `skill verify`, against the
 * repository's revocation list and the revocation lists of the registries in
 * .agent-vault/skills.lock (fetched now, so a revocation published since the last session
 * reaches this agent; the cached copy when the registry cannot be reached, which still fails
 * once it expires). Each skill that fails is moved into quarantine, and the person is told
 * which and why. Every verification and quarantine goes into the ledger.
 */

export interface SessionStartReport {
  outcome: AuditOutcome;
  /** Shown to the person (and, as context, to the agent) when something was quarantined. */
  message: string | undefined;
}

export const SESSION_START_TIMEOUT_MS = 5_000;

export async function sessionStartCheck(cwd: string, env: NodeJS.ProcessEnv, config: AgentVaultConfig, now = new Date()): Promise<SessionStartReport> {
  const root = repoRoot(cwd) ?? cwd;
  const gate = openSkillGate(root, config, env, now);
  const lock = readLock(root);
  const { lists, failures } = await lockLists(gate, root, lock, { timeoutMs: SESSION_START_TIMEOUT_MS });
  const roots = gate.policy.roots.filter((r) => existsSync(resolve(root, r)));
  const { skills } = findSkills(roots, root);
  const merged = gateWithLists(gate, lists);
  // A registry whose list fails (rolled back, expired, badly signed) fails its skills closed.
  const failing = new Map([...failures].flatMap(([registry, state]) => lock.skills.filter((e) => e.registry === registry).map((e) => [resolve(root, e.path), state] as const)));
  const outcome: AuditOutcome = { results: [], quarantined: [] };
  const add = (o: AuditOutcome) => {
    outcome.results.push(...o.results);
    outcome.quarantined.push(...o.quarantined);
  };
  add(auditSkills(merged, skills.filter((d) => !failing.has(d))));
  for (const [dir, state] of failing) if (skills.includes(dir)) add(auditSkills({ ...merged, revocations: () => state }, [dir]));
  // A refused skill may not say its version (revoked content is refused before the signature is read): the lock does.
  const locked = new Map(lock.skills.map((e) => [resolve(root, e.path), e]));
  for (const r of outcome.results) {
    recordSkillEvent(env, { event: 'skill-verify', skill: r.skill, version: r.version ?? locked.get(resolve(r.dir))?.version, contentHash: r.contentHash, outcome: r.ok ? 'verified' : 'refused', actor: 'session-start', destination: r.dir, ...(r.code ? { detail: r.code } : {}) });
  }
  for (const q of outcome.quarantined) {
    recordSkillEvent(env, { event: 'skill-quarantine', skill: q.skill, version: locked.get(q.originalPath)?.version, contentHash: q.contentHash, outcome: 'quarantined', actor: 'session-start', destination: q.originalPath, detail: `${q.id}: ${q.failures.map((f) => f.code).join(', ')}` });
  }
  const message = outcome.quarantined.length ? REGISTRY_MSG.sessionStartQuarantined(outcome.quarantined.map((q) => ({ id: q.id, skill: q.skill, path: q.originalPath, code: q.failures[0]!.code, why: q.failures[0]!.message.split('\n')[0]! }))) : undefined;
  return { outcome, message };
}
