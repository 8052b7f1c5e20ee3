import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { builtinRulePacks } from '../src/config/builtin-rules.js';
import { scanText } from '../src/core/scan.js';
import type { CompiledRule } from '../src/core/types.js';
import { expandTemplate, randomFrom, rng } from './helpers/fake-secrets.js';

// Every built-in rule runs its regex over adversarial text built from its own keywords, the
// characters its secrets are made of, separators, quotes and escapes, and unterminated
// multi-line blocks. A regex with catastrophic backtracking takes seconds to hours on these
// inputs; a well-bounded one takes milliseconds. The bound is deliberately generous (1 s per
// 100 KB) so that a slow CI machine does not fail the test, while exponential or quadratic
// blow-ups still do.

const SIZE = 100_000;
const BOUND_MS_PER_100KB = 1000;

const ruleset = buildRuleset(defaultConfig(), builtinRulePacks());
const rules = ruleset.rules;
const exampleTemplates = new Map<string, string[]>();
for (const pack of builtinRulePacks()) {
  for (const r of pack.rules as { id: string; examples?: { tp?: string[] } }[]) exampleTemplates.set(r.id, r.examples?.tp ?? []);
}

/** Repeat `unit` until the text is `size` characters long. */
function fill(unit: string, size = SIZE): string {
  if (unit.length === 0) return '';
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const random = rng(0xdead);
const BASE64 = randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 4096, random);
const HEX = randomFrom('0123456789abcdef', 4096, random);
const ALNUM = randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 4096, random);

/** Characters that appear in secrets, separators, quoting and escaping. */
const FILLERS: Record<string, string> = {
  a: 'a',
  A: 'A',
  zero: '0',
  f: 'f',
  dash: '-',
  underscore: '_',
  equals: '=',
  space: ' ',
  newline: '\n',
  crlf: '\r\n',
  dot: '.',
  colon: ':',
  slash: '/',
  backslash: '\\',
  'escaped-newline': '\\n',
  base64: BASE64,
  hex: HEX,
  alnum: ALNUM,
  quotes: `"'\``,
  'escaped-quotes': '\\"\\\'',
  'nested-quotes': `"'"'"\\"`,
  'assignment-chain': 'a=b:c=>"d"',
  'userinfo-chain': 'a:b@c:d@',
  'dotted-base64url': 'eyJ' + ALNUM.slice(0, 30) + '.',
};

/** The adversarial inputs for one rule, each about SIZE characters. */
function adversarialInputs(rule: CompiledRule): [string, string][] {
  const inputs: [string, string][] = [];
  const keywords = rule.keywords.length ? rule.keywords : [''];
  for (const keyword of keywords.slice(0, 3)) {
    // The keyword as written in files is often upper-case or mixed (AKIA, NRAK-, PMAK-).
    for (const kw of new Set([keyword, keyword.toUpperCase()])) {
      for (const [name, unit] of Object.entries(FILLERS)) {
        inputs.push([`"${kw}" + 100 KB of ${name}`, kw + fill(unit, SIZE - kw.length)]);
      }
      // Many start positions: the keyword over and over with secret-like text in between.
      inputs.push([`"${kw}" repeated with base64`, fill(kw + BASE64.slice(0, 40))]);
      inputs.push([`"${kw}" repeated with separators`, fill(`${kw}="${ALNUM.slice(0, 20)}' `)]);
      inputs.push([`"${kw}" repeated back to back`, fill(kw)]);
    }
  }
  // A true positive from the rule's own examples, cut short and padded with its alphabet, so
  // the regex gets as far as it can before failing.
  for (const [i, template] of (exampleTemplates.get(rule.id) ?? []).slice(0, 2).entries()) {
    const sample = expandTemplate(template, rng(i + 1));
    const cut = sample.slice(0, Math.max(1, sample.length - 2));
    inputs.push([`example #${i} cut short + base64`, cut + fill(BASE64, SIZE - cut.length)]);
    inputs.push([`example #${i} cut short, repeated`, fill(cut + ' ')]);
  }
  return inputs;
}

/** Time the rule's regex over text the way scanText runs it (global, every match). */
function timeRegex(rule: CompiledRule, text: string): number {
  const re = new RegExp(rule.regex.source, rule.regex.flags);
  const start = performance.now();
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) re.lastIndex++;
  }
  return performance.now() - start;
}

