import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { restorePlaceholders } from '../src/core/placeholder.js';
import { Redactor } from '../src/core/redact.js';
import { highEntropySpans, spansOfFindings } from '../src/core/suspects.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

const secret = expandTemplate('pw/{{alnum:10}}+"\\{{alnum:6}} é&=', rng(7));
const values = [{ key: 'db-password', value: Buffer.from(secret) }];

describe('the agent view catches encoded values', () => {
  const r = new Redactor(values);
  const cases: [string, string][] = [
    ['JSON-escaped', JSON.stringify({ password: secret })],
    ['JSON with escaped slashes', JSON.stringify(secret).replace(/\//g, '\\/')],
    ['JSON with \\u escapes', JSON.stringify(secret).replace(/é/g, '\\u00e9')],
    ['URL-encoded', `postgres://u:${encodeURIComponent(secret)}@db/x`],
    ['URL-encoded, lower-case hex', `?p=${encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`],
    ['base64', `auth: ${Buffer.from(secret).toString('base64')}`],
    ['base64url', `t=${Buffer.from(secret).toString('base64url')}`],
    ['base64 inside a longer base64 text (offset 1)', Buffer.concat([Buffer.from('u'), Buffer.from(secret)]).toString('base64')],
    ['base64 inside a longer base64 text (offset 2)', Buffer.concat([Buffer.from('us'), Buffer.from(secret), Buffer.from('!')]).toString('base64')],
  ];
  for (const [name, text] of cases) {
    it(`hides a value written ${name}`, () => {
      const view = r.redactForAgent(Buffer.from(text));
      const out = view.output.toString();
      expect(out).toContain('<agent-vault:UNVAULTED:sha256:');
      // Not a single 12-character stretch of the encoded value survives.
      const encodedCore = text.slice(text.length / 2 - 6, text.length / 2 + 6);
      expect(out).not.toContain(encodedCore);
      expect(r.findValues(Buffer.from(text)).length).toBeGreaterThan(0);
      // The markers undo exactly: write restores them from the same file.
      const back = restorePlaceholders(view.output, () => undefined, { unvaulted: (h) => view.markers.get(h) });
      expect(back.output.toString()).toBe(text);
    });
  }

  it('names the encoding of each occurrence for the pre-commit gate', () => {
    const text = `${secret} ${JSON.stringify(secret)} ${encodeURIComponent(secret)} ${Buffer.from(secret).toString('base64')}`;
    expect(r.findValues(Buffer.from(text)).map((o) => o.encoding)).toEqual(['raw', 'json', 'url', 'base64']);
  });

  it('finds base64 of any value at any alignment (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 40 }), fc.uint8Array({ maxLength: 5 }), fc.uint8Array({ maxLength: 5 }), (value, before, after) => {
        const red = new Redactor([{ key: 'k', value }]);
        const b64 = Buffer.concat([before, value, after]).toString('base64');
        expect(red.findValues(Buffer.from(b64)).some((o) => o.encoding === 'base64' || o.encoding === 'raw')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('entropy-only suspects', () => {
  it('flags a long random token and leaves words, paths and numbers alone', () => {
    const token = expandTemplate('{{alnum:32}}', rng(3));
    const text = `key = ${token}\npath = src/core/redact-engine.ts\nname = some_long_variable_name_here\nn = 12345678901234567890\nuuid-ish = 2024-01-01T00:00:00.000Z\n`;
    const spans = highEntropySpans(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual([token]);
  });
});

describe('scanner findings located in the bytes read', () => {
  it('maps line and column to byte spans, and rejects findings from other bytes', () => {
    const bytes = Buffer.from('a: 1\r\nkey: SECRETVALUE\n');
    expect(spansOfFindings(bytes, [{ line: 2, column: 6, endLine: 2, endColumn: 17, secret: 'SECRETVALUE' }])).toEqual([{ start: 11, end: 22 }]);
    // The file changed between the two reads: the finding no longer sits there.
    expect(spansOfFindings(Buffer.from('a: 1\r\nkey:  SECRETVALUE\n'), [{ line: 2, column: 6, endLine: 2, endColumn: 17, secret: 'SECRETVALUE' }])).toBeUndefined();
  });
});

describe('entropy suspects, sampled', () => {
  it('finds exactly the runs a plain left-to-right scan finds (property)', () => {
    const reference = (text: string) => {
      const out: { start: number; end: number }[] = [];
      for (const m of text.matchAll(/[A-Za-z0-9+/_\-.=~]{20,}/g)) {
        let s = m.index!;
        let e = s + m[0].length;
        while (s < e && /[.\-_~/]/.test(text[s]!)) s++;
        while (e > s && /[.\-~/]/.test(text[e - 1]!)) e--;
        if (e - s >= 20 && highEntropySpans(text.slice(s, e)).length === 1) out.push({ start: s, end: e });
      }
      return out;
    };
    const piece = fc.oneof(
      fc.constantFrom(' ', '\n', '"', ':', '-', '.', '/'),
      fc.stringMatching(/^[A-Za-z0-9]{1,30}$/),
      fc.constant(expandTemplate('{{alnum:24}}', rng(11))),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(highEntropySpans(text)).toEqual(reference(text));
      }),
      { numRuns: 300 },
    );
  });
});
