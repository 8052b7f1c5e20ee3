import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { approve, ask } from '../src/approvals/decide.js';
import { auditPaths } from '../src/audit/log.js';
import { LocalVaultSession } from '../src/session/local.js';
import { useOf } from '../src/session/session.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { BIN, REPO } from './helpers/sandbox.js';

/**
 * Issue 13's last two acceptance lines on a key-file vault.
 * - A window of 1 s, on a clock the test drives (the session takes its clock; the approval
 *   takes its time): the second use 999 ms after the approval goes through, the third at
 *   1 000 ms asks again. The code is the one every write runs (ask, approve, the session's
 *   restore taking the grant), against the real vault files.
 * - A crash between "approved" and "used": a real write process is killed (SIGKILL, by a
 *   fault-injection preload) the moment it opens the destination, after it took the one-use
 *   grant and audited the use. The grant is gone (never used twice: the retry asks again),
 *   the audit entry is there and the chain verifies, and nothing was written.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const VALUE = `fake-crash-secret-${Date.now().toString(36)}-0123456789`;
const pendingId = (stderr: string) => /pending ([a-z2-7]{16})/.exec(stderr)?.[1];
const SELF: [string, string] = [process.execPath, BIN];

describe('a 1 s window on a controlled clock, and a crash between approved and used', () => {
  let w: AgentWorld;
  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE, '--path bound.yaml');
  }, 120_000);

  it('a window of 1 s lets the second request through; the third, after it, asks again', async () => {
    let clock = Date.now();
    const session = new LocalVaultSession(w.vault, { now: () => clock });
    try {
      const content = Buffer.from('db: <agent-vault:db-password>\n');
      const use = (file: string) => {
        const destination = { kind: 'file' as const, path: join(w.repo, file) };
        return { destination, request: { keys: ['db-password'], op: 'write' as const, destination: useOf(destination).destination, where: destination.path, repo: w.repo, reason: 'window test' } };
      };
      const first = use('c1.yaml');
      expect((await session.restore(content, { destination: first.destination })).unbound).toEqual(['db-password']);
      const req = await ask(session, first.request, SELF, w.env);
      const t0 = clock;
      const { grant } = await approve(session, req.id, { actor: 'terminal', windowMs: 1000, now: t0, self: SELF, env: w.env });
      expect(Date.parse(grant.expires) - t0).toBe(1000);
      clock = t0 + 1;
      const retry = await session.restore(content, { destination: first.destination });
      expect(retry.unbound).toEqual([]);
      expect(Buffer.from(retry.output).toString()).toBe(`db: ${VALUE}\n`);
      clock = t0 + 999;
      const second = await session.restore(content, { destination: use('c2.yaml').destination });
      expect(second.unbound, 'the second request, inside the window').toEqual([]);
      clock = t0 + 1000;
      const third = use('c3.yaml');
      const after = await session.restore(content, { destination: third.destination });
      expect(after.unbound, 'the third request, at the end of the window').toEqual(['db-password']);
      expect(Buffer.from(after.output).toString()).not.toContain(VALUE);
      const again = await ask(session, third.request, SELF, w.env);
      expect(again.status).toBe('pending');
      expect(again.id).not.toBe(req.id);
      const log = readFileSync(auditPaths(w.vault).log, 'utf8');
      expect(log.match(new RegExp(`"grant":"${grant.id}","detail":"by approval"`, 'g'))?.length).toBe(2);
    } finally {
      await session.close();
    }
  });

  it('SIGKILL after the grant was taken and audited, before the write: no second use, the audit entry kept, nothing written', async () => {
    const file = join(w.repo, 'crash.yaml');
    const write = (env: NodeJS.ProcessEnv = {}) => w.agent(['write', 'crash.yaml', '--content', 'db: <agent-vault:db-password>\n', '--reason', 'crash test'], 'ignore', { env });
    const r = await write();
    const id = pendingId(r.stderr)!;
    expect(id).toBeDefined();
    const a = await w.person(`approve ${id}`);
    expect(a.code, a.screen).toBe(0);
    const grants = JSON.parse((await w.agent(['grants', '--json'])).stdout) as { grants: { id: string; request?: string; usesLeft: number | null }[] };
    const grant = grants.grants.find((g) => g.request === id)!;
    expect(grant.usesLeft).toBe(1);

    const crashed = await write({ NODE_OPTIONS: `--import ${join(REPO, 'test', 'fixtures', 'crash-before-write.mjs')}`, AGENT_VAULT_TEST_CRASH_BEFORE_WRITE: file });
    expect(crashed.code, crashed.stderr).toBeNull(); // killed by a signal (SIGKILL), not an exit
    expect(existsSync(file)).toBe(false);
    // The use was recorded before the value went anywhere, and the chain is whole.
    const log = readFileSync(auditPaths(w.vault).log, 'utf8');
    expect(log).toContain(`"event":"materialise-write","keys":["db-password"],"destination":"file ${file}","outcome":"allowed","actor":"session","grant":"${grant.id}"`);
    const verify = await w.agent(['audit', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    // The grant was taken: it is not there to be used a second time.
    expect((JSON.parse((await w.agent(['grants', '--json'])).stdout) as { grants: { id: string }[] }).grants.map((g) => g.id)).not.toContain(grant.id);
    const retry = await write();
    expect(retry.code).toBe(1);
    const asked = pendingId(retry.stderr);
    expect(asked).toBeDefined();
    expect(asked).not.toBe(id);
    expect(existsSync(file)).toBe(false);
    expect((readFileSync(auditPaths(w.vault).log, 'utf8').match(new RegExp(`"grant":"${grant.id}","detail":"by approval"`, 'g')) ?? []).length).toBe(1);
    expect(readFileSync(auditPaths(w.vault).log, 'utf8')).not.toContain(VALUE);
  }, 120_000);
});
