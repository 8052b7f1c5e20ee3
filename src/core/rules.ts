import { LinearRegExp } from './linear-regex.js';
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { compileContext, contextProblems, CONTEXT_STOPWORDS, type ContextDefinition } from './assignment.js';
import { KeywordAutomaton } from './keywords.js';
import { MADE_UP_STOPWORDS } from './made-up.js';
import { countCapturingGroups } from './regex-source.js';
import { compileUrl, URL_ALLOWLIST, urlProblems, type UrlDefinition } from './url-credentials.js';

export { countCapturingGroups };
import { SEVERITIES, type CompiledAllowlist, type CompiledRule, type RuleDefinition, type Severity, type AllowlistDefinition } from './types.js';

/** A problem found while validating rule or config data; `where` is a path like `rules[3].regex`. */
export interface Problem {
  where: (string | number)[];
  message: string;
}

const RULE_ID = /^[a-z0-9][a-z0-9-]{1,80}$/;
const ALLOWED_FLAGS = /^[ims]*$/;

/**
 * Who wrote a pattern: the built-in packs (V8's engine, fastest, patterns reviewed and
 * measured in rules-redos) or a user's configuration (RE2, linear time: nothing a
 * configuration says can make a scan backtrack for ever).
 */
export type RegexEngine = 'builtin' | 'linear';

function compileRegex(source: string, flags: string, where: (string | number)[], problems: Problem[], engine: RegexEngine = 'builtin'): RegExp | undefined {
  try {
    new RegExp(source, flags);
  } catch (e) {
    problems.push({ where, message: `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` });
    return undefined;
  }
  if (engine === 'builtin') return new RegExp(source, flags);
  try {
    return new LinearRegExp(source, flags) as unknown as RegExp;
  } catch (e) {
    problems.push({
      where,
      message: `uses what the linear-time engine (RE2) for configured patterns does not have (${(e as Error).message.replace(/^error parsing regexp: /, '')}); lookarounds and backreferences are not available, so that no pattern can hang a scan`,
    });
    return undefined;
  }
}

function stringList(value: unknown, where: (string | number)[], problems: Problem[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    problems.push({ where, message: 'must be a list of strings' });
    return [];
  }
  return value as string[];
}

/** A regular expression as data; made into a RegExp where a rule is built from its table. */
export interface RegexSpec {
  source: string;
  flags: string;
}

/** An allowlist as data (its regexes not made yet); see RuleTable. */
export interface AllowlistTable {
  regexes: RegexSpec[];
  lineRegexes: RegexSpec[];
  stopwords: string[];
  paths: string[];
}

/**
 * What compileRule derives from a rule definition, as plain data: the regex a `context` or
 * `url` shape builds, the secret group, every stopword the rule takes (its own, the made-up
 * values, the shape's), the first character of an anchored regex. The built-in packs are
 * derived once, at build time, and embedded in this form (scripts/build.mjs): every start
 * (each hook run, each scan worker thread) makes its rules from it instead of deriving and
 * checking 580 definitions again. test/rule-tables.test.ts proves the embedded tables equal to
 * what rules/*.yaml compiles to.
 */
export interface RuleTable {
  id: string;
  description: string;
  regex: RegexSpec;
  secretGroup: number;
  firstChar?: number;
  valueFirst?: { names: RegexSpec; forms: { form: number; regex: RegexSpec }[] };
  keywords: string[];
  entropy?: number;
  severity: Severity;
  tags: string[];
  allowlist: AllowlistTable;
}

export function compileAllowlist(def: unknown, where: (string | number)[], problems: Problem[], engine: RegexEngine = 'builtin'): CompiledAllowlist {
  return allowlistFromTable(allowlistTable(def, where, problems, engine), engine);
}

