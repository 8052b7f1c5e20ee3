// The skill threat packs ship as rule tables derived at build time (scripts/build.mjs embeds the
// text of dist/skill-rule-tables.json in both bundles). These tests prove that artefact equal to
// what rules/skill-*.yaml derives, and the rules made from it equal to compiling the packs, so a
// skill scan from the tables runs exactly the rules the packs define.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RulePackFile } from '../src/config/builtin-rules.js';
import { compileRule, ruleFromTable, type Problem, type RuleTable } from '../src/core/rules.js';
import { threatTablesOf } from '../src/skill/threat-tables.js';
import { buildSkillRules, skillRulePacks } from '../src/skill/threats.js';
import { defaultConfig } from '../src/config/config.js';
import { ruleShape as shape } from './helpers/rule-shape.js';
import { REPO } from './helpers/sandbox.js';

const packs = skillRulePacks(join(REPO, 'rules'));
const embedded = JSON.parse(readFileSync(join(REPO, 'dist', 'skill-rule-tables.json'), 'utf8')) as RuleTable[];

describe('the embedded skill threat tables (dist/skill-rule-tables.json)', () => {
  it('are the tables rules/skill-*.yaml derives now (a stale or differently derived artefact fails here)', () => {
    expect(embedded).toEqual(JSON.parse(JSON.stringify(threatTablesOf(packs))));
  });

  it('make every threat rule exactly as compiling its definition from rules/skill-*.yaml does', () => {
    const problems: Problem[] = [];
    const fromYaml = packs.flatMap((p) => p.rules.map((raw, i) => compileRule({ secretGroup: 0, ...(raw as object) }, [p.file, i], problems, 'threat')!));
    expect(problems).toEqual([]);
    const fromTables = embedded.map((t) => ruleFromTable(t));
    expect(fromTables.map((r) => r.id)).toEqual(fromYaml.map((r) => r.id));
    expect(fromYaml.length).toBeGreaterThan(60);
    for (let i = 0; i < fromYaml.length; i++) expect(shape(fromTables[i]!), fromYaml[i]!.id).toEqual(shape(fromYaml[i]!));
  });

  it('give the same rules and digest as building from the packs', () => {
    const fromTables = buildSkillRules(defaultConfig());
    const fromPacks = buildSkillRules(defaultConfig(), packs);
    expect(fromTables.threats.rules.map(shape)).toEqual(fromPacks.threats.rules.map(shape));
    expect(fromTables.digest).toBe(fromPacks.digest);
  });

  it('differ from what a changed pack derives, so the comparison above can fail', () => {
    const changed = structuredClone(packs) as RulePackFile[];
    const rule = changed.flatMap((p) => p.rules).find((r) => typeof (r as { regex?: unknown }).regex === 'string') as { regex: string };
    rule.regex = `${rule.regex}(?:x)?`;
    expect(embedded).not.toEqual(JSON.parse(JSON.stringify(threatTablesOf(changed))));
  });

  it('a damaged pack is refused with the file and rule named', () => {
    const damaged: RulePackFile[] = [{ file: 'rules/skill-x.yaml', rules: [{ id: 'skill-x', description: 'x', regex: '(x', keywords: [], severity: 'high' }] }];
    expect(() => threatTablesOf(damaged)).toThrow(/rules\/skill-x\.yaml: rules\.0\.regex: invalid regular expression/);
    expect(() => buildSkillRules(defaultConfig(), damaged)).toThrow(/rules\/skill-x\.yaml: rules\.0\.regex/);
  });
});
