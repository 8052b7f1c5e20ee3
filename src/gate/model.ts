import type { FailOn } from '../config/policy.js';
import type { Ruleset } from '../core/rules.js';
import type { Finding, Severity } from '../core/types.js';

/** The independent checks of the gate; the Action's `checks:` input selects among them. */
export const CHECK_NAMES = ['secrets', 'protected-paths', 'skills'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** What the gate judges. */
export type GateTarget =
  /** What the next commit records: the index the environment names (pre-commit). */
  | { kind: 'staged'; description: string }
  /**
   * The lines the commits `git log <revs>` lists add; the whole-tree checks (protected paths,
   * skills) look at `head`. `base`, when known, is the commit whose settings are trusted.
   */
  | { kind: 'commits'; revs: string[]; head: string; base: string | undefined; description: string }
  /** Every file of `head`'s tree (nothing to compare with). */
  | { kind: 'tree'; head: string; description: string }
  /** Nothing to check (a deleted branch). */
  | { kind: 'none'; description: string };

/**
 * Something wrong that is not a scanner finding: a raw vaulted value, a protected path, a
 * skill. Never holds a secret: `masked` only.
 */
export interface Problem {
  check: CheckName;
  /** Stable id, kebab-case (the SARIF rule id). */
  ruleId: string;
  /** The skill gate's failure code (SKILL_UNSIGNED), for skill problems. */
  code?: string;
  description: string;
  severity: Severity;
  path: string;
  line: number | undefined;
  commit: string | undefined;
  /** The value as reports show it, for problems about a value. */
  masked?: string;
  /** What is wrong. */
  message: string;
  /** What to do. */
  hint: string;
}

/** What one check found, and what the summary says about it. */
export interface CheckResult {
  check: CheckName;
  findings: Finding[];
  problems: Problem[];
  verifiedSkills: number;
  /** Lines for the summary that are neither findings nor problems. */
  notes: string[];
}

/** One reason the gate blocks, as people read it: never a secret, `masked` only. */
export interface Blocker {
  path: string;
  line: number | undefined;
  commit: string | undefined;
  /** A rule id, or a skill failure code. */
  rule: string;
  masked: string | undefined;
  detail: string | undefined;
  fix: string;
}

export interface GateResult {
  targets: GateTarget[];
  /** Commits the targets cover. */
  commits: number;
  /** Where the configuration came from, for people. */
  configSource: string;
  ruleset: Ruleset;
  results: CheckResult[];
  /** Scanner findings of every check, each once. */
  findings: Finding[];
  problems: Problem[];
  verifiedSkills: number;
  /** The threshold used: the caller's, else the configuration's policy.block. */
  failOn: FailOn;
  /** How many findings and problems block (see runGate); 0 passes. */
  failing: number;
  /** Those findings and problems, for people. */
  blocking: Blocker[];
  /**
   * Secret findings reported but below the threshold (or every one, with `never`): they do
   * not block, and the verdict counts them so a pass never reads as "no secrets".
   */
  notBlocking: Blocker[];
  filesScanned: number;
  bytesScanned: number;
  /** What the person running the gate should hear that is neither a finding nor a problem. */
  notes: string[];
}
