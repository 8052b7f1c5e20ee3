import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fakeToken, runActionBundle } from './helpers/action.js';
import { cli } from './helpers/cli.js';
import { BIN, git, gitOk, newRepo, sandbox, write } from './helpers/sandbox.js';

const MiB = 1024 * 1024;

/** A ~13.5 MB SQL dump (past the default 10 MB maxFileSize) with a token on its last line (line `lines + 1`). */
function dump(token: string, lines = 180_000): Buffer {
  const row = 'INSERT INTO events VALUES (1, "a fairly ordinary row of a dump file", 42);\n'; // 75 bytes
  return Buffer.concat([Buffer.from(row.repeat(lines)), Buffer.from(`-- token=${token}\n`)]);
}

describe('files over maxFileSize are scanned in windows, never passed unread', () => {
  it('scan, pre-commit, pre-push, the Action and the clean filter all find a token on the last line of a 13 MB dump', () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { 'README.md': 'demo\n', '.agent-vault.yaml': 'protected:\n  - secrets/*.sql\n' });
    const base = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    expect(cli(sb, repo, ['install']).code).toBe(0);
    gitOk(sb, repo, ['add', '-A']);
    gitOk(sb, repo, ['commit', '-qm', 'attributes', '--allow-empty']);
    const token = fakeToken(1101);
    writeFileSync(join(repo, 'dump.sql'), dump(token));
    expect(statSync(join(repo, 'dump.sql')).size).toBeGreaterThan(10 * MiB);

    const scan = cli(sb, repo, ['scan', 'dump.sql']);
    expect(scan.code, scan.stdout + scan.stderr).toBe(1);
    expect(scan.stdout).toContain('dump.sql:180001:10');
    expect(scan.stdout).not.toMatch(/too-large|skipped/);

    gitOk(sb, repo, ['add', 'dump.sql']);
    const commit = git(sb, repo, ['commit', '-qm', 'dump']);
    expect(commit.code).toBe(1);
    expect(commit.stderr).toMatch(/dump\.sql:180001 {2}github-pat-classic/);

    gitOk(sb, repo, ['commit', '-qm', 'dump', '--no-verify']);
    const head = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    const push = cli(sb, repo, ['hook', 'pre-push', 'origin', 'unused'], { input: `refs/heads/main ${head} refs/heads/main ${base}\n` });
    expect(push.code).toBe(1);
    expect(push.stderr).toMatch(/dump\.sql:180001 \(commit [0-9a-f]{12}\) {2}github-pat-classic/);

    const action = runActionBundle({ workspace: repo, env: sb.env, eventName: 'push', payload: { before: base, after: head, ref: 'refs/heads/main' } });
    expect(action.code).toBe(1);
    expect(action.stdout).toMatch(/^::error title=agent-vault%3A github-pat-classic,file=dump\.sql,line=180001/m);

    // A protected path with no vault: the clean filter scans it and refuses, whatever its size.
    write(repo, 'secrets/big.sql', dump(token, 150_000));
    const add = git(sb, repo, ['add', 'secrets/big.sql']);
    expect(add.code).not.toBe(0);
    expect(add.stderr).toContain('secrets/big.sql');
    for (const r of [scan, commit, push, add]) expect(r.stdout + r.stderr).not.toContain(token);
    expect(action.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(token);
  }, 240_000); // six real processes over 13 MB each, on a shared machine

  it('a token across a window boundary is found once, with its line and column', () => {
    const sb = sandbox();
    const a = fakeToken(1102);
    const b = fakeToken(1103);
    // One 17 MiB line: windows can only cut it mid-line; b starts 20 bytes before the 8 MiB read boundary.
    const at = 8 * MiB - 20;
    const filler = Buffer.alloc(17 * MiB, 'x');
    filler.write(` ${a} `, 100);
    filler.write(` ${b} `, at - 1);
    write(sb.dir, 'one-line.txt', Buffer.concat([Buffer.from('first\n'), filler, Buffer.from('\n')]));
    const r = cli(sb, sb.dir, ['scan', 'one-line.txt', '--format', 'json']);
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout).findings.map((f: { line: number; column: number; endColumn: number }) => `${f.line}:${f.column}-${f.endColumn}`);
    expect(found).toEqual([`2:${101 + 1}-${101 + 1 + 40}`, `2:${at + 1}-${at + 1 + 40}`]);
  });

  it('an unreadable file makes scan exit 2 naming it; the hooks fail closed on what they cannot read', () => {
    const sb = sandbox();
    write(sb.dir, 'locked.txt', 'hello\n');
    write(sb.dir, 'open.txt', 'hello\n');
    chmodSync(join(sb.dir, 'locked.txt'), 0o000);
    const asRoot = process.getuid?.() === 0;
    const caps = '-dac_override,-dac_read_search';
    const cmd = [...(asRoot ? ['setpriv', '--bounding-set', caps, '--inh-caps', caps] : []), process.execPath, BIN, 'scan', '.'];
    const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: sb.dir, env: sb.env });
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toContain('cannot read locked.txt (EACCES); it was not scanned');
  });
});
