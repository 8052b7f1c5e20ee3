import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { appendAudit } from '../audit/log.js';
import { AgentVaultError } from '../errors.js';
import { PAGE_MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { privateDir } from '../platform/home.js';
import { AgentSession } from '../session/agent-client.js';
import { openSession } from '../session/local.js';
import type { VaultSession } from '../session/session.js';
import { policyFor } from '../vault/approval-state.js';
import { authenticate } from '../vault/unlock.js';
import { approve, decidable, deny } from './decide.js';
import { pageInfoPath } from './page-info.js';
import { formPage, indexPage, messagePage, PAGE_HEADERS, viewPage } from './page-html.js';
import { contentHash, listRequests, loadRequest, statusOf, type ApprovalRequest } from './requests.js';

/**
 * The local approval page (`agent-vault approvals serve`): one page per request, on 127.0.0.1
 * only. The agent can read every URL (the pending message names it), so a URL proves nothing:
 * approving or denying takes the current TOTP code, checked by the same code as unlock (its
 * failure count and delay, its one-use-per-step rule) together with the passphrase the person
 * typed when starting the page. Without TOTP the page only shows the request.
 *
 * A link token (`/r/<id>?t=<token>`) is random, single use and expires (default 5 min); the
 * server keeps only HMAC-SHA256(server key, token ‖ id ‖ content hash ‖ expiry), so a request
 * whose content changed no longer matches its link; compared with timingSafeEqual. Each form
 * carries a CSRF token derived from the link token. Wrong codes are limited per request (the
 * fifth denies it) and per client address. Every decision and refusal is audited (actor page).
 */

export const PAGE_DEFAULT_PORT = 7391;
export const LINK_TTL_MS = 5 * 60_000;
/** Wrong codes on one request before the page denies it. */
export const WRONG_CODES_PER_REQUEST = 5;
/** Wrong or missing codes from one client address (10 min) before it is turned away for a while. */
export const FAILURES_PER_CLIENT = 10;
const CLIENT_WINDOW_MS = 10 * 60_000;
const MAX_BODY = 4096;
const TOKENS_PER_REQUEST = 20;

export interface PageOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** How to start agent-vault (webhook delivery). */
  self: [string, string];
  /** The passphrase the person typed at start (TOTP vaults); absent: the page only shows requests. */
  passphrase?: string;
  linkTtlMs?: number;
  /** One line per decision or refusal, for the terminal that started the page (never a value or a token). */
  log?: (line: string) => void;
}

interface LinkToken {
  mac: Buffer;
  expires: number;
  used: boolean;
  /** A decision with this link is being checked: a second POST with it meanwhile is refused. */
  busy?: boolean;
}

type Refusal = { status: number; heading: string; text: string; request?: ApprovalRequest };

