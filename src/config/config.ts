import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { configError } from '../errors.js';
import { allowlistFromTable, compileAllowlist, compileRule, digestRules, ruleFromTable, Ruleset, type Problem } from '../core/rules.js';
import type { CompiledAllowlist, CompiledRule } from '../core/types.js';
import { SKILL_CHECK_IDS } from '../core/skill-checks.js';
import { builtinRuleIds, builtinRulePacks, builtinSkillRuleIds, builtinRuleTables, ruleTablesOf, type RulePackFile } from './builtin-rules.js';
import { readPolicy } from './policy.js';
import { readProviders, type ProvidersConfig } from './providers.js';
import { readSkillPolicy } from './skills.js';
import { formatProblems, parseLocatedYaml } from './yaml.js';

/** Where configuration is looked for, in order. `--help` prints this list, so keep it the source of truth. */
export const CONFIG_DISCOVERY = [
  '--config PATH',
  'AGENT_VAULT_CONFIG environment variable',
  '.agent-vault.yaml or .agent-vault.yml at the repository root',
  'built-in defaults',
] as const;

export const CONFIG_NAMES = ['.agent-vault.yaml', '.agent-vault.yml'];

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export interface AgentVaultConfig {
  /** The file it came from as the user would name it (relative to the working folder), if any. */
  file: string | undefined;
  useBuiltinRules: boolean;
  disabledRules: string[];
  customRules: unknown[];
  allowlist: unknown;
  maxFileSize: number;
  /** Decode base64, hex and percent-encoded segments and scan what they hold (default true). */
  decode: boolean;
  /** Globs of paths whose content must go through the clean filter (git gate). */
  protected: string[];
  /** Raw `skills:` section; validated by the skill module. */
  skills: Record<string, unknown> | undefined;
  /** Raw `policy:` section; validated by the gates that use it. */
  policy: Record<string, unknown> | undefined;
  /**
   * A baseline file (`scan --write-baseline`) whose findings every gate accepts, relative to
   * the folder of the configuration file (the repository root for .agent-vault.yaml).
   */
  baseline: string | undefined;
  /** `providers:` and `keys:`: secret providers and the keys they hand in (providers.ts). */
  providers: ProvidersConfig;
}

const TOP_KEYS = new Set(['version', 'rules', 'allowlist', 'maxFileSize', 'decode', 'protected', 'skills', 'policy', 'baseline', 'providers', 'keys']);

