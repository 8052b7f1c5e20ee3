import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { numberedChunks, numberLines } from '../src/agents/files.js';

/** `read` output has the layout agents know from `cat -n`, for any bytes. */
describe('read prints lines like cat -n', () => {
  it('matches cat -n byte for byte (CRLF, no final newline, empty lines, binary)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', '\n\n', 'a', '\t', '\xff', '\x00'), fc.string({ maxLength: 90 })), { maxLength: 40 }), (parts) => {
        const input = Buffer.from(parts.join(''), 'latin1');
        const expected = spawnSync('cat', ['-n'], { input }).stdout;
        expect(Buffer.compare(numberLines(input), expected)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same bytes in pieces of any size, from aligned and unaligned buffers (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', 'abcdefgh', '\xff'), fc.string({ maxLength: 30 })), { maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (parts, size) => {
        const unaligned = Buffer.from(parts.join(''), 'latin1');
        const aligned = Buffer.from(new Uint8Array(unaligned).buffer);
        const expected = numberLines(unaligned);
        for (const input of [unaligned, aligned]) {
          expect(Buffer.compare(numberLines(input), expected)).toBe(0);
          const pieces: Buffer[] = [];
          // Each piece is a view of one reused buffer: copy it before taking the next.
          for (const piece of numberedChunks(input, size)) pieces.push(Buffer.from(piece));
          expect(Buffer.compare(Buffer.concat(pieces), expected)).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('widens the number column past 999,999 lines as cat -n does', () => {
    const input = Buffer.from('x\n'.repeat(1_000_001));
    const expected = spawnSync('cat', ['-n'], { input, maxBuffer: 1 << 26 }).stdout;
    expect(Buffer.compare(numberLines(input), expected)).toBe(0);
  });
});