export class ApprovalPage {
  private readonly key = randomBytes(32);
  private readonly tokens = new Map<string, LinkToken[]>();
  private readonly wrongCodes = new Map<string, number>();
  private readonly clientFailures = new Map<string, number[]>();
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly options: PageOptions) {}

  get withCode(): boolean {
    return this.options.passphrase !== undefined;
  }

  /** Listen on 127.0.0.1:port (0: any free port); the port, recorded in page.json for pending messages. */
  async start(port: number): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => this.send(res, 500, messagePage(PAGE_MSG.errorHeading, PAGE_MSG.internalError, false)));
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    privateDir(join(this.options.home, 'approvals'));
    writeFileAtomicSync(pageInfoPath(this.options.home), JSON.stringify({ port: this.port, pid: process.pid }) + '\n', 0o600);
    return this.port;
  }

  async close(): Promise<void> {
    try {
      const info = JSON.parse(readFileSync(pageInfoPath(this.options.home), 'utf8')) as { pid?: number };
      if (info.pid === process.pid) unlinkSync(pageInfoPath(this.options.home));
    } catch {
      /* already gone */
    }
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private now(): number {
    return Date.now();
  }

  private mac(token: string, r: ApprovalRequest, expires: number): Buffer {
    return createHmac('sha256', this.key).update(`${token}\n${r.id}\n${contentHash(r)}\n${expires}`).digest();
  }

  private csrfOf(token: string): string {
    return createHmac('sha256', this.key).update(`csrf\n${token}`).digest('base64url');
  }

  /** A fresh link token for a pending request. */
  private mint(r: ApprovalRequest): string {
    const token = randomBytes(32).toString('base64url');
    const expires = this.now() + (this.options.linkTtlMs ?? LINK_TTL_MS);
    const list = (this.tokens.get(r.id) ?? []).filter((t) => !t.used && t.expires > this.now());
    list.push({ mac: this.mac(token, r, expires), expires, used: false });
    this.tokens.set(r.id, list.slice(-TOKENS_PER_REQUEST));
    return token;
  }

  /** The stored token this link token is, for the request as it is now; or why not. */
  private findToken(r: ApprovalRequest, token: string | null): LinkToken | 'unknown' | 'used' | 'expired' {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return 'unknown';
    for (const t of this.tokens.get(r.id) ?? []) {
      // Bound to the request's content as it is now: a changed request matches none.
      if (timingSafeEqual(this.mac(token, r, t.expires), t.mac)) return t.used ? 'used' : t.expires <= this.now() ? 'expired' : t;
    }
    return 'unknown';
  }

  private send(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(status, { ...PAGE_HEADERS, ...extra });
    res.end(html);
  }

  private refuse(res: ServerResponse, id: string | undefined, r: Refusal, event: string, detail: string): void {
    appendAudit(this.options.home, { event, keys: r.request?.keys ?? [], ...(r.request ? { destination: r.request.destination } : {}), outcome: 'refused', actor: 'page', ...(id ? { request: id } : {}), detail });
    this.options.log?.(PAGE_MSG.logRefused(id, detail));
    this.send(res, r.status, messagePage(r.heading, r.text, false, r.request));
  }

  private clientBlocked(client: string): boolean {
    const recent = (this.clientFailures.get(client) ?? []).filter((t) => t > this.now() - CLIENT_WINDOW_MS);
    this.clientFailures.set(client, recent);
    return recent.length >= FAILURES_PER_CLIENT;
  }

  private clientFailed(client: string): void {
    const list = this.clientFailures.get(client) ?? [];
    list.push(this.now());
    this.clientFailures.set(client, list);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = req.socket.remoteAddress ?? 'unknown';
    // DNS rebinding: a name that resolves to 127.0.0.1 is still another site.
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) return this.send(res, 421, messagePage(PAGE_MSG.errorHeading, PAGE_MSG.wrongHost, false));
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    if (req.method === 'GET' && url.pathname === '/') {
      const pending = listRequests(this.options.home).filter((r) => statusOf(r, this.now()) === 'pending' && r.hash === contentHash(r));
      return this.send(res, 200, indexPage(pending));
    }
    const m = /^\/r\/([a-z2-7]{16})$/.exec(url.pathname);
    if (!m) return this.send(res, 404, messagePage(PAGE_MSG.errorHeading, PAGE_MSG.notFound, false));
    const id = m[1]!;
    if (req.method === 'GET') return this.show(res, client, id, url.searchParams.get('t'));
    if (req.method === 'POST') return this.decide(req, res, client, id);
    return this.send(res, 405, messagePage(PAGE_MSG.errorHeading, PAGE_MSG.badMethod, false), { Allow: 'GET, POST' });
  }

  private load(id: string): ApprovalRequest | undefined {
    try {
      return loadRequest(this.options.home, id);
    } catch {
      return undefined;
    }
  }

  /** Why this request cannot be decided now (expired, decided, altered), or undefined. */
  private notDecidable(r: ApprovalRequest): Refusal | undefined {
    if (r.hash !== contentHash(r)) return { status: 409, heading: PAGE_MSG.refusedHeading, text: PAGE_MSG.altered };
    const status = statusOf(r, this.now());
    if (status !== 'pending') return { status: 410, heading: PAGE_MSG.refusedHeading, text: PAGE_MSG.notPending(status), request: r };
    return undefined;
  }

  private async show(res: ServerResponse, client: string, id: string, token: string | null): Promise<void> {
    const r = this.load(id);
    if (!r) return this.send(res, 404, messagePage(PAGE_MSG.errorHeading, PAGE_MSG.noRequest(id), false));
    // A link that was used, expired or no longer matches the request: said first (a replayed link says so).
    const found = token === null || !this.withCode ? undefined : this.findToken(r, token);
    if (typeof found === 'string') return this.refuse(res, id, { status: 410, heading: PAGE_MSG.linkHeading, text: PAGE_MSG.link(found, id) }, 'page-link', `link ${found}`);
    const bad = this.notDecidable(r);
    if (bad) return this.send(res, bad.status, messagePage(bad.heading, bad.text, false, bad.request));
    if (!this.withCode) return this.send(res, 200, viewPage(r));
    // The plain /r/<id> the pending message names: a fresh link for this request as it is now.
    if (!found) return this.send(res, 303, '', { Location: `/r/${id}?t=${this.mint(r)}` });
    return this.send(res, 200, formPage({ request: r, token: token!, csrf: this.csrfOf(token!), allows: await this.allows(r) }));
  }

  /** What approving allows, from the policy in the vault. */
  private async allows(r: ApprovalRequest): Promise<string> {
    return this.withSessionOf(async (s) => {
      const p = policyFor(await s.approvals(), r.keys);
      return PAGE_MSG.allows(p.ttlMs, p.scope);
    }).catch(() => PAGE_MSG.allowsUnknown);
  }

  private async withSessionOf<T>(fn: (s: VaultSession) => Promise<T>): Promise<T> {
    const session = openSession(this.options.env, this.options.cwd);
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  }

  private async decide(req: IncomingMessage, res: ServerResponse, client: string, id: string): Promise<void> {
    const event = 'page-decision';
    // A form from another site (the browser says so) is refused before anything is read.
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    // With no-referrer, the browser's own form sends Origin: null, and says same-origin in Sec-Fetch-Site.
    const ours = origin === undefined || origin === `http://127.0.0.1:${this.port}` || origin === `http://localhost:${this.port}` || (origin === 'null' && site === 'same-origin');
    if (!ours || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      return this.refuse(res, id, { status: 403, heading: PAGE_MSG.refusedHeading, text: PAGE_MSG.crossSite }, event, 'form from another site');
    }
    if (this.clientBlocked(client)) {
      return this.refuse(res, id, { status: 429, heading: PAGE_MSG.refusedHeading, text: PAGE_MSG.tooManyClient }, event, 'too many wrong codes from this client');
    }
    const body = await readForm(req);
    if (!body) return this.refuse(res, id, { status: 400, heading: PAGE_MSG.refusedHeading, text: PAGE_MSG.badForm }, event, 'not a form');
    const decision = body.get('decision');
    const ev = decision === 'approve' || decision === 'deny' ? decision : event;
    if (ev === event) return this.refuse(res, id, { status: 400, heading: PAGE_MSG.refusedHeading, text: PAGE_MSG.badForm }, event, 'no decision');
    const r = this.load(id);
    if (!r) return this.refuse(res, id, { status: 404, heading: PAGE_MSG.errorHeading, text: PAGE_MSG.noRequest(id) }, ev, 'no such request');
    if (!this.withCode) return this.refuse(res, id, { status: 403, heading: PAGE_MSG.refusedHeading, text: PAGE_MSG.viewOnly(id), request: r }, ev, 'the page decides only with TOTP on');
    const token = body.get('t');
    const found = this.findToken(r, token);
    if (typeof found === 'string') return this.refuse(res, id, { status: 410, heading: PAGE_MSG.linkHeading, text: PAGE_MSG.link(found, id) }, ev, `link ${found}`);
    const csrf = body.get('csrf') ?? '';
    const want = Buffer.from(this.csrfOf(token!));
    const got = Buffer.from(csrf);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return this.refuse(res, id, { status: 403, heading: PAGE_MSG.refusedHeading, text: PAGE_MSG.badForm }, ev, 'bad form token');
    const bad = this.notDecidable(r);
    if (bad) {
      found.used = true;
      return this.refuse(res, id, bad, ev, bad.text);
    }
    const again = (notice: string, status: number) => this.send(res, status, formPage({ request: r, token: token!, csrf: this.csrfOf(token!), allows: PAGE_MSG.retryAllows, notice }));
    const code = (body.get('code') ?? '').replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) {
      this.clientFailed(client);
      appendAudit(this.options.home, { event: ev, keys: r.keys, destination: r.destination, outcome: 'refused', actor: 'page', request: id, detail: 'no TOTP code' });
      this.options.log?.(PAGE_MSG.logRefused(id, 'no TOTP code'));
      return again(PAGE_MSG.codeRequired, 403);
    }
    if (found.busy) return this.refuse(res, id, { status: 409, heading: PAGE_MSG.linkHeading, text: PAGE_MSG.link('used', id) }, ev, 'link in use');
    found.busy = true;
    await this.withSessionOf(async (session) => {
      try {
        await this.prove(session, code);
      } catch (e) {
        const why = e instanceof AgentVaultError && e.code ? e.code : 'error';
        appendAudit(this.options.home, { event: ev, keys: r.keys, destination: r.destination, outcome: 'refused', actor: 'page', request: id, detail: `the person was not proved (${why})` });
        this.options.log?.(PAGE_MSG.logRefused(id, `the person was not proved (${why})`));
        if (why !== 'UNLOCK_FAILED') return again(e instanceof AgentVaultError ? e.message : PAGE_MSG.internalError, why === 'UNLOCK_DELAYED' ? 429 : 503);
        this.clientFailed(client);
        const wrong = (this.wrongCodes.get(id) ?? 0) + 1;
        this.wrongCodes.set(id, wrong);
        if (wrong < WRONG_CODES_PER_REQUEST) return again(PAGE_MSG.wrongCode(WRONG_CODES_PER_REQUEST - wrong), 403);
        // Brute force on one request: it is denied, and says so.
        found.used = true;
        appendAudit(this.options.home, { event: 'page-lockout', keys: r.keys, destination: r.destination, outcome: 'refused', actor: 'page', request: id, detail: `${WRONG_CODES_PER_REQUEST} wrong codes: the request is denied` });
        const denied = await deny(session, id, { actor: 'page', self: this.options.self, env: this.options.env });
        this.options.log?.(PAGE_MSG.logDecided('denied', id));
        return this.send(res, 403, messagePage(PAGE_MSG.refusedHeading, PAGE_MSG.lockedOut(WRONG_CODES_PER_REQUEST), false, denied));
      }
      found.used = true;
      try {
        decidable(this.options.home, id, ev, 'page', this.now());
        if (ev === 'deny') {
          const d = await deny(session, id, { actor: 'page', self: this.options.self, env: this.options.env });
          this.options.log?.(PAGE_MSG.logDecided('denied', id));
          return this.send(res, 200, messagePage(PAGE_MSG.deniedHeading, PAGE_MSG.denied, true, d));
        }
        const { request: a, grant } = await approve(session, id, { actor: 'page', self: this.options.self, env: this.options.env });
        this.options.log?.(PAGE_MSG.logDecided('approved', id));
        return this.send(res, 200, messagePage(PAGE_MSG.approvedHeading, PAGE_MSG.approved(grant.usesLeft === 1 ? undefined : grant.expires), true, a));
      } catch (e) {
        // decidable/approve audit their own refusals (expired, altered, over the cap).
        this.options.log?.(PAGE_MSG.logRefused(id, e instanceof AgentVaultError ? e.message : 'error'));
        return this.send(res, 409, messagePage(PAGE_MSG.refusedHeading, e instanceof AgentVaultError ? e.message : PAGE_MSG.internalError, false, r));
      }
    }).finally(() => {
      found.busy = false;
    });
  }

  /** The person's proof for one decision: the passphrase typed at start and this code (one use per step). */
  private async prove(session: VaultSession, code: string): Promise<void> {
    const factors = { passphrase: this.options.passphrase!, code };
    if (session instanceof AgentSession) return session.authenticate(factors);
    const { master, vault } = await authenticate(this.options.home, factors);
    vault.close();
    master.fill(0);
  }
}

/** A small urlencoded form body, or undefined (too large, another type). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
