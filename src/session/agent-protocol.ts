import { AgentVaultError, type ErrorKind } from '../errors.js';
import type { Destination, NewValue } from './session.js';
import { grantShapeOk, webhookShapeOk, type ApprovalChange } from '../vault/approval-state.js';
import type { ProvidedValue } from '../providers/chain.js';
import type { Member } from '../team/format.js';

/**
 * The session agent's wire format: one JSON object per line each way. A request is
 * `{"id": n, "op": "...", "args": [...]}`, a reply `{"id": n, "ok": true, "value": ...}` or
 * `{"id": n, "ok": false, "error": {...}}`. Bytes travel as `{"$b": base64}` and maps as
 * `{"$m": [[key, value], ...]}`. The operations mirror the VaultSession methods; there is no
 * operation that returns the master key, and values leave only through restore (checked
 * against the destination by the agent itself) and valueFor (a command agent-vault starts).
 * A person's decisions (bind, remove, prune, replacing a value, signing, showing a value)
 * are served only on a connection that first proved the person with `authenticate`
 * (passphrase, and the TOTP code when it is on): any process of the user can connect, and
 * a terminal cannot be told apart from a script on the far side of a socket.
 *
 * `context` tells the agent, once per connection, what the in-process session would know
 * from the caller's working directory: the repository whose team vault joins the chain, and
 * the values the caller's configured providers handed in (the caller runs the providers; the
 * agent never runs a program or reads a file that repository configuration names). The
 * agent opens the team vault itself, under the same pins, so the data key and the identity
 * stay in the agent. `team` runs one team vault command in the agent (init, join, trust, add,
 * remove, set are a person's; has, members and the merge driver are not, as with a key file).
 */

/** A request line longer than this closes its connection (protected files are rarely near it). */
export const MAX_REQUEST_BYTES = 256 * 1024 * 1024;

export const OPS = ['state', 'authenticate', 'init', 'list', 'has', 'redact', 'agentView', 'agentViewPart', 'findValues', 'restore', 'valueFor', 'signWith', 'set', 'remove', 'bind', 'unbind', 'prune', 'acceptRollback', 'approvals', 'changeApprovals', 'anchorAudit', 'lock', 'context', 'team'] as const;
export type Op = (typeof OPS)[number];

export interface Request {
  id: number;
  op: Op;
  args: unknown[];
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

export interface WireError {
  kind: ErrorKind;
  message: string;
  code?: string;
  hint?: string;
  exitCode?: number;
}

const KINDS: ErrorKind[] = ['usage', 'config', 'vault', 'git', 'refused', 'internal'];

/** To JSON-able form: bytes as {$b}, maps as {$m}, sets as {$s} (a Set has no entries of its own: it would arrive as {}). */
export function encodeValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (v instanceof Map) return { $m: [...v].map(([k, x]) => [k, encodeValue(x)]) };
  if (v instanceof Set) return { $s: [...v].map(encodeValue) };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeValue(x);
    return out;
  }
  return v;
}

export function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$b === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$b, 'base64');
    if (Array.isArray(o.$s) && Object.keys(o).length === 1) return new Set((o.$s as unknown[]).map(decodeValue));
    if (Array.isArray(o.$m) && Object.keys(o).length === 1) {
      return new Map((o.$m as unknown[]).map((pair) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new Error('bad map entry');
        return [decodeValue(pair[0]), decodeValue(pair[1])];
      }));
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === '__proto__') continue;
      out[k] = decodeValue(x);
    }
    return out;
  }
  return v;
}

export function toWireError(e: unknown): WireError {
  if (e instanceof AgentVaultError) {
    return { kind: e.kind, message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.hint ? { hint: e.hint } : {}), ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}) };
  }
  // Never a foreign message: it could quote a request's bytes.
  return { kind: 'internal', message: 'the session agent failed on this request' };
}

export function fromWireError(w: WireError | undefined): AgentVaultError {
  const kind = w && KINDS.includes(w.kind) ? w.kind : 'internal';
  return new AgentVaultError(kind, typeof w?.message === 'string' ? w.message : 'the session agent failed', {
    ...(typeof w?.code === 'string' ? { code: w.code } : {}),
    ...(typeof w?.hint === 'string' ? { hint: w.hint } : {}),
    ...(typeof w?.exitCode === 'number' ? { exitCode: w.exitCode } : {}),
  });
}

// -- request validation: the agent trusts nothing a client sends -----------------------------

export class BadRequest extends Error {}

