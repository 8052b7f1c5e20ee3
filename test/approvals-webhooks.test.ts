import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { auditPaths } from '../src/audit/log.js';
import { openVault } from '../src/vault/index.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { waitFor } from './helpers/locked.js';

/**
 * Webhooks (issue 13) against a local HTTP server the test starts on 127.0.0.1: one endpoint
 * that answers, one that is down, one slower than the timeout, one answering 500, one
 * redirecting. The operation is never held up or failed by them; each failing one is recorded
 * once in the audit log after its retries; a redirect is not followed; payloads are signed
 * (HMAC-SHA256 with the secret named by env:NAME) and hold no value and no token.
 */
const dirs: string[] = [];
const VALUE = `fake-hook-value-${Date.now().toString(36)}-zyxwvu98`;
const HOOK_SECRET = `hook-signing-${Date.now().toString(36)}`;

interface Hit {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhooks', () => {
  let w: AgentWorld;
  let server: Server;
  let base = '';
  const hits: Hit[] = [];
  const open = new Set<ServerResponse>();
  let down = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        hits.push({ path: req.url ?? '', headers: req.headers, body });
        if (req.url === '/ok') return res.writeHead(204).end();
        if (req.url === '/500') return res.writeHead(500).end('no');
        if (req.url === '/redirect') return res.writeHead(302, { location: `${base}/redirected` }).end();
        if (req.url === '/slow') {
          open.add(res);
          setTimeout(() => {
            open.delete(res);
            res.writeHead(200).end();
          }, 5_000);
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port nothing listens on: bind one, note it, close it.
    const tmp = createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
    down = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}/down`;
    await new Promise<void>((r) => tmp.close(() => r()));

    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE);
    // One webhook through the terminal command; the rest written through the vault library (test-only).
    const add = await w.person(`policy webhook add ${base}/ok --secret env:AV_HOOK_SECRET --events request,approve,deny`);
    expect(add.code, add.screen).toBe(0);
    const vault = openVault(w.vault);
    for (const url of [down, `${base}/slow`, `${base}/500`, `${base}/redirect`]) vault.updateApprovals((s) => ({ changed: true, result: s.webhooks.push({ url, events: ['all'], authorization: 'env:AV_HOOK_TOKEN' }) }));
  }, 120_000);

  afterAll(async () => {
    for (const res of open) res.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    dirs.forEach(removeDir);
  });

  it('a request is delivered signed to the live endpoint; the failing ones neither hold up nor fail the write, and are audited once each', async () => {
    const env = { ...w.env, AV_HOOK_SECRET: HOOK_SECRET, AV_HOOK_TOKEN: `Bearer tok-${Date.now()}` };
    const r = await w.agent(['write', 'hook.yaml', '--content', 'x: <agent-vault:db-password>\n', '--reason', 'hook test'], 'ignore', { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pending ');
    const id = /pending ([a-z2-7]{16})/.exec(r.stderr)![1]!;
    // The write did not wait for the deliveries: none of the failing ones has been given up yet.
    expect(readFileSync(auditPaths(w.vault).log, 'utf8')).not.toContain('"event":"webhook-failed"');
    // The write has returned; the live endpoint gets the event.
    await waitFor(() => hits.some((h) => h.path === '/ok'), 30_000, 'the /ok delivery');
    const ok = hits.find((h) => h.path === '/ok')!;
    const event = JSON.parse(ok.body) as Record<string, unknown>;
    expect(event).toMatchObject({ event: 'request', request: id, keys: ['db-password'], action: 'write', reason: 'hook test', repo: w.repo });
    const ts = ok.headers['x-agent-vault-timestamp'] as string;
    expect(ok.headers['x-agent-vault-signature']).toBe(`sha256=${createHmac('sha256', HOOK_SECRET).update(`${ts}.${ok.body}`).digest('hex')}`);
    expect(ok.headers.authorization).toBeUndefined();

    // Each failing endpoint: retried (4 attempts), then one webhook-failed entry naming its origin only.
    const failed = () => readFileSync(auditPaths(w.vault).log, 'utf8').split('\n').filter((l) => l.includes('"event":"webhook-failed"'));
    await waitFor(() => failed().length >= 4, 60_000, 'four webhook-failed entries');
    const f = failed().join('\n');
    expect(f).toContain('could not be reached');
    expect(f).toContain('did not answer within 3 s');
    expect(f).toContain('answered 500');
    expect(f).toContain('answered a redirect (302)');
    expect(hits.filter((h) => h.path === '/500')).toHaveLength(4);
    expect(hits.filter((h) => h.path === '/redirect')).toHaveLength(4);
    expect(hits.some((h) => h.path === '/redirected')).toBe(false);
    // The Authorization header carries the variable's content to the hooks that name it; it is never stored.
    expect(hits.find((h) => h.path === '/500')!.headers.authorization).toBe(env.AV_HOOK_TOKEN);
    expect(readFileSync(auditPaths(w.vault).log, 'utf8')).not.toContain(env.AV_HOOK_TOKEN);
    expect(readFileSync(`${w.vault}/vault.json`, 'utf8')).not.toContain(HOOK_SECRET);

    // `policy` shows the hooks with their environment variable names, never a token.
    const p = await w.agent(['policy'], 'ignore', { env });
    expect(p.stdout).toContain(`webhook ${base}/ok events request,approve,deny secret env:AV_HOOK_SECRET`);
    expect(p.stdout).not.toContain(HOOK_SECRET);

    // A deny goes out as well.
    const d = await w.person(`deny ${id}`);
    expect(d.code).toBe(0);
    await waitFor(() => hits.some((h) => h.path === '/ok' && h.body.includes('"event":"deny"')), 30_000, 'the deny event');

    // No value, nor any 12-byte window of it, in any payload, header or the audit log.
    const hay = [...hits.map((h) => h.body + JSON.stringify(h.headers)), readFileSync(auditPaths(w.vault).log, 'utf8'), r.stdout, r.stderr];
    for (let i = 0; i + 12 <= VALUE.length; i++) for (const h of hay) expect(h.includes(VALUE.slice(i, i + 12))).toBe(false);
  }, 180_000);
});
