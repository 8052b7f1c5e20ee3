import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configError } from '../errors.js';
import { sharedAfterForms } from '../core/assignment.js';
import { allowlistTable, ruleTable, type AllowlistTable, type Problem, type RegexSpec, type RuleTable } from '../core/rules.js';
import { formatProblems, parseLocatedYaml } from './yaml.js';

/** One parsed rule pack file. */
export interface RulePackFile {
  file: string;
  /** Rule definitions as parsed, not yet compiled. */
  rules: unknown[];
  allowlist?: unknown;
}

/** One built-in pack as rule tables (core/rules.ts RuleTable): what buildRuleset makes rules from. */
export interface RuleTablePack {
  file: string;
  rules: RuleTable[];
  allowlist?: AllowlistTable;
}

// The build (scripts/build.mjs) writes the parsed packs and their rule tables, so that a start
// neither reads and parses YAML nor derives 500 rules. The CLI reads them as JSON from files
// beside its bundle (dist/rule-tables.json, dist/rule-packs.json): JSON.parse reads such data
// several times faster than V8 compiles it as a JavaScript literal, and a megabyte of literal in
// the bundle slowed every start, each worker thread's too. The Action's single-file bundle embeds
// the same data. The packs themselves are read only when something asks for the definitions (a
// rule digest). From source both come from rules/.
declare const __AGENT_VAULT_RULE_PACKS__: RulePackFile[] | undefined;
declare const __AGENT_VAULT_RULE_TABLES__: PackedRuleTables | undefined;
/** Defined in the CLI bundle: the JSON files are beside it. */
declare const __AGENT_VAULT_RULE_FILES__: boolean | undefined;

