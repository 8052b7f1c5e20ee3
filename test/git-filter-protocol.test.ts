import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeContent, encodeList, PacketReader } from '../src/git/pkt-line.js';
import { Readable } from 'node:stream';
import { BIN, sandbox, type Sandbox } from './helpers/sandbox.js';
import { bindKeys, storeValues } from './helpers/vault.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});

function session(requests: Buffer[], env: NodeJS.ProcessEnv = {}) {
  const input = Buffer.concat([
    encodeList(['git-filter-client', 'version=2']),
    encodeList(['capability=clean', 'capability=smudge', 'capability=delay']),
    ...requests,
  ]);
  const r = spawnSync(process.execPath, [BIN, 'filter-process'], { cwd: sb.root, env: { ...sb.env, ...env }, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

const request = (command: string, pathname: string, content: string) =>
  Buffer.concat([encodeList([`command=${command}`, `pathname=${pathname}`]), encodeContent(Buffer.from(content))]);

describe('filter-process speaks only protocol on stdout', () => {
  it('answers the handshake with version 2 and only the capabilities it serves, then each request', async () => {
    storeValues(sb.env.AGENT_VAULT_HOME!, { 'api-key': 'fakeapikey-0123456789' });
    // git runs the filter at the work tree root (here sb.root) and passes paths relative to it.
    bindKeys(sb.env.AGENT_VAULT_HOME!, { 'api-key': [join(sb.root, 'a.env')] });
    const s = session([
      request('clean', 'a.env', 'K=fakeapikey-0123456789\n'),
      request('smudge', 'a.env', 'K=<agent-vault:api-key> <agent-vault:other-key> <agent-vault:other-key>\n'),
      request('frobnicate', 'a.env', 'x'),
    ]);
    expect(s.code, s.stderr).toBe(0);
    const r = new PacketReader(Readable.from([s.stdout]));
    expect(await r.readList()).toEqual(['git-filter-server', 'version=2']);
    expect(await r.readList()).toEqual(['capability=clean', 'capability=smudge']);
    expect(await r.readList()).toEqual(['status=success']);
    expect((await r.readContent()).toString()).toBe('K=<agent-vault:api-key>\n');
    expect(await r.readList()).toEqual([]);
    expect(await r.readList()).toEqual(['status=success']);
    expect((await r.readContent()).toString()).toBe('K=fakeapikey-0123456789 <agent-vault:other-key> <agent-vault:other-key>\n');
    expect(await r.readList()).toEqual([]);
    expect(await r.readList()).toEqual(['status=error']);
    expect(await r.read()).toBeUndefined();
    // One warning per unknown key, on stderr.
    expect(s.stderr.match(/no value for <agent-vault:other-key>/g)).toHaveLength(1);
    expect(s.stderr).not.toContain('fakeapikey');
  });

  it('passes CRLF, NUL and non-UTF-8 bytes through untouched around a redacted value', async () => {
    storeValues(sb.env.AGENT_VAULT_HOME!, { 'api-key': 'fakeapikey-0123456789' });
    const raw = Buffer.concat([Buffer.from('a\r\nK='), Buffer.from('fakeapikey-0123456789'), Buffer.from([0, 0xff, 0xfe, 13, 10])]);
    const s = session([Buffer.concat([encodeList(['command=clean', 'pathname=bin.dat']), encodeContent(raw)])]);
    const r = new PacketReader(Readable.from([s.stdout]));
    await r.readList();
    await r.readList();
    expect(await r.readList()).toEqual(['status=success']);
    expect(await r.readContent()).toEqual(Buffer.concat([Buffer.from('a\r\nK=<agent-vault:api-key>'), Buffer.from([0, 0xff, 0xfe, 13, 10])]));
  });

  it('completes the handshake and smudges losslessly when no vault exists', async () => {
    const s = session([request('smudge', 'c.yaml', 'x: <agent-vault:db-password>\n')], { AGENT_VAULT_HOME: join(sb.root, 'absent') });
    expect(s.code, s.stderr).toBe(0);
    const r = new PacketReader(Readable.from([s.stdout]));
    await r.readList();
    await r.readList();
    expect(await r.readList()).toEqual(['status=success']);
    expect((await r.readContent()).toString()).toBe('x: <agent-vault:db-password>\n');
    expect(s.stderr).toContain('vault unavailable');
  });
});

describe('filter-process run by hand', () => {
  // It used to say "Internal error … This is a bug in agent-vault" for input that is simply not
  // git's protocol (an empty stdin, a file piped in).
  it('is a git error (exit 2) that says who runs it, and echoes nothing of its input', () => {
    const secretish = `fake-handrun-${'q7'.repeat(12)}`;
    for (const input of [Buffer.alloc(0), Buffer.from(`${secretish}\n`), encodeList([secretish, 'version=2'])]) {
      const r = spawnSync(process.execPath, [BIN, 'filter-process'], { cwd: sb.root, env: sb.env, input });
      const stderr = r.stderr.toString('utf8');
      expect(r.status, stderr).toBe(2);
      expect(stderr).toContain("not git's long-running filter protocol on stdin");
      expect(stderr).toContain('agent-vault install');
      expect(stderr).not.toMatch(/bug|Internal error/i);
      expect(stderr + r.stdout.toString('utf8')).not.toContain(secretish.slice(0, 12));
      expect(r.stdout.length).toBe(0);
    }
  });
});