const boundFor = (text: string) => (BOUND_MS_PER_100KB * Math.max(text.length, SIZE)) / SIZE;

describe('built-in rules resist catastrophic backtracking', () => {
  it('has rules to check', () => {
    expect(rules.length).toBeGreaterThan(100);
  });

  it.each(rules.map((r) => [r.id, r] as const))('rule %s finishes fast on adversarial input', (id, rule) => {
    for (const [name, text] of adversarialInputs(rule)) {
      // A pause of the machine (GC, another process) can stretch one run; catastrophic
      // backtracking stretches every run: over the bound, the best of three decides.
      let ms = timeRegex(rule, text);
      if (ms >= boundFor(text)) ms = Math.min(ms, timeRegex(rule, text), timeRegex(rule, text));
      expect(ms, `rule ${id} took ${ms.toFixed(0)} ms on ${name} (${text.length} chars)`).toBeLessThan(boundFor(text));
    }
  });

  it('rule private-key-* finish fast on unterminated BEGIN lines followed by 100 KB', () => {
    const heads = [
      '-----BEGIN RSA PRIVATE KEY-----\n',
      '-----BEGIN PRIVATE KEY-----\n',
      '-----BEGIN OPENSSH PRIVATE KEY-----\n',
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\n',
      '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n',
      'PuTTY-User-Key-File-3: ssh-rsa\nPrivate-Lines: 20\n',
    ];
    for (const head of heads) {
      const bodies: [string, string][] = [
        ['base64 lines', fill(BASE64.slice(0, 64) + '\n', SIZE)],
        ['the BEGIN line repeated', fill(head, SIZE)],
        ['dashes', fill('-', SIZE)],
        ['mismatched END lines', fill(BASE64.slice(0, 64) + '\n-----END DSA PRIVATE KEY-----\n', SIZE)],
      ];
      for (const [bodyName, body] of bodies) {
        const text = head + body;
        for (const rule of rules.filter((r) => r.tags.includes('private-key'))) {
          const ms = timeRegex(rule, text);
          expect(ms, `rule ${rule.id} took ${ms.toFixed(0)} ms on ${JSON.stringify(head.trim())} + ${bodyName}`).toBeLessThan(boundFor(text));
        }
      }
    }
  });

  it('the whole ruleset scans each adversarial text in bounded time', () => {
    const texts: [string, string][] = Object.entries(FILLERS).map(([name, unit]) => [name, fill(unit)]);
    texts.push(['every keyword once, then base64', rules.flatMap((r) => r.keywords).join(' ') + fill(BASE64)]);
    texts.push(['every keyword with an assignment', fill(rules.flatMap((r) => r.keywords.map((k) => `${k}="${ALNUM.slice(0, 24)}"\n`)).join(''))]);
    for (const [name, text] of texts) {
      const start = performance.now();
      scanText(text, { path: 'adversarial.txt' }, ruleset);
      const ms = performance.now() - start;
      // All rules together: allow 5x the per-rule bound.
      expect(ms, `the full ruleset took ${ms.toFixed(0)} ms on ${name}`).toBeLessThan(5 * boundFor(text));
    }
  });

  // Random mixtures of each rule's keywords with secret characters, separators and quotes.
  it('random keyword/separator mixtures stay fast for every rule', () => {
    const pieces = ['=', ':', '"', "'", '\\', ' ', '\n', '-', '_', '.', '/', '@', '{', '}', 'a', 'Z', '0', 'f', BASE64.slice(0, 16), ALNUM.slice(0, 16)];
    const keywordPool = [...new Set(rules.flatMap((r) => r.keywords))];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.constantFrom(...keywordPool)), { minLength: 1, maxLength: 40 }), (parts) => {
        const text = fill(parts.join(''), 20_000);
        for (const rule of rules) {
          const ms = timeRegex(rule, text);
          if (ms >= boundFor(text) / 5) throw new Error(`rule ${rule.id} took ${ms.toFixed(0)} ms on ${JSON.stringify(parts.join('').slice(0, 200))} repeated to 20 KB`);
        }
      }),
      { numRuns: 15, seed: 0x5eed },
    );
  });
});
