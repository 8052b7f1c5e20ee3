import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinRulePacks } from '../src/config/builtin-rules.js';
import { describeGrowth, regexGrowth } from './helpers/regex-growth.js';

// Allowlist regexes run on every candidate secret, and a secret can be long (a bearer token,
// a dotted expression of 1 KB). An allowlist pattern whose alternatives overlap (a part of
// `config.db.password` fits several identifier shapes) backtracks exponentially on a long
// value that fails at its end unless each part is matched once. Each pattern's time must grow
// at most like a small polynomial of the value's length, up to 1 KB (see regex-growth.ts: the
// measure compares the regex with itself, so a GC pause or a busy machine cannot fail it).

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

/** Identifier-ish units repeated to a length, ending in a character no pattern expects. */
const UNITS = ['a.', 'ab.', 'Ab.', 'aB.', 'A.', 'AB.', 'a1.', '$a.', 'a-', 'a_', 'A_', 'aA', 'abcDef', 'aBcD', 'AbcDef1.', 'x', '0', '/', 'a/'];
const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
const SHAPES: [string, (unit: string) => (n: number) => string][] = [
  ['then "!"', (unit) => (n) => fill(unit, n) + '!'],
  ['then ".!"', (unit) => (n) => fill(unit, n) + '.!'],
  ['alone', (unit) => (n) => fill(unit, n)],
];

const patterns = allowlistPatterns();

describe('allowlist regexes stay fast on long values', () => {
  it('finds the allowlists to check', () => {
    expect(patterns.length).toBeGreaterThan(20);
  });

  it.each(patterns.map((p) => [p.where, p] as const))('%s: long repeated identifier-like values', (_where, p) => {
    const re = new RegExp(p.source);
    for (const unit of UNITS) {
      for (const [shape, valueOf] of SHAPES) {
        const g = regexGrowth(re, valueOf(unit));
        expect(g.ok, `${p.where} /${p.source.slice(0, 60)}.../ on "${unit}" repeated, ${shape}: ${describeGrowth(g)}`).toBe(true);
      }
    }
  });

  it('the member-access allowlist stays fast on random dotted values', () => {
    const memberAccess = patterns.filter((p) => p.source.includes('(?=\\.|$)'));
    expect(memberAccess.length).toBeGreaterThan(0);
    const part = fc.stringMatching(/^[A-Za-z0-9_$-]{1,6}$/);
    fc.assert(
      fc.property(fc.array(part, { minLength: 20, maxLength: 28 }), fc.constantFrom('', '!', '.', ' '), (parts, tail) => {
        const dotted = parts.join('.');
        for (const p of memberAccess) {
          const g = regexGrowth(new RegExp(p.source), (n) => fill(dotted + '.', n).replace(/\.$/, '') + tail);
          expect(g.ok, describeGrowth(g)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('the growth measure', () => {
  // The measure must catch what it is there for, on its own inputs: if it did not, every
  // test above would pass whatever the patterns.
  it('catches a catastrophic pattern, (a+)+$, on a run of a then a mismatch', () => {
    const g = regexGrowth(/(a+)+$/, (n) => 'a'.repeat(n) + '!');
    expect(g.ok, describeGrowth(g)).toBe(false);
    expect(g.ratio).toBeGreaterThan(g.bound);
  });

  it('catches overlapping alternatives of the kind an allowlist can hold, on a dotted value that fails at its end', () => {
    const g = regexGrowth(/^(?:[a-z]+|[a-z]+\.|\.[a-z]+)+$/, (n) => fill('ab.', n) + '!');
    expect(g.ok, describeGrowth(g)).toBe(false);
  });

  it('is not failed by a pause in one call, longer than any per-call bound would allow', () => {
    // A GC pause, or the process descheduled on a busy machine: 300 ms once, on the longest value.
    let paused = false;
    const re = /a+b/;
    const pausing = {
      test(value: string) {
        if (!paused && value.length >= 1024) {
          paused = true;
          const until = performance.now() + 300;
          while (performance.now() < until);
        }
        return re.test(value);
      },
    };
    const g = regexGrowth(pausing, (n) => 'a'.repeat(n));
    expect(paused).toBe(true);
    expect(g.ok, describeGrowth(g)).toBe(true);
  });

  it('passes linear and quadratic patterns (an unanchored search that rescans from every start), and catches cubic ones', () => {
    expect(regexGrowth(/^[a-z.]+$/, (n) => fill('ab.', n) + '!').ok).toBe(true);
    const quadratic = regexGrowth(/a+b/, (n) => 'a'.repeat(n));
    expect(quadratic.ok, describeGrowth(quadratic)).toBe(true);
    const cubic = regexGrowth(/^a*a*a*b/, (n) => 'a'.repeat(n));
    expect(cubic.ok, describeGrowth(cubic)).toBe(false);
  });
});
