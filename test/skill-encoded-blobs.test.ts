import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodedBlobs } from '../src/skill/threats.js';

// The regexes the walk replaced; they overflowed V8's backtracking stack on long runs.
const BASE64_BLOB = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])/g;
const HEX_BLOB = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){24,}(?![0-9A-Fa-f])|(?:\\x[0-9A-Fa-f]{2}){16,}/g;
const key = (m: { 0: string; index?: number }) => `${m.index}:${m[0]}`;

describe('encoded blobs in skill text', () => {
  it('are found where the old regexes found them, for generated texts', () => {
    const piece = fc.oneof(
      fc.constantFrom('a', 'F', '0', '9', '+', '/', '=', '_', '-', ' ', '\n', '\\x4f', 'g', 'x', '0x'),
      fc.stringMatching(/^[0-9a-f]{40,60}$/),
      fc.stringMatching(/^[A-Za-z0-9+/]{36,50}={0,3}$/),
      fc.stringMatching(/^(?:\\x[0-9A-F]{2}){14,18}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), (text) => {
        const expected = [...text.matchAll(BASE64_BLOB), ...text.matchAll(HEX_BLOB)].map(key).sort();
        expect([...encodedBlobs(text)].map(key).sort()).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('survive a run of ten million base64 characters (the regex threw "Maximum call stack size exceeded")', () => {
    const text = 'g'.repeat(10_000_000);
    expect(() => [...text.matchAll(BASE64_BLOB)]).toThrow(RangeError);
    expect([...encodedBlobs(text)].map((m) => [m.index, m[0].length])).toEqual([[0, 10_000_000]]);
  });
});
