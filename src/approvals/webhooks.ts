import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { appendAudit } from '../audit/log.js';
import type { VaultSession } from '../session/session.js';
import type { Webhook } from '../vault/approval-state.js';

/**
 * Webhooks: events (request, approve, deny, refused …) POSTed as JSON to the URLs in the
 * vault's policy. Delivery never blocks or fails the operation: the operation starts a
 * detached `agent-vault webhook-deliver` child with the event on stdin and goes on. The child
 * reads the webhooks from the vault itself (so nothing on its stdin chooses a URL), POSTs
 * with a 3 s timeout, up to 3 retries with exponential backoff, never follows a redirect, and
 * on final failure appends a `webhook-failed` audit entry.
 *
 * A payload holds names, times and the agent's stated reason; never a value, never a token.
 * `secret: env:NAME` signs the body (HMAC-SHA256 over "timestamp.body", header
 * X-Agent-Vault-Signature: sha256=HEX); `authorization: env:NAME` sends that variable as the
 * Authorization header. The tokens are read from the delivering process's environment and are
 * never stored or printed.
 */

export interface WebhookEvent {
  event: string;
  timestamp: string;
  request?: string;
  repo?: string;
  keys: string[];
  reason?: string;
  /** The operation: write, smudge, run … */
  action?: string;
  scope?: string;
  windowEnd?: string;
}

export const WEBHOOK_TIMEOUT_MS = 3_000;
export const WEBHOOK_RETRIES = 3;
const BACKOFF_MS = 250;

export function wants(hook: Webhook, event: string): boolean {
  return hook.events.includes('all') || hook.events.includes(event);
}

/** Start delivery of `event` to the webhooks that want it, detached; returns at once. */
export async function notify(session: VaultSession, self: [string, string], event: WebhookEvent, env: NodeJS.ProcessEnv): Promise<void> {
  let hooks: Webhook[];
  try {
    hooks = (await session.approvals()).webhooks.filter((h) => wants(h, event.event));
  } catch {
    return;
  }
  if (!hooks.length) return;
  try {
    const child = spawn(self[0], [self[1], 'webhook-deliver'], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env });
    child.on('error', () => undefined);
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(event));
    child.unref();
  } catch {
    /* delivery is best effort; the operation goes on */
  }
}

/** The origin of a URL, for messages and the audit (a URL's path or query may hold a token). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}

export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function envRef(ref: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const name = ref?.startsWith('env:') ? ref.slice(4) : undefined;
  return name ? env[name] || undefined : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST one event to one hook with retries; the reason of the last failure, or undefined when delivered. */
export async function deliverOne(hook: Webhook, event: WebhookEvent, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const body = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'agent-vault-webhook', 'x-agent-vault-event': event.event, 'x-agent-vault-timestamp': event.timestamp };
  const secret = envRef(hook.secret, env);
  if (secret) headers['x-agent-vault-signature'] = signatureOf(secret, event.timestamp, body);
  const auth = envRef(hook.authorization, env);
  if (auth) headers.authorization = auth;
  let why = 'not sent';
  for (let attempt = 0; attempt <= WEBHOOK_RETRIES; attempt++) {
    if (attempt) await sleep(BACKOFF_MS * 2 ** (attempt - 1));
    try {
      const res = await fetch(hook.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return undefined;
      why = res.status >= 300 && res.status < 400 ? `answered a redirect (${res.status}), which is not followed` : `answered ${res.status}`;
    } catch (e) {
      const name = (e as Error)?.name;
      why = name === 'TimeoutError' || name === 'AbortError' ? `did not answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : 'could not be reached';
    }
  }
  return why;
}

/** The webhook-deliver child: deliver `event` to every hook that wants it; failures go to the audit log. */
export async function deliverAll(home: string, hooks: Webhook[], event: WebhookEvent, env: NodeJS.ProcessEnv): Promise<number> {
  let failed = 0;
  await Promise.all(
    hooks
      .filter((h) => wants(h, event.event))
      .map(async (hook) => {
        const why = await deliverOne(hook, event, env);
        if (why === undefined) return;
        failed++;
        appendAudit(home, { event: 'webhook-failed', keys: event.keys, outcome: 'failed', actor: 'session', detail: `${originOf(hook.url)} ${why} (after ${WEBHOOK_RETRIES} retries; event ${event.event})`, ...(event.request ? { request: event.request } : {}) });
      }),
  );
  return failed;
}

/** Parse the event a parent wrote on stdin; undefined when it is not one. */
export function parseEvent(text: string): WebhookEvent | undefined {
  try {
    const e = JSON.parse(text) as WebhookEvent;
    if (!e || typeof e.event !== 'string' || typeof e.timestamp !== 'string' || !Array.isArray(e.keys) || !e.keys.every((k) => typeof k === 'string')) return undefined;
    return e;
  } catch {
    return undefined;
  }
}
