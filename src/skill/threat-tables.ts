import type { RulePackFile } from '../config/builtin-rules.js';
import { ruleTable, type Problem, type RuleTable } from '../core/rules.js';
import { configError } from '../errors.js';

/**
 * The threat rules of skill rule packs as rule tables (core/rules.ts RuleTable), in pack order:
 * each rule validated and its regex checked, as compiling it does; a damaged pack throws. The
 * build derives the built-in packs' tables once (scripts/build.mjs), so a skill command makes its
 * rules from them without validating 69 rules and parsing their patterns at every start;
 * test/skill-rule-tables.test.ts holds the shipped tables to what rules/skill-*.yaml derives.
 */
export function threatTablesOf(packs: RulePackFile[]): RuleTable[] {
  const problems: string[] = [];
  const tables: RuleTable[] = [];
  for (const pack of packs) {
    const p: Problem[] = [];
    pack.rules.forEach((raw, i) => {
      // A threat is the whole match: groups in a threat regex are for structure only, and an
      // alternative that does not set group 1 must still report.
      const def = raw && typeof raw === 'object' && !Array.isArray(raw) ? { secretGroup: 0, ...(raw as object) } : raw;
      const table = ruleTable(def, ['rules', i], p, 'threat', true);
      if (table) tables.push(table);
    });
    problems.push(...p.map((x) => `${pack.file}: ${x.where.join('.')}: ${x.message}`));
  }
  if (problems.length) throw configError(problems.join('\n'), 'The skill threat rule pack is damaged; reinstall agent-vault.');
  return tables;
}