/** A size such as 10MB, 512KB or a number of bytes; undefined when it is not one. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.floor(value);
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

export function defaultConfig(): AgentVaultConfig {
  return {
    file: undefined,
    useBuiltinRules: true,
    disabledRules: [],
    customRules: [],
    allowlist: undefined,
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    decode: true,
    protected: [],
    skills: undefined,
    policy: undefined,
    baseline: undefined,
    providers: { providers: {}, keys: [] },
  };
}

/** Parse and validate a config file's text; every problem is reported together with its line. */
export function parseConfig(text: string, file: string): AgentVaultConfig {
  const located = parseLocatedYaml(text);
  if (located.syntaxErrors.length) {
    throw configError(
      located.syntaxErrors.map((e) => `${file}:${e.line}: ${e.message}`).join('\n'),
      'Fix the YAML syntax in the configuration file.',
    );
  }
  const config = defaultConfig();
  config.file = file;
  const raw = located.value ?? {};
  const problems: Problem[] = [];
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError(`${file}: the configuration must be a YAML mapping`);
  }
  const v = raw as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!TOP_KEYS.has(k)) problems.push({ where: [k], message: `unknown key (expected one of ${[...TOP_KEYS].join(', ')})` });
  if (v.version !== undefined && v.version !== 1) problems.push({ where: ['version'], message: 'version must be 1' });

  if (v.rules !== undefined) {
    if (typeof v.rules !== 'object' || v.rules === null || Array.isArray(v.rules)) {
      problems.push({ where: ['rules'], message: 'rules must be a mapping with useBuiltin, disable and add' });
    } else {
      const r = v.rules as Record<string, unknown>;
      for (const k of Object.keys(r)) if (!['useBuiltin', 'disable', 'add'].includes(k)) problems.push({ where: ['rules', k], message: "unknown key (expected useBuiltin, disable, add)" });
      if (r.useBuiltin !== undefined) {
        if (typeof r.useBuiltin !== 'boolean') problems.push({ where: ['rules', 'useBuiltin'], message: 'must be true or false' });
        else config.useBuiltinRules = r.useBuiltin;
      }
      if (r.disable !== undefined) {
        if (!Array.isArray(r.disable) || r.disable.some((x) => typeof x !== 'string')) problems.push({ where: ['rules', 'disable'], message: 'must be a list of rule ids' });
        else config.disabledRules = r.disable as string[];
      }
      if (r.add !== undefined) {
        if (!Array.isArray(r.add)) problems.push({ where: ['rules', 'add'], message: 'must be a list of rules' });
        else {
          config.customRules = r.add;
          r.add.forEach((rule, i) => compileRule(rule, ['rules', 'add', i], problems, 'secret', false, 'linear'));
        }
      }
    }
  }
  if (v.allowlist !== undefined) {
    compileAllowlist(v.allowlist, ['allowlist'], problems, 'linear');
    config.allowlist = v.allowlist;
  }
  if (v.maxFileSize !== undefined) {
    const size = parseSize(v.maxFileSize);
    if (size === undefined) problems.push({ where: ['maxFileSize'], message: 'must be a size such as 10MB, 512KB or a number of bytes' });
    else config.maxFileSize = size;
  }
  if (v.decode !== undefined) {
    if (typeof v.decode !== 'boolean') problems.push({ where: ['decode'], message: 'must be true or false' });
    else config.decode = v.decode;
  }
  if (v.protected !== undefined) {
    if (!Array.isArray(v.protected) || v.protected.some((x) => typeof x !== 'string' || !x)) problems.push({ where: ['protected'], message: 'must be a list of path globs' });
    else config.protected = v.protected as string[];
  }
  if (v.baseline !== undefined) {
    if (typeof v.baseline !== 'string' || !v.baseline.trim() || v.baseline.startsWith('/') || v.baseline.split(/[\\/]/).includes('..')) {
      problems.push({ where: ['baseline'], message: 'must be the path of a baseline file inside the repository (written by scan --write-baseline)' });
    } else config.baseline = v.baseline;
  }
  for (const section of ['skills', 'policy'] as const) {
    if (v[section] !== undefined) {
      if (typeof v[section] !== 'object' || v[section] === null || Array.isArray(v[section])) problems.push({ where: [section], message: 'must be a mapping' });
      else config[section] = v[section] as Record<string, unknown>;
    }
  }
  // Every section is checked here, once, whatever command loads the file: a gate that never
  // reads a section must not let its mistakes through.
  if (config.policy) readPolicy(config.policy, problems);
  if (config.skills) readSkillPolicy(config.skills, problems);
  config.providers = readProviders(v.providers, v.keys, problems);
  unknownDisabledRules(config, problems);
  if (config.skills) unknownSuppressedRules(config, v.skills, problems);
  if (problems.length) {
    throw configError(formatProblems(file, located, problems), `Fix the configuration (${problems.length} problem${problems.length === 1 ? '' : 's'} above).`);
  }
  return config;
}

/** The ids of the secret rules a configuration runs: the built-in ones when used, and those it adds. */
function secretRuleIds(config: AgentVaultConfig): Set<string> {
  const known = new Set<string>();
  if (config.useBuiltinRules) for (const id of builtinRuleIds()) known.add(id);
  for (const r of config.customRules) {
    const id = r && typeof r === 'object' ? (r as { id?: unknown }).id : undefined;
    if (typeof id === 'string') known.add(id);
  }
  return known;
}

/** Ids in rules.disable that name no rule (built-in, when used, or added here), each at its own line. */
function unknownDisabledRules(config: AgentVaultConfig, problems: Problem[]): void {
  if (!config.disabledRules.length) return;
  const known = secretRuleIds(config);
  config.disabledRules.forEach((id, i) => {
    if (!known.has(id)) problems.push({ where: ['rules', 'disable', i], message: `unknown rule id "${id}"` });
  });
}

/**
 * Rule ids in skills.suppressions that no skill scan can report (a typo would suppress nothing
 * and say nothing): a skill finding's id is a threat rule's, a check's done in code, or a secret
 * rule's (built-in, when used, or added here).
 */
function unknownSuppressedRules(config: AgentVaultConfig, skills: unknown, problems: Problem[]): void {
  const list = skills && typeof skills === 'object' ? (skills as { suppressions?: unknown }).suppressions : undefined;
  if (!Array.isArray(list) || !list.length) return;
  const known = secretRuleIds(config);
  for (const id of [...builtinSkillRuleIds(), ...SKILL_CHECK_IDS]) known.add(id);
  list.forEach((s: unknown, i: number) => {
    const rule = s && typeof s === 'object' ? (s as { rule?: unknown }).rule : undefined;
    if (typeof rule === 'string' && rule.trim() && !known.has(rule)) problems.push({ where: ['skills', 'suppressions', i, 'rule'], message: `unknown rule id "${rule}" (use the id skill scan prints for the finding)` });
  });
}

