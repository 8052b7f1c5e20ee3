import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/config.js';
import { compileRule, type Problem } from '../src/core/rules.js';
import { buildSkillRules, scanThreatText, skillRulePacks } from '../src/skill/threats.js';
import { builtinRulePacks } from '../src/config/builtin-rules.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

const packs = skillRulePacks();
const rules = buildSkillRules(defaultConfig(), packs);
const defs = packs.flatMap((p) => p.rules.map((r) => ({ file: p.file, def: r as { id: string; examples?: { tp?: string[]; fp?: string[] } } })));
const threatsOnly = (text: string) => scanThreatText(text, 'SKILL.md', rules);

describe('skill threat rule packs', () => {
  it('compile without problems, with unique ids that do not clash with secret rules', () => {
    const problems: Problem[] = [];
    for (const { def } of defs) compileRule(def, [def.id], problems);
    expect(problems).toEqual([]);
    const ids = defs.map((d) => d.def.id);
    expect(new Set(ids).size).toBe(ids.length);
    const secretIds = new Set(builtinRulePacks().flatMap((p) => p.rules.map((r) => (r as { id: string }).id)));
    expect(ids.filter((id) => secretIds.has(id))).toEqual([]);
    expect(ids.every((id) => id.startsWith('skill-'))).toBe(true);
  });

  it('are not loaded by the secret scanner', () => {
    const secretFiles = builtinRulePacks().map((p) => p.file);
    expect(secretFiles.some((f) => f.includes('skill-'))).toBe(false);
    expect(packs.length).toBeGreaterThanOrEqual(6);
  });

  it('every rule carries true- and false-positive examples', () => {
    expect(defs.filter(({ def }) => !def.examples?.tp?.length || !def.examples?.fp?.length).map((d) => d.def.id)).toEqual([]);
  });
});

// Table-driven: each threat rule flags its own true positives and stays quiet on its false
// positives, with every other threat rule running too.
describe.each(defs.map(({ file, def }) => [def.id, file, def] as const))('threat rule %s (%s)', (id, _file, def) => {
  it.each((def.examples?.tp ?? []).map((t, i) => [i, t] as const))('flags true positive #%i', (i, template) => {
    const text = expandTemplate(template, rng(i + 1));
    expect(threatsOnly(text).map((f) => f.ruleId), `example: ${JSON.stringify(template)}`).toContain(id);
  });
  it.each((def.examples?.fp ?? []).map((t, i) => [i, t] as const))('ignores false positive #%i', (i, template) => {
    const text = expandTemplate(template, rng(i + 101));
    expect(threatsOnly(text).map((f) => f.ruleId), `example: ${JSON.stringify(template)}`).not.toContain(id);
  });
});
