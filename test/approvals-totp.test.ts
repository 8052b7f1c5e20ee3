import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditPaths } from '../src/audit/log.js';
import { AgentSession } from '../src/session/agent-client.js';
import { openVault } from '../src/vault/index.js';
import { MemoryKeyProvider } from '../src/vault/key-provider.js';
import { newTotpSecret, timeStep, totpCode } from '../src/vault/totp.js';
import { agentWorld, removeDir, type AgentWorld } from './helpers/agent.js';
import { passphraseVault, startAgentProcess, stopAgents, terminal } from './helpers/locked.js';

/**
 * The acceptance path of issue 13 on a passphrase vault with TOTP, unlocked into the real
 * session agent: a write outside the bindings creates a request; the person approves it at a
 * real terminal with the passphrase and the TOTP code computed in the test for the current
 * time; the retry succeeds; a window lets the next request through and, once it has expired,
 * the next one asks again. The agent's own connection cannot record a grant.
 */
const dirs: string[] = [];
afterAll(() => {
  stopAgents();
  dirs.forEach(removeDir);
});

const PASS = 'a passphrase for approval tests';
const VALUE = `fake-api-token-${Date.now().toString(36)}-abcdefghij`;
const pendingId = (stderr: string) => /pending ([a-z2-7]{16})/.exec(stderr)?.[1];

