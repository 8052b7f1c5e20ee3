import { SEVERITIES, severityRank, type Severity } from '../core/types.js';
import { configError } from '../errors.js';
import type { Problem } from '../core/rules.js';
import { formatUnlocated } from './yaml.js';

/**
 * The `policy:` section: `block` is the lowest severity of a secret finding that blocks a
 * commit, a push or a pull request (default `info`: every finding blocks). Findings in
 * protected paths, raw vaulted values and every other problem block whatever it says.
 */
export interface GatePolicy {
  block: Severity;
}

/** Validate a `policy:` section; each problem is pushed with where it is (for its line). */
export function readPolicy(raw: Record<string, unknown>, problems: Problem[]): GatePolicy {
  for (const k of Object.keys(raw)) if (k !== 'block') problems.push({ where: ['policy', k], message: 'unknown key (expected block)' });
  const block = raw.block ?? 'info';
  if (typeof block !== 'string' || !(SEVERITIES as readonly string[]).includes(block)) {
    problems.push({ where: ['policy', 'block'], message: `must be one of ${SEVERITIES.join(', ')}` });
    return { block: 'info' };
  }
  return { block: block as Severity };
}

/** The policy of a configuration (validated when its file was parsed; checked again for one built in code). */
export function parsePolicy(config: { file: string | undefined; policy: Record<string, unknown> | undefined }): GatePolicy {
  const problems: Problem[] = [];
  const policy = readPolicy(config.policy ?? {}, problems);
  if (problems.length) throw configError(formatUnlocated(config.file, problems), 'Fix the policy section of the configuration.');
  return policy;
}

/** A gate's threshold: a severity, or `never` to report without blocking anything. */
export const FAIL_ON = [...SEVERITIES, 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** True when a finding of this severity reaches the threshold. */
export function failsOn(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && severityRank(severity) >= severityRank(failOn);
}