/** An allowlist definition checked (problems appended) and turned into its table. */
export function allowlistTable(def: unknown, where: (string | number)[], problems: Problem[], engine: RegexEngine = 'builtin'): AllowlistTable {
  const empty: AllowlistTable = { regexes: [], lineRegexes: [], stopwords: [], paths: [] };
  if (def === undefined || def === null) return empty;
  if (typeof def !== 'object' || Array.isArray(def)) {
    problems.push({ where, message: 'must be a mapping with regexes, lineRegexes, stopwords or paths' });
    return empty;
  }
  const d = def as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (!['regexes', 'lineRegexes', 'stopwords', 'paths'].includes(k)) {
      problems.push({ where: [...where, k], message: 'unknown allowlist key (expected regexes, lineRegexes, stopwords, paths)' });
    }
  }
  const specs = (key: keyof AllowlistDefinition) =>
    stringList(d[key], [...where, key], problems)
      .filter((src, i) => compileRegex(src, '', [...where, key, i], problems, engine) !== undefined)
      .map((source) => ({ source, flags: '' }));
  return {
    regexes: specs('regexes'),
    lineRegexes: specs('lineRegexes'),
    stopwords: stringList(d.stopwords, [...where, 'stopwords'], problems).map((s) => s.toLowerCase()),
    paths: stringList(d.paths, [...where, 'paths'], problems),
  };
}

/**
 * Allowlist regexes of the built-in engine, one RegExp per source: they carry no g or y flag,
 * so `test` keeps no state, and the shared lists (URL templates) are made once, not per rule.
 */
const madeAllowRegexes = new Map<string, RegExp>();

export function allowlistFromTable(t: AllowlistTable, engine: RegexEngine = 'builtin'): CompiledAllowlist {
  const make = (s: RegexSpec): RegExp => {
    if (engine === 'linear') return new LinearRegExp(s.source, s.flags) as unknown as RegExp;
    const key = `${s.flags}/${s.source}`;
    let re = madeAllowRegexes.get(key);
    if (!re) madeAllowRegexes.set(key, (re = new RegExp(s.source, s.flags)));
    return re;
  };
  return {
    regexes: t.regexes.map(make),
    lineRegexes: t.lineRegexes.map(make),
    stopwords: t.stopwords,
    paths: t.paths,
    pathMatcher: t.paths.length ? pathMatcherFor(t.paths) : undefined,
  };
}

/**
 * A matcher for path globs. A glob that is one file name at any depth (the lock files of the
 * global list: two stars, a slash, a name) becomes a set of names; the rest is compiled by
 * picomatch on first use, not at start-up, where every hook run would pay for it.
 */
function pathMatcherFor(globs: string[]): (path: string) => boolean {
  const names = new Set<string>();
  const rest: string[] = [];
  for (const g of globs) {
    const m = /^\*\*\/([^*?[\]{}()!/\\]+)$/.exec(g);
    if (m) names.add(m[1]!);
    else rest.push(g);
  }
  let other: ((path: string) => boolean) | undefined;
  return (path) => {
    if (names.size && names.has(path.slice(path.lastIndexOf('/') + 1))) return true;
    if (!rest.length) return false;
    other ??= picomatch(rest, { dot: true });
    return other(path);
  };
}

const RULE_KEYS = new Set(['id', 'description', 'regex', 'context', 'url', 'flags', 'secretGroup', 'keywords', 'entropy', 'severity', 'tags', 'allowlist', 'examples']);

let sharedUrlAllowlist: AllowlistTable | undefined;
function urlAllowlist(): AllowlistTable {
  return (sharedUrlAllowlist ??= allowlistTable(URL_ALLOWLIST, ['url'], []));
}

/**
 * Validate and compile one rule definition. Problems are appended; undefined means unusable.
 * `kind` is `threat` for the skill threat packs, whose matches are not secrets. `lazy` (the
 * built-in packs, whose regexes the tests compile) skips checking each regex's syntax here.
 * Either way the built-in engine's RegExps are made on first use: parsing a quarter of a
 * megabyte of regex source cost tens of milliseconds at every start, and a staged scan of a
 * few files runs a handful of rules.
 */
export function compileRule(raw: unknown, where: (string | number)[], problems: Problem[], kind: 'secret' | 'threat' = 'secret', lazy = false, engine: RegexEngine = 'builtin'): CompiledRule | undefined {
  const table = ruleTable(raw, where, problems, kind, !lazy, engine);
  return table && ruleFromTable(table, engine);
}

/**
 * Validate one rule definition and derive its table (see RuleTable). Problems are appended;
 * undefined means unusable. `check` also checks each regex's syntax (and, for the linear
 * engine, that RE2 can run it).
 */
