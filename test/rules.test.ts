import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { builtinRulePacks } from '../src/config/builtin-rules.js';
import { scanText } from '../src/core/scan.js';
import { compileRule, type Problem } from '../src/core/rules.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

const packs = builtinRulePacks();
const ruleset = buildRuleset(defaultConfig(), packs);
const defs = packs.flatMap((p) => p.rules.map((r) => ({ file: p.file, def: r as { id: string; examples?: { tp?: string[]; fp?: string[] } } })));

describe('built-in rule packs', () => {
  it('compile without problems and have unique ids', () => {
    const problems: Problem[] = [];
    for (const { def } of defs) compileRule(def, [def.id], problems);
    expect(problems).toEqual([]);
    const ids = defs.map((d) => d.def.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every rule carries true- and false-positive examples', () => {
    const missing = defs.filter(({ def }) => !def.examples?.tp?.length || !def.examples?.fp?.length).map((d) => d.def.id);
    expect(missing).toEqual([]);
  });
});

// One table-driven test: each rule finds its own true positives and stays quiet on its
// false positives (with every other rule also running, as in real scans).
describe.each(defs.map(({ file, def }) => [def.id, file, def] as const))('rule %s (%s)', (id, _file, def) => {
  it.each((def.examples?.tp ?? []).map((t, i) => [i, t] as const))('finds true positive #%i', (i, template) => {
    const text = expandTemplate(template, rng(i + 1));
    const findings = scanText(text, { path: 'example.txt' }, ruleset);
    expect(findings.map((f) => f.ruleId), `example: ${template}`).toContain(id);
  });
  it.each((def.examples?.fp ?? []).map((t, i) => [i, t] as const))('ignores false positive #%i', (i, template) => {
    const text = expandTemplate(template, rng(i + 101));
    const findings = scanText(text, { path: 'example.txt' }, ruleset);
    expect(findings.map((f) => f.ruleId), `example: ${template}`).not.toContain(id);
  });
});
