import { readFileSync } from 'node:fs';
import type { Finding } from '../core/types.js';
import { configError, usageError } from '../errors.js';
import { writeFileAtomicSync } from '../platform/atomic.js';

/** A baseline file: the fingerprints of accepted findings, with where each was seen (for people). */
export interface BaselineFile {
  version: 1;
  findings: { fingerprint: string; ruleId: string; path: string; line: number }[];
}

/** The fingerprints a baseline file accepts. */
export function readBaseline(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read baseline ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Create one with --write-baseline FILE.');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw configError(`baseline ${path} is not valid JSON`, 'Regenerate it with --write-baseline FILE.');
  }
  const findings = (data as BaselineFile | null)?.findings;
  if (!Array.isArray(findings) || findings.some((f) => typeof f?.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(f.fingerprint))) {
    throw configError(`baseline ${path} does not have the expected shape ({"version":1,"findings":[{"fingerprint":...}]})`, 'Regenerate it with --write-baseline FILE.');
  }
  return findings.map((f) => f.fingerprint);
}

/** Accept every one of these findings from now on. */
export function writeBaseline(path: string, findings: Finding[]): void {
  const data: BaselineFile = { version: 1, findings: findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, line: f.line })) };
  writeFileAtomicSync(path, JSON.stringify(data, null, 2) + '\n');
}