describe('approvals with a passphrase, TOTP and the session agent', () => {
  let w: AgentWorld;
  let secret: Buffer;
  const outputs: string[] = [];
  const write = async (file: string) => {
    const r = await w.agent(['write', file, '--content', 'token: <agent-vault:api-token>\n', '--reason', 'call the API']);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  /** The person at a terminal: passphrase, then the code for the current step plus `ahead` steps. */
  const person = async (args: string, ahead = 0) => {
    const r = await terminal(w.repo, w.env, args, [
      { after: 'Passphrase: ', keys: `${PASS}\r` },
      { after: 'TOTP code: ', keys: () => `${totpCode(secret, Date.now() + ahead * 30_000)}\r` },
    ]);
    outputs.push(r.screen);
    return r;
  };

  beforeAll(async () => {
    w = agentWorld(dirs);
    const master = await passphraseVault(w.vault, PASS, { 'api-token': VALUE });
    secret = newTotpSecret();
    openVault(w.vault, { keyProvider: new MemoryKeyProvider(master) }).setTotp({ secret, step: timeStep(Date.now()) - 10 });
    await startAgentProcess(w.vault, Buffer.from(master), { env: w.env });
  }, 120_000);

  it('pending -> approved at a pty with passphrase and TOTP -> the retry writes', async () => {
    const r = await write('app.env');
    expect(r.code, r.stderr).toBe(1);
    const id = pendingId(r.stderr)!;
    expect(id).toBeDefined();
    // The agent's own attempt: no terminal.
    const self = await w.agent(['approve', id]);
    expect(self.code).toBe(1);
    // A wrong code is refused and nothing is approved.
    const wrong = await terminal(w.repo, w.env, `approve ${id}`, [
      { after: 'Passphrase: ', keys: `${PASS}\r` },
      { after: 'TOTP code: ', keys: () => `${String((Number(totpCode(secret, Date.now())) + 1) % 1_000_000).padStart(6, '0')}\r` },
    ]);
    outputs.push(wrong.screen);
    expect(wrong.code).toBe(1);
    expect(readFileSync(auditPaths(w.vault).log, 'utf8')).toContain(`"event":"approve","outcome":"refused","actor":"terminal","request":"${id}"`);
    expect((await w.agent(['request', 'status', id])).stdout).toMatch(/^pending/);

    // A failed attempt makes the next one wait (1 s, doubling): a fast machine got there first.
    await new Promise((r) => setTimeout(r, 1_200));
    const a = await person(`approve ${id}`);
    expect(a.code, a.screen).toBe(0);
    expect(a.screen).toContain(`approved ${id}`);
    const retry = await write('app.env');
    expect(retry.code, retry.stderr).toBe(0);
    expect(readFileSync(join(w.repo, 'app.env'), 'utf8')).toBe(`token: ${VALUE}\n`);
  }, 180_000);

  it('a window of 1 s lets the next request through; after it (polled) the next one asks again', async () => {
    const r = await write('w1.env');
    const id = pendingId(r.stderr)!;
    // The code of the next step: this factor is accepted once per step, and the last approval used this one.
    const a = await person(`approve ${id} --window 1s`, 1);
    expect(a.code, a.screen).toBe(0);
    const { windowEnd } = JSON.parse((await w.agent(['request', 'status', id, '--json'])).stdout) as { windowEnd: string };
    const end = Date.parse(windowEnd);
    // Each use goes through the window, or (a machine slower than 1 s) the audit shows it asked after the window ended.
    const throughOrLate = (res: { code: number | null; stderr: string }, file: string) => {
      const log = readFileSync(auditPaths(w.vault).log, 'utf8');
      if (res.code === 0) return expect(log).toContain(`"destination":"file ${join(w.repo, file)}","outcome":"allowed","actor":"session","grant":"`);
      const asked = log.split('\n').find((l) => l.includes('"event":"request"') && l.includes(`"request":"${pendingId(res.stderr)}"`));
      expect(asked, res.stderr).toBeDefined();
      expect(Date.parse((JSON.parse(asked!) as { ts: string }).ts), res.stderr).toBeGreaterThanOrEqual(end);
    };
    throughOrLate(await write('w1.env'), 'w1.env');
    throughOrLate(await write('w2.env'), 'w2.env');
    for (;;) {
      if ((await w.agent(['request', 'status', id])).stdout.startsWith('expired')) break;
    }
    const third = await write('w3.env');
    expect(third.code).toBe(1);
    expect(pendingId(third.stderr)).toBeDefined();
    expect(existsSync(join(w.repo, 'w3.env'))).toBe(false);
  }, 180_000);

  it("the agent's own connection to the session agent cannot record a grant, a policy or a webhook", async () => {
    const session = new AgentSession(w.vault, w.env);
    try {
      const grant = { id: 'g-self', keys: ['*'], op: 'write' as const, repo: '/', created: new Date().toISOString(), expires: new Date(Date.now() + 3_600_000).toISOString(), usesLeft: null };
      for (const change of [{ kind: 'grant' as const, grant }, { kind: 'policy' as const, ttlMs: 3_600_000 }, { kind: 'webhook-add' as const, hook: { url: 'http://127.0.0.1:9/x', events: ['all'] } }]) {
        const code = await session.changeApprovals(change).then(() => 'accepted', (e: { code?: string }) => e.code);
        expect(code, change.kind).toBe('PERSON_REQUIRED');
      }
      expect((await session.approvals()).grants.some((g) => g.id === 'g-self')).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('the audit log verifies against the checkpoint the vault holds, and holds no value', async () => {
    const v = await w.agent(['audit', 'verify']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/checkpoint at entry \d+ matches the vault/);
    // The checkpoints were signed by the session agent (the only holder of the key), with the key it pins.
    expect(v.stdout).toMatch(/signed checkpoints? verified/);
    const pk = await w.agent(['audit', 'public-key']);
    expect(pk.code, pk.stderr).toBe(0);
    const log = readFileSync(auditPaths(w.vault).log, 'utf8');
    const signers = log.trim().split('\n').map((l) => JSON.parse(l) as { event: string; signer?: string }).filter((e) => e.event === 'checkpoint').map((e) => e.signer);
    expect(signers.length).toBeGreaterThan(0);
    expect(new Set(signers)).toEqual(new Set([pk.stdout.trim()]));
    expect(log).toContain('"event":"approve"');
    expect(log).toContain('"detail":"by approval"');
    const hay = [...outputs, log];
    for (let i = 0; i + 12 <= VALUE.length; i++) for (const h of hay) expect(h.includes(VALUE.slice(i, i + 12))).toBe(false);
  });
});
