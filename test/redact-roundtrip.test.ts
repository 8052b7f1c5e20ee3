import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { restorePlaceholders } from '../src/core/placeholder.js';
import { Redactor, type VaultedValue } from '../src/core/redact.js';

/**
 * restore(redact(x)) == x for any bytes when the vault holds every value, including values
 * that overlap or contain one another, values holding placeholder-like text, and input that
 * already contains placeholders (escaped as LITERAL by redact, unescaped by restore).
 */

const KEYS = ['alpha', 'beta', 'gamma-1', 'd', 'e2e'];
// A small alphabet makes overlaps, containment and accidental matches frequent.
const ALPHABET = [...'ab<>:-', ...'<agent-vault:', 'L', 'I', 'T', 'E', 'R', 'A', '\r', '\n', '\x00', '\xff', '\xc3'];
const byteArb = fc.constantFrom(...ALPHABET.map((c) => c.charCodeAt(0) & 0xff));
const chunkArb = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 12 }),
  fc.array(byteArb, { maxLength: 12 }).map((a) => Uint8Array.from(a)),
  fc.constantFrom(...KEYS, 'unknown-key', 'LITERAL:alpha', 'LITERAL:LITERAL:beta', 'UNVAULTED:sha256:0123abcd').map((k) => Buffer.from(`<agent-vault:${k}>`)),
);

function lookupOf(values: VaultedValue[]) {
  const map = new Map<string, Uint8Array>();
  for (const v of values) if (!map.has(v.key)) map.set(v.key, v.value);
  return (k: string) => map.get(k);
}

const valuesArb = fc
  .array(fc.tuple(fc.constantFrom(...KEYS), fc.array(fc.oneof(byteArb, fc.integer({ min: 0, max: 255 })), { minLength: 8, maxLength: 20 })), { minLength: 1, maxLength: 5 })
  .map((pairs) => {
    // One value per key (the round trip restores the current value).
    const seen = new Set<string>();
    return pairs.filter(([k]) => !seen.has(k) && seen.add(k)).map(([key, bytes]) => ({ key, value: Uint8Array.from(bytes) }));
  });

describe('redaction round trip', () => {
  it('restores any bytes exactly when every value is vaulted', () => {
    fc.assert(
      fc.property(valuesArb, fc.array(fc.oneof(chunkArb, fc.constantFrom('v0', 'v1', 'v2', 'h0', 'h1')), { maxLength: 20 }), (values, plan) => {
        // Build input from random chunks, whole values, and value halves (overlaps).
        const parts: Uint8Array[] = plan.map((p) => {
          if (typeof p !== 'string') return p;
          const v = values[Number(p.slice(1)) % values.length]!.value;
          return p.startsWith('h') ? v.subarray(0, v.length >> 1) : v;
        });
        const x = Buffer.concat(parts);
        const r = new Redactor(values);
        const red = r.redact(x);
        const back = restorePlaceholders(red.output, lookupOf(values));
        expect(Buffer.compare(back.output, x)).toBe(0);
        // No vaulted value survives redaction in raw form.
        for (const v of values) expect(red.output.includes(Buffer.from(v.value))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('round trips index content the other way: redact(restore(y)) == y for redacted y', () => {
    fc.assert(
      fc.property(valuesArb, fc.array(chunkArb, { maxLength: 15 }), (values, chunks) => {
        const r = new Redactor(values);
        const y = r.redact(Buffer.concat(chunks)).output;
        const restored = restorePlaceholders(y, lookupOf(values)).output;
        expect(Buffer.compare(r.redact(restored).output, y)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('replaces a value that contains another value whole, and the longest at one position', () => {
    const values = [
      { key: 'short', value: Buffer.from('secret-12345') },
      { key: 'long', value: Buffer.from('xx-secret-12345-yy') },
    ];
    const r = new Redactor(values);
    const out = r.redact(Buffer.from('a xx-secret-12345-yy b secret-12345 c'));
    expect(out.output.toString()).toBe('a <agent-vault:long> b <agent-vault:short> c');
    expect(out.count).toBe(2);
  });

  it('keeps a documented placeholder as text when the file also holds that value', () => {
    const values = [{ key: 'openai-key', value: Buffer.from('sk-test-0123456789') }];
    const x = Buffer.from('example: <agent-vault:openai-key>\nreal: sk-test-0123456789\n');
    const r = new Redactor(values);
    const red = r.redact(x).output.toString();
    expect(red).toBe('example: <agent-vault:LITERAL:openai-key>\nreal: <agent-vault:openai-key>\n');
    expect(restorePlaceholders(Buffer.from(red), lookupOf(values)).output.toString()).toBe(x.toString());
  });

  it('passes CRLF, invalid UTF-8 and binary through untouched', () => {
    const values = [{ key: 'k', value: Buffer.from([0xff, 0x00, 0xfe, 0x10, 0x80, 0x81, 0x82, 0x83]) }];
    const x = Buffer.concat([Buffer.from('line\r\n\xc3('), Buffer.from([0xff, 0x00, 0xfe, 0x10, 0x80, 0x81, 0x82, 0x83]), Buffer.from([0, 1, 2, 0xc0])]);
    const r = new Redactor(values);
    const red = r.redact(x);
    expect(red.count).toBe(1);
    expect(Buffer.compare(restorePlaceholders(red.output, lookupOf(values)).output, x)).toBe(0);
  });

  it('never vaults values under 8 bytes and maps a rotated-out value to the same placeholder', () => {
    const r = new Redactor([
      { key: 'pin', value: Buffer.from('1234') },
      { key: 'token', value: Buffer.from('new-token-value') },
      { key: 'token', value: Buffer.from('old-token-value') },
    ]);
    expect(r.redact(Buffer.from('1234 old-token-value new-token-value')).output.toString()).toBe('1234 <agent-vault:token> <agent-vault:token>');
  });

  it('reports unknown keys and leaves their placeholders as they are', () => {
    const res = restorePlaceholders(Buffer.from('a <agent-vault:missing> b <agent-vault:here>'), (k) => (k === 'here' ? Buffer.from('VALUE') : undefined));
    expect(res.output.toString()).toBe('a <agent-vault:missing> b VALUE');
    expect(res.unknown).toEqual(['missing']);
    expect(res.restored).toBe(1);
  });
});
