import type { AgentVaultConfig } from '../../src/config/config.js';
import { FAIL_ON, type FailOn } from '../../src/config/policy.js';
import { usageError } from '../../src/errors.js';
import { CHECK_NAMES, type CheckName } from '../../src/gate/model.js';

export interface ActionInputs {
  /** Configuration file, relative to the workspace; undefined: discovered at the repository root. */
  config: string | undefined;
  checks: CheckName[];
  /** Lowest severity that fails the job; `never` reports without failing; undefined: the configuration's policy.block. */
  failOn: FailOn | undefined;
  /** Overrides of the range the event payload gives. */
  base: string | undefined;
  head: string | undefined;
  /** Where the SARIF log is written, relative to the workspace. */
  sarifFile: string;
  keyring: string;
  revocations: string;
}

/**
 * Defaults, mirrored in action.yml (a test keeps the two equal). The runner fills in
 * action.yml defaults, but a direct `node action/dist/index.js` or another client may not.
 */
export const INPUT_DEFAULTS = {
  config: '',
  checks: 'secrets, protected-paths, skills',
  'fail-on': '',
  base: '',
  head: '',
  'sarif-file': 'agent-vault.sarif',
  keyring: '.agent-vault/keys.json',
  revocations: '.agent-vault/revocations.json',
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;

/** Read and validate every input; `get` returns '' for an input that was not given. */
export function readInputs(get: (name: InputName) => string): ActionInputs {
  const value = (name: InputName) => get(name).trim() || INPUT_DEFAULTS[name];
  const checks: CheckName[] = [];
  for (const raw of value('checks').split(/[\s,]+/).filter(Boolean)) {
    const name = raw.toLowerCase();
    if (!(CHECK_NAMES as readonly string[]).includes(name)) {
      throw usageError(`input "checks": unknown check "${raw}"`, `Use a comma-separated list of ${CHECK_NAMES.join(', ')}.`);
    }
    if (!checks.includes(name as CheckName)) checks.push(name as CheckName);
  }
  if (checks.length === 0) throw usageError('input "checks" is empty', `Use a comma-separated list of ${CHECK_NAMES.join(', ')}.`);
  const failOn = value('fail-on').toLowerCase();
  if (failOn && !(FAIL_ON as readonly string[]).includes(failOn)) {
    throw usageError(`input "fail-on": unknown severity "${value('fail-on')}"`, `Use one of ${FAIL_ON.join(', ')}.`);
  }
  const optional = (name: InputName) => value(name) || undefined;
  return {
    config: optional('config'),
    checks,
    failOn: (failOn || undefined) as FailOn | undefined,
    base: optional('base'),
    head: optional('head'),
    sarifFile: value('sarif-file'),
    keyring: value('keyring'),
    revocations: value('revocations'),
  };
}

/** The configuration with the trust-file inputs applied: an input that differs from its default wins. */
export function withTrustInputs(config: AgentVaultConfig, inputs: ActionInputs): AgentVaultConfig {
  const skills: Record<string, unknown> = { ...(config.skills ?? {}) };
  if (inputs.keyring !== INPUT_DEFAULTS.keyring) skills.keyring = inputs.keyring;
  if (inputs.revocations !== INPUT_DEFAULTS.revocations) skills.revocations = inputs.revocations;
  return { ...config, skills };
}
