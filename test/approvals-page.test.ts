import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { auditPaths } from '../src/audit/log.js';
import { openVault } from '../src/vault/index.js';
import { MemoryKeyProvider } from '../src/vault/key-provider.js';
import { newTotpSecret, timeStep, totpCode } from '../src/vault/totp.js';
import { attemptWait } from '../src/vault/unlock.js';
import { BIN } from './helpers/sandbox.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { passphraseVault, startAgentProcess, stopAgents, waitFor } from './helpers/locked.js';

/**
 * The approval page (issue 13, channel 2) in a real browser: Debian's chromium driven by
 * puppeteer-core on a phone viewport, against `agent-vault approvals serve` started in a real
 * pseudo-terminal by the person (passphrase and TOTP code), on a passphrase vault with TOTP
 * unlocked into the real session agent. The agent's pending message names the page URL; the
 * URL alone decides nothing: approve and deny take the current code (computed here for the
 * real time), links are single use and expire, a plain POST without the code is refused.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dirs: string[] = [];
const PASS = 'a passphrase for page tests';
const VALUE = `fake-page-token-${Date.now().toString(36)}-abcdefghij`;
const LINK_TTL_S = 20;
const pendingId = (stderr: string) => /pending ([a-z2-7]{16})/.exec(stderr)?.[1];

let w: AgentWorld;
let secret: Buffer;
let lastStep = 0;
let server: ChildProcess | undefined;
let screen = '';
let base = '';
let browser: Browser | undefined;
const outputs: string[] = [];

/** A code for a step after the last one used (each step is accepted once), within one step of now. */
async function nextCode(): Promise<string> {
  const step = Math.max(lastStep + 1, timeStep(Date.now()) - 1);
  await waitFor(() => timeStep(Date.now()) + 1 >= step, 65_000, 'the TOTP step');
  lastStep = step;
  return totpCode(secret, step * 30_000);
}
const wrongCode = () => String((Number(totpCode(secret, Date.now())) + 500_000) % 1_000_000).padStart(6, '0');
/** The next attempt is accepted once the delay a failed one started has passed (polled, never guessed). */
const noDelay = () => waitFor(() => attemptWait(w.vault, Date.now()) === 0, 120_000, 'the unlock delay');

const write = async (file: string) => {
  const r = await w.agent(['write', file, '--content', 'token: <agent-vault:api-token>\n', '--reason', 'call the <b>API</b>']);
  outputs.push(r.stdout, r.stderr);
  return r;
};
const status = async (id: string) => (await w.agent(['request', 'status', id])).stdout.split('\n')[0];
const audit = () => readFileSync(auditPaths(w.vault).log, 'utf8');

