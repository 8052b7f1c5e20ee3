import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { run, sandbox, type Sandbox } from './helpers/vault-cli.js';

/**
 * Issue 10, item 7 (real CLI): a vaulted value written in another case, normalisation, escape
 * or encoding, split across lines or literals, wrapped, or cut to a 12-byte piece, is hidden
 * by `read`; writing the view back restores the file byte for byte. The value is a
 * passphrase (short words, punctuation, non-ASCII): nothing else in `read` (rules, entropy)
 * would hide it, so each line shows what the value matcher alone does.
 */
describe('read hides encoded, split and partial forms of a vaulted value', () => {
  const next = rng(0x7e7);
  // One passphrase with a quote, `%`, `/` and non-ASCII for the one-line forms, one without
  // quotes for the forms that split it across string literals (where a quote would be escaped).
  const value = `${expandTemplate('{{lower:5}} {{lower:4}}/{{digits:2}}%{{lower:3}}', next)}"${expandTemplate('{{upper:2}}', next)}é-${expandTemplate('{{lower:4}}', next)}`;
  const split = `${expandTemplate('{{lower:4}} {{lower:5}}', next)}é ${expandTemplate('{{lower:3}} {{digits:3}} {{lower:4}}', next)}`;
  const bytes = Buffer.from(value);
  const pairs = bytes.toString('hex').match(/../g)!;
  const cps = [...split];
  const half = Math.floor(cps.length / 2);
  const [a, b] = [cps.slice(0, half).join(''), cps.slice(half).join('')];
  const b64 = bytes.toString('base64');
  const wrap = (width: number, indent: string) => b64.match(new RegExp(`.{1,${width}}`, 'g'))!.map((l) => indent + l).join('\n');
  const ascii = (s: string, upper: (i: number) => boolean) => s.replace(/[a-z]/gi, (c, i: number) => (upper(i) ? c.toUpperCase() : c.toLowerCase()));
  /** Text as the file's bytes, one char per byte (how the test reads `read`'s output too). */
  const bin = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const piece = (from: number, upper: boolean) => (upper ? ascii(value, () => true) : value).slice(from, from + 12);

  /** Each line of the file, and what must not show of it. */
  const forms: { name: string; text: string; secret: string[] }[] = [
    { name: 'upper case', text: `upper: ${ascii(value, () => true)}`, secret: [ascii(value, () => true)] },
    { name: 'lower case', text: `lower: ${ascii(value, () => false)}`, secret: [ascii(value, () => false)] },
    { name: 'mixed case', text: `mixed: ${ascii(value, (i) => i % 2 === 1)}`, secret: [ascii(value, (i) => i % 2 === 1)] },
    { name: 'NFD', text: `nfd: ${value.normalize('NFD')}`, secret: [value.normalize('NFD')] },
    { name: '\\uXXXX', text: `js: "${[...value].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('')}"`, secret: ['\\u'] },
    { name: '%XX (upper)', text: `url: /p?x=${pairs.map((h) => '%' + h.toUpperCase()).join('')}`, secret: [pairs.slice(0, 4).map((h) => '%' + h.toUpperCase()).join('')] },
    { name: '%XX (lower)', text: `url2: /p?x=${pairs.map((h) => '%' + h).join('')}`, secret: [pairs.slice(0, 4).map((h) => '%' + h).join('')] },
    { name: 'hex with colons', text: `fp: ${pairs.join(':')}`, secret: [pairs.slice(0, 4).join(':')] },
    { name: 'hex with spaces', text: `dump: ${pairs.join(' ').toUpperCase()}`, secret: [pairs.slice(0, 4).join(' ').toUpperCase()] },
    { name: 'hex with dashes', text: `id: ${pairs.join('-')}`, secret: [pairs.slice(0, 4).join('-')] },
    { name: '\\x escapes', text: `c: "${pairs.map((h) => '\\x' + h).join('')}"`, secret: ['\\x'] },
    { name: 'octal escapes', text: `sh: $'${[...bytes].map((x) => '\\' + x.toString(8).padStart(3, '0')).join('')}'`, secret: ['\\1'] },
    { name: 'HTML decimal references', text: `<i v="${[...value].map((c) => `&#${c.codePointAt(0)};`).join('')}">`, secret: ['&#'] },
    { name: 'HTML hex references', text: `<i w="${[...value].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('')}">`, secret: ['&#x'] },
    { name: 'backslash-newline', text: `export PW=${a}\\\n${b}`, secret: [a, b] },
    { name: 'concatenation with +', text: `pw = "${a}" + "${b}";`, secret: [a, b] },
    { name: 'adjacent literals', text: `pw = ('${a}' '${b}')`, secret: [a, b] },
    { name: 'concatenation with .', text: `$pw = "${a}" . "${b}";`, secret: [a, b] },
    { name: 'concatenation across lines', text: `pw = "${a}"\n    + "${b}";`, secret: [a, b] },
    { name: 'base64 wrapped at 7', text: `-----BEGIN X-----\n${wrap(7, '')}\n-----END X-----`, secret: [b64.slice(7, 14)] },
    { name: 'base64 wrapped at 13, indented', text: `cert: |\n${wrap(13, '  ')}`, secret: [b64.slice(13, 26)] },
    { name: 'a 12-byte piece', text: `log: ...${piece(2, false)}... (truncated)`, secret: [piece(2, false)] },
    { name: 'a 12-byte piece in upper case', text: `log2: ${piece(6, true)}`, secret: [piece(6, true)] },
  ];
  let sb: Sandbox;
  let original: Buffer;

  beforeAll(async () => {
    sb = sandbox();
    const r = await run(sb, ['set', 'db-passphrase', '--stdin'], value);
    expect(r.code, r.stderr).toBe(0);
    const r2 = await run(sb, ['set', 'db-passphrase-2', '--stdin'], split);
    expect(r2.code, r2.stderr).toBe(0);
    original = Buffer.from(forms.map((f) => f.text).join('\n') + '\n', 'utf8');
    writeFileSync(join(sb.dir, 'forms.txt'), original);
  });
  afterAll(() => rmSync(sb.dir, { recursive: true, force: true }));

  it('shows none of the forms, and writing the view back restores the file byte for byte', async () => {
    const read = await run(sb, ['read', 'forms.txt']);
    expect(read.code, read.stderr).toBe(0);
    const shown = read.stdoutBytes.toString('latin1');
    for (const f of forms) for (const s of f.secret) expect.soft(shown, `${f.name}: part of the value shows`).not.toContain(bin(s));
    // No 12-byte piece of either value shows, in any case.
    const lower = shown.toLowerCase();
    for (const v of [value, split]) {
      const vb = Buffer.from(v);
      for (let i = 0; i + 12 <= vb.length; i++) expect(lower).not.toContain(vb.subarray(i, i + 12).toString('latin1').toLowerCase());
    }
    expect(read.stderr).not.toContain(value);

    const view = shown
      .split('\n')
      .map((l) => l.replace(/^ *\d+\t/, ''))
      .join('\n');
    const write = await run(sb, ['write', 'forms.txt'], Buffer.from(view, 'latin1'));
    expect(write.code, write.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(join(sb.dir, 'forms.txt')), original)).toBe(0);
    for (const v of [value, split]) expect(write.stdout + write.stderr).not.toContain(v);
  });
});
