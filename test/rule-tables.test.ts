// The built-in rules ship as rule tables derived at build time (scripts/build.mjs writes the
// text it embeds in the bundles to dist/rule-tables.json). These tests prove that artefact
// equal to what rules/*.yaml compiles to, field by field, so a start that makes its rules from
// the tables runs exactly the rules the packs define.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulePacksFromDir, packRuleTables, ruleTablesOf, rulesDir, unpackRuleTables, type PackedRuleTables, type RulePackFile } from '../src/config/builtin-rules.js';
import { allowlistFromTable, compileAllowlist, compileRule, ruleFromTable, type Problem } from '../src/core/rules.js';
import { allowlistShape, ruleShape as shape } from './helpers/rule-shape.js';
import { REPO } from './helpers/sandbox.js';

const packs = loadRulePacksFromDir(rulesDir());
const embedded = JSON.parse(readFileSync(join(REPO, 'dist', 'rule-tables.json'), 'utf8')) as PackedRuleTables;
const tables = unpackRuleTables(embedded);

describe('the embedded rule tables (dist/rule-tables.json)', () => {
  it('are the tables rules/*.yaml derives now (a stale or differently derived artefact fails here)', () => {
    expect(embedded).toEqual(JSON.parse(JSON.stringify(packRuleTables(ruleTablesOf(packs, true)))));
  });

  it('make every rule exactly as compiling its definition from rules/*.yaml does', () => {
    const problems: Problem[] = [];
    const fromYaml = packs.flatMap((p) => p.rules.map((raw, i) => compileRule(raw, [p.file, i], problems)!));
    expect(problems).toEqual([]);
    const fromTables = tables.flatMap((p) => p.rules.map((t) => ruleFromTable(t)));
    expect(fromTables.map((r) => r.id)).toEqual(fromYaml.map((r) => r.id));
    expect(fromYaml.length).toBeGreaterThan(400);
    for (let i = 0; i < fromYaml.length; i++) expect(shape(fromTables[i]!), fromYaml[i]!.id).toEqual(shape(fromYaml[i]!));
  });

  it('carry each pack file and its global allowlist as the pack defines it', () => {
    expect(tables.map((t) => t.file)).toEqual(packs.map((p) => p.file));
    for (const [i, pack] of packs.entries()) {
      const t = tables[i]!;
      if (pack.allowlist === undefined) expect(t.allowlist).toBeUndefined();
      else expect(allowlistShape(allowlistFromTable(t.allowlist!))).toEqual(allowlistShape(compileAllowlist(pack.allowlist, [pack.file], [])));
    }
  });

  it('write each distinct stopword list once and unpack to the same tables', () => {
    expect(embedded.stopwords.length).toBeLessThan(tables.reduce((n, p) => n + p.rules.length, 0) / 4);
    expect(unpackRuleTables(JSON.parse(JSON.stringify(packRuleTables(tables))) as PackedRuleTables)).toEqual(tables);
  });

  it('differ from what a changed rule pack derives, so the comparison above can fail', () => {
    const changed = structuredClone(packs) as RulePackFile[];
    const rule = changed.flatMap((p) => p.rules).find((r) => typeof (r as { regex?: unknown }).regex === 'string') as { regex: string };
    rule.regex = `${rule.regex}(?:x)?`;
    expect(embedded).not.toEqual(JSON.parse(JSON.stringify(packRuleTables(ruleTablesOf(changed)))));
  });

  it('a damaged pack is refused with the file and rule named, as at start-up before', () => {
    const damaged: RulePackFile[] = [{ file: 'rules/x.yaml', rules: [{ id: 'x-key', description: 'x', regex: '(x', keywords: ['x'], severity: 'high' }] }];
    expect(() => ruleTablesOf(damaged, true)).toThrow(/rules\/x\.yaml: rules\.0\.regex: invalid regular expression/);
    const dup = { id: 'x-key', description: 'x', regex: 'x', keywords: ['x'], severity: 'high' };
    expect(() => ruleTablesOf([{ file: 'rules/y.yaml', rules: [dup, dup] }])).toThrow(/duplicate rule id "x-key"/);
  });
});
