import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { git, gitOk, newRepo, sandbox, write } from './helpers/sandbox.js';

const next = rng(211);
const token = () => expandTemplate('ghp_{{alnum:36}}', next);

/** Text in one of the encodings a BOM announces, BOM first. */
function encode(text: string, encoding: 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be'): Buffer {
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  if (encoding === 'utf-16le') return le;
  if (encoding === 'utf-16be') return Buffer.from(le).swap16();
  const points = [...('\ufeff' + text)].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(points.length * 4);
  points.forEach((p, i) => (encoding === 'utf-32le' ? out.writeUInt32LE(p, i * 4) : out.writeUInt32BE(p, i * 4)));
  return out;
}

describe('a path that does not exist', () => {
  it('is a usage error (exit 2) naming the path, and nothing else is reported clean', () => {
    const sb = sandbox();
    write(sb.dir, 'src/a.txt', 'hello\n');
    const r = cli(sb, sb.dir, ['scan', 'srcc/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/srcc\/: no such file or folder/);
    expect(r.stdout).not.toMatch(/no secrets/);
    // With an existing path beside it, still a usage error: a typo must not pass half the scan.
    expect(cli(sb, sb.dir, ['scan', 'src', 'nope.txt']).code).toBe(2);
    expect(cli(sb, sb.dir, ['scan', 'src']).code).toBe(0);
  });
});

describe('files with a byte order mark are decoded and scanned', () => {
  for (const encoding of ['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'] as const) {
    it(`${encoding}: the token is found on its line and column, masked`, () => {
      const sb = sandbox();
      const secret = token();
      write(sb.dir, `enc/${encoding}.txt`, encode(`first line\nsecond é line 😀\n  token=${secret}\n`, encoding));
      const r = cli(sb, sb.dir, ['scan', 'enc', '--format', 'json']);
      expect(r.code).toBe(1);
      const data = JSON.parse(r.stdout);
      expect(data.findings.map((f: { path: string; line: number; column: number }) => `${f.path}:${f.line}:${f.column}`)).toEqual([`enc/${encoding}.txt:3:9`]);
      expect(data.skipped).toEqual([]);
      expect(r.stdout + r.stderr).not.toContain(secret);
    });
  }

  it('a UTF-16 file staged for commit blocks the pre-commit hook, naming its line', () => {
    const sb = sandbox();
    const repo = newRepo(sb);
    expect(cli(sb, repo, ['install']).code).toBe(0);
    const secret = token();
    write(repo, 'notes.txt', encode(`a\nb\nc\nkey: ${secret}\n`, 'utf-16le'));
    gitOk(sb, repo, ['add', 'notes.txt']);
    const r = git(sb, repo, ['commit', '-qm', 'notes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/notes\.txt:4 {2}github-pat-classic/);
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('bytes that only start like a BOM (odd length) are still scanned one char per byte', () => {
    const sb = sandbox();
    const secret = token();
    write(sb.dir, 'odd.txt', Buffer.concat([Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(`\nk=${secret}\n`)]));
    const r = cli(sb, sb.dir, ['scan', 'odd.txt']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('odd.txt:2:3');
    expect(r.stdout).not.toContain(secret);
  });
});
