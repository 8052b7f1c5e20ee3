import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentViewOf } from '../src/agents/view.js';
import { numberedChunks, numberLines } from '../src/agents/files.js';
import { defaultConfig } from '../src/config/config.js';
import { writtenForms } from '../src/core/forms.js';
import { restorePlaceholders } from '../src/core/placeholder.js';
import { Redactor } from '../src/core/redact.js';
import { classifyPath, ProtectedFolders, SHARED_READ_BYTES } from '../src/platform/safe-path.js';
import { LocalVaultSession } from '../src/session/local.js';
import { scanBatch } from '../src/sources/scan-run.js';
import { buildRuleset } from '../src/config/config.js';
import { BIN, sandbox } from './helpers/sandbox.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

/**
 * `read`'s fast paths against the straightforward ones: the view printed from its parts (never
 * joined into one copy) and a large file read once into shared memory and scanned there by the
 * worker thread (never read again). Generated documents hold values raw, in every written form,
 * in other cases, split across lines, overlapping each other, and multi-byte UTF-8 around them.
 */

const piece = fc.oneof(fc.constantFrom('"', "'", '%', '/', ' ', '\\', '=', '&', 'é', 'ü', 'ß', '日本', '🔑'), fc.stringMatching(/^[A-Za-z0-9]{1,8}$/));
const valueText = fc.array(piece, { minLength: 3, maxLength: 10 }).map((p) => p.join('')).filter((s) => Buffer.byteLength(s) >= 8 && Buffer.byteLength(s) <= 48);

/** The first UTF-8 character boundary at or after `i` (the document stays valid text, as `read` requires). */
const boundary = (b: Buffer, i: number) => {
  while (i < b.length && (b[i]! & 0xc0) === 0x80) i++;
  return i;
};

/** A document of filler and the values' occurrences: raw, written forms, upper case, split by `\` + newline, 12-byte runs, and two values overlapping. */
const documentOf = (values: string[], picks: number[], filler: string[]) => {
  const out: Buffer[] = [];
  for (let k = 0; k < picks.length; k++) {
    out.push(Buffer.from(filler[k % filler.length]!));
    const v = Buffer.from(values[picks[k]! % values.length]!);
    const forms = writtenForms(v, 8);
    switch (picks[k]! % 6) {
      case 0:
        out.push(v);
        break;
      case 1:
        if (forms.length) out.push(forms[picks[k]! % forms.length]!.bytes);
        break;
      case 2:
        out.push(Buffer.from(v.toString('utf8').replace(/[a-z]/g, (c) => c.toUpperCase())));
        break;
      case 3:
        out.push(v.subarray(0, boundary(v, 4)), Buffer.from('\\\n'), v.subarray(boundary(v, 4)));
        break;
      case 4:
        out.push(v.subarray(boundary(v, Math.max(0, v.length - 14))));
        break;
      default: {
        // Two values overlapping: the end of one is the start of the next.
        const w = Buffer.from(values[(picks[k]! + 1) % values.length]!);
        out.push(v, w.subarray(boundary(w, Math.min(3, w.length))));
      }
    }
  }
  return Buffer.concat(out);
};

const filler = fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', 'key: ', ' é ', '日本語\n', '\t', 'x'), fc.string({ maxLength: 20 })), { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
/** Filler `read` shows at all: no control bytes but tab and line breaks (anything else is refused as binary, by design). */
const textFiller = filler.map((s) => s.replace(/[\x00-\x08\x0e-\x1f\x7f]/g, ' '));

