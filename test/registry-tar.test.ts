import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTar, writeTar, type TarEntry } from '../src/registry/tar.js';

const LIMITS = { bytes: 1024 * 1024, entries: 1000 };

/** A raw ustar header, for the archives the writer never makes (the attacks). */
function rawHeader(name: string, type: string, size: number, opts: { prefix?: string; link?: string; mode?: number; magic?: string } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write((opts.mode ?? 0o644).toString(8).padStart(7, '0') + '\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  if (opts.link) h.write(opts.link, 157, 100, 'utf8');
  h.write(opts.magic ?? 'ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  if (opts.prefix) h.write(opts.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function archive(...members: { h: Buffer; data?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    parts.push(m.h);
    if (m.data) parts.push(m.data, Buffer.alloc((512 - (m.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const file = (name: string, text: string, opts: Parameters<typeof rawHeader>[3] = {}) => ({ h: rawHeader(name, '0', Buffer.byteLength(text), opts), data: Buffer.from(text) });
const refused = (b: Buffer) => {
  const r = readTar(b, LIMITS);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.reason;
};

describe('bundle tar reader: every hostile archive is refused, naming what is wrong', () => {
  it('accepts a plain archive of files', () => {
    const r = readTar(archive(file('SKILL.md', 'x'), file('docs/a.md', 'a')), LIMITS);
    expect(r).toEqual({ ok: true, entries: [{ path: 'SKILL.md', type: 'f', bytes: Buffer.from('x') }, { path: 'docs/a.md', type: 'f', bytes: Buffer.from('a') }] });
  });
  it.each([
    ['parent-directory traversal', '../evil.sh', /parent-directory/],
    ['traversal in the middle', 'docs/../../evil.sh', /parent-directory/],
    ['absolute path', '/etc/cron.d/evil', /absolute/],
    ['backslash path', '..\\evil', /backslash/],
    ['current-directory segment', './SKILL.md', /current-directory/],
  ])('%s', (_label, name, why) => {
    expect(refused(archive(file('SKILL.md', 'x'), file(name, 'boom')))).toMatch(why);
  });
  it('traversal through the ustar prefix field', () => {
    expect(refused(archive(file('evil.sh', 'boom', { prefix: '..' })))).toMatch(/parent-directory/);
  });
  it.each([
    ['symlink out of the skill', 'docs/link', '../../etc/passwd'],
    ['absolute symlink', 'link', '/etc/passwd'],
  ])('%s', (_label, name, target) => {
    expect(refused(archive({ h: rawHeader(name, '2', 0, { link: target }) }))).toMatch(/symlink/);
  });
  it('a file written through a symlink entry (link "a" -> ".", then "a/x")', () => {
    expect(refused(archive({ h: rawHeader('a', '2', 0, { link: '.' }) }, file('a/x', 'y')))).toMatch(/lies below "a", which is a link/);
  });
  it.each([
    ['1', /hard link/],
    ['3', /character device/],
    ['4', /block device/],
    ['6', /FIFO/],
    ['x', /pax extended header/],
    ['g', /pax global header/],
    ['L', /GNU long name/],
  ])('entry type %s', (type, why) => {
    expect(refused(archive({ h: rawHeader('thing', type, 0, { link: 'SKILL.md' }) }))).toMatch(why);
  });
  it('a duplicate path (the second copy would win on disk)', () => {
    expect(refused(archive(file('SKILL.md', 'x'), file('SKILL.md', 'y')))).toMatch(/appears twice/);
  });
  it('a truncated archive: no end marker, or content cut short', () => {
    const whole = archive(file('SKILL.md', 'x'.repeat(2000)));
    expect(refused(whole.subarray(0, whole.length - 1024))).toMatch(/truncated/);
    expect(refused(whole.subarray(0, 1024))).toMatch(/truncated/);
    expect(refused(whole.subarray(0, 700))).toMatch(/truncated/);
  });
  it('a damaged header (checksum) and a header that is not ustar', () => {
    const a = archive(file('SKILL.md', 'x'));
    a[0] = 'T'.charCodeAt(0);
    expect(refused(a)).toMatch(/checksum/);
    expect(refused(archive(file('SKILL.md', 'x', { magic: 'ustar ' })))).toMatch(/not a POSIX ustar header/);
  });
  it('data after the end marker', () => {
    expect(refused(Buffer.concat([archive(file('SKILL.md', 'x')), Buffer.from('hidden')]))).toMatch(/after the end marker/);
  });
  it('more content than the budget, and more entries than the limit', () => {
    expect(readTar(archive(file('big', 'x'.repeat(2048))), { bytes: 1024, entries: 10 })).toEqual({ ok: false, reason: 'more than 1024 bytes of content' });
    expect(readTar(archive(file('a', '1'), file('b', '2'), file('c', '3')), { bytes: 1024, entries: 2 })).toEqual({ ok: false, reason: 'more than 2 entries' });
  });
});

describe('bundle tar writer', () => {
  it('is deterministic: the same tree in any order gives the same bytes, with mtime/uid/gid 0', () => {
    const a: TarEntry[] = [
      { path: 'scripts/run.sh', type: 'x', bytes: Buffer.from('#!/bin/sh\n') },
      { path: 'SKILL.md', type: 'f', bytes: Buffer.from('---\n') },
    ];
    const t1 = writeTar(a);
    const t2 = writeTar([...a].reverse());
    expect(t1.equals(t2)).toBe(true);
    // The first header (SKILL.md sorts first): mode 0644, uid, gid and mtime 0.
    expect(t1.subarray(0, 8).toString()).toBe('SKILL.md');
    expect(t1.subarray(100, 108).toString('latin1')).toBe('0000644\0');
    expect(t1.subarray(108, 124).toString('latin1')).toBe('0000000\x000000000\0');
    expect(t1.subarray(136, 148).toString('latin1')).toBe('00000000000\0');
  });
  it('refuses a name ustar cannot hold instead of truncating it', () => {
    expect(() => writeTar([{ path: 'x'.repeat(120), type: 'f', bytes: Buffer.alloc(0) }])).toThrow(/too long/);
  });

  const segment = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/).filter((s) => s !== '.' && s !== '..');
  const tree = fc.uniqueArray(
    fc.record({ segs: fc.array(segment, { minLength: 1, maxLength: 4 }), type: fc.constantFrom<'f' | 'x'>('f', 'x'), bytes: fc.uint8Array({ maxLength: 1500 }) }),
    { selector: (e) => e.segs.join('/'), maxLength: 12 },
  ).map((es) => {
    // No path may be both a file and a folder of another path.
    const paths = es.map((e) => e.segs.join('/'));
    return es.filter((e) => !paths.some((p) => p.startsWith(e.segs.join('/') + '/')));
  });
  it('round trip: read(write(tree)) is the tree, sorted (property)', () => {
    fc.assert(
      fc.property(tree, (es) => {
        const entries: TarEntry[] = es.map((e) => ({ path: e.segs.join('/'), type: e.type, bytes: Buffer.from(e.bytes) }));
        const r = readTar(writeTar(entries), { bytes: 1 << 24, entries: 100 });
        expect(r.ok).toBe(true);
        const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
        expect(r.ok && r.entries).toEqual(sorted);
      }),
      { numRuns: 200 },
    );
  });
  it('never throws on damaged bytes, and whatever it accepts has only safe relative paths (property)', () => {
    const t = writeTar([{ path: 'SKILL.md', type: 'f', bytes: Buffer.from('---\nname: x\n---\n') }, { path: 'a/b.txt', type: 'f', bytes: Buffer.from('hello') }]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: t.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: t.length }), (edits, cut) => {
        const bad = Buffer.from(t);
        for (const [at, v] of edits) bad[at] = v;
        const r = readTar(bad.subarray(0, cut), LIMITS);
        if (r.ok) for (const e of r.entries) expect(e.path.split('/').every((s) => s && s !== '..' && s !== '.') && !e.path.startsWith('/')).toBe(true);
        else expect(r.reason).toMatch(/\S/);
      }),
      { numRuns: 500 },
    );
  });
});