/** Find and load the configuration following CONFIG_DISCOVERY. */
export function loadConfig(opts: { explicit?: string; env?: string; repoRoot?: string; cwd: string }): AgentVaultConfig {
  const explicit = opts.explicit ?? opts.env;
  if (explicit) {
    const file = resolve(opts.cwd, explicit);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw configError(`cannot read configuration ${explicit}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Check the path given with --config or AGENT_VAULT_CONFIG.');
    }
    return parseConfig(text, explicit);
  }
  for (const dir of [opts.repoRoot, opts.cwd]) {
    if (!dir) continue;
    for (const name of CONFIG_NAMES) {
      const file = join(dir, name);
      if (existsSync(file)) return parseConfig(readFileSync(file, 'utf8'), relative(opts.cwd, file) || name);
    }
  }
  return defaultConfig();
}

/**
 * The configuration the agent's view of a file (read, and write resolving its markers) is
 * built with. The agent can write the configuration it reads with (`--config`, the
 * repository's .agent-vault.yaml, AGENT_VAULT_CONFIG), so configuration may add rules to the
 * view, never narrow it: the built-in rules always run (`rules.useBuiltin` and
 * `rules.disable` are ignored), no allowlist applies (global, or an added rule's own), and an
 * added rule with a built-in rule's id runs beside it instead of replacing it. Baselines and
 * inline allow comments are not applied to the view either (agents/view.ts). `scan` and the
 * gates keep the configuration as written.
 */
export function agentViewConfig(config: AgentVaultConfig): AgentVaultConfig {
  const builtinIds = new Set<unknown>(builtinRuleIds());
  const customRules = config.customRules.map((raw) => {
    if (typeof raw !== 'object' || raw === null) return raw;
    const { allowlist: _ignored, ...rule } = raw as Record<string, unknown>;
    return typeof rule.id === 'string' && builtinIds.has(rule.id) ? { ...rule, id: `${rule.id}-added` } : rule;
  });
  return { ...config, useBuiltinRules: true, disabledRules: [], allowlist: undefined, customRules };
}

/** Compile the effective ruleset: built-in packs (unless disabled) plus the config's rules. */
export function buildRuleset(config: AgentVaultConfig, packs?: RulePackFile[]): Ruleset {
  const byId = new Map<string, CompiledRule>();
  const globalLists: CompiledAllowlist[] = [];
  if (config.useBuiltinRules) {
    // The built-in tables were derived at build time; packs given here are derived now.
    for (const pack of packs ? ruleTablesOf(packs) : builtinRuleTables()) {
      for (const t of pack.rules) byId.set(t.id, ruleFromTable(t));
      if (pack.allowlist) globalLists.push(allowlistFromTable(pack.allowlist));
    }
  }
  const customDefs: unknown[] = [];
  const cp: Problem[] = [];
  config.customRules.forEach((raw, i) => {
    const rule = compileRule(raw, ['rules', 'add', i], cp, 'secret', false, 'linear');
    if (rule) {
      byId.delete(rule.id); // a custom rule with a built-in id replaces it
      byId.set(rule.id, rule);
      customDefs.push(raw);
    }
  });
  for (const id of config.disabledRules) {
    if (!byId.delete(id)) cp.push({ where: ['rules', 'disable'], message: `unknown rule id "${id}"` });
  }
  if (config.allowlist !== undefined) globalLists.push(compileAllowlist(config.allowlist, ['allowlist'], cp, 'linear'));
  if (cp.length) throw configError(cp.map((x) => `${config.file ?? 'config'}: ${x.where.join('.')}: ${x.message}`).join('\n'));
  const merged = mergeAllowlists(globalLists);
  // The digest (over the definitions as written) costs ~15 ms and only skill attestations read
  // it: computed on first use, when the packs' definitions are parsed too.
  const builtinDefs = () => (config.useBuiltinRules ? (packs ?? builtinRulePacks()).flatMap((p) => p.rules) : []);
  return new Ruleset([...byId.values()], merged, () => digestRules([...builtinDefs(), ...customDefs]));
}

function mergeAllowlists(lists: CompiledAllowlist[]): CompiledAllowlist {
  const paths = lists.flatMap((l) => l.paths);
  const matchers = lists.map((l) => l.pathMatcher).filter((m): m is (p: string) => boolean => !!m);
  return {
    regexes: lists.flatMap((l) => l.regexes),
    lineRegexes: lists.flatMap((l) => l.lineRegexes),
    stopwords: lists.flatMap((l) => l.stopwords),
    paths,
    pathMatcher: matchers.length ? (p: string) => matchers.some((m) => m(p)) : undefined,
  };
}