describe('read prints the view from its parts', () => {
  it('numbers the parts exactly as the joined view, in chunks of any size (property)', () => {
    fc.assert(
      fc.property(fc.array(valueText, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), fc.array(filler, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 64 }), (values, picks, fill, size) => {
        const r = new Redactor(values.map((v, i) => ({ key: `k${i}`, value: Buffer.from(v) })));
        const doc = documentOf(values, picks, fill);
        const view = r.redactForAgent(doc);
        const parts = view.parts!;
        // The straightforward path: one joined copy, numbered whole.
        const joined = Buffer.alloc(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) at += p.copy(joined, at);
        expect(Buffer.compare(joined, view.output)).toBe(0);
        const expected = numberLines(joined);
        expect(Buffer.compare(numberLines(parts), expected)).toBe(0);
        const chunks: Buffer[] = [];
        for (const c of numberedChunks(parts, size)) chunks.push(Buffer.from(c));
        expect(Buffer.compare(Buffer.concat(chunks), expected)).toBe(0);
        // The view still undoes exactly, and no value shows raw.
        const back = restorePlaceholders(view.output, (k) => Buffer.from(values[Number(k.slice(1))]!), { unvaulted: (h) => view.markers.get(h) });
        expect(Buffer.compare(back.output, doc)).toBe(0);
        for (const v of values) expect(view.output.includes(Buffer.from(v))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('numbers parts cut anywhere, from aligned and unaligned buffers, as cat -n does (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', 'abcdefgh', '\xff', 'é'), fc.string({ maxLength: 30 })), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 40 }), (text, cuts, size) => {
        const whole = Buffer.from(text.join(''), 'latin1');
        const expected = spawnSync('cat', ['-n'], { input: whole }).stdout;
        const at = [...new Set(cuts.map((c) => (whole.length ? c % whole.length : 0)))].sort((a, b) => a - b);
        // Parts of one shared buffer (as the view's are) and parts each in a buffer of its own.
        const shared = Buffer.from(new Uint8Array(whole).buffer);
        for (const src of [whole, shared]) {
          const parts: Buffer[] = [];
          let from = 0;
          for (const c of [...at, whole.length]) {
            parts.push(src.subarray(from, c));
            from = c;
          }
          const own = parts.map((p) => Buffer.from(p));
          for (const ps of [parts, own]) {
            expect(Buffer.compare(numberLines(ps), expected)).toBe(0);
            const chunks: Buffer[] = [];
            for (const c of numberedChunks(ps, size)) chunks.push(Buffer.from(c));
            expect(Buffer.compare(Buffer.concat(chunks), expected)).toBe(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('a large file is read once, into shared memory', () => {
  it('reads files from SHARED_READ_BYTES up into a SharedArrayBuffer with the same bytes; smaller ones as before', () => {
    const sb = sandbox();
    const big = join(sb.dir, 'big.txt');
    const small = join(sb.dir, 'small.txt');
    const line = Buffer.from('a line of text é 日本\n');
    writeFileSync(big, Buffer.concat(Array.from({ length: Math.ceil((SHARED_READ_BYTES + 7) / line.length) }, () => line)));
    writeFileSync(small, line);
    const folders = new ProtectedFolders([sb.vaultHome]);
    const b = classifyPath(big, folders);
    const s = classifyPath(small, folders);
    expect(b.ok && s.ok).toBe(true);
    if (!b.ok || !s.ok) return;
    expect(b.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(b.bytes.equals(readFileSync(big))).toBe(true);
    expect(s.bytes.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(s.bytes.equals(line)).toBe(true);
  });

  it('scans bytes handed to it without opening the file (the worker never reads it again)', () => {
    const token = expandTemplate('{{alnum:24}}', rng(11));
    const bytes = Buffer.from(new Uint8Array(Buffer.from(`db:\n  password: "${token}Q9"\n`)).buffer);
    const settings = { config: { ...defaultConfig(), maxFileSize: Number.MAX_SAFE_INTEGER } };
    const r = scanBatch([{ abs: '/nonexistent/agent-vault-test/file.yaml', display: 'file.yaml', bytes }], buildRuleset(settings.config), settings);
    expect(r.skipped).toEqual([]);
    expect(r.filesScanned).toBe(1);
    expect(r.findings.length).toBeGreaterThan(0);
  });

  it('read of a large file (shared read, worker scan, printed in parts) equals the view computed the plain way, with no value shown (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(valueText, { minLength: 2, maxLength: 5 }), fc.array(fc.nat(), { minLength: 5, maxLength: 20 }), fc.array(textFiller, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 1 << 30 }), async (values, picks, fill, seed) => {
        const sb = sandbox();
        const session = new LocalVaultSession(sb.vaultHome);
        // A person's values and, in the second pass, one a script set.
        await session.set(values.slice(1).map((v, i) => ({ key: `k${i + 1}`, value: Buffer.from(v) })), { interactive: true });
        await session.set([{ key: 'k0', value: Buffer.from(values[0]!) }], { interactive: false });
        // Rule findings and entropy suspects the worker and this thread must both see.
        const next = rng(seed);
        const suspects = Buffer.from(`aws_access_key_id = AKIA${expandTemplate('{{upper:16}}', next)}\npassword: "${expandTemplate('{{alnum:20}}', next)}"\ntoken ${expandTemplate('{{alnum:40}}', next)}\n`);
        const block = Buffer.concat([documentOf(values, picks, fill), Buffer.from('\n'), suspects]);
        // The block at the start, in the middle and at the end of ordinary lines (a file of
        // nothing but findings is a scanner benchmark, not this test).
        const plain = Buffer.from('  - the quick brown fox, port 8080, région ü\n'.repeat(Math.ceil(SHARED_READ_BYTES / 2 / 46)));
        const doc = Buffer.concat([block, plain, block, plain, block]);
        writeFileSync(join(sb.dir, 'big.txt'), doc);
        const r = spawnSync(process.execPath, [BIN, 'read', 'big.txt'], { cwd: sb.dir, env: sb.env, maxBuffer: 1 << 28 });
        expect(r.stderr.toString()).not.toMatch(/error/i);
        expect(r.status).toBe(0);
        // The plain way: a private copy of the bytes (no shared memory), suspects found in this
        // thread, the view joined, then numbered whole.
        const view = await agentViewOf(session, Buffer.from(doc), { display: 'big.txt', abs: undefined }, defaultConfig());
        await session.close();
        expect(Buffer.compare(r.stdout, numberLines(view.output))).toBe(0);
        expect(view.unvaulted).toBeGreaterThan(0);
        for (const v of values) expect(r.stdout.includes(Buffer.from(v))).toBe(false);
      }),
      { numRuns: 2, endOnFailure: true },
    );
  }, 600_000);
});
