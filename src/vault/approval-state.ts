import { isAbsolute, sep } from 'node:path';
import { usageError } from '../errors.js';

/**
 * What the vault keeps for approvals (issue 13), beside the entries and covered by the same
 * MAC and generation record, so an agent that edits files cannot widen a policy, forge a
 * grant or roll the audit anchor back:
 *   policy    the approval window per key and for the vault: ttl (0: ask every time), scope
 *             (`secret`: a window covers the approved keys; `vault`: every key), cap (the
 *             longest window anyone may approve)
 *   webhooks  where events go (the authorization is a reference to an environment variable)
 *   grants    what a person approved: keys, the use (operation and exact destination, or for a
 *             window the operation in one repository), an expiry and the uses left
 *   anchor    the audit log's last checkpoint {seq, head} (audit/chain.ts)
 *   auditKeys the public keys the log's checkpoints were signed with (`ed25519:<base64url>`;
 *             a new one is added when the master key changes, e.g. by key migrate)
 * Everything here is names, paths and times; never a value.
 */

export type Scope = 'secret' | 'vault';
/** The operation a grant covers, from the destination kind. */
export type GrantOp = 'write' | 'smudge' | 'run' | 'reveal' | 'internal';

export interface WindowPolicy {
  ttlMs: number;
  scope: Scope;
  capMs: number;
}

export interface Webhook {
  url: string;
  /** `env:NAME`: the token is read from NAME in the delivering process; never stored. */
  authorization?: string;
  /** `env:NAME`: the key the body is signed with (HMAC-SHA256); never stored. */
  secret?: string;
  /** Event names, or ['all']. */
  events: string[];
}

export interface Grant {
  id: string;
  /** Key names, or ['*'] (scope vault). */
  keys: string[];
  op: GrantOp;
  /** The exact destination (a one-time approval), or absent for a window in `repo`. */
  destination?: string;
  /** The work tree the window covers (absolute). */
  repo?: string;
  created: string;
  expires: string;
  /** null: unlimited until expiry (a window). */
  usesLeft: number | null;
  request?: string;
}

export interface ApprovalsState {
  policy: { vault: WindowPolicy; keys: Record<string, Partial<WindowPolicy>> };
  webhooks: Webhook[];
  grants: Grant[];
  anchor?: { seq: number; head: string; end?: number };
  auditKeys?: string[];
}

export const HOUR = 3_600_000;
export const DEFAULT_POLICY: WindowPolicy = { ttlMs: 0, scope: 'secret', capMs: 8 * HOUR };

export function emptyApprovals(): ApprovalsState {
  return { policy: { vault: { ...DEFAULT_POLICY }, keys: {} }, webhooks: [], grants: [] };
}

/** A change only a person makes (approve, deny with nothing to record, revoke, policy). */
export type ApprovalChange =
  | { kind: 'grant'; grant: Grant }
  | { kind: 'revoke'; id: string }
  | { kind: 'policy'; key?: string; ttlMs?: number; scope?: Scope; capMs?: number }
  | { kind: 'webhook-add'; hook: Webhook }
  | { kind: 'webhook-remove'; url: string };

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStrs = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isMs = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const OPS: GrantOp[] = ['write', 'smudge', 'run', 'reveal', 'internal'];

function policyOk(p: unknown, partial: boolean): boolean {
  if (!isObj(p)) return false;
  for (const [k, v] of Object.entries(p)) {
    if (k === 'ttlMs' || k === 'capMs') {
      if (!isMs(v)) return false;
    } else if (k === 'scope') {
      if (v !== 'secret' && v !== 'vault') return false;
    } else return false;
  }
  return partial || (p.ttlMs !== undefined && p.scope !== undefined && p.capMs !== undefined);
}

export function grantShapeOk(g: unknown): g is Grant {
  return (
    isObj(g) &&
    typeof g.id === 'string' &&
    isStrs(g.keys) &&
    OPS.includes(g.op as GrantOp) &&
    (g.destination === undefined || typeof g.destination === 'string') &&
    (g.repo === undefined || typeof g.repo === 'string') &&
    typeof g.created === 'string' &&
    typeof g.expires === 'string' &&
    (g.usesLeft === null || (Number.isSafeInteger(g.usesLeft) && (g.usesLeft as number) > 0)) &&
    (g.request === undefined || typeof g.request === 'string')
  );
}

export const ENV_REF = /^env:[A-Za-z_][A-Za-z0-9_]*$/;
const envRefOk = (v: unknown) => v === undefined || (typeof v === 'string' && ENV_REF.test(v));

export function webhookShapeOk(h: unknown): h is Webhook {
  return isObj(h) && typeof h.url === 'string' && envRefOk(h.authorization) && envRefOk(h.secret) && isStrs(h.events) && /^https?:\/\//.test(h.url);
}

