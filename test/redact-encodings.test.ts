import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { restorePlaceholders } from '../src/core/placeholder.js';
import { firstUncovered, Redactor } from '../src/core/redact.js';
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

/**
 * Issue 10, item 7: every written form, split and partial copy of a value of 8+ bytes is
 * hidden. One generated case per form: values with quotes, `%`, `/`, backslashes and
 * non-ASCII text, 8 to 64 bytes. The bytes each form must hide are checked against the view's
 * hidden spans, and write's way back (markers from the same file) restores the text exactly.
 */
describe('the agent view hides every written form of a value (generated, one case per form)', () => {
  type Part = string | { hide: string | Buffer };
  const hide = (s: string | Buffer): Part => ({ hide: s });
  const layout = (parts: Part[]) => {
    const chunks: Buffer[] = [];
    const spans: { start: number; end: number }[] = [];
    let at = 0;
    for (const p of parts) {
      const b = typeof p === 'string' ? Buffer.from(p) : Buffer.isBuffer(p.hide) ? p.hide : Buffer.from(p.hide);
      if (typeof p !== 'string' && b.length) spans.push({ start: at, end: at + b.length });
      chunks.push(b);
      at += b.length;
    }
    return { text: Buffer.concat(chunks), spans };
  };
  const asciiCase = (s: string, upper: (i: number) => boolean) => s.replace(/[A-Za-z]/g, (c, i: number) => (upper(i) ? c.toUpperCase() : c.toLowerCase()));
  const hex2 = (b: number) => b.toString(16).padStart(2, '0');
  const cased = (s: string, upper: boolean) => (upper ? s.toUpperCase() : s);

  const piece = fc.oneof(
    fc.constantFrom('"', "'", '%', '/', ' ', '\\', '=', '&', 'é', 'ü', 'ß', 'e\u0301', '日本', '🔑'),
    fc.stringMatching(/^[A-Za-z0-9]{1,8}$/),
  );
  const valueArb = fc
    .array(piece, { minLength: 1, maxLength: 24 })
    .map((p) => p.join(''))
    .filter((v) => Buffer.byteLength(v) >= 8 && Buffer.byteLength(v) <= 64);
  /** Values as they stand inside a string literal: no quote or backslash of their own. */
  const literalArb = valueArb.filter((v) => !/["'`\\]/.test(v));

  const cases: [string, fc.Arbitrary<string>, (v: string, pick: number) => Part[] | undefined][] = [
    ['upper case', valueArb, (v) => ['x = ', hide(asciiCase(v, () => true)), ';\n']],
    ['lower case', valueArb, (v) => ['x = ', hide(asciiCase(v, () => false)), ';\n']],
    ['mixed case', valueArb, (v, pick) => ['x = ', hide(asciiCase(v, (i) => ((pick >> (i % 30)) & 1) === 1)), ';\n']],
    ['NFD', valueArb, (v) => (Buffer.byteLength(v.normalize('NFD')) >= 8 ? ['x = ', hide(v.normalize('NFD')), '\n'] : undefined)],
    ['NFC', valueArb, (v) => (Buffer.byteLength(v.normalize('NFC')) >= 8 ? ['x = ', hide(v.normalize('NFC')), '\n'] : undefined)],
    ['as \\uXXXX escapes', valueArb, (v, pick) => ['s = "', hide([...Array(v.length).keys()].map((i) => '\\u' + cased(v.charCodeAt(i).toString(16).padStart(4, '0'), (pick & 1) === 1)).join('')), '"\n']],
    ['fully percent-encoded', valueArb, (v, pick) => ['u = /p?t=', hide([...Buffer.from(v)].map((b) => '%' + cased(hex2(b), (pick & 1) === 1)).join('')), '\n']],
    ...([':', ' ', '-'] as const).map((sep): [string, fc.Arbitrary<string>, (v: string, pick: number) => Part[]] => [
      `as hex with '${sep}' separators`,
      valueArb,
      (v, pick) => ['key: ', hide([...Buffer.from(v)].map((b) => cased(hex2(b), (pick & 1) === 1)).join(sep)), '\n'],
    ]),
    ['as \\x escapes', valueArb, (v, pick) => ['printf "', hide([...Buffer.from(v)].map((b) => '\\x' + cased(hex2(b), (pick & 1) === 1)).join('')), '"\n']],
    ['as octal escapes', valueArb, (v) => ['echo -e "', hide([...Buffer.from(v)].map((b) => '\\' + b.toString(8).padStart(3, '0')).join('')), '"\n']],
    ['as decimal HTML references', valueArb, (v) => ['<input value="', hide([...v].map((c) => `&#${c.codePointAt(0)};`).join('')), '">\n']],
    ['as hex HTML references', valueArb, (v, pick) => ['<input value="', hide([...v].map((c) => `&#${(pick & 1) === 1 ? 'X' : 'x'}${cased(c.codePointAt(0)!.toString(16), (pick & 2) === 2)};`).join('')), '">\n']],
  ];
  const splits: [string, (a: string, b: string) => Part[] | undefined][] = [
    ['split by backslash-newline', (a, b) => ['export PW=', hide(`${a}\\\n${b}`), '\n']],
    // Indentation and a value that goes on with a blank cannot be told apart: not generated.
    ['split by backslash-CRLF and indentation', (a, b) => (/^[ \t]/.test(b) ? undefined : ['PW=', hide(`${a}\\\r\n    ${b}`), '\r\n'])],
    ['concatenated with +', (a, b) => ['pw = "', hide(`${a}" + "${b}`), '";\n']],
    ["as adjacent literals 'a' 'b'", (a, b) => ["pw = ('", hide(`${a}' '${b}`), "')\n"]],
    ['concatenated with .', (a, b) => ['$pw = "', hide(`${a}" . "${b}`), '";\n']],
    ['concatenated across lines', (a, b) => ['const pw = "', hide(`${a}"\n    + "${b}`), '";\n']],
  ];
  for (const [name, join] of splits) {
    cases.push([
      name,
      literalArb,
      (v, pick) => {
        const cps = [...v];
        const at = 1 + (pick % (cps.length - 1));
        return join(cps.slice(0, at).join(''), cps.slice(at).join(''));
      },
    ]);
  }
  cases.push([
    'as base64 wrapped at any width',
    valueArb,
    (v, pick) => {
      const b64 = Buffer.from(v).toString('base64');
      const width = 4 + (pick % 73);
      const indent = (pick & 64) === 64 ? '  ' : '';
      // Only the characters the value's bits fully decide are the value's; the last one or
      // two and the padding are shared with whatever follows.
      const core = Math.floor((8 * Buffer.byteLength(v)) / 6);
      const parts: Part[] = [(pick & 128) === 128 ? 'cert: |\n' : '-----BEGIN DATA-----\n'];
      for (let i = 0; i < b64.length; i += width) {
        const line = b64.slice(i, i + width);
        const own = Math.max(0, Math.min(line.length, core - i));
        parts.push(indent, hide(line.slice(0, own)), line.slice(own), '\n');
      }
      return parts;
    },
  ]);
  cases.push([
    'as any run of 12+ bytes of a 16+ byte value, in any case',
    valueArb.filter((v) => Buffer.byteLength(v) >= 16),
    (v, pick) => {
      const bytes = Buffer.from(v);
      const len = 12 + (pick % (bytes.length - 11));
      const from = (pick >> 8) % (bytes.length - len + 1);
      const run = Buffer.from(bytes.subarray(from, from + len));
      if ((pick & 1) === 1) for (let i = 0; i < run.length; i++) if (run[i]! >= 0x61 && run[i]! <= 0x7a) run[i] = run[i]! - 0x20;
      return ['partial: ', hide(run), ' (truncated)\n'];
    },
  ]);

  for (const [name, arb, form] of cases) {
    it(`hides a value written ${name}`, () => {
      fc.assert(
        fc.property(arb, fc.nat(), fc.boolean(), (v, pick, scriptSet) => {
          const parts = form(v, pick);
          if (!parts) return;
          const { text, spans } = layout(parts);
          const r = new Redactor([{ key: 'db-password', value: Buffer.from(v), origin: scriptSet ? 'script' : 'terminal' }]);
          const view = r.redactForAgent(text);
          expect(firstUncovered(spans, view.hidden)).toBeUndefined();
          const back = restorePlaceholders(view.output, (k) => (k === 'db-password' ? Buffer.from(v) : undefined), { unvaulted: (h) => view.markers.get(h) });
          expect(Buffer.compare(back.output, text)).toBe(0);
        }),
        { numRuns: 150 },
      );
    });
  }
});