/** What the build wrote: embedded, else read from the file beside the bundle, else undefined (from source). */
function built<T>(embedded: T | undefined, file: string): T | undefined {
  if (embedded !== undefined) return embedded;
  if (typeof __AGENT_VAULT_RULE_FILES__ === 'undefined' || !__AGENT_VAULT_RULE_FILES__) return undefined;
  let text: string;
  try {
    text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
  } catch (e) {
    throw configError(`cannot read the built-in rules (${file}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'The built-in rule pack is damaged; reinstall agent-vault.');
  }
  return JSON.parse(text) as T;
}

/** Folder holding rules/*.yaml when running from source. */
export function rulesDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules');
}

export function parseRulePack(file: string, text: string): RulePackFile {
  const located = parseLocatedYaml(text);
  if (located.syntaxErrors.length) {
    throw configError(located.syntaxErrors.map((e) => `${file}:${e.line}: ${e.message}`).join('\n'));
  }
  const value = located.value as { rules?: unknown; allowlist?: unknown } | null;
  const problems: Problem[] = [];
  if (!value || typeof value !== 'object') problems.push({ where: [], message: 'a rule pack must be a mapping with a rules list' });
  else {
    for (const k of Object.keys(value)) if (k !== 'rules' && k !== 'allowlist') problems.push({ where: [k], message: 'unknown key (expected rules, allowlist)' });
    if (value.rules !== undefined && !Array.isArray(value.rules)) problems.push({ where: ['rules'], message: 'rules must be a list' });
  }
  if (problems.length) throw configError(formatProblems(file, located, problems));
  return { file, rules: (value?.rules as unknown[]) ?? [], allowlist: value?.allowlist };
}

let cache: RulePackFile[] | undefined;

/** The built-in rule packs (rules/*.yaml), kind `secret` only: skill threat packs are separate. */
export function builtinRulePacks(): RulePackFile[] {
  if (cache) return cache;
  cache = built<RulePackFile[]>(typeof __AGENT_VAULT_RULE_PACKS__ !== 'undefined' ? __AGENT_VAULT_RULE_PACKS__ : undefined, 'rule-packs.json') ?? loadRulePacksFromDir(rulesDir());
  return cache;
}

export function rulePackFileNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('skill-'))
    .sort();
}

export function loadRulePacksFromDir(dir: string): RulePackFile[] {
  return rulePackFileNames(dir).map((f) => parseRulePack(`rules/${f}`, readFileSync(join(dir, f), 'utf8')));
}

/**
 * Rule packs validated and turned into rule tables; a damaged pack (a bad rule, a duplicate id)
 * throws, naming the file and the rule. `check` also compiles every regex (the build does).
 */
export function ruleTablesOf(packs: RulePackFile[], check = false): RuleTablePack[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const tables = packs.map((pack) => {
    const p: Problem[] = [];
    const rules: RuleTable[] = [];
    pack.rules.forEach((raw, i) => {
      const t = ruleTable(raw, ['rules', i], p, 'secret', check);
      if (!t) return;
      if (ids.has(t.id)) p.push({ where: ['rules', i, 'id'], message: `duplicate rule id "${t.id}"` });
      ids.add(t.id);
      rules.push(t);
    });
    const allowlist = pack.allowlist !== undefined ? allowlistTable(pack.allowlist, ['allowlist'], p) : undefined;
    problems.push(...p.map((x) => `${pack.file}: ${x.where.join('.')}: ${x.message}`));
    return { file: pack.file, rules, ...(allowlist ? { allowlist } : {}) };
  });
  if (problems.length) throw configError(problems.join('\n'), 'The built-in rule pack is damaged; reinstall agent-vault.');
  return tables;
}

/** A regex source as embedded: whole, or pieces of text and indices of shared fragments. */
type PackedSource = string | (string | number)[];
type PackedSpec = Omit<RegexSpec, 'source'> & { source: PackedSource };
type PackedRule = Omit<RuleTable, 'allowlist' | 'regex' | 'valueFirst'> & {
  regex: PackedSpec;
  valueFirst?: { names: PackedSpec; forms: { form: number; regex: PackedSpec }[] };
  allowlist: Omit<AllowlistTable, 'stopwords'> & { stopwords: number };
};

/**
 * Rule tables as embedded. What many rules share is written once: every rule takes the same
 * ~70 made-up stopwords (context rules a dozen more), and every context rule's regex holds the
 * shared assignment forms (a few KB each, most of the tables' size), so stopword lists and
 * those fragments are listed once and rules name them by index.
 */
export interface PackedRuleTables {
  stopwords: string[][];
  fragments: string[];
  packs: (Omit<RuleTablePack, 'rules'> & { rules: PackedRule[] })[];
}

export function packRuleTables(tables: RuleTablePack[], fragments: string[] = [sharedAfterForms()]): PackedRuleTables {
  const lists: string[][] = [];
  const index = new Map<string, number>();
  const spec = (s: RegexSpec): PackedSpec => {
    let pieces: (string | number)[] = [s.source];
    fragments.forEach((fragment, f) => {
      pieces = pieces.flatMap((p) => (typeof p === 'string' && p.includes(fragment) ? p.split(fragment).flatMap((x, i) => (i === 0 ? [x] : [f, x])).filter((x) => x !== '') : [p]));
    });
    return { ...s, source: pieces.length === 1 && typeof pieces[0] === 'string' ? pieces[0] : pieces };
  };
  const packs = tables.map((pack) => ({
    ...pack,
    rules: pack.rules.map((rule): PackedRule => {
      const key = JSON.stringify(rule.allowlist.stopwords);
      let i = index.get(key);
      if (i === undefined) index.set(key, (i = lists.push(rule.allowlist.stopwords) - 1));
      const { valueFirst, ...rest } = rule;
      return {
        ...rest,
        regex: spec(rule.regex),
        ...(valueFirst ? { valueFirst: { names: spec(valueFirst.names), forms: valueFirst.forms.map((f) => ({ form: f.form, regex: spec(f.regex) })) } } : {}),
        allowlist: { ...rule.allowlist, stopwords: i },
      };
    }),
  }));
  return { stopwords: lists, fragments, packs };
}

/**
 * The tables packRuleTables wrote. Rules with the same stopwords share one list (nothing
 * changes a built rule's lists); a source is joined from its pieces by concatenation, which
 * V8 keeps as a tree of the pieces until a RegExp is made from it.
 */
export function unpackRuleTables(packed: PackedRuleTables): RuleTablePack[] {
  const { fragments } = packed;
  const spec = (s: PackedSpec): RegexSpec => {
    if (typeof s.source === 'string') return s as RegexSpec;
    let source = '';
    for (const p of s.source) source += typeof p === 'number' ? fragments[p]! : p;
    return { ...s, source };
  };
  return packed.packs.map((pack) => ({
    ...pack,
    rules: pack.rules.map((rule) => {
      const { valueFirst, ...rest } = rule;
      return {
        ...rest,
        regex: spec(rule.regex),
        ...(valueFirst ? { valueFirst: { names: spec(valueFirst.names), forms: valueFirst.forms.map((f) => ({ form: f.form, regex: spec(f.regex) })) } } : {}),
        allowlist: { ...rule.allowlist, stopwords: packed.stopwords[rule.allowlist.stopwords]! },
      };
    }),
  }));
}

let tableCache: RuleTablePack[] | undefined;

/** The built-in packs' rule tables: embedded by the build, or derived from rules/ once per process. */
export function builtinRuleTables(): RuleTablePack[] {
  if (tableCache) return tableCache;
  const packed = built<PackedRuleTables>(typeof __AGENT_VAULT_RULE_TABLES__ !== 'undefined' ? __AGENT_VAULT_RULE_TABLES__ : undefined, 'rule-tables.json');
  return (tableCache = packed ? unpackRuleTables(packed) : ruleTablesOf(builtinRulePacks()));
}

/** The built-in rules' ids, without parsing the packs' definitions. */
export function builtinRuleIds(): string[] {
  return builtinRuleTables().flatMap((p) => p.rules.map((r) => r.id));
}

/** The ids of the skill threat packs (rules/skill-*.yaml): a short list the build embeds, so naming them loads no pack. */
declare const __AGENT_VAULT_SKILL_RULE_IDS__: string[] | undefined;

/** The skill threat rules' ids (for checking skills.suppressions). */
export function builtinSkillRuleIds(): string[] {
  if (typeof __AGENT_VAULT_SKILL_RULE_IDS__ !== 'undefined') return __AGENT_VAULT_SKILL_RULE_IDS__;
  const dir = rulesDir();
  return readdirSync(dir)
    .filter((f) => f.startsWith('skill-') && f.endsWith('.yaml'))
    .flatMap((f) => parseRulePack(`rules/${f}`, readFileSync(join(dir, f), 'utf8')).rules.map((r) => String((r as { id?: unknown }).id)));
}