/** A raw HTTP request (any Host, any header), as curl would send it. */
function raw(method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: url.port, path: url.pathname + url.search, method, headers: { Host: url.host, ...(opts.headers ?? {}) } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => {
        outputs.push(body);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
const form = (fields: Record<string, string>) => ({ headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
/** A fresh link (the redirect /r/<id> answers with) and the form's CSRF token on it. */
async function freshLink(id: string): Promise<{ link: string; t: string; csrf: string }> {
  const r = await raw('GET', `/r/${id}`);
  expect(r.status).toBe(303);
  const link = String(r.headers.location);
  const page = await raw('GET', link);
  expect(page.status).toBe(200);
  return { link, t: new URL(link, base).searchParams.get('t')!, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]! };
}

async function phone(): Promise<Page> {
  const page = await browser!.newPage();
  await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  return page;
}
const text = async (page: Page) => {
  outputs.push(await page.content());
  return (await page.evaluate('document.body.innerText')) as string;
};
const width = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;
async function decideIn(page: Page, code: string, button: 'approve' | 'deny'): Promise<void> {
  await page.type('#code', code);
  await Promise.all([page.waitForNavigation(), page.click(`button[value="${button}"]`)]);
}

beforeAll(async () => {
  w = agentWorld(dirs);
  const master = await passphraseVault(w.vault, PASS, { 'api-token': VALUE });
  secret = newTotpSecret();
  lastStep = timeStep(Date.now()) - 10;
  openVault(w.vault, { keyProvider: new MemoryKeyProvider(master) }).setTotp({ secret, step: lastStep });
  await startAgentProcess(w.vault, Buffer.from(master), { env: w.env, idleMs: 600_000 });
  // The person starts the page in their terminal: passphrase and the current code.
  const inner = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} approvals serve --port 0 --link-ttl ${LINK_TTL_S}s`;
  const child = spawn('script', ['-qfec', inner, '/dev/null'], { cwd: w.repo, env: w.env, stdio: ['pipe', 'pipe', 'pipe'] });
  server = child;
  let typed = 0;
  const onData = async (c: Buffer) => {
    screen += c.toString('utf8');
    if (typed === 0 && screen.includes('Passphrase: ')) {
      typed = 1;
      child.stdin.write(`${PASS}\r`);
    }
    if (typed === 1 && screen.includes('TOTP code: ')) {
      typed = 2;
      child.stdin.write(`${await nextCode()}\r`);
    }
  };
  child.stdout.on('data', (c: Buffer) => void onData(c));
  child.stderr.on('data', (c: Buffer) => void onData(c));
  await waitFor(() => /approval page on (http:\/\/127\.0\.0\.1:\d+)\//.test(screen) || child.exitCode !== null, 60_000, 'the approval page');
  base = /approval page on (http:\/\/127\.0\.0\.1:\d+)\//.exec(screen)?.[1] ?? '';
  expect(base, screen).not.toBe('');
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('close', r));
  }
  stopAgents();
  dirs.forEach(removeDir);
});

describe('the approval page in a real browser (phone viewport)', () => {
  const links: Record<string, string> = {};

  it('the pending message names the page; the right code approves; the retry writes; the link is then spent', async () => {
    const r = await write('app.env');
    expect(r.code, r.stderr).toBe(1);
    const id = pendingId(r.stderr)!;
    const url = `${base}/r/${id}`;
    expect(r.stderr).toContain(url);
    const page = await phone();
    await page.goto(url);
    links.approved = page.url();
    expect(page.url()).toMatch(new RegExp(`/r/${id}\\?t=[A-Za-z0-9_-]{43}$`));
    const shown = await text(page);
    expect(shown).toContain('api-token');
    expect(shown).toContain(join(w.repo, 'app.env'));
    expect(shown).toContain('"call the <b>API</b>"'); // the reason, escaped: no markup of the agent's runs
    expect(await page.$('b')).toBeNull();
    // Readable on a phone: nothing wider than the screen, at 390 and at 360 px.
    expect(await width(page)).toBeLessThanOrEqual(390);
    await page.setViewport({ width: 360, height: 740, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    expect(await width(page)).toBeLessThanOrEqual(360);
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    if (process.env.AGENT_VAULT_PAGE_SCREENSHOT) await page.screenshot({ path: process.env.AGENT_VAULT_PAGE_SCREENSHOT as `${string}.png`, fullPage: true });
    await decideIn(page, await nextCode(), 'approve');
    expect(await text(page)).toContain('Approved for this one use');
    expect(await status(id)).toBe('approved');
    const retry = await write('app.env');
    expect(retry.code, retry.stderr).toBe(0);
    expect(readFileSync(join(w.repo, 'app.env'), 'utf8')).toBe(`token: ${VALUE}\n`);
    expect(audit()).toContain(`"event":"approve","keys":["api-token"],"repo":"${w.repo}","destination":"file ${join(w.repo, 'app.env')}","outcome":"approved","actor":"page","request":"${id}"`);
    // The replayed link: refused, audited.
    await page.goto(links.approved);
    expect(await text(page)).toContain('This link was already used');
    expect(audit()).toContain(`"outcome":"refused","actor":"page","request":"${id}","detail":"link used"`);
    await page.close();
  }, 180_000);

  it('deny with the right code: the retry writes nothing and has to ask again', async () => {
    const r = await write('denied.env');
    const id = pendingId(r.stderr)!;
    const page = await phone();
    await page.goto(`${base}/r/${id}`);
    await decideIn(page, await nextCode(), 'deny');
    expect(await text(page)).toContain('Denied');
    expect(await status(id)).toBe('denied');
    const retry = await write('denied.env');
    expect(retry.code).toBe(1);
    expect(pendingId(retry.stderr)).not.toBe(id); // a denied request stays denied; a retry is a new question
    expect(await status(id)).toBe('denied');
    expect(existsSync(join(w.repo, 'denied.env'))).toBe(false);
    expect(audit()).toContain(`"outcome":"denied","actor":"page","request":"${id}"`);
    await page.close();
  }, 180_000);

  it('a wrong code decides nothing; the link it was typed on expires', async () => {
    const r = await write('wrong.env');
    const id = pendingId(r.stderr)!;
    const page = await phone();
    await noDelay();
    await page.goto(`${base}/r/${id}`);
    links.wrong = page.url();
    const minted = Date.now();
    await decideIn(page, wrongCode(), 'approve');
    expect(await text(page)).toContain('Wrong code');
    expect(await status(id)).toBe('pending');
    expect(existsSync(join(w.repo, 'wrong.env'))).toBe(false);
    expect(audit()).toContain(`"outcome":"refused","actor":"page","request":"${id}","detail":"the person was not proved (UNLOCK_FAILED)"`);
    // The expired link: once its time has passed (polled), it decides nothing, even with the right code.
    await waitFor(() => Date.now() > minted + LINK_TTL_S * 1000 + 500, (LINK_TTL_S + 30) * 1000, 'the link to expire');
    await page.goto(links.wrong);
    expect(await text(page)).toContain('This link expired');
    const t = new URL(links.wrong).searchParams.get('t')!;
    await noDelay();
    const post = await raw('POST', `/r/${id}`, form({ t, csrf: 'x', code: await nextCode(), decision: 'approve' }));
    expect(post.status).toBe(410);
    expect(await status(id)).toBe('pending');
    expect(audit()).toContain(`"request":"${id}","detail":"link expired"`);
    await page.close();
  }, 180_000);

  it('a plain POST without the code (as curl sends it) is refused; so are forms from elsewhere and other hosts', async () => {
    const r = await write('plain.env');
    const id = pendingId(r.stderr)!;
    const { t, csrf } = await freshLink(id);
    const noCode = await raw('POST', `/r/${id}`, form({ t, csrf, decision: 'approve' }));
    expect(noCode.status).toBe(403);
    expect(noCode.body).toContain('The TOTP code is required');
    const noToken = await raw('POST', `/r/${id}`, form({ decision: 'approve', code: '123456' }));
    expect(noToken.status).toBe(410);
    const noCsrf = await raw('POST', `/r/${id}`, form({ t, decision: 'approve', code: '123456' }));
    expect(noCsrf.status).toBe(403);
    const crossSite = await raw('POST', `/r/${id}`, { ...form({ t, csrf, decision: 'approve', code: '123456' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
    const rebound = await raw('GET', `/r/${id}`, { headers: { Host: 'evil.example' } });
    expect(rebound.status).toBe(421);
    // curl itself, when the machine has it.
    const curl = await new Promise<string>((resolve) => {
      const c = spawn('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '--data', `t=${t}&csrf=${csrf}&decision=approve`, `${base}/r/${id}`]);
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.on('error', () => resolve('no curl'));
      c.on('close', () => resolve(out));
    });
    if (curl !== 'no curl') expect(curl).toBe('403');
    expect(await status(id)).toBe('pending');
    expect(existsSync(join(w.repo, 'plain.env'))).toBe(false);
    expect(audit()).toContain(`"outcome":"refused","actor":"page","request":"${id}","detail":"no TOTP code"`);
  }, 120_000);

  it('every answer carries the strict headers; the page has no script', async () => {
    const r = await write('headers.env');
    const id = pendingId(r.stderr)!;
    const { link } = await freshLink(id);
    for (const res of [await raw('GET', link), await raw('GET', '/'), await raw('GET', '/nothing')]) {
      expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).not.toMatch(/<script|<link|<img|<iframe|https?:\/\/(?!127\.0\.0\.1)/i);
    }
  });

  it('a link is bound to the request as it was: changing the request file (the destination) voids it', async () => {
    const r = await write('altered.env');
    const id = pendingId(r.stderr)!;
    const { link } = await freshLink(id);
    const file = join(w.vault, 'approvals', 'requests', `${id}.json`);
    const req = JSON.parse(readFileSync(file, 'utf8')) as { destination: string };
    writeFileSync(file, JSON.stringify({ ...req, destination: `file ${join(w.home, '.ssh', 'config')}` }));
    const res = await raw('GET', link);
    expect(res.status).toBe(410);
    expect(res.body).toContain('not valid for this request (or the request changed)');
    expect(await status(id)).not.toBe('approved');
  });

  it('five wrong codes on one request deny it (brute force), audited', async () => {
    const r = await write('brute.env');
    const id = pendingId(r.stderr)!;
    let last = { status: 0, body: '' };
    for (let i = 0; i < 5; i++) {
      await noDelay(); // each failure doubles the wait: longer than a link lives, so a fresh link each time
      const { t, csrf } = await freshLink(id);
      last = await raw('POST', `/r/${id}`, form({ t, csrf, code: wrongCode(), decision: 'approve' }));
      expect(last.status).toBe(403);
    }
    expect(last.body).toContain('5 wrong codes: the request was denied');
    expect(await status(id)).toBe('denied');
    expect(audit()).toContain(`"event":"page-lockout"`);
  }, 240_000);

  it('one client address sending wrong or missing codes is turned away (10 in 10 minutes), whatever the request', async () => {
    const r = await write('client.env');
    const id = pendingId(r.stderr)!;
    // Seven so far from this address (a wrong code, a missing one, five on the brute-forced request).
    let last = 0;
    for (let i = 0; i < 4 && last !== 429; i++) {
      const { t, csrf } = await freshLink(id);
      last = (await raw('POST', `/r/${id}`, form({ t, csrf, decision: 'deny' }))).status;
    }
    expect(last).toBe(429);
    const { t, csrf } = await freshLink(id);
    const blocked = await raw('POST', `/r/${id}`, form({ t, csrf, decision: 'approve', code: await nextCode() }));
    expect(blocked.status).toBe(429);
    expect(blocked.body).toContain('Too many refused attempts');
    expect(await status(id)).toBe('pending');
    expect(audit()).toContain(`"request":"${id}","detail":"too many wrong codes from this client"`);
  }, 120_000);

  it('no value on any page, in the server terminal, in URLs or the audit log', () => {
    const haystacks = [...outputs, screen, audit(), JSON.stringify(links)];
    for (let i = 0; i + 12 <= VALUE.length; i++) for (const h of haystacks) expect(h.includes(VALUE.slice(i, i + 12))).toBe(false);
    // The terminal names the requests and the decisions, never a link token.
    for (const l of Object.values(links)) expect(screen).not.toContain(new URL(l).searchParams.get('t'));
  });
});

describe('without TOTP (a key-file vault) the page only shows the request', () => {
  let k: AgentWorld;
  let child: ChildProcess | undefined;
  let out = '';
  let at = '';
  beforeAll(async () => {
    k = agentWorld(dirs);
    await personSets(k, 'db-password', VALUE, '--path bound.yaml');
    const inner = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} approvals serve --port 0`;
    child = spawn('script', ['-qfec', inner, '/dev/null'], { cwd: k.repo, env: k.env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    await waitFor(() => /approval page on (http:\/\/127\.0\.0\.1:\d+)\//.test(out) || child!.exitCode !== null, 60_000, 'the approval page');
    at = /approval page on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1] ?? '';
    expect(at, out).not.toBe('');
  }, 120_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('close', r));
    }
  });

  it('an agent cannot start the page (no terminal)', async () => {
    const r = await k.agent(['approvals', 'serve', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('needs an interactive terminal');
  });

  it('shows the request and says to decide in a terminal; a POST decides nothing', async () => {
    const r = await k.agent(['write', 'elsewhere.yaml', '--content', 'db: <agent-vault:db-password>\n']);
    const id = pendingId(r.stderr)!;
    expect(r.stderr).toContain(`${at}/r/${id}`);
    const page = await phone();
    await page.goto(`${at}/r/${id}`);
    const shown = await text(page);
    expect(shown).toContain('db-password');
    expect(shown).toContain(`agent-vault approve ${id}`);
    expect(await page.$('form')).toBeNull();
    await page.close();
    const prev = base;
    base = at;
    try {
      const post = await raw('POST', `/r/${id}`, form({ decision: 'approve', code: '123456' }));
      expect(post.status).toBe(403);
    } finally {
      base = prev;
    }
    expect((await k.agent(['request', 'status', id])).stdout).toMatch(/^pending/);
    expect(readFileSync(auditPaths(k.vault).log, 'utf8')).toContain(`"outcome":"refused","actor":"page","request":"${id}","detail":"the page decides only with TOTP on"`);
    // The page announces new requests on a one-second poll: on a fast machine all of the above
    // can happen before its first look.
    await waitFor(() => out.includes(`request ${id}: ${at}/r/${id}`), 15_000, 'the page announcing the request');
    expect(out).toContain(`request ${id}: ${at}/r/${id}`);
  }, 120_000);
});