const fail = (what: string): never => {
  throw new BadRequest(what);
};
const isBytes = (v: unknown): v is Buffer => Buffer.isBuffer(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown) => v === undefined || typeof v === 'boolean';
const plain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !Buffer.isBuffer(v);

export function asBytes(v: unknown, what: string): Buffer {
  return isBytes(v) ? v : fail(`${what} must be bytes`);
}

export function asString(v: unknown, what: string): string {
  return isString(v) && v.length <= 4096 ? v : fail(`${what} must be a string`);
}

export function asStrings(v: unknown, what: string): string[] {
  return Array.isArray(v) && v.every(isString) ? v : fail(`${what} must be a list of strings`);
}

export function asFlags<K extends string>(v: unknown, keys: K[], what: string): Partial<Record<K, boolean>> {
  if (v === undefined) return {};
  if (!plain(v)) return fail(`${what} must be an object`);
  for (const [k, x] of Object.entries(v)) if (!keys.includes(k as K) || !isBool(x)) fail(`${what}.${k} is not allowed`);
  return v as Partial<Record<K, boolean>>;
}

export function asDestination(v: unknown): Destination {
  if (!plain(v)) return fail('destination must be an object');
  switch (v.kind) {
    case 'file':
      return { kind: 'file', path: asString(v.path, 'destination.path') };
    case 'git-filter':
      return { kind: 'git-filter', path: asString(v.path, 'destination.path'), repo: asString(v.repo, 'destination.repo') };
    case 'command':
      return { kind: 'command', argv: asStrings(v.argv, 'destination.argv'), cwd: asString(v.cwd, 'destination.cwd') };
    case 'internal':
      return v.purpose === 'skill-signing' ? { kind: 'internal', purpose: 'skill-signing' } : fail('unknown internal purpose');
    case 'terminal':
      return { kind: 'terminal' };
    default:
      return fail('unknown destination kind');
  }
}

export function asSpans(v: unknown): { start: number; end: number }[] {
  if (!Array.isArray(v)) return fail('suspects must be a list');
  return v.map((s) => (plain(s) && Number.isSafeInteger(s.start) && Number.isSafeInteger(s.end) ? { start: s.start as number, end: s.end as number } : fail('a suspect span is malformed')));
}

export function asMarkers(v: unknown): Map<string, Buffer> | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof Map)) return fail('markers must be a map');
  for (const [k, x] of v) if (!isString(k) || !isBytes(x)) fail('markers must map strings to bytes');
  return v as Map<string, Buffer>;
}

export function asNewValues(v: unknown): NewValue[] {
  if (!Array.isArray(v)) return fail('entries must be a list');
  return v.map((e) => {
    if (!plain(e)) return fail('an entry is malformed');
    const out: NewValue = { key: asString(e.key, 'entry.key'), value: asBytes(e.value, 'entry.value') };
    if (e.description !== undefined) out.description = asString(e.description, 'entry.description');
    if (e.bindings !== undefined) out.bindings = asStrings(e.bindings, 'entry.bindings');
    if (e.internal !== undefined) out.internal = e.internal === true ? true : fail('entry.internal must be true');
    return out;
  });
}

/** A connection's context: the repository root (absolute) and the values its providers handed in. */
export interface SessionContext {
  repo?: string;
  provided?: ProvidedValue[];
}

const PROVIDER_SOURCE = /^provider:[A-Za-z0-9_.-]{1,64}$/;

export function asContext(v: unknown): SessionContext {
  if (!plain(v)) return fail('context must be an object');
  const out: SessionContext = {};
  if (v.repo !== undefined) {
    const repo = asString(v.repo, 'context.repo');
    out.repo = repo.startsWith('/') ? repo : fail('context.repo must be an absolute path');
  }
  if (v.provided !== undefined) {
    if (!Array.isArray(v.provided) || v.provided.length > 100_000) return fail('context.provided must be a list');
    out.provided = v.provided.map((p) => {
      if (!plain(p)) return fail('a provided value is malformed');
      const source = asString(p.source, 'provided.source');
      if (!PROVIDER_SOURCE.test(source)) fail('provided.source must be provider:NAME');
      return { key: asString(p.key, 'provided.key'), source: source as ProvidedValue['source'], value: asBytes(p.value, 'provided.value') };
    });
  }
  return out;
}

export const TEAM_ACTIONS = ['init', 'join', 'trust', 'add', 'remove', 'set', 'has', 'members', 'merge'] as const;
export type TeamAction = (typeof TEAM_ACTIONS)[number];

