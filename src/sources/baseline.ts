import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import type { Finding } from '../core/types.js';
import { configError, usageError } from '../errors.js';

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
  return parseBaseline(text, path);
}

/**
 * The fingerprints of the configuration's `baseline:` file, read from disk beside the
 * configuration; none when it names no baseline.
 */
export function configBaseline(config: AgentVaultConfig, cwd: string): string[] {
  if (!config.baseline) return [];
  const path = resolve(cwd, dirname(config.file ?? '.'), config.baseline);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw configError(
      `${config.file ?? 'config'}: baseline: cannot read ${config.baseline}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'Write it with agent-vault scan --write-baseline FILE and commit it, or remove baseline: from the configuration.',
    );
  }
  return parseBaseline(text, config.baseline);
}

/** The fingerprints in a baseline file's text. */
export function parseBaseline(text: string, path: string): string[] {
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

/** The baseline file that accepts every one of these findings from now on. */
export function baselineText(findings: Finding[]): string {
  const data: BaselineFile = { version: 1, findings: findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, line: f.line })) };
  return JSON.stringify(data, null, 2) + '\n';
}

