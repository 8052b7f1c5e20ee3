import { SEVERITIES, type Severity } from '../../src/core/types.js';
import { usageError } from '../../src/errors.js';

/** The independent checks the action can run; `checks:` selects among them. */
export const CHECK_NAMES = ['secrets', 'protected-paths', 'skills'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export const FAIL_ON = [...SEVERITIES, 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

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

/** True when a result of this severity fails the job under `fail-on`. */
export function failsOn(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(failOn);
}
