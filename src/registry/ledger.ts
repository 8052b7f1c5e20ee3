import { appendAudit } from '../audit/log.js';
import type { AuditEntry } from '../audit/chain.js';
import { listAudit } from '../audit/query.js';
import { agentVaultHome, privateDir } from '../platform/home.js';

/**
 * The skill ledger: skill events in the one hash-chained audit log (src/audit), so
 * `audit verify` covers them with everything else. An entry holds the skill id, version and
 * content hash, never a file's content.
 */
export const SKILL_EVENTS = ['skill-publish', 'skill-install', 'skill-verify', 'skill-quarantine', 'skill-revoke'] as const;
export type SkillEvent = (typeof SKILL_EVENTS)[number];

export interface SkillLedgerFields {
  event: SkillEvent;
  skill: string | undefined;
  version?: string | undefined;
  contentHash?: string | undefined;
  outcome: string;
  actor: 'terminal' | 'agent' | 'session-start' | 'cli';
  /** Where: the registry, the install folder, the skill folder. */
  destination?: string;
  detail?: string;
}

/** Append one skill event; returns its place in the chain (the envelope's ledger reference). */
export function recordSkillEvent(env: NodeJS.ProcessEnv, f: SkillLedgerFields): { seq: number; hash: string } {
  const home = privateDir(agentVaultHome(env));
  return appendAudit(home, {
    event: f.event,
    outcome: f.outcome,
    actor: f.actor,
    ...(f.destination ? { destination: f.destination } : {}),
    ...(f.detail ? { detail: f.detail } : {}),
    ...(f.skill ? { skill: f.skill } : {}),
    ...(f.version ? { version: f.version } : {}),
    ...(f.contentHash ? { contentHash: f.contentHash } : {}),
  });
}

export function skillLedger(env: NodeJS.ProcessEnv, filter: { skill?: string } = {}): AuditEntry[] {
  return listAudit(agentVaultHome(env)).filter((e) => (SKILL_EVENTS as readonly string[]).includes(e.event) && (!filter.skill || e.skill === filter.skill));
}
