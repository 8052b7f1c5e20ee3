import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeContent, encodeList, encodePacket, MAX_PACKET_DATA, PacketReader, ProtocolError } from '../src/git/pkt-line.js';

/** Feed bytes to a reader in arbitrary chunk sizes, as a pipe would. */
function readerOver(bytes: Buffer, cuts: number[]): PacketReader {
  const chunks: Buffer[] = [];
  let pos = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(bytes.length, c);
    if (at > pos) chunks.push(bytes.subarray(pos, at));
    pos = Math.max(pos, at);
  }
  if (pos < bytes.length) chunks.push(bytes.subarray(pos));
  return new PacketReader(Readable.from(chunks));
}

describe('pkt-line framing', () => {
  it('encodes a text line with its length counting the 4-byte header', () => {
    expect(encodeList(['version=2']).toString('latin1')).toBe('000eversion=2\n0000');
  });

  it('splits content larger than one packet into packets of at most 65516 data bytes', () => {
    const content = Buffer.alloc(MAX_PACKET_DATA * 2 + 10, 0x61);
    const framed = encodeContent(content);
    expect(framed.subarray(0, 4).toString('latin1')).toBe('fff0');
    expect(framed.length).toBe(content.length + 3 * 4 + 4);
    expect(() => encodePacket(Buffer.alloc(MAX_PACKET_DATA + 1))).toThrow(RangeError);
  });

  it('round-trips any content, however the stream is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 140_000 }), fc.array(fc.nat(200_000), { maxLength: 8 }), async (data, cuts) => {
        const bytes = Buffer.concat([encodeContent(Buffer.from(data)), encodeList(['command=clean', 'pathname=a b.txt'])]);
        const reader = readerOver(bytes, cuts);
        expect(Buffer.compare(await reader.readContent(), Buffer.from(data))).toBe(0);
        expect(await reader.readList()).toEqual(['command=clean', 'pathname=a b.txt']);
        expect(await reader.read()).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  it('round-trips lists of text lines, including non-ASCII path names', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ minLength: 1, maxLength: 300 }).filter((s) => !s.includes('\n')), { minLength: 1, maxLength: 20 }), async (lines) => {
        const reader = readerOver(encodeList(lines), [1, 3, 7]);
        expect(await reader.readList()).toEqual(lines);
      }),
    );
  });

  it('rejects a stream that ends inside a packet or has a malformed header', async () => {
    await expect(new PacketReader(Readable.from([Buffer.from('0010abc')])).read()).rejects.toThrow(ProtocolError);
    await expect(new PacketReader(Readable.from([Buffer.from('zz10abcdefghijkl')])).read()).rejects.toThrow(/a packet header is not four hex digits/);
    await expect(new PacketReader(Readable.from([Buffer.from('0001')])).read()).rejects.toThrow(/special packet/);
  });
});