export function ruleTable(raw: unknown, where: (string | number)[], problems: Problem[], kind: 'secret' | 'threat' = 'secret', check = true, engine: RegexEngine = 'builtin'): RuleTable | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ where, message: 'a rule must be a mapping' });
    return undefined;
  }
  const def = raw as Partial<RuleDefinition> & Record<string, unknown>;
  const before = problems.length;
  for (const k of Object.keys(def)) {
    if (!RULE_KEYS.has(k)) problems.push({ where: [...where, k], message: 'unknown rule key' });
  }
  const id = typeof def.id === 'string' ? def.id : '';
  if (!RULE_ID.test(id)) problems.push({ where: [...where, 'id'], message: 'id must be lower-case letters, digits and hyphens' });
  if (typeof def.description !== 'string' || !def.description) problems.push({ where: [...where, 'description'], message: 'description is required' });
  const flags = def.flags ?? '';
  if (typeof flags !== 'string' || !ALLOWED_FLAGS.test(flags)) problems.push({ where: [...where, 'flags'], message: 'flags may only contain i, m and s' });
  // A rule's regex is written out (`regex`) or built from shared data: a provider name and a
  // value shape joined by the assignment forms (`context`), or the schemes of a URL (`url`).
  const shapes = (['regex', 'context', 'url'] as const).filter((k) => def[k] !== undefined);
  if (shapes.length > 1) problems.push({ where: [...where, shapes[1]!], message: `a rule has one of regex, context or url, not ${shapes.join(' and ')}` });
  let regex: RegexSpec | undefined;
  let source: string | undefined;
  let builtGroup: number | undefined;
  let builtFlags = '';
  let valueFirst: RuleTable['valueFirst'];
  const shape = shapes[0];
  if (engine === 'linear' && (shape === 'context' || shape === 'url')) {
    problems.push({ where: [...where, shape], message: `${shape} rules are a shape of the built-in packs (their fragments run on the fast engine); in a configuration write the rule as regex:, which runs on the linear-time engine` });
    return undefined;
  }
  if (shape === 'context' || shape === 'url') {
    if (typeof flags === 'string' && flags.includes('i')) problems.push({ where: [...where, 'flags'], message: `${shape} rules set their own case handling (drop flag i)` });
    const sp = shape === 'context' ? contextProblems(def.context) : urlProblems(def.url);
    for (const p of sp) problems.push({ where: [...where, shape, ...p.where], message: p.message });
    if (!sp.length) {
      if (shape === 'context') {
        const built = compileContext(def.context as ContextDefinition);
        source = built.primary.source;
        builtGroup = built.primary.secretGroup;
        const names = specFor(built.names, 'g', [...where, shape], problems, check);
        const forms: { form: number; regex: RegexSpec }[] = [];
        for (const p of built.valueFirst) {
          // sticky: run only at the value positions the engine finds for the form
          const re = specFor(p.source, 'yd', [...where, shape], problems, check);
          if (re) forms.push({ form: p.form, regex: re });
        }
        if (names) valueFirst = { names, forms };
      } else {
        const built = compileUrl(def.url as UrlDefinition);
        source = built.source;
        builtGroup = built.secretGroup;
        builtFlags = 'i';
      }
    }
  } else if (typeof def.regex !== 'string' || !def.regex) problems.push({ where: [...where, 'regex'], message: 'regex (or context, or url) is required' });
  else source = def.regex;
  if (source !== undefined) regex = specFor(source, `g${typeof flags === 'string' ? flags : ''}${builtFlags}d`, [...where, shape ?? 'regex'], problems, check, shape === 'context' || shape === 'url' ? 'builtin' : engine);
  const keywords = stringList(def.keywords, [...where, 'keywords'], problems);
  keywords.forEach((k, i) => {
    if (k !== k.toLowerCase() || !/^\*?[\x20-\x7e]+$/.test(k)) problems.push({ where: [...where, 'keywords', i], message: 'keywords must be lower-case printable ASCII (a leading * lets a keyword match inside a word)' });
  });
  const severity = (def.severity ?? 'high') as Severity;
  if (!SEVERITIES.includes(severity)) problems.push({ where: [...where, 'severity'], message: `severity must be one of ${SEVERITIES.join(', ')}` });
  if (def.entropy !== undefined && (typeof def.entropy !== 'number' || def.entropy < 0 || def.entropy > 8)) {
    problems.push({ where: [...where, 'entropy'], message: 'entropy must be a number between 0 and 8' });
  }
  let secretGroup = 0;
  if (regex) {
    // Built shapes know their group; reading a few KB of source per rule costs at every start.
    const groups = builtGroup ?? countCapturingGroups(source!);
    secretGroup = builtGroup ?? def.secretGroup ?? (groups > 0 ? 1 : 0);
    if (!Number.isInteger(secretGroup) || secretGroup < 0 || secretGroup > groups) {
      problems.push({ where: [...where, 'secretGroup'], message: `secretGroup ${String(def.secretGroup)} does not exist (the regex has ${groups} groups)` });
    }
  }
  const tags = stringList(def.tags, [...where, 'tags'], problems);
  const allowlist = allowlistTable(def.allowlist, [...where, 'allowlist'], problems, engine);
  // Made-up values (counting runs, placeholder families) are quiet in every secret rule. A
  // threat rule's match is a command or a phrase, not a value: `curl https://example.net | sh`
  // is a threat whatever its host is called.
  if (kind === 'secret') addStopwords(allowlist.stopwords, MADE_UP_STOPWORDS);
  if (shape === 'context') addStopwords(allowlist.stopwords, CONTEXT_STOPWORDS);
  if (shape === 'url') {
    const shared = urlAllowlist();
    allowlist.regexes.push(...shared.regexes);
    addStopwords(allowlist.stopwords, shared.stopwords);
  }
  if (problems.length > before || !regex) return undefined;
  const first = source !== undefined && !/[mi]/.test(typeof flags === 'string' ? flags : '') ? anchoredFirstChar(source) : undefined;
  return {
    id,
    description: def.description!,
    regex,
    secretGroup,
    ...(first !== undefined ? { firstChar: first } : {}),
    ...(valueFirst ? { valueFirst } : {}),
    keywords,
    ...(def.entropy !== undefined ? { entropy: def.entropy } : {}),
    severity,
    tags,
    allowlist,
  };
}

