import { parseLocatedYaml } from '../config/yaml.js';
import { skillFailure } from './codes.js';

/** What agent-vault understands of a SKILL.md. */
export interface SkillDefinition {
  /** Skill id: the frontmatter `name`. */
  name: string;
  description: string;
  /** `allowed-tools`, split into entries; empty when the field is absent. */
  allowedTools: string[];
  /** `version` or `metadata.version`, when given. */
  version: string | undefined;
  /** Every frontmatter field as parsed. */
  frontmatter: Record<string, unknown>;
  /** Problems that do not stop the skill from loading (reported as medium findings). */
  warnings: string[];
}

export const SKILL_FILE = 'SKILL.md';
/** Skill names as the agents that load them accept: lower-case letters, digits, hyphens. */
export const SKILL_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const MAX_DESCRIPTION = 1024;

/**
 * Parse and validate SKILL.md's frontmatter. Every problem is reported together, each with
 * its line, in one SKILL_INVALID failure.
 */
export function parseSkillMd(text: string, file = SKILL_FILE): SkillDefinition {
  const src = text.replace(/^\uFEFF/, '');
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(src);
  if (!m) {
    throw skillFailure('SKILL_INVALID', `${file}: no YAML frontmatter (the file must start with a line "---", the fields, and a closing "---")`, 'Add frontmatter with at least name and description.');
  }
  const located = parseLocatedYaml(m[1]!);
  if (located.syntaxErrors.length) {
    // +1: the opening --- line comes before the YAML text.
    throw skillFailure('SKILL_INVALID', located.syntaxErrors.map((e) => `${file}:${e.line + 1}: ${e.message}`).join('\n'), 'Fix the YAML syntax of the frontmatter.');
  }
  const value = located.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw skillFailure('SKILL_INVALID', `${file}: the frontmatter must be a YAML mapping`, 'Add name and description fields.');
  }
  const fm = value as Record<string, unknown>;
  const problems: string[] = [];
  const at = (key: string) => `${file}:${(located.lineOf([key]) ?? 0) + 1}`;
  const name = fm.name;
  if (name === undefined) problems.push(`${file}: frontmatter field "name" is required`);
  else if (typeof name !== 'string' || !name.trim() || name.length > 128 || /[\x00-\x1f\x7f]/.test(name)) problems.push(`${at('name')}: name must be text of 1-128 characters without control characters`);
  const description = fm.description;
  if (description === undefined) problems.push(`${file}: frontmatter field "description" is required`);
  else if (typeof description !== 'string' || !description.trim()) problems.push(`${at('description')}: description must be non-empty text`);
  // Agents truncate or reject long descriptions, and the description sits in every
  // session's context, so an over-long one is worth a look but is not malformed.
  const warnings: string[] = [];
  // Agents expect lower-case-hyphen names, but many published skills use "Title Case";
  // that is worth a look, not a reason to refuse the skill.
  if (typeof name === 'string' && name.trim() && !SKILL_NAME.test(name)) warnings.push('name is not 1-64 lower-case letters, digits and hyphens; some agents refuse such names'); // the value is not echoed: it could be anything, a secret included
  if (typeof description === 'string' && description.length > MAX_DESCRIPTION) warnings.push(`description is ${description.length} characters; the recommended limit is ${MAX_DESCRIPTION}`);
  let allowedTools: string[] = [];
  const tools = fm['allowed-tools'];
  if (tools !== undefined) {
    if (typeof tools === 'string') allowedTools = splitTools(tools);
    else if (Array.isArray(tools) && tools.every((t) => typeof t === 'string')) allowedTools = (tools as string[]).map((t) => t.trim()).filter(Boolean);
    else problems.push(`${at('allowed-tools')}: allowed-tools must be a comma-separated string or a list of strings`);
  }
  let version: string | undefined;
  const metadata = fm.metadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) problems.push(`${at('metadata')}: metadata must be a mapping`);
  const rawVersion = fm.version ?? (metadata as Record<string, unknown> | undefined)?.version;
  if (rawVersion !== undefined) {
    if (typeof rawVersion === 'string' || typeof rawVersion === 'number') version = String(rawVersion);
    else problems.push(`${at('version')}: version must be text`);
  }
  if (problems.length) throw skillFailure('SKILL_INVALID', problems.join('\n'), 'Fix the frontmatter fields named above.');
  return { name: name as string, description: description as string, allowedTools, version, frontmatter: fm, warnings };
}

/** Split `Bash(git add:*), Read Write` on commas and spaces outside parentheses. */
export function splitTools(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (ch === ',' || /\s/.test(ch))) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * The tools a signed scope does not cover: a scope entry covers the same entry, and a bare
 * tool name (`Bash`) covers every restriction of it (`Bash(git add:*)`); `*` covers all.
 */
export function toolsBeyondScope(requested: readonly string[], scope: readonly string[]): string[] {
  const allowed = new Set(scope);
  if (allowed.has('*')) return [];
  return requested.filter((t) => !allowed.has(t) && !allowed.has(t.replace(/\(.*$/s, '')));
}
