import { timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { AgentVaultError, refusal } from '../errors.js';
import { privateDir } from '../platform/home.js';
import { openVault, vaultPaths } from '../vault/index.js';
import { MemoryKeyProvider } from '../vault/key-provider.js';
import { authenticate } from '../vault/unlock.js';
import {
  asBytes,
  asDestination,
  asFlags,
  asMarkers,
  asNewValues,
  asSpans,
  asString,
  asStrings,
  BadRequest,
  encodeValue,
  MAX_REQUEST_BYTES,
  parseRequest,
  toWireError,
  type Reply,
  type Request, asApprovalChange, asContext, asTeamRequest } from './agent-protocol.js';
import { PERSON_TEAM_ACTIONS, runTeamRequest } from './team-ops.js';
import { teamRootFor } from './team-source.js';
import type { AgentEndpoint } from './agent-socket.js';
import { LocalVaultSession } from './local.js';

/**
 * The session agent: a background process that holds an unlocked vault's master key in
 * memory and serves the VaultSession operations over a Unix socket (0600, in a 0700
 * folder). It never hands out the key. It hosts an ordinary LocalVaultSession built from
 * the key it holds, so every rule the in-process session enforces (where a value may be
 * restored, which uses a value may be handed out for) is enforced here by the same code, on
 * this side of the socket: any process of the user can connect, so the agent is the one
 * that must say no.
 *
 * It locks itself (zeroes the key, removes its socket, exits) after the idle TTL (reset by
 * every request but `state`), at the absolute limit, on a `lock` request, on SIGTERM/SIGINT,
 * when its socket file is removed or replaced, and when vault.json changes in a way that does
 * not verify under its key. A SIGKILL loses nothing: the vault on disk is the truth, and no
 * key material was ever written anywhere.
 */

export interface AgentOptions {
  home: string;
  endpoint: AgentEndpoint;
  /** The master key (32 bytes). The agent owns it from here on and zeroes it when it locks. */
  key: Buffer;
  idleMs: number;
  maxMs: number;
  /** How often the watch checks deadlines, the socket and the vault file. */
  watchMs?: number;
  /** Requests longer than this close their connection (default MAX_REQUEST_BYTES). */
  maxRequestBytes?: number;
  now?: () => number;
}

export type LockReason = 'idle' | 'absolute' | 'lock' | 'signal' | 'socket' | 'vault';

interface FileId {
  ino: number;
  size: number;
  mtimeMs: number;
}

function fileId(path: string): FileId | undefined {
  try {
    const st = statSync(path);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

const sameFile = (a: FileId | undefined, b: FileId | undefined) => !!a && !!b && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** Whether something answers on `socket`: 'live', 'stale' (a file nobody listens on) or 'absent'. */
export function probeSocket(socket: string, timeoutMs = 2000): Promise<'live' | 'stale' | 'absent'> {
  return new Promise((resolve) => {
    const conn = createConnection(socket);
    const timer = setTimeout(() => {
      conn.destroy();
      resolve('live'); // something holds the socket open: do not replace it
    }, timeoutMs);
    conn.once('connect', () => {
      clearTimeout(timer);
      conn.destroy();
      resolve('live');
    });
    conn.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code === 'ENOENT' ? 'absent' : 'stale');
    });
  });
}

export class SessionAgent {
  private readonly session: LocalVaultSession;
  private readonly provider: MemoryKeyProvider;
  private server: Server | undefined;
  private readonly connections = new Set<Socket>();
  /** Connections whose client proved the person (passphrase, and code with TOTP on). */
  private readonly persons = new WeakSet<Socket>();
  /**
   * A connection's own session, when its client sent a context (a repository's team vault,
   * values its providers handed in): built with the same key and rules, kept for that
   * connection only, and dropped (provided values zeroed) when it closes.
   */
  private readonly contexts = new Map<Socket, { session: LocalVaultSession; provided: Buffer[] }>();
  private socketId: number | undefined;
  private vaultId: FileId | undefined;
  private readonly startedAt: number;
  private lastUse: number;
  private watch: NodeJS.Timeout | undefined;
  private locked: LockReason | undefined;
  private done!: (reason: LockReason) => void;
  /** Resolves with the reason once the agent has locked. */
  readonly finished: Promise<LockReason>;
  private readonly now: () => number;

