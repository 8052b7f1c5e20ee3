import { spawnSync } from 'node:child_process';
import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { BIN, sandbox, write, type Sandbox } from './helpers/sandbox.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

let sb: Sandbox;
let dir: string;
const next = rng(99);
const token = () => expandTemplate('ghp_{{alnum:36}}', next);

beforeAll(() => {
  sb = sandbox();
  dir = sb.dir;
});

const scan = (args: string[], input?: string) => cli(sb, dir, ['scan', ...args], { input });

/**
 * The command line that runs the CLI so that a file with mode 000 is unreadable to it. root
 * reads everything through its DAC override capabilities, so as root the CLI runs without them
 * (same user: it still reads the checkout, node and the sandbox wherever they live, even
 * under a private folder, which switching to another user could not).
 */
function withoutReadOverride(args: string[]): string[] {
  const asRoot = process.getuid?.() === 0;
  const caps = '-dac_override,-dac_read_search';
  return [...(asRoot ? ['setpriv', '--bounding-set', caps, '--inh-caps', caps] : []), process.execPath, BIN, ...args];
}

describe('bad input gets a clear message and no crash', () => {
  it('an unreadable file is named, the scan goes on, and it exits 2: that file was not judged', () => {
    const secret = token();
    write(dir, 'unreadable/locked.txt', `k=${token()}\n`);
    write(dir, 'unreadable/open.txt', `k=${secret}\n`);
    chmodSync(join(dir, 'unreadable/locked.txt'), 0o000);
    const cmd = withoutReadOverride(['scan', 'unreadable', '--format', 'json']);
    const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: dir, env: sb.env });
    const out = r.stdout.toString();
    const err = r.stderr.toString();
    expect(r.status).toBe(2);
    expect(err).toMatch(/error: cannot read unreadable\/locked\.txt \(EACCES\); it was not scanned/);
    const data = JSON.parse(out);
    expect(data.findings.map((f: { path: string }) => f.path)).toEqual(['unreadable/open.txt']);
    expect(data.skipped).toEqual([{ path: 'unreadable/locked.txt', reason: 'unreadable', detail: 'EACCES' }]);
    expect(out + err).not.toContain(secret);
  });

  it('invalid UTF-8 around a secret: still found, masked', () => {
    const secret = token();
    write(dir, 'latin/bytes.txt', Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x20]), Buffer.from(`token=${secret}\n`), Buffer.from([0xed, 0xa0, 0x80])]));
    const r = scan(['latin']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('latin/bytes.txt:1:12');
    expect(r.stdout).not.toContain(secret);
  });

  it('an empty file is clean', () => {
    write(dir, 'empty/e.txt', '');
    const r = scan(['empty']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no secrets found in 1 file scanned/);
  });

  it('binary content is skipped by sniffing and listed in the JSON report', () => {
    write(dir, 'bin/blob.dat', Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(token())]));
    const r = scan(['bin', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).skipped).toEqual([{ path: 'bin/blob.dat', reason: 'binary' }]);
  });

  it('a 10 MB single line is scanned to its end', () => {
    const secret = token();
    write(dir, 'huge/line.min.js', 'a'.repeat(10_000_000) + ` t=${secret}`);
    const r = scan(['huge']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('huge/line.min.js:1:10000004');
    expect(r.stdout).not.toContain(secret);
  });

  it('files over the size ceiling are scanned in windows, never skipped', () => {
    const secret = token();
    write(dir, 'big/large.txt', 'x'.repeat(4096) + `\nk=${secret}\n`);
    const r = scan(['big', '--max-file-size', '1KB']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('big/large.txt:2:3');
    expect(r.stdout).not.toMatch(/skipped/);
    expect(r.stdout).not.toContain(secret);
  });

  it('a symlink loop is reported, not followed', () => {
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    const r = scan(['loop-a', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).skipped).toEqual([{ path: 'loop-a', reason: 'symlink-loop', detail: 'ELOOP' }]);
    expect(r.stderr).toMatch(/cannot read loop-a/);
  });

  it('a path that does not exist is a usage error, not a crash', () => {
    const r = scan(['no/such/file']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/file: no such file or folder/);
  });

  it('an unknown flag is a usage error (exit 2)', () => {
    const r = scan(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it('conflicting sources are a usage error', () => {
    const r = scan(['--staged', '--stdin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/choose one of/);
  });
});

describe('invalid configuration', () => {
  // The folder these tests scan, made here so that they do not depend on the empty-file test.
  beforeAll(() => write(dir, 'empty/e.txt', ''));

  it('reports every problem at once, each with file and line, and exits 2', () => {
    write(dir, 'cfg/bad.yaml', ['rules:', '  disable: nope', '  add:', '    - id: acme-token', '      description: ACME', "      regex: '(unclosed'", '      keywords: [acme]', 'maxFileSize: huge', 'colour: blue', ''].join('\n'));
    const r = scan(['empty', '--config', 'cfg/bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2: rules\.disable: must be a list of rule ids/);
    expect(r.stderr).toMatch(/bad\.yaml:6: rules\.add\[0\]\.regex: invalid regular expression/);
    expect(r.stderr).toMatch(/bad\.yaml:8: maxFileSize: must be a size/);
    expect(r.stderr).toMatch(/bad\.yaml:9: colour: unknown key/);
  });

  it('a YAML syntax error names the line', () => {
    write(dir, 'cfg/syntax.yaml', 'rules:\n  add: [\n');
    const r = scan(['empty', '--config', 'cfg/syntax.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/syntax\.yaml:\d+: /);
  });

  it('a missing --config file is named', () => {
    const r = scan(['empty', '--config', 'cfg/missing.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read configuration cfg\/missing\.yaml: ENOENT/);
  });
});
