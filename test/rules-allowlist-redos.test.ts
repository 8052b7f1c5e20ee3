import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinRulePacks } from '../src/config/builtin-rules.js';

// Allowlist regexes run on every candidate secret, and a secret can be long (a bearer token,
// a dotted expression of 1 KB). An allowlist pattern whose alternatives overlap (a part of
// `config.db.password` fits several identifier shapes) backtracks exponentially on a long
// value that fails at its end unless each part is matched once. Each pattern must stay fast
// on such values; the bound is generous so that only super-linear blow-ups fail.

const VALUE_LENGTH = 1024;
const BOUND_MS = 250;

interface Pattern {
  where: string;
  source: string;
}

function allowlistPatterns(): Pattern[] {
  const seen = new Set<string>();
  const out: Pattern[] = [];
  const add = (where: string, list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const source of list) {
      if (typeof source !== 'string' || seen.has(source)) continue;
      seen.add(source);
      out.push({ where, source });
    }
  };
  for (const pack of builtinRulePacks()) {
    add(`${pack.file} (global)`, (pack.allowlist as { regexes?: unknown } | undefined)?.regexes);
    for (const rule of pack.rules as { id: string; allowlist?: { regexes?: unknown; lineRegexes?: unknown } }[]) {
      add(rule.id, rule.allowlist?.regexes);
      add(`${rule.id} (line)`, rule.allowlist?.lineRegexes);
    }
  }
  return out;
}

/** Identifier-ish units repeated to VALUE_LENGTH, ending in a character no pattern expects. */
const UNITS = ['a.', 'ab.', 'Ab.', 'aB.', 'A.', 'AB.', 'a1.', '$a.', 'a-', 'a_', 'A_', 'aA', 'abcDef', 'aBcD', 'AbcDef1.', 'x', '0', '/', 'a/'];
const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
// A short value first: an exponential pattern then fails in about a second instead of hanging
// the run on the long one (a regex blocks the thread, so a test timeout cannot stop it).
const LENGTHS = [56, VALUE_LENGTH];

function timeTest(re: RegExp, value: string): number {
  const start = performance.now();
  re.test(value);
  return performance.now() - start;
}

const patterns = allowlistPatterns();

describe('allowlist regexes stay fast on long values', () => {
  it('finds the allowlists to check', () => {
    expect(patterns.length).toBeGreaterThan(20);
  });

  it.each(patterns.map((p) => [p.where, p] as const))('%s: long repeated identifier-like values', (_where, p) => {
    const re = new RegExp(p.source);
    for (const length of LENGTHS) {
      for (const unit of UNITS) {
        for (const value of [fill(unit, length) + '!', fill(unit, length) + '.!', fill(unit, length)]) {
          const ms = timeTest(re, value);
          expect(ms, `${p.where} /${p.source.slice(0, 60)}.../ took ${ms.toFixed(0)} ms on "${unit}" x ${length}`).toBeLessThan(BOUND_MS);
        }
      }
    }
  });

  it('the member-access allowlist stays fast on random dotted values', () => {
    const memberAccess = patterns.filter((p) => p.source.includes('(?=\\.|$)'));
    expect(memberAccess.length).toBeGreaterThan(0);
    const part = fc.stringMatching(/^[A-Za-z0-9_$-]{1,6}$/);
    fc.assert(
      fc.property(fc.array(part, { minLength: 20, maxLength: 28 }), fc.constantFrom('', '!', '.', ' '), (parts, tail) => {
        const value = parts.join('.') + tail;
        for (const p of memberAccess) expect(timeTest(new RegExp(p.source), value)).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 200 },
    );
  });
});