  constructor(private readonly options: AgentOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.lastUse = this.now();
    this.provider = new MemoryKeyProvider(options.key, 'passphrase, unlocked in a session agent');
    this.session = new LocalVaultSession(options.home, { keyProvider: this.provider });
    this.finished = new Promise((resolve) => (this.done = resolve));
  }

  /** Verify the key against the vault, then listen. Throws when the key does not open it. */
  async start(): Promise<void> {
    const { endpoint } = this.options;
    openVault(this.options.home, { keyProvider: this.provider }).close();
    this.vaultId = fileId(vaultPaths(this.options.home).file);
    privateDir(endpoint.dir);
    const state = await probeSocket(endpoint.socket);
    if (state === 'live') throw refusal('a session agent is already running for this vault', 'Use it, or run agent-vault lock first.', 'AGENT_RUNNING');
    if (state === 'stale') unlinkSync(endpoint.socket);
    const server = createServer((conn) => this.serve(conn));
    this.server = server;
    // The socket is created under a umask that leaves it 0600 from its first instant.
    const umask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(endpoint.socket, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(umask);
    }
    chmodSync(endpoint.socket, 0o600);
    this.socketId = lstatSync(endpoint.socket).ino;
    this.watch = setInterval(() => this.check(), this.options.watchMs ?? 500);
  }

  /** Deadlines, the socket file and the vault file; called by the watch timer. */
  check(): void {
    if (this.locked) return;
    const now = this.now();
    if (now >= this.startedAt + this.options.maxMs) return void this.lock('absolute');
    if (now >= this.lastUse + this.options.idleMs) return void this.lock('idle');
    try {
      const st = lstatSync(this.options.endpoint.socket);
      if (!st.isSocket() || st.ino !== this.socketId) return void this.lock('socket');
    } catch {
      return void this.lock('socket');
    }
    const id = fileId(vaultPaths(this.options.home).file);
    if (!sameFile(id, this.vaultId)) {
      // Changed: by this agent's own writes (set, remove, a TOTP step), or by someone else.
      // Whatever verifies under our key is the vault; anything else means we lock.
      let generation: number;
      try {
        const v = openVault(this.options.home, { keyProvider: this.provider });
        generation = v.generation;
        v.close();
      } catch {
        return void this.lock('vault');
      }
      this.vaultId = id;
      // Re-read at the next request, by every session that does not hold this state already
      // (its own write, such as a checkpoint's anchor, leaves it current).
      this.session.vaultChanged(generation);
      for (const c of this.contexts.values()) c.session.vaultChanged(generation);
    }
  }

  /** Time left before the agent locks itself (ms). */
  timeLeft(): { idleMs: number; absoluteMs: number } {
    const now = this.now();
    return { idleMs: Math.max(0, this.lastUse + this.options.idleMs - now), absoluteMs: Math.max(0, this.startedAt + this.options.maxMs - now) };
  }

  lock(reason: LockReason): Promise<LockReason> {
    if (this.locked) return this.finished;
    this.locked = reason;
    if (this.watch) clearInterval(this.watch);
    for (const c of this.connections) c.destroy();
    this.server?.close();
    void this.session.close(); // zeroes the derived keys
    for (const conn of [...this.contexts.keys()]) this.dropContext(conn);
    this.options.key.fill(0);
    // Remove the socket only if it is still ours (a newer agent may have replaced it).
    try {
      if (lstatSync(this.options.endpoint.socket).ino === this.socketId) unlinkSync(this.options.endpoint.socket);
    } catch {
      /* already gone */
    }
    this.done(reason);
    return this.finished;
  }

