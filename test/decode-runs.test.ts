import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alphabetRuns, findEncodedSegments, MIN_RUN } from '../src/core/decode.js';
import { KeywordAutomaton } from '../src/core/keywords.js';

// The decoder looks for encoded text in runs of base64-alphabet characters. The scanner finds
// those runs inside its keyword pass (one loop over the text instead of two); these properties
// hold that pass to the decoder's own search, character for character.

const automaton = new KeywordAutomaton(['token', 'ghp_', 'secret', '*t3blbkfj', 'key', '=', '-']);
const runsOfPass = (text: string) => {
  const runs: number[] = [];
  automaton.find(text, runs);
  return runs;
};

/** Text made of alphabet characters, separators, padding and a few characters past latin1. */
const piece = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9+/_-]{0,40}$/),
  fc.constantFrom(' ', '\n', '.', '"', '=', ':', '%', 'é', '\u2028', '\u{1F511}', 'token', 'ghp_', 'Secret', 'T3BlbkFJ'),
);
const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));

describe('alphabet runs found by the keyword pass', () => {
  it('are exactly the decoder’s own runs, and the keywords found do not change (property)', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(runsOfPass(t)).toEqual(alphabetRuns(t));
        expect(automaton.find(t, [])).toEqual(automaton.find(t));
      }),
    );
  });

  it('cover runs at the start, at the end, of exactly MIN_RUN, and not one shorter', () => {
    const run = 'A'.repeat(MIN_RUN);
    const t = `${run} ${'b'.repeat(MIN_RUN - 1)} .${run}`;
    expect(runsOfPass(t)).toEqual([0, MIN_RUN, MIN_RUN * 2 + 2, MIN_RUN * 3 + 2]);
    expect(runsOfPass(t)).toEqual(alphabetRuns(t));
  });

  it('every keyword found still counts the rest of the text (the pass does not stop early)', () => {
    const all = new KeywordAutomaton(['ab']);
    const t = `ab ${Buffer.from('the token is hidden here').toString('base64')}`;
    const runs: number[] = [];
    expect(all.find(t, runs)).toEqual([0]);
    expect(runs).toEqual(alphabetRuns(t));
    expect(findEncodedSegments(t, undefined, runs)).toEqual(findEncodedSegments(t));
    expect(findEncodedSegments(t).map((s) => s.decoded)).toEqual(['the token is hidden here']);
  });
});
