import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configError } from '../errors.js';
import type { Problem } from '../core/rules.js';
import { formatProblems, parseLocatedYaml } from './yaml.js';

/** One parsed rule pack file. */
export interface RulePackFile {
  file: string;
  /** Rule definitions as parsed, not yet compiled. */
  rules: unknown[];
  allowlist?: unknown;
}

// The bundle embeds the parsed packs at build time (scripts/build.mjs) so that a scan does
// not read and parse YAML on every start; from source they are read from rules/.
declare const __AGENT_VAULT_RULE_PACKS__: RulePackFile[] | undefined;

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
  if (typeof __AGENT_VAULT_RULE_PACKS__ !== 'undefined') return (cache = __AGENT_VAULT_RULE_PACKS__);
  cache = loadRulePacksFromDir(rulesDir());
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
