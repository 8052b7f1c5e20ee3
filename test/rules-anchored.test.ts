import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { anchoredFirstChar } from '../src/core/rules.js';

// Rules without keywords run on every text; a regex that can only match at the start of the
// text with a known first character (the key containers' magic bytes) is skipped at once on
// every other text. The first character must bind every match, or a secret would be missed.
describe('anchoredFirstChar', () => {
  it.each([
    ['^(\\xfe\\xed\\xfe\\xed\\x00[\\s\\S]{0,16})', 0xfe],
    ['^\\x30\\x82', 0x30],
    ['^(?:\\x30(?:\\x81|\\x82)[\\s\\S]{2})', 0x30],
    ['^(0x[0-9a-f]{8})', '0'.charCodeAt(0)],
  ] as const)('%s starts every match with char %i', (source, code) => {
    expect(anchoredFirstChar(source)).toBe(code);
  });

  it.each([
    ['(\\xfe\\xed)', 'not anchored'],
    ['^\\x30?\\x82', 'first character optional'],
    ['^\\x30*\\x82', 'first character repeated zero times'],
    ['^\\x30{0,2}\\x82', 'first character counted'],
    ['^\\x30\\x82|\\xfe\\xed', 'alternation at the top level'],
    ['^(\\x30\\x82|\\xfe\\xed)', 'alternation in the first group'],
    ['^[\\x30\\x31]', 'a class, not one character'],
    ['^(?=x)\\x30', 'a lookahead first'],
    ['^\\\\x30', 'an escaped backslash, not \\x30'],
    ['^a', 'a letter (flag i could change it)'],
  ] as const)('%s has no first character (%s)', (source, _why) => {
    expect(anchoredFirstChar(source)).toBeUndefined();
  });

  it('the built-in key-container rules get one, and no other built-in rule does', () => {
    const ruleset = buildRuleset(defaultConfig());
    const anchored = ruleset.rules.filter((r) => r.firstChar !== undefined);
    expect(anchored.map((r) => r.id).sort()).toEqual(ruleset.rules.filter((r) => r.tags.includes('binary')).map((r) => r.id).sort());
    for (const r of anchored) expect(r.regex.source.startsWith('^')).toBe(true);
  });
});
