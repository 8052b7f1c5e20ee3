import { randomBytes } from 'node:crypto';
import type { AuditFields } from '../audit/chain.js';
import { appendAudit } from '../audit/log.js';
import { AgentVaultError, usageError } from '../errors.js';
import type { VaultSession } from '../session/session.js';
import { policyFor, type Grant, type Scope } from '../vault/approval-state.js';
import { contentHash, loadRequest, requestFor, saveRequest, statusOf, type ApprovalRequest, type NewRequest } from './requests.js';
import { notify, type WebhookEvent } from './webhooks.js';

/**
 * A person's decision on a request (approve / deny), and the agent side's "ask" (a pending
 * request when a use is outside the bindings). The caller proves the person (a terminal, and
 * the passphrase and TOTP code on a passphrase vault) before calling decide; the grant is
 * written through the session, which on a session agent serves it only to a connection that
 * proved the person.
 */

export type Actor = 'terminal' | 'page';

export interface DecideOptions {
  actor: Actor;
  /** The window (ms); default the policy's ttl (0: this one use). */
  windowMs?: number;
  scope?: Scope;
  /** How to start agent-vault (for webhook delivery). */
  self: [string, string];
  env: NodeJS.ProcessEnv;
  now?: number;
}

function refusedDecision(home: string, r: Pick<ApprovalRequest, 'id' | 'keys' | 'destination'>, event: string, actor: Actor, why: string, code: string, hint: string): AgentVaultError {
  appendAudit(home, { event, keys: r.keys, destination: r.destination, outcome: 'refused', actor, request: r.id, detail: why });
  return new AgentVaultError('refused', `request ${r.id} ${why}`, { code, hint });
}

function eventOf(r: ApprovalRequest, event: string, extra: Partial<WebhookEvent> = {}): WebhookEvent {
  return { event, timestamp: new Date().toISOString(), request: r.id, keys: r.keys, action: r.op, reason: r.reason, ...(r.repo ? { repo: r.repo } : {}), ...extra };
}

/** Load a request a person is about to decide, refusing (and auditing) one that cannot be decided. */
export function decidable(home: string, id: string, event: 'approve' | 'deny', actor: Actor, now = Date.now()): ApprovalRequest {
  const r = loadRequest(home, id);
  if (r.hash !== contentHash(r)) throw refusedDecision(home, r, event, actor, 'was changed after it was made', 'REQUEST_ALTERED', 'Nothing was approved. Ask the agent to repeat what it was doing; it makes a new request.');
  const status = statusOf(r, now);
  if (status !== 'pending') {
    throw refusedDecision(home, r, event, actor, `is ${status}, not pending`, status === 'expired' ? 'REQUEST_EXPIRED' : 'REQUEST_DECIDED', status === 'expired' ? 'Nothing was approved. Ask the agent to repeat what it was doing; it makes a new request.' : 'Nothing was changed.');
  }
  return r;
}

export async function approve(session: VaultSession, id: string, options: DecideOptions): Promise<{ request: ApprovalRequest; grant: Grant }> {
  const now = options.now ?? Date.now();
  const home = session.home;
  const r = decidable(home, id, 'approve', options.actor, now);
  const policy = policyFor(await session.approvals(), r.keys);
  const windowMs = options.windowMs ?? policy.ttlMs;
  if (windowMs > policy.capMs) throw usageError(`a window of ${Math.round(windowMs / 1000)} s is longer than the policy allows for ${r.keys.join(', ')} (${Math.round(policy.capMs / 1000)} s)`, 'Approve a shorter window, or raise the cap in your terminal: agent-vault policy set --cap DURATION');
  const scope = options.scope ?? policy.scope;
  if (scope === 'vault' && policy.scope === 'secret' && options.scope === 'vault') throw usageError(`the policy for ${r.keys.join(', ')} allows windows for those keys only (scope secret)`, 'Approve with --scope secret, or change the policy: agent-vault policy set --scope vault');
  const base = { id: `g-${randomBytes(6).toString('hex')}`, op: r.op, created: new Date(now).toISOString(), request: r.id };
  const grant: Grant =
    windowMs === 0
      ? { ...base, keys: r.keys, destination: r.destination, expires: r.expires, usesLeft: 1 }
      : { ...base, keys: scope === 'vault' ? ['*'] : r.keys, repo: r.repo ?? r.where, expires: new Date(now + windowMs).toISOString(), usesLeft: null };
  await session.changeApprovals({ kind: 'grant', grant });
  const decided: ApprovalRequest = { ...r, status: 'approved', decided: new Date(now).toISOString(), grant: grant.id, ...(windowMs ? { windowEnd: grant.expires } : {}) };
  saveRequest(home, decided);
  const detail = windowMs === 0 ? 'this use once' : `window until ${grant.expires}, scope ${scope}`;
  audit(home, { event: 'approve', keys: r.keys, destination: r.destination, outcome: 'approved', actor: options.actor, request: r.id, grant: grant.id, detail, ...(r.repo ? { repo: r.repo } : {}) });
  await session.anchorAudit().catch(() => undefined);
  await notify(session, options.self, eventOf(r, 'approve', { scope, ...(windowMs ? { windowEnd: grant.expires } : {}) }), options.env);
  return { request: decided, grant };
}

export async function deny(session: VaultSession, id: string, options: DecideOptions): Promise<ApprovalRequest> {
  const now = options.now ?? Date.now();
  const home = session.home;
  const r = decidable(home, id, 'deny', options.actor, now);
  const decided: ApprovalRequest = { ...r, status: 'denied', decided: new Date(now).toISOString() };
  saveRequest(home, decided);
  audit(home, { event: 'deny', keys: r.keys, destination: r.destination, outcome: 'denied', actor: options.actor, request: r.id, ...(r.repo ? { repo: r.repo } : {}) });
  await session.anchorAudit().catch(() => undefined);
  await notify(session, options.self, eventOf(r, 'deny'), options.env);
  return decided;
}

function audit(home: string, fields: AuditFields): void {
  appendAudit(home, fields);
}

/**
 * The agent side: a use outside the bindings becomes (or finds) a pending request, audited
 * and announced; returns it for the caller's APPROVAL_PENDING refusal.
 */
export async function ask(session: VaultSession, n: NewRequest, self: [string, string], env: NodeJS.ProcessEnv): Promise<ApprovalRequest> {
  const { request, created } = requestFor(session.home, n);
  if (created) {
    appendAudit(session.home, { event: 'request', keys: request.keys, destination: request.destination, outcome: 'pending', actor: 'agent', request: request.id, ...(request.reason ? { reason: request.reason } : {}), ...(request.repo ? { repo: request.repo } : {}) });
    await notify(session, self, eventOf(request, 'request'), env);
  }
  return request;
}

/** `request status ID`: the status as a person or agent sees it (used: a one-time grant was taken). */
export async function requestStatus(session: VaultSession, id: string): Promise<{ request: ApprovalRequest; status: string }> {
  const r = loadRequest(session.home, id);
  const status = statusOf(r);
  if (status !== 'approved' || !r.grant) return { request: r, status };
  const grants = (await session.approvals()).grants;
  const g = grants.find((x) => x.id === r.grant);
  // Gone: a one-time grant was taken; a window ended (expired grants are dropped) or was revoked.
  if (!g) return { request: r, status: r.windowEnd ? 'expired' : 'used' };
  return { request: r, status: Date.parse(g.expires) <= Date.now() ? 'expired' : 'approved' };
}
