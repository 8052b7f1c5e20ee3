/** Compiled rules as plain data, for tests that hold a build-time table to its YAML source. */
import type { CompiledAllowlist, CompiledRule } from '../../src/core/types.js';

const source = (r: RegExp) => ({ source: r.source, flags: r.flags });

export const allowlistShape = (a: CompiledAllowlist) => ({
  regexes: a.regexes.map(source),
  lineRegexes: a.lineRegexes.map(source),
  stopwords: a.stopwords,
  paths: a.paths,
  pathMatcher: a.pathMatcher ? 'set' : undefined,
});

/** Every field of a compiled rule, its RegExps as the source and flags they were made from. */
export const ruleShape = (r: CompiledRule) => ({
  id: r.id,
  description: r.description,
  regex: source(r.regex),
  secretGroup: r.secretGroup,
  firstChar: r.firstChar,
  valueFirst: r.valueFirst && { names: source(r.valueFirst.names), forms: r.valueFirst.forms.map((f) => ({ form: f.form, regex: source(f.regex) })) },
  keywords: r.keywords,
  entropy: r.entropy,
  severity: r.severity,
  tags: r.tags,
  allowlist: allowlistShape(r.allowlist),
});