/** The shape check vault.json's verify applies (after the MAC). */
export function approvalsShapeOk(a: unknown): a is ApprovalsState {
  if (!isObj(a) || !isObj(a.policy) || !policyOk(a.policy.vault, false) || !isObj(a.policy.keys)) return false;
  if (!Object.values(a.policy.keys).every((p) => policyOk(p, true))) return false;
  if (!Array.isArray(a.webhooks) || !a.webhooks.every(webhookShapeOk)) return false;
  if (!Array.isArray(a.grants) || !a.grants.every(grantShapeOk)) return false;
  if (a.anchor !== undefined && !(isObj(a.anchor) && Number.isSafeInteger(a.anchor.seq) && typeof a.anchor.head === 'string' && (a.anchor.end === undefined || Number.isSafeInteger(a.anchor.end)))) return false;
  if (a.auditKeys !== undefined && !isStrs(a.auditKeys)) return false;
  return true;
}

/** The policy that applies to a set of keys: the strictest of theirs (shortest ttl and cap; `secret` over `vault`). */
export function policyFor(state: ApprovalsState, keys: readonly string[]): WindowPolicy {
  const base = state.policy.vault;
  let out: WindowPolicy = { ...base };
  for (const k of keys) {
    const p = { ...base, ...(Object.hasOwn(state.policy.keys, k) ? state.policy.keys[k] : {}) };
    out = { ttlMs: Math.min(out.ttlMs, p.ttlMs), capMs: Math.min(out.capMs, p.capMs), scope: out.scope === 'secret' || p.scope === 'secret' ? 'secret' : 'vault' };
  }
  return out;
}

/** A use as grants see it: the operation, its exact destination label, and the path or folder it is in. */
export interface GrantUse {
  op: GrantOp;
  destination: string;
  /** The absolute path (file, checkout) or working folder (command) of the use. */
  where?: string;
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/** Whether a live grant covers `keys` for `use` at `now`. */
export function grantCovers(g: Grant, keys: readonly string[], use: GrantUse, now: number): boolean {
  if (Date.parse(g.expires) <= now) return false;
  if (g.usesLeft !== null && g.usesLeft <= 0) return false;
  if (g.op !== use.op) return false;
  if (!(g.keys.includes('*') || keys.every((k) => g.keys.includes(k)))) return false;
  if (g.destination !== undefined) return g.destination === use.destination;
  return g.repo !== undefined && use.where !== undefined && isAbsolute(g.repo) && inside(g.repo, use.where);
}

/** Apply a person's change; returns what it did (for messages). */
export function applyChange(state: ApprovalsState, change: ApprovalChange): { changed: boolean; result: unknown } {
  switch (change.kind) {
    case 'grant':
      if (!grantShapeOk(change.grant)) throw usageError('the grant is malformed');
      state.grants.push(change.grant);
      return { changed: true, result: change.grant.id };
    case 'revoke': {
      const before = state.grants.length;
      state.grants = change.id === '*' ? [] : state.grants.filter((g) => g.id !== change.id);
      return { changed: state.grants.length !== before, result: before - state.grants.length };
    }
    case 'policy': {
      const p: Partial<WindowPolicy> = {};
      if (change.ttlMs !== undefined) p.ttlMs = change.ttlMs;
      if (change.scope !== undefined) p.scope = change.scope;
      if (change.capMs !== undefined) p.capMs = change.capMs;
      if (!policyOk(p, true)) throw usageError('the policy is malformed');
      if (change.key === undefined) state.policy.vault = { ...state.policy.vault, ...p };
      else state.policy.keys[change.key] = { ...(Object.hasOwn(state.policy.keys, change.key) ? state.policy.keys[change.key] : {}), ...p };
      return { changed: true, result: null };
    }
    case 'webhook-add':
      if (!webhookShapeOk(change.hook)) throw usageError('the webhook is malformed');
      state.webhooks = [...state.webhooks.filter((h) => h.url !== change.hook.url), change.hook];
      return { changed: true, result: null };
    case 'webhook-remove': {
      const before = state.webhooks.length;
      state.webhooks = state.webhooks.filter((h) => h.url !== change.url);
      return { changed: before !== state.webhooks.length, result: before - state.webhooks.length };
    }
  }
}

/**
 * Take one use of the first live grant covering `keys` for `use` (expired grants are dropped
 * on the way). Returns the grant as it was, or undefined.
 */
export function consumeGrant(state: ApprovalsState, keys: readonly string[], use: GrantUse, now: number): { changed: boolean; result: Grant | undefined } {
  const live = state.grants.filter((g) => Date.parse(g.expires) > now);
  let changed = live.length !== state.grants.length;
  state.grants = live;
  const g = live.find((x) => grantCovers(x, keys, use, now));
  if (!g) return { changed, result: undefined };
  const used = { ...g };
  if (g.usesLeft !== null) {
    if (g.usesLeft <= 1) state.grants = state.grants.filter((x) => x !== g);
    else g.usesLeft -= 1;
    changed = true;
  }
  return { changed, result: used };
}
