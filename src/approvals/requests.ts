import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanText } from '../audit/chain.js';
import { AgentVaultError, usageError } from '../errors.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { privateDir } from '../platform/home.js';
import type { GrantOp } from '../vault/approval-state.js';

/**
 * Approval requests: what an agent asked for that its bindings do not allow. A request holds
 * names, a destination, a repository, the agent's stated reason and times; never a value.
 * Stored under $AGENT_VAULT_HOME/approvals/requests/<id>.json (0600). A request is not a
 * permission: only a grant in the vault is (approval-state.ts), and a grant is made from what
 * the person was shown, so editing a request file can only change what the person sees.
 */

export type RequestStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface ApprovalRequest {
  id: string;
  keys: string[];
  op: GrantOp;
  /** The exact use, as grants label it (session.ts useOf). */
  destination: string;
  /** The absolute path or folder the use is in. */
  where: string;
  /** The work tree root, when in a repository. */
  repo?: string;
  reason: string;
  created: string;
  expires: string;
  status: RequestStatus;
  /** sha256 of the content a decision binds to (keys, op, destination, where, repo, reason, expires). */
  hash: string;
  decided?: string;
  grant?: string;
  /** The end of the window the approval opened (absent: this one use). */
  windowEnd?: string;
}

export const REQUEST_TTL_MS = 10 * 60_000;
const REASON_MAX = 300;
const ID_RE = /^[a-z2-7]{16}$/;

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
function newId(): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += B32[b & 31];
  return out;
}

export const requestsDir = (home: string) => join(home, 'approvals', 'requests');

export function contentHash(r: Pick<ApprovalRequest, 'keys' | 'op' | 'destination' | 'where' | 'repo' | 'reason' | 'expires'>): string {
  return createHash('sha256').update(JSON.stringify([r.keys, r.op, r.destination, r.where, r.repo ?? null, r.reason, r.expires])).digest('hex');
}

export function checkRequestId(id: string): string {
  if (!ID_RE.test(id)) throw usageError(`"${cleanText(id, 40)}" is not a request id`, 'A request id is 16 letters and digits, as printed by the command that asked (pending ID).');
  return id;
}

function pathOf(home: string, id: string): string {
  return join(requestsDir(home), `${checkRequestId(id)}.json`);
}

export function saveRequest(home: string, r: ApprovalRequest): void {
  privateDir(requestsDir(home));
  writeFileAtomicSync(pathOf(home, r.id), JSON.stringify(r, null, 2) + '\n', 0o600);
}

export function loadRequest(home: string, id: string): ApprovalRequest {
  let text: string;
  try {
    text = readFileSync(pathOf(home, id), 'utf8');
  } catch {
    throw new AgentVaultError('refused', `there is no approval request ${id}`, { code: 'REQUEST_NOT_FOUND', hint: 'agent-vault request list shows the requests there are.' });
  }
  const r = JSON.parse(text) as ApprovalRequest;
  if (!r || r.id !== id || !Array.isArray(r.keys) || typeof r.destination !== 'string' || typeof r.hash !== 'string') {
    throw new AgentVaultError('refused', `the approval request ${id} is damaged`, { code: 'REQUEST_ALTERED', hint: 'Ask the agent to repeat what it was doing; it makes a new request.' });
  }
  return r;
}

/** The status as of `now`: a pending request past its expiry is expired. */
export function statusOf(r: ApprovalRequest, now = Date.now()): RequestStatus {
  return r.status === 'pending' && Date.parse(r.expires) <= now ? 'expired' : r.status;
}

export function listRequests(home: string): ApprovalRequest[] {
  let names: string[];
  try {
    names = readdirSync(requestsDir(home));
  } catch {
    return [];
  }
  const out: ApprovalRequest[] = [];
  for (const n of names) {
    const id = n.replace(/\.json$/, '');
    if (!n.endsWith('.json') || !ID_RE.test(id)) continue;
    try {
      out.push(loadRequest(home, id));
    } catch {
      /* damaged: shown by request status ID */
    }
  }
  return out.sort((a, b) => a.created.localeCompare(b.created));
}

export interface NewRequest {
  keys: string[];
  op: GrantOp;
  destination: string;
  where: string;
  repo?: string;
  reason?: string;
}

/**
 * A pending request for this use: the one already pending for exactly the same content (so
 * retries do not pile up requests), or a new one.
 */
export function requestFor(home: string, n: NewRequest, now = Date.now()): { request: ApprovalRequest; created: boolean } {
  const reason = cleanText(n.reason ?? '', REASON_MAX);
  const keys = [...new Set(n.keys)].sort();
  for (const r of listRequests(home)) {
    if (statusOf(r, now) === 'pending' && r.op === n.op && r.destination === n.destination && r.reason === reason && JSON.stringify(r.keys) === JSON.stringify(keys) && r.hash === contentHash(r)) {
      return { request: r, created: false };
    }
  }
  const base = { id: newId(), keys, op: n.op, destination: n.destination, where: n.where, ...(n.repo ? { repo: n.repo } : {}), reason, created: new Date(now).toISOString(), expires: new Date(now + REQUEST_TTL_MS).toISOString(), status: 'pending' as const };
  const request: ApprovalRequest = { ...base, hash: contentHash(base) };
  saveRequest(home, request);
  return { request, created: true };
}
