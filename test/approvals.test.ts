import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decidable } from '../src/approvals/decide.js';
import { loadRequest, REQUEST_TTL_MS } from '../src/approvals/requests.js';
import { auditPaths } from '../src/audit/log.js';
import { vaultPaths } from '../src/vault/index.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import type { RunResult } from './helpers/vault-cli.js';

/**
 * Issue 13 on a key-file vault, with real processes: a write outside the bindings becomes a
 * pending request; the agent (no terminal, same user) cannot approve it, forge a grant or
 * alter what is approved; a person approves at a real terminal (util-linux script) and the
 * retry succeeds once; a window lets the next use through until it expires; every decision
 * and use is in the audit log, and no value is in any output, request or audit entry.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const VALUE = `fake-db-password-${Date.now().toString(36)}-0123456789`;
const outputs: string[] = [];
const keep = (r: RunResult) => {
  outputs.push(r.stdout, r.stderr);
  return r;
};
const pendingId = (r: RunResult) => /pending ([a-z2-7]{16})/.exec(r.stderr)?.[1];

describe('approvals (key-file vault)', () => {
  let w: AgentWorld;
  const write = async (file: string, extra: string[] = [], cwd?: string) => keep(await w.agent(['write', file, '--content', `db: <agent-vault:db-password>\n`, ...extra], 'ignore', cwd ? { cwd } : {}));
  const person = async (line: string) => {
    const r = await w.person(line);
    outputs.push(r.screen);
    return r;
  };

  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE, '--path bound.yaml');
  }, 120_000);

  it('a write outside the bindings creates one pending request (reused on retry), writes nothing, and names both ways to approve', async () => {
    const r = await write('deploy.yaml', ['--reason', 'deploy\x1b[31m needs it\nnow']);
    expect(r.code).toBe(1);
    const id = pendingId(r)!;
    expect(id).toMatch(/^[a-z2-7]{16}$/);
    // The README's sample output, word for word.
    expect(r.stderr.split('\n')[0]).toBe(`✗ Error: pending ${id}: the value of "db-password" is not allowed in ${join(w.repo, 'deploy.yaml')}: the key is not bound to that file; a person's approval was requested`);
    expect(r.stderr).toContain(`agent-vault approve ${id}`);
    expect(r.stderr).toContain('agent-vault bind db-password');
    expect(existsSync(join(w.repo, 'deploy.yaml'))).toBe(false);
    const file = join(w.vault, 'approvals', 'requests', `${id}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const req = loadRequest(w.vault, id);
    expect(req).toMatchObject({ keys: ['db-password'], op: 'write', repo: w.repo, status: 'pending' });
    expect(req.reason).toBe('deploy [31m needs it now'); // control characters stripped
    const again = await write('deploy.yaml', ['--reason', 'deploy\x1b[31m needs it\nnow']);
    expect(pendingId(again)).toBe(id);
    const status = keep(await w.agent(['request', 'status', id]));
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^pending\n/);
  });

  it('the agent cannot approve its own request: no terminal, refused; the request stays pending', async () => {
    const r = await write('deploy.yaml');
    const id = pendingId(r)!;
    for (const args of [['approve', id], ['approve', id, '--window', '8h'], ['policy', 'set', '--ttl', '8h'], ['revoke-grant', '--all']]) {
      const a = keep(await w.agent(args));
      expect(a.code, args.join(' ')).toBe(1);
      expect(a.stderr).toContain('needs an interactive terminal');
    }
    // Piped input to approve is not a terminal either.
    const piped = keep(await w.agent(['approve', id], 'y\n'));
    expect(piped.code).toBe(1);
    expect((await w.agent(['request', 'status', id])).stdout).toMatch(/^pending/);
    expect((await write('deploy.yaml')).code).toBe(1);
  });

  it('the agent cannot forge a grant: the approval state is covered by the vault MAC', async () => {
    const file = vaultPaths(w.vault).file;
    const before = readFileSync(file, 'utf8');
    const doc = JSON.parse(before) as Record<string, unknown>;
    const grant = { id: 'g-forged', keys: ['*'], op: 'write', repo: '/', created: new Date().toISOString(), expires: new Date(Date.now() + 3_600_000).toISOString(), usesLeft: null };
    const { mac, ...rest } = doc;
    const forged = { ...rest, approvals: { policy: { vault: { ttlMs: 0, scope: 'secret', capMs: 1 }, keys: {} }, webhooks: [], grants: [grant] }, mac };
    writeFileSync(file, JSON.stringify(forged, null, 2) + '\n');
    try {
      const r = await write('deploy.yaml');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('integrity check');
      expect(existsSync(join(w.repo, 'deploy.yaml'))).toBe(false);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('an altered request is refused at approval, and audited', async () => {
    const r = await write('altered.yaml');
    const id = pendingId(r)!;
    const file = join(w.vault, 'approvals', 'requests', `${id}.json`);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(join(w.repo, 'altered.yaml'), join(w.repo, 'evil.sh')));
    const a = await person(`approve ${id}`);
    expect(a.code).toBe(1);
    expect(a.screen).toContain('was changed after it was made');
    writeFileSync(file, original);
    expect(readFileSync(auditPaths(w.vault).log, 'utf8')).toContain('"detail":"was changed after it was made"');
  });

  it('an expired request cannot be approved', () => {
    const r = readdirSync(join(w.vault, 'approvals', 'requests'))[0]!.replace('.json', '');
    expect(() => decidable(w.vault, r, 'approve', 'terminal', Date.now() + REQUEST_TTL_MS + 1000)).toThrow(/expired/);
  });

  it('a person approves at a terminal: the retry writes once, the next write asks again', async () => {
    const r = await write('once.yaml', ['--reason', 'one deploy']);
    const id = pendingId(r)!;
    const a = await person(`approve ${id}`);
    expect(a.code, a.screen).toBe(0);
    expect(a.screen).toContain('keys         db-password');
    expect(a.screen).toContain(`destination  file ${join(w.repo, 'once.yaml')}`);
    expect(a.screen).toContain('reason       "one deploy"');
    expect(a.screen).toContain(`approved ${id} (this use once)`);
    // A second decision on the same request is refused.
    expect((await person(`deny ${id}`)).code).toBe(1);
    const retry = await write('once.yaml', ['--reason', 'one deploy']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(readFileSync(join(w.repo, 'once.yaml'), 'utf8')).toBe(`db: ${VALUE}\n`);
    expect((await w.agent(['request', 'status', id])).stdout).toMatch(/^used/);
    // The approval covered that one write of that file, nothing else.
    const next = await write('once.yaml', ['--reason', 'one deploy']);
    expect(next.code).toBe(1);
    expect(pendingId(next)).not.toBe(id);
    const elsewhere = await write('other.yaml');
    expect(elsewhere.code).toBe(1);
  });

  it('write --wait waits for the decision: a denial ends it at once, and the request stays denied', async () => {
    const dir = join(w.vault, 'approvals', 'requests');
    const list = () => (existsSync(dir) ? readdirSync(dir) : []);
    const before = new Set(list());
    const waiting = write('denied.yaml', ['--wait', '60']);
    let id: string | undefined;
    const deadline = Date.now() + 30_000;
    while (!id && Date.now() < deadline) {
      // Only finished request files (a request is written through a temporary file beside it).
      id = list().find((f) => !before.has(f) && /^[a-z2-7]{16}\.json$/.test(f))?.replace('.json', '');
      if (!id) await new Promise((res) => setTimeout(res, 100));
    }
    expect(id).toBeDefined();
    expect((await person(`deny ${id}`)).code).toBe(0);
    const r = await waiting;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`request ${id} was denied`);
    expect((await w.agent(['request', 'status', id!])).stdout).toMatch(/^denied/);
    expect(existsSync(join(w.repo, 'denied.yaml'))).toBe(false);
  }, 90_000);

  it('a window lets the next use in the same repository through until it expires; not another repository', async () => {
    const r = await write('w1.yaml');
    const id = pendingId(r)!;
    const over = await person(`approve ${id} --window 9h`);
    expect(over.code).toBe(2); // beyond the policy cap (8h)
    expect(over.screen).toContain('longer than the policy allows');
    const a = await person(`approve ${id} --window 1s`);
    expect(a.code, a.screen).toBe(0);
    const { windowEnd } = JSON.parse((await w.agent(['request', 'status', id, '--json'])).stdout) as { windowEnd: string };
    const end = Date.parse(windowEnd);
    // Each use goes through the window, or (a machine slower than 1 s) the audit shows it asked after the window ended.
    const throughOrLate = (r: RunResult, file: string) => {
      const log = readFileSync(auditPaths(w.vault).log, 'utf8');
      if (r.code === 0) return expect(log).toContain(`"destination":"file ${join(w.repo, file)}","outcome":"allowed","actor":"session","grant":"`);
      const asked = log.split('\n').find((l) => l.includes(`"event":"request"`) && l.includes(`"request":"${pendingId(r)}"`));
      expect(asked, r.stderr).toBeDefined();
      expect(Date.parse((JSON.parse(asked!) as { ts: string }).ts), r.stderr).toBeGreaterThanOrEqual(end);
    };
    throughOrLate(await write('w1.yaml'), 'w1.yaml');
    throughOrLate(await write('w2.yaml'), 'w2.yaml');
    // Another repository the agent makes is not covered by the window.
    const other = join(w.home, 'work', 'other');
    w.git(['init', '-q', other], { cwd: w.home });
    const outside = await write('w3.yaml', [], other);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('pending ');
    // Once the request says its window has ended (polled, not slept on), the next use asks again.
    for (;;) {
      if ((await w.agent(['request', 'status', id])).stdout.startsWith('expired')) break;
    }
    const third = await write('w3.yaml');
    expect(third.code).toBe(1);
    expect(pendingId(third)).toBeDefined();
    expect((await w.agent(['request', 'status', id])).stdout).toMatch(/^expired/);
  }, 120_000);

  it('checkouts are audited: a smudge into a bound file, and one the bindings refuse (no request: a checkout never waits)', async () => {
    // Its output is the checked-out file for git (a bound file holds the value on disk anyway): not kept for the no-leak grep.
    const ok = await w.agent(['smudge', 'bound.yaml'], 'db: <agent-vault:db-password>\n');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`db: ${VALUE}\n`);
    const refused = keep(await w.agent(['smudge', 'elsewhere.yaml'], 'db: <agent-vault:db-password>\n'));
    expect(refused.code).toBe(0);
    expect(refused.stdout).toBe('db: <agent-vault:db-password>\n');
    const entries = readFileSync(auditPaths(w.vault).log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; destination?: string });
    expect(entries.some((e) => e.event === 'materialise-smudge' && e.destination === `checkout ${join(w.repo, 'bound.yaml')}`)).toBe(true);
    expect(entries.some((e) => e.event === 'refused' && e.destination === `checkout ${join(w.repo, 'elsewhere.yaml')}`)).toBe(true);
  });

  it('grants, policy and audit are listed without a terminal; audit verify is valid and counts every decision', async () => {
    const p = keep(await w.agent(['policy']));
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('vault: ttl 0 (ask every time), scope secret, cap 8h');
    const g = keep(await w.agent(['grants', '--json']));
    expect(g.code).toBe(0);
    const audit = keep(await w.agent(['audit', '--json']));
    const events = audit.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; outcome?: string });
    for (const e of ['request', 'approve', 'deny', 'materialise-write', 'refused']) expect(events.map((x) => x.event)).toContain(e);
    const csv = keep(await w.agent(['audit', '--format', 'csv', '--event', 'approve']));
    expect(csv.stdout.split('\n')[0]).toBe('seq,ts,event,keys,repo,destination,outcome,actor,reason,request,grant,detail');
    // The README's synopsis, every filter at once: only this repository's approvals of the key, of the last hour.
    const filtered = keep(await w.agent(['audit', '--since', '1h', '--key', 'db-password', '--event', 'approve', '--repo', w.repo, '--json']));
    expect(filtered.code, filtered.stderr).toBe(0);
    const approvals = filtered.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; keys?: string[]; repo?: string; destination?: string });
    expect(approvals.length).toBeGreaterThan(0);
    for (const e of approvals) {
      expect(e).toMatchObject({ event: 'approve', keys: ['db-password'] });
      expect(`${e.repo ?? ''} ${e.destination ?? ''}`).toContain(w.repo);
    }
    const otherRepo = keep(await w.agent(['audit', '--since', '1h', '--event', 'approve', '--repo', join(w.repo, 'no-such-repo'), '--json']));
    expect(otherRepo.stdout.trim()).toBe('');
    const none = keep(await w.agent(['audit', '--since', new Date(Date.now() + 3_600_000).toISOString(), '--json']));
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe('');
    const v = keep(await w.agent(['audit', 'verify']));
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/audit log valid: \d+ entries, chain intact, checkpoint at entry \d+ matches the vault/);
  });

  it('the agent cannot hide a use: deleting, editing or cutting the log is caught by audit verify', async () => {
    const log = auditPaths(w.vault).log;
    const before = readFileSync(log, 'utf8');
    const lines = before.trimEnd().split('\n');
    try {
      writeFileSync(log, lines.filter((l) => !l.includes('"event":"materialise-write"')).join('\n') + '\n');
      expect((await w.agent(['audit', 'verify'])).code).toBe(1);
      writeFileSync(log, before.replace('"event":"materialise-write"', '"event":"refused"'));
      expect((await w.agent(['audit', 'verify'])).code).toBe(1);
      writeFileSync(log, lines.slice(0, 2).join('\n') + '\n');
      const cut = await w.agent(['audit', 'verify']);
      expect(cut.code).toBe(3);
      expect(cut.stderr).toContain('entries were cut off');
    } finally {
      writeFileSync(log, before);
    }
    expect((await w.agent(['audit', 'verify'])).code).toBe(0);
  });

  it('no value (nor any 12-byte window of it) in any output, request file or the audit log', () => {
    const files = [auditPaths(w.vault).log, ...readdirSync(join(w.vault, 'approvals', 'requests')).map((f) => join(w.vault, 'approvals', 'requests', f))];
    const haystacks = [...outputs, ...files.map((f) => readFileSync(f, 'utf8'))];
    expect(haystacks.length).toBeGreaterThan(10);
    let hits = 0;
    for (let i = 0; i + 12 <= VALUE.length; i++) {
      const window = VALUE.slice(i, i + 12);
      for (const h of haystacks) if (h.includes(window)) hits++;
    }
    expect(hits).toBe(0);
  });
});