export interface TeamRequest {
  action: TeamAction;
  root: string;
  name?: string;
  identityText?: string;
  member?: Member;
  key?: string;
  entries?: { key: string; value: Buffer; paths?: string[] }[];
  createOnly?: boolean;
  texts?: { base: string; ours: string; theirs: string };
}

/** A team request, field by field; `root` absolute (join may have none: the empty string). */
export function asTeamRequest(action: unknown, root: unknown, params: unknown): TeamRequest {
  if (!TEAM_ACTIONS.includes(action as TeamAction)) return fail('unknown team action');
  const r = asString(root, 'root');
  if (r !== '' && !r.startsWith('/')) fail('root must be an absolute path');
  if (r === '' && action !== 'join') fail('root is required');
  const p = params === undefined ? {} : plain(params) ? params : fail('team params must be an object');
  const out: TeamRequest = { action: action as TeamAction, root: r };
  if (p.name !== undefined) out.name = asString(p.name, 'name');
  if (p.identityText !== undefined) out.identityText = asString(p.identityText, 'identityText');
  if (p.key !== undefined) out.key = asString(p.key, 'key');
  if (p.createOnly !== undefined) out.createOnly = p.createOnly === true;
  if (p.member !== undefined) {
    const m = plain(p.member) ? p.member : fail('member must be an object');
    out.member = { name: asString(m.name, 'member.name'), recipient: asString(m.recipient, 'member.recipient'), signingKey: asString(m.signingKey, 'member.signingKey') };
  }
  if (p.entries !== undefined) {
    if (!Array.isArray(p.entries)) fail('entries must be a list');
    out.entries = (p.entries as unknown[]).map((e) => {
      if (!plain(e)) return fail('an entry is malformed');
      return { key: asString(e.key, 'entry.key'), value: asBytes(e.value, 'entry.value'), ...(e.paths !== undefined ? { paths: asStrings(e.paths, 'entry.paths') } : {}) };
    });
  }
  if (p.texts !== undefined) {
    const t = plain(p.texts) ? p.texts : fail('texts must be an object');
    const text = (x: unknown, what: string) => (typeof x === 'string' && x.length <= MAX_REQUEST_BYTES ? x : fail(`${what} must be text`));
    out.texts = { base: text(t.base, 'base'), ours: text(t.ours, 'ours'), theirs: text(t.theirs, 'theirs') };
  }
  return out;
}

/** Parse one request line (already bounded in size). */
export function parseRequest(line: Buffer): Request {
  let raw: unknown;
  try {
    raw = decodeValue(JSON.parse(line.toString('utf8')));
  } catch {
    return fail('not a JSON request');
  }
  if (!plain(raw) || !Number.isSafeInteger(raw.id) || !OPS.includes(raw.op as Op) || !Array.isArray(raw.args)) return fail('not a request');
  return { id: raw.id as number, op: raw.op as Op, args: raw.args };
}

/** A person's change to the approval state, checked field by field. */
export function asApprovalChange(v: unknown): ApprovalChange {
  if (!plain(v)) return fail('the change must be an object');
  const ms = (x: unknown, what: string) => (x === undefined ? undefined : Number.isSafeInteger(x) && (x as number) >= 0 ? (x as number) : fail(`${what} must be a number of milliseconds`));
  switch (v.kind) {
    case 'grant':
      return grantShapeOk(v.grant) ? { kind: 'grant', grant: v.grant } : fail('the grant is malformed');
    case 'revoke':
      return { kind: 'revoke', id: asString(v.id, 'id') };
    case 'policy': {
      const out: ApprovalChange = { kind: 'policy' };
      if (v.key !== undefined) out.key = asString(v.key, 'key');
      const ttl = ms(v.ttlMs, 'ttlMs');
      const cap = ms(v.capMs, 'capMs');
      if (ttl !== undefined) out.ttlMs = ttl;
      if (cap !== undefined) out.capMs = cap;
      if (v.scope !== undefined) out.scope = v.scope === 'secret' || v.scope === 'vault' ? v.scope : fail('scope must be secret or vault');
      return out;
    }
    case 'webhook-add':
      return webhookShapeOk(v.hook) ? { kind: 'webhook-add', hook: v.hook } : fail('the webhook is malformed');
    case 'webhook-remove':
      return { kind: 'webhook-remove', url: asString(v.url, 'url') };
    default:
      return fail('unknown change');
  }
}
