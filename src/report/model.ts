import type { CompiledRule, Finding, Skipped } from '../core/types.js';

/** Everything a report format needs; secrets appear only as `finding.masked`. */
export interface ScanReport {
  findings: Finding[];
  skipped: Skipped[];
  filesScanned: number;
  bytesScanned: number;
  rules: readonly CompiledRule[];
  /** What was scanned, e.g. "files", "staged", "range main..HEAD", "history". */
  target: string;
  version: string;
}

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** The public view of a finding: exactly the fields any format may print. */
export function publicFinding(f: Finding) {
  return {
    ruleId: f.ruleId,
    description: f.description,
    severity: f.severity,
    path: f.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    ...(f.commit ? { commit: f.commit } : {}),
    ...(f.author ? { author: f.author } : {}),
    ...(f.date ? { date: f.date } : {}),
    secret: f.masked,
    secretLength: f.secretLength,
    fingerprint: f.fingerprint,
    tags: f.tags,
  };
}

/** Render paths safely for one-line outputs: control characters become visible escapes. */
export function printablePath(p: string): string {
  return p.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
