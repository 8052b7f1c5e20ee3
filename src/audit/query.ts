import { AgentVaultError } from '../errors.js';
import { parseEntries, verifyChain, type AuditAnchor, type AuditEntry } from './chain.js';
import { auditPaths, readAuditLines } from './log.js';

/**
 * `audit` (list and filter) and `audit verify`, over the log file. Both are safe: entries
 * hold names, never values.
 */

export interface AuditFilter {
  since?: Date;
  key?: string;
  event?: string;
  repo?: string;
}

export function listAudit(home: string, filter: AuditFilter = {}): AuditEntry[] {
  return parseEntries(readAuditLines(home).lines).filter(
    (e) =>
      (!filter.since || Date.parse(e.ts) >= filter.since.getTime()) &&
      (!filter.key || (e.keys ?? []).includes(filter.key) || (e.keys ?? []).includes('*')) &&
      (!filter.event || e.event === filter.event) &&
      (!filter.repo || (e.repo ?? '').startsWith(filter.repo) || (e.destination ?? '').includes(filter.repo)),
  );
}

/**
 * Exit status of audit verify: 0 valid, 1 tampered or damaged, 3 truncated, 4 rewritten below
 * the vault's checkpoint, 5 a checkpoint's signature does not verify (forged).
 */
export const VERIFY_EXIT = { ok: 0, tampered: 1, damaged: 1, truncated: 3, rewritten: 4, forged: 5 } as const;

export interface VerifyReport {
  entries: number;
  /** The checkpoint the vault holds, if any was available and recorded. */
  anchor?: AuditAnchor;
  anchorChecked: boolean;
  /** Signed checkpoints, the last line they vouch for, and whether their signatures were checked. */
  checkpoints: number;
  signedThrough: number;
  signaturesChecked: boolean;
}

/**
 * Verify the log against the vault's checkpoint (`anchor`: undefined when the vault is locked
 * or has none; then only the chain is checked, and the report says so). Throws a refusal
 * carrying the documented exit status, naming the first bad line.
 */
export function verifyAudit(home: string, anchor: AuditAnchor | undefined, anchorChecked: boolean, keys?: readonly string[]): VerifyReport {
  const { lines, partial } = readAuditLines(home);
  const verdict = verifyChain(lines, anchor, keys ? { keys } : {});
  if (!verdict.ok) {
    throw new AgentVaultError('refused', `${auditPaths(home).log}: ${verdict.why}`, {
      code: `AUDIT_${verdict.code.toUpperCase()}`,
      exitCode: VERIFY_EXIT[verdict.code],
      hint: 'The log is kept as it is (never repaired). Compare it with your own copy or backups; new entries are still appended after it.',
    });
  }
  if (partial) {
    throw new AgentVaultError('refused', `${auditPaths(home).log}: line ${lines.length} is cut short (a crash during a write, or damage)`, { code: 'AUDIT_DAMAGED', exitCode: 1, hint: 'The next entry is appended after a damage-noted entry.' });
  }
  return { entries: verdict.count, ...(anchor ? { anchor } : {}), anchorChecked, checkpoints: verdict.checkpoints, signedThrough: verdict.signedThrough, signaturesChecked: verdict.signaturesChecked };
}

const CSV_FIELDS = ['seq', 'ts', 'event', 'keys', 'repo', 'destination', 'outcome', 'actor', 'reason', 'request', 'grant', 'detail'] as const;
/** The skill ledger's columns (`skill ledger --format csv`); `audit --format csv` keeps its documented ones. */
export const SKILL_CSV_FIELDS = ['seq', 'ts', 'event', 'skill', 'version', 'contentHash', 'outcome', 'actor', 'destination', 'detail'] as const;

function csvCell(v: unknown): string {
  const s = Array.isArray(v) ? v.join(' ') : v === undefined ? '' : String(v);
  // A leading = + - @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(entries: AuditEntry[], fields: readonly (keyof AuditEntry)[] = CSV_FIELDS): string {
  return [fields.join(','), ...entries.map((e) => fields.map((f) => csvCell(e[f])).join(','))].join('\n') + '\n';
}

export function toText(entries: AuditEntry[]): string {
  return entries
    .map((e) => {
      const parts = [String(e.seq).padStart(5), e.ts, e.event];
      if (e.keys?.length) parts.push(e.keys.join(','));
      if (e.skill) parts.push(`${e.skill}${e.version ? `@${e.version}` : ''}${e.contentHash ? ` ${e.contentHash}` : ''}`);
      if (e.outcome) parts.push(e.outcome);
      if (e.actor) parts.push(`by ${e.actor}`);
      if (e.destination) parts.push(`-> ${e.destination}`);
      if (e.request) parts.push(`request ${e.request}`);
      if (e.grant) parts.push(`grant ${e.grant}`);
      if (e.reason) parts.push(`reason ${JSON.stringify(e.reason)}`);
      if (e.event === 'checkpoint' && e.covers) parts.push(`entries 1-${e.covers} signed by ${e.signer ?? '?'}`);
      if (e.detail) parts.push(`(${e.detail})`);
      return parts.join('  ');
    })
    .map((l) => l + '\n')
    .join('');
}