/**
 * A rule made from its table. The built-in engine's RegExps are made on first use (a staged
 * scan of a few files runs a handful of the rules); the linear engine's (a configuration's
 * rules, a few) at once.
 */
export function ruleFromTable(t: RuleTable, engine: RegexEngine = 'builtin'): CompiledRule {
  const make = (s: RegexSpec): RegExp | (() => RegExp) => (engine === 'linear' ? (new LinearRegExp(s.source, s.flags) as unknown as RegExp) : () => new RegExp(s.source, s.flags));
  const vf = t.valueFirst;
  const valueFirst = vf && lazyField({ forms: vf.forms.map((f) => lazyField({ form: f.form }, 'regex', make(f.regex))) }, 'names', make(vf.names));
  const rule = {
    id: t.id,
    description: t.description,
    secretGroup: t.secretGroup,
    ...(t.firstChar !== undefined ? { firstChar: t.firstChar } : {}),
    ...(valueFirst ? { valueFirst } : {}),
    keywords: t.keywords,
    entropy: t.entropy,
    severity: t.severity,
    tags: t.tags,
    allowlist: allowlistFromTable(t.allowlist, engine),
  };
  return lazyField(rule as Omit<CompiledRule, 'regex'>, 'regex', make(t.regex));
}

/**
 * Append the words `list` lacks, keeping its order. A set rather than `includes` per word:
 * every rule takes the ~70 made-up stopwords, and a linear search over its own list for each
 * cost every start (every worker thread) a quadratic pass over 500 rules.
 */
function addStopwords(list: string[], words: readonly string[]): void {
  const have = new Set(list);
  for (const w of words) {
    if (have.has(w)) continue;
    have.add(w);
    list.push(w);
  }
}

/**
 * For a regex that can only match at the start of the text (`^(\x30...` without flag m), the
 * code of its literal first character; undefined for anything else. Rules without keywords run
 * on every text, so the key-container rules are skipped at once on text that starts otherwise.
 */
