import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { encodeContent, encodeList, PacketReader } from '../src/git/pkt-line.js';
import { agentWorld, removeDir, type AgentWorld } from './helpers/agent.js';
import { BIN } from './helpers/vault-cli.js';

/**
 * Issue 10, item 1: no safe command reads, writes, scans or filters a file of the vault home,
 * however the path reaches it. On the code before this change, `read ~/.agent-vault/vault.key`
 * printed the 32 raw key bytes (with cat -n's prefix) whenever the key held no NUL byte, a
 * symlink or hard link in the repository did the same, and `read fifo` blocked forever.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** A master key with no NUL byte (the ~88% of keys the old NUL check let through). */
function keyWithoutNul(): Buffer {
  const key = randomBytes(32);
  for (let i = 0; i < key.length; i++) if (key[i] === 0) key[i] = 1;
  return key;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('paths into the vault home', () => {
  let w: AgentWorld;
  let key: Buffer;
  const vaultFiles = () => ['vault.key', 'vault.json', 'vault.json.bak'].map((f) => join(w.vault, f));
  const fingerprints = () => vaultFiles().map(sha);

  beforeAll(async () => {
    w = agentWorld(dirs);
    mkdirSync(w.vault, { recursive: true, mode: 0o700 });
    key = keyWithoutNul();
    writeFileSync(join(w.vault, 'vault.key'), key, { mode: 0o600 });
    for (const k of ['db-password', 'api-token']) expect((await w.agent(['set', k, '--stdin'], `value-of-${k}-0123456789`)).code).toBe(0);
    symlinkSync(join(w.vault, 'vault.key'), join(w.repo, 'key-link'));
    linkSync(join(w.vault, 'vault.key'), join(w.repo, 'key-hardlink'));
    symlinkSync(w.vault, join(w.repo, 'vault-dir'));
    expect(spawnSync('mkfifo', [join(w.repo, 'fifo')]).status).toBe(0);
  }, 120_000);

  /** No byte run of the key of 8 or more appears in the output. */
  function expectNoKey(out: Buffer) {
    for (let i = 0; i + 8 <= key.length; i++) expect(out.includes(key.subarray(i, i + 8)), 'output holds key bytes').toBe(false);
  }

  it('read refuses the key and vault files by absolute path, .., symlink, symlinked folder and hard link', async () => {
    const before = fingerprints();
    const paths = [
      join(w.vault, 'vault.key'),
      relative(w.repo, join(w.vault, 'vault.key')),
      'key-link',
      'key-hardlink',
      'vault-dir/vault.key',
      join(w.vault, 'vault.json'),
      join(w.vault, 'vault.json.bak'),
      join(w.vault, 'vault.generation'),
    ];
    for (const p of paths) {
      const r = await w.agent(['read', p]);
      expect(r.code, `read ${p}: ${r.stderr}`).toBe(1);
      expect(r.stdoutBytes.length, `read ${p} printed something`).toBe(0);
      expect(r.stderr).toContain('inside the vault home');
      expectNoKey(Buffer.from(r.stderr, 'latin1'));
    }
    expect(fingerprints()).toEqual(before);
  });

  it('read refuses a FIFO instead of blocking on it, and a device', () => {
    // A blocked read never ends: the old code was killed here by the timeout (signal set, no status).
    for (const [path, kind] of [['fifo', 'a named pipe (FIFO)'], ['/dev/zero', 'a device']]) {
      const r = spawnSync(process.execPath, [BIN, 'read', path!], { cwd: w.repo, env: w.env, input: '', timeout: 45_000 });
      expect(r.signal, `read ${path} blocked`).toBeNull();
      expect(r.status).toBe(1);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr.toString()).toContain(`is ${kind}, not a regular file`);
    }
  }, 120_000);

  it('a copy of the key is refused as binary: control bytes and invalid UTF-8 count, not only NUL', async () => {
    writeFileSync(join(w.repo, 'copied.key'), key);
    writeFileSync(join(w.repo, 'controls.txt'), 'text\x01\x02 with control bytes\n');
    writeFileSync(join(w.repo, 'latin1.txt'), Buffer.from('caf\xe9 \xff\xfe\n', 'latin1'));
    writeFileSync(join(w.repo, 'late.txt'), Buffer.concat([Buffer.from('x'.repeat(9000) + '\n'), key]));
    for (const f of ['copied.key', 'controls.txt', 'latin1.txt', 'late.txt']) {
      const r = await w.agent(['read', f]);
      expect(r.code, f).toBe(1);
      expect(r.stdoutBytes.length).toBe(0);
      expectNoKey(Buffer.from(r.stderr, 'latin1'));
    }
    // Text with tabs, CR LF, form feed and ANSI escapes is still text.
    writeFileSync(join(w.repo, 'ok.txt'), 'a\tb\r\nc\f\x1b[1mbold\x1b[0m\n');
    expect((await w.agent(['read', 'ok.txt'])).code).toBe(0);
  });

  it('write refuses the vault files however they are named, and changes none of them', async () => {
    const before = fingerprints();
    for (const p of [join(w.vault, 'vault.key'), 'key-link', 'key-hardlink', 'vault-dir/vault.json', join(w.vault, 'new-file')]) {
      const r = await w.agent(['write', p, '--content', 'replaced']);
      expect(r.code, `write ${p}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain('inside the vault home');
    }
    expect(fingerprints()).toEqual(before);
    expect(readFileSync(join(w.vault, 'vault.key')).equals(key)).toBe(true);
  });

  it('scan refuses the vault home (a usage error) and skips its files inside a scanned folder', async () => {
    for (const p of [w.vault, join(w.vault, 'vault.key'), 'key-hardlink']) {
      const r = await w.agent(['scan', p]);
      expect(r.code, `scan ${p}`).toBe(2);
      expect(r.stderr).toContain('inside the vault home');
    }
    const walk = await w.agent(['scan', '.', '--format', 'json'], 'ignore', { cwd: w.home });
    expect(walk.code, walk.stderr).toBeLessThan(2);
    const report = JSON.parse(walk.stdout) as { skipped: { path: string; detail?: string }[] };
    const skipped = report.skipped.filter((s) => s.detail?.includes('vault home')).map((s) => s.path);
    expect(skipped).toEqual(expect.arrayContaining(['.agent-vault/vault.key', '.agent-vault/vault.json', 'work/repo/key-hardlink']));
    expectNoKey(walk.stdoutBytes);
  });

  it('clean and smudge refuse a path in the vault home; the filter process errors for it and never serves it', async () => {
    for (const cmd of ['clean', 'smudge']) {
      const r = await w.agent([cmd, join(w.vault, 'vault.json')], '<agent-vault:db-password>\n');
      expect(r.code, cmd).toBe(1);
      expect(r.stdoutBytes.length).toBe(0);
    }
    // git runs the filter at the work tree root: a repository made around the home.
    const input = Buffer.concat([
      encodeList(['git-filter-client', 'version=2']),
      encodeList(['capability=clean', 'capability=smudge']),
      encodeList(['command=clean', 'pathname=.agent-vault/vault.key']),
      encodeContent(key),
      encodeList(['command=smudge', 'pathname=.agent-vault/vault.json']),
      encodeContent(Buffer.from('x: <agent-vault:db-password>\n')),
    ]);
    const p = spawnSync(process.execPath, [BIN, 'filter-process'], { cwd: w.home, env: w.env, input });
    expect(p.status).toBe(0);
    const r = new PacketReader(Readable.from([p.stdout]));
    await r.readList();
    await r.readList();
    expect(await r.readList()).toEqual(['status=error']);
    expect(await r.readList()).toEqual(['status=success']);
    expect((await r.readContent()).toString()).toBe('x: <agent-vault:db-password>\n');
    expect(p.stderr.toString()).toContain('vault home');
  });

  it('the filter process judges each path through its real folder, resolved once per folder', async () => {
    // vault-dir is a symlink to the vault home: lexically in the repository, really in the home.
    // The folder's real path is asked once and reused; every file in it is still refused, and
    // a file in an ordinary folder, before and after, is still served.
    const input = Buffer.concat([
      encodeList(['git-filter-client', 'version=2']),
      encodeList(['capability=clean', 'capability=smudge']),
      encodeList(['command=clean', 'pathname=plain.txt']),
      encodeContent(Buffer.from('hello\n')),
      encodeList(['command=clean', 'pathname=vault-dir/vault.key']),
      encodeContent(key),
      encodeList(['command=clean', 'pathname=vault-dir/vault.json']),
      encodeContent(Buffer.from('{}\n')),
      encodeList(['command=smudge', 'pathname=vault-dir/new.yaml']),
      encodeContent(Buffer.from('x: <agent-vault:db-password>\n')),
      encodeList(['command=clean', 'pathname=plain2.txt']),
      encodeContent(Buffer.from('world\n')),
    ]);
    const p = spawnSync(process.execPath, [BIN, 'filter-process'], { cwd: w.repo, env: w.env, input });
    expect(p.status).toBe(0);
    const r = new PacketReader(Readable.from([p.stdout]));
    await r.readList();
    await r.readList();
    const served = async (text: string) => {
      expect(await r.readList()).toEqual(['status=success']);
      expect((await r.readContent()).toString()).toBe(text);
      expect(await r.readList()).toEqual([]);
    };
    await served('hello\n');
    expect(await r.readList()).toEqual(['status=error']);
    expect(await r.readList()).toEqual(['status=error']);
    await served('x: <agent-vault:db-password>\n');
    await served('world\n');
    expect(p.stderr.toString()).toContain('vault-dir/new.yaml lies in the vault home');
    expectNoKey(p.stdout);
  });
  it('a folder swapped for a symlink into the vault home between two files of one command is judged anew', async () => {
    // The filter resolves a folder's real path once: an agent running `git add -A` could let
    // the first file of a plain folder through, then swap the folder for a symlink to the vault
    // home before git reads the next file through it (the key, by name). A stat per file says
    // the folder is no longer the one resolved.
    mkdirSync(join(w.repo, 'swap'));
    const p = spawn(process.execPath, [BIN, 'filter-process'], { cwd: w.repo, env: w.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    const answers = async (n: number) => {
      // Wait for n complete answers (status list, content, flush: or a status=error list).
      for (let t = 0; t < 400; t++) {
        const r = new PacketReader(Readable.from([Buffer.concat(out)]));
        let got = 0;
        try {
          await r.readList();
          await r.readList();
          for (;;) {
            const status = await r.readList();
            if (!status) break;
            if (status[0] === 'status=success') {
              await r.readContent();
              await r.readList();
            }
            got++;
          }
        } catch {
          /* incomplete yet */
        }
        if (got >= n) return;
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error('the filter did not answer');
    };
    p.stdin.write(Buffer.concat([encodeList(['git-filter-client', 'version=2']), encodeList(['capability=clean', 'capability=smudge'])]));
    p.stdin.write(Buffer.concat([encodeList(['command=clean', 'pathname=swap/first.txt']), encodeContent(Buffer.from('plain\n'))]));
    await answers(1);
    renameSync(join(w.repo, 'swap'), join(w.repo, 'swap-was'));
    symlinkSync(w.vault, join(w.repo, 'swap'));
    p.stdin.write(Buffer.concat([encodeList(['command=clean', 'pathname=swap/vault.key']), encodeContent(readFileSync(join(w.repo, 'swap', 'vault.key')))]));
    await answers(2);
    p.stdin.end();
    const code = await new Promise<number | null>((res) => p.on('close', res));
    expect(code).toBe(0);
    const r = new PacketReader(Readable.from([Buffer.concat(out)]));
    await r.readList();
    await r.readList();
    expect(await r.readList()).toEqual(['status=success']);
    expect((await r.readContent()).toString()).toBe('plain\n');
    expect(await r.readList()).toEqual([]);
    expect(await r.readList()).toEqual(['status=error']);
    expectNoKey(Buffer.concat(out));
  });
});
