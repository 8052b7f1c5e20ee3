import { SEVERITIES, severityRank, type Severity } from '../core/types.js';
import { configError } from '../errors.js';
import type { AgentVaultConfig } from './config.js';

/**
 * The `policy:` section: `block` is the lowest severity of a secret finding that blocks a
 * commit, a push or a pull request (default `info`: every finding blocks). Findings in
 * protected paths, raw vaulted values and every other problem block whatever it says.
 */
export interface GatePolicy {
  block: Severity;
}

export function parsePolicy(config: AgentVaultConfig): GatePolicy {
  const raw = config.policy ?? {};
  const problems: string[] = [];
  for (const k of Object.keys(raw)) if (k !== 'block') problems.push(`policy.${k}: unknown key (expected block)`);
  const block = raw.block ?? 'info';
  if (typeof block !== 'string' || !(SEVERITIES as readonly string[]).includes(block)) {
    problems.push(`policy.block: must be one of ${SEVERITIES.join(', ')}`);
  }
  if (problems.length) throw configError(`${config.file ?? 'config'}: ${problems.join('; ')}`, 'Fix the policy section of the configuration.');
  return { block: block as Severity };
}

/** A gate's threshold: a severity, or `never` to report without blocking anything. */
export const FAIL_ON = [...SEVERITIES, 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** True when a finding of this severity reaches the threshold. */
export function failsOn(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && severityRank(severity) >= severityRank(failOn);
}