  private serve(conn: Socket): void {
    if (this.locked) return void conn.destroy();
    this.connections.add(conn);
    conn.on('close', () => {
      this.connections.delete(conn);
      this.dropContext(conn);
      // A client is done (a checkout's filter process): its grouped audit entries get their checkpoint now.
      if (!this.locked) this.session.settle();
    });
    conn.on('error', () => conn.destroy());
    let chunks: Buffer[] = [];
    let pending = 0;
    let queue = Promise.resolve();
    const limit = this.options.maxRequestBytes ?? MAX_REQUEST_BYTES;
    conn.on('data', (chunk: Buffer) => {
      let at = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, at)) {
        const line = chunks.length ? Buffer.concat([...chunks, chunk.subarray(at, nl)]) : chunk.subarray(at, nl);
        chunks = [];
        pending = 0;
        at = nl + 1;
        if (line.length > limit) return this.refuse(conn, 'request too large');
        let request: Request;
        try {
          request = parseRequest(line);
        } catch (e) {
          return this.refuse(conn, e instanceof BadRequest ? e.message : 'malformed request');
        }
        queue = queue.then(() => this.answer(conn, request));
      }
      if (at < chunk.length) {
        chunks.push(chunk.subarray(at));
        pending += chunk.length - at;
        if (pending > limit) this.refuse(conn, 'request too large');
      }
    });
  }

  private dropContext(conn: Socket): void {
    const c = this.contexts.get(conn);
    if (!c) return;
    this.contexts.delete(conn);
    void c.session.close();
    for (const b of c.provided) b.fill(0);
  }

  /** A malformed or oversized request closes that one connection. */
  private refuse(conn: Socket, why: string): void {
    const reply: Reply = { id: -1, ok: false, error: { kind: 'usage', message: `session agent: ${why}; connection closed` } };
    conn.end(JSON.stringify(reply) + '\n');
    conn.destroy();
  }

  private async answer(conn: Socket, request: Request): Promise<void> {
    if (this.locked || conn.destroyed) return;
    let reply: Reply;
    try {
      if (request.op !== 'state') this.lastUse = this.now();
      reply = { id: request.id, ok: true, value: encodeValue(await this.dispatch(request, conn)) };
    } catch (e) {
      if (e instanceof BadRequest) return this.refuse(conn, e.message);
      reply = { id: request.id, ok: false, error: toWireError(e) };
    }
    if (conn.destroyed) return;
    conn.write(JSON.stringify(reply) + '\n');
    if (request.op === 'lock') void this.lock('lock');
  }

  private async dispatch({ op, args }: Request, conn: Socket): Promise<unknown> {
    const s = this.contexts.get(conn)?.session ?? this.session;
    const person = this.persons.has(conn);
    /** Operations that are a person's decision: only on a connection that proved the person. */
    const needPerson = (what: string) => {
      if (!person) throw refusal(`${what} is a decision for the person at the terminal, and this connection has not proved it`, 'Run the agent-vault command in your own terminal: it asks for the passphrase (and TOTP code).', 'PERSON_REQUIRED');
    };
    switch (op) {
      case 'state':
        return { ...(await s.state()), expires: this.timeLeft() };
      case 'authenticate': {
        const f = args[0] as Record<string, unknown> | undefined;
        const factors = { passphrase: asString(f?.passphrase, 'passphrase'), ...(f?.code !== undefined ? { code: asString(f.code, 'code') } : {}) };
        // The same proof as unlock (and the same failure count and delay), against our own key.
        const { master, vault } = await authenticate(this.options.home, factors);
        vault.close();
        const same = master.length === this.options.key.length && timingSafeEqual(master, this.options.key);
        master.fill(0);
        if (!same) throw refusal('the vault was re-keyed since this session was unlocked', 'Run agent-vault lock, then agent-vault unlock.', 'VAULT_CHANGED');
        this.persons.add(conn);
        return null;
      }
      case 'init':
        return s.init();
      case 'list':
        return s.list();
      case 'has':
        return s.has(asStrings(args[0], 'keys'));
      case 'redact':
        return s.redact(asBytes(args[0], 'input'), asFlags(args[1], ['escapeLiterals'], 'options'));
      case 'agentView':
        return s.agentView(asBytes(args[0], 'input'), asSpans(args[1]));
      case 'agentViewPart': {
        const o = args[2] as Record<string, unknown> | undefined;
        if (!o || typeof o !== 'object' || typeof o.limit !== 'number' || !Number.isSafeInteger(o.limit) || typeof o.end !== 'boolean' || (o.offset !== undefined && !(typeof o.offset === 'number' && Number.isSafeInteger(o.offset) && o.offset >= 0)) || (o.idle !== undefined && typeof o.idle !== 'boolean')) throw new BadRequest('agentViewPart needs {limit, end, offset?, idle?}');
        return s.agentViewPart(asBytes(args[0], 'input'), asSpans(args[1]), { limit: o.limit, end: o.end, offset: (o.offset as number | undefined) ?? 0, idle: o.idle === true });
      }
      case 'findValues':
        return s.findValues(asBytes(args[0], 'input'));
      case 'restore': {
        const o = args[1] as Record<string, unknown> | undefined;
        if (!o || typeof o !== 'object') throw new BadRequest('restore needs options');
        const markers = asMarkers(o.markers);
        const flags = asFlags({ ...(o.escapeLiterals !== undefined ? { escapeLiterals: o.escapeLiterals } : {}) }, ['escapeLiterals'], 'options');
        // The destination is checked by the session's own binding rules, here, in the agent.
        return s.restore(asBytes(args[0], 'input'), { destination: asDestination(o.destination), ...flags, ...(markers ? { markers } : {}) });
      }
      case 'valueFor': {
        const use = asDestination(args[1]);
        // A value crosses the socket for a command agent-vault starts (run), and for the person
        // who proved themselves (get --reveal). A signing key signs here instead (signWith).
        if (use.kind === 'terminal') needPerson('showing a value');
        else if (use.kind !== 'command') throw refusal(`the session agent does not hand out values for ${use.kind} use`, undefined, 'USE_NOT_ALLOWED');
        return s.valueFor(asString(args[0], 'key'), use);
      }
      case 'signWith': {
        const use = asDestination(args[2]);
        if (use.kind !== 'internal') throw refusal("the session agent signs only for agent-vault's own uses", undefined, 'USE_NOT_ALLOWED');
        needPerson('signing');
        return s.signWith(asString(args[0], 'key'), asBytes(args[1], 'message'), use);
      }
      case 'set': {
        const flags = asFlags(args[1], ['interactive'], 'options');
        // A script may add a value (create-only, the session's rule); anything more is a person's.
        if (flags.interactive) needPerson('storing a value as the person');
        await s.set(asNewValues(args[0]), { interactive: flags.interactive === true });
        return null;
      }
      case 'remove':
        needPerson('removing a key');
        return s.remove(asString(args[0], 'key'));
      case 'bind':
        needPerson('binding a key');
        return s.bind(asString(args[0], 'key'), asStrings(args[1], 'globs'));
      case 'unbind':
        needPerson('unbinding a key');
        return s.unbind(asString(args[0], 'key'), args[1] === undefined ? undefined : asStrings(args[1], 'globs'));
      case 'prune':
        needPerson('dropping earlier values');
        return s.prune(asString(args[0], 'key'));
      case 'acceptRollback':
        needPerson('accepting a rolled-back vault');
        return s.acceptRollback();
      case 'approvals':
        return s.approvals();
      case 'changeApprovals':
        // Approving, revoking, a policy or a webhook: a person's decision, never a script's.
        needPerson('changing approvals');
        return s.changeApprovals(asApprovalChange(args[0]));
      case 'anchorAudit':
        // Anyone may ask; the session anchors only a log that verifies and extends the last anchor.
        return s.anchorAudit();
      case 'lock':
        return null;
      case 'context': {
        // What the in-process session would know from the caller's working directory. The
        // team vault is opened here, under this machine's pins, exactly as in-process; the
        // provided values are the caller's own (it ran the providers), so they redact as
        // script values and are bound only where a person bound them (in the vault).
        const ctx = asContext(args[0]);
        this.dropContext(conn);
        const repo = ctx.repo ? teamRootFor(ctx.repo) : undefined;
        const provided = ctx.provided ? new Map(ctx.provided.map((p) => [p.key, p])) : undefined;
        const session = new LocalVaultSession(this.options.home, { keyProvider: this.provider, ...(repo ? { repo } : {}), ...(provided ? { provided } : {}) });
        this.contexts.set(conn, { session, provided: ctx.provided?.map((p) => p.value) ?? [] });
        return null;
      }
      case 'team': {
        const req = asTeamRequest(args[0], args[1], args[2]);
        if (PERSON_TEAM_ACTIONS.has(req.action)) needPerson(`team ${req.action}`);
        // The team code runs here with the vault this agent holds; what it returns is names,
        // public keys, booleans, or the merge driver's ciphertext, never a value or key.
        const session = new LocalVaultSession(this.options.home, { keyProvider: this.provider });
        try {
          return await runTeamRequest(session, req, person);
        } finally {
          await session.close();
          this.contexts.get(conn)?.session.teamChanged();
        }
      }
    }
  }
}

/** Start an agent and wait until it has locked; the reason it locked. */
export async function runSessionAgent(options: AgentOptions, onListening?: () => void): Promise<LockReason> {
  const agent = new SessionAgent(options);
  try {
    await agent.start();
  } catch (e) {
    options.key.fill(0);
    throw e instanceof AgentVaultError ? e : new AgentVaultError('vault', `the session agent could not start: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void agent.lock('signal'));
  onListening?.();
  return agent.finished;
}
