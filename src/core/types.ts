/** Severity of a finding, lowest first. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** A rule as written in rules/*.yaml or in a config file (already parsed from YAML). */
export interface RuleDefinition {
  id: string;
  description: string;
  /** JavaScript regular expression source. Bounded quantifiers, explicit boundaries. */
  regex?: string;
  /** Instead of `regex`: a provider name and a value shape, joined by the shared assignment forms (core/assignment.ts). */
  context?: import('./assignment.js').ContextDefinition;
  /** Instead of `regex`: the schemes of a connection URL whose password is the secret (core/url-credentials.ts). */
  url?: import('./url-credentials.js').UrlDefinition;
  /** Extra RegExp flags; only `i`, `m` and `s` are accepted. */
  flags?: string;
  /** Capture group holding the secret; 0 means the whole match. Default: 1 if the regex has a group, else 0. */
  secretGroup?: number;
  /** Lower-case literals; the rule only runs on text containing at least one. Empty: always runs. */
  keywords: string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  severity: Severity;
  tags?: string[];
  allowlist?: AllowlistDefinition;
  examples?: { tp?: string[]; fp?: string[] };
}

export interface AllowlistDefinition {
  /** Regexes tested against the secret; a match suppresses the finding. */
  regexes?: string[];
  /** Regexes tested against the whole line the finding starts on. */
  lineRegexes?: string[];
  /** Case-insensitive substrings; a secret containing one is suppressed. */
  stopwords?: string[];
  /** picomatch globs of paths the rule (or config) never reports in. */
  paths?: string[];
}

export interface CompiledAllowlist {
  regexes: RegExp[];
  lineRegexes: RegExp[];
  stopwords: string[];
  paths: string[];
  pathMatcher: ((path: string) => boolean) | undefined;
}

export interface CompiledRule {
  id: string;
  description: string;
  regex: RegExp;
  secretGroup: number;
  /**
   * Context rules: where the names occur, and sticky regexes for the value-first assignment
   * forms (group 1 the value), run only where a form's sites put a value on a name's line
   * (core/assignment.ts).
   */
  valueFirst?: { names: RegExp; forms: { form: number; regex: RegExp }[] };
  keywords: string[];
  /**
   * The character code every match starts the text with, for a regex anchored at the start of
   * the text (the binary key containers' magic bytes): the rule is not run on other texts.
   */
  firstChar?: number;
  entropy: number | undefined;
  severity: Severity;
  tags: string[];
  allowlist: CompiledAllowlist;
}

/** Where a piece of scanned text came from. */
export interface Origin {
  /** Repository-relative POSIX path, or a display name such as `<stdin>`. */
  path: string;
  /** Commit the text was added in (range and history scans). */
  commit?: string;
  author?: string;
  date?: string;
  /** For fragments built from diff hunks: line number in the file of each fragment line (1-based). */
  lineMap?: number[];
  /** Line number in the file of the text's first line when it is not 1 (a window of a larger file). */
  firstLine?: number;
}

/** Private slot for the raw secret: symbol keys are skipped by JSON.stringify and structured clone. */
export const SECRET: unique symbol = Symbol('agent-vault.secret');

export interface Finding {
  ruleId: string;
  description: string;
  severity: Severity;
  tags: string[];
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  commit?: string;
  author?: string;
  date?: string;
  /** Masked form of the secret; the only form any report prints. */
  masked: string;
  /** Rule, path and surrounding text hashed (never the secret; see core/mask.ts): stable across line moves. */
  fingerprint: string;
  /** Length of the secret in characters. */
  secretLength: number;
  /** The raw secret, for vault checks and CI log masking; never serialised. */
  [SECRET]: string;
}

/** A file or blob that was not scanned, and why. */
export interface Skipped {
  path: string;
  reason: 'binary' | 'too-large' | 'unreadable' | 'not-a-file' | 'symlink-loop';
  detail?: string;
}