export function anchoredFirstChar(source: string): number | undefined {
  const m = /^\^\(?(?:\?:)?(?:\\x([0-9a-fA-F]{2})|([0-9 !"#%&',/:;<=>@_`~-]))(?![?*{])/.exec(source);
  if (!m) return undefined;
  // `^` and the first character bind every match only without an alternation at the top
  // level or in the group that holds the first character
  let depth = 0;
  let inClass = false;
  for (let i = 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth <= 1) return undefined;
  }
  return m[1] !== undefined ? parseInt(m[1], 16) : m[2]!.charCodeAt(0);
}

/** A regex as data; with `check`, only when its syntax is valid (problems reported). */
function specFor(source: string, flags: string, where: (string | number)[], problems: Problem[], check: boolean, engine: RegexEngine = 'builtin'): RegexSpec | undefined {
  if (check && compileRegex(source, flags, where, problems, engine) === undefined) return undefined;
  return { source, flags };
}

/** Set `key` on `target` to a RegExp, or to a getter that makes it once, on first read. */
function lazyField<T extends object, K extends string>(target: T, key: K, value: RegExp | (() => RegExp)): T & { [P in K]: RegExp } {
  if (typeof value !== 'function') return Object.assign(target, { [key]: value } as { [P in K]: RegExp });
  let made: RegExp | undefined;
  return Object.defineProperty(target, key, { get: () => (made ??= value()), enumerable: true, configurable: true }) as T & { [P in K]: RegExp };
}

/** Rules compiled together with their keyword automaton; shared by every gate. */
export class Ruleset {
  readonly rules: readonly CompiledRule[];
  /** The keywords, by id; the automaton over them is built on the first keyword pass. */
  private readonly keywordList: string[];
  private automatonValue: KeywordAutomaton | undefined;
  /** keyword id -> indices of rules that list it */
  private readonly byKeyword: number[][];
  /** rules without keywords run on every text */
  private readonly unconditional: number[];
  private readonly ruleMark: Uint8Array;
  readonly globalAllowlist: CompiledAllowlist;
  /** sha256 over the rule definitions, to record which rule pack produced a verdict. */
  private digestValue: string | (() => string);

  /** `digest` may be a function: it is computed on first use (only skill attestations read it). */
  constructor(rules: CompiledRule[], globalAllowlist: CompiledAllowlist, digest: string | (() => string)) {
    this.rules = rules;
    this.globalAllowlist = globalAllowlist;
    this.digestValue = digest;
    const keywordIds = new Map<string, number>();
    this.byKeyword = [];
    this.unconditional = [];
    this.ruleMark = new Uint8Array(rules.length);
    rules.forEach((rule, ri) => {
      if (rule.keywords.length === 0) this.unconditional.push(ri);
      for (const kw of rule.keywords) {
        let id = keywordIds.get(kw);
        if (id === undefined) {
          id = keywordIds.size;
          keywordIds.set(kw, id);
          this.byKeyword.push([]);
        }
        this.byKeyword[id]!.push(ri);
      }
    });
    this.keywordList = [...keywordIds.keys()];
  }

  /**
   * Built when first needed: a scan that runs in worker threads reads the parent's ruleset for
   * the report's rule list only, and building the automaton there cost every large scan ~150 ms
   * of CPU on the main thread for nothing.
   */
  get automaton(): KeywordAutomaton {
    return (this.automatonValue ??= new KeywordAutomaton(this.keywordList));
  }

  get digest(): string {
    if (typeof this.digestValue === 'function') this.digestValue = this.digestValue();
    return this.digestValue;
  }

  /** Indices of the rules to run on text, in rule order: one pass of the keyword automaton. */
  candidates(text: string): number[] {
    const found = this.automaton.find(text);
    if (found.length === 0) return this.unconditional;
    // A mark per rule (cleared before returning) instead of a Set: this runs once per file.
    const mark = this.ruleMark;
    const out = this.unconditional.slice();
    for (const ri of out) mark[ri] = 1;
    for (const k of found) {
      for (const ri of this.byKeyword[k]!) {
        if (mark[ri] === 0) {
          mark[ri] = 1;
          out.push(ri);
        }
      }
    }
    for (const ri of out) mark[ri] = 0;
    return out.sort((a, b) => a - b);
  }
}

/** Stable digest of rule definitions (order-independent over ids). */
export function digestRules(defs: readonly unknown[]): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  const sorted = [...defs].map(canonical).sort((a, b) => String((a as { id?: string }).id).localeCompare(String((b as { id?: string }).id)));
  return 'sha256:' + createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}
