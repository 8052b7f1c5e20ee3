import type { AuditAnchor } from '../audit/chain.js';
import type { ApprovalChange, ApprovalsState } from '../vault/approval-state.js';
import { existsSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { AgentView, ValueOccurrence } from '../core/redact.js';
import type { SuspectSpan } from '../core/suspects.js';
import { AgentVaultError } from '../errors.js';
import { vaultLocked, vaultMissing, vaultPaths, vaultProvider, type KeyMeta } from '../vault/index.js';
import { decodeValue, encodeValue, fromWireError, type Op, type Reply, type SessionContext, type TeamRequest } from './agent-protocol.js';
import type { ProviderChain } from '../providers/chain.js';
import { agentEndpoints, checkPrivate } from './agent-socket.js';
import type { AgentViewPart, Destination, NewValue, RedactResult, RestoreRequest, SessionRestoreResult, SetOptions, VaultSession, VaultState } from './session.js';

/** Operations whose answer depends on the chain beyond the local vault: the connection's context goes first. */
const CONTEXT_OPS = new Set<Op>(['list', 'has', 'redact', 'agentView', 'agentViewPart', 'findValues', 'restore', 'valueFor', 'set', 'bind', 'unbind']);

/**
 * The client side of the session agent: a VaultSession whose every operation is a request
 * over the agent's socket, so callers (read, write, the filter, the gates, skill signing)
 * work unchanged against a passphrase vault. With no agent answering, the vault is locked:
 * `state()` says so and every other operation throws VAULT_LOCKED (exit 1) with the
 * `agent-vault unlock` to run. An agent that locks while a command is under way (its TTL
 * ran out, `agent-vault lock`) turns the remaining operations into the same error.
 */
export class AgentSession implements VaultSession {
  readonly home: string;
  private conn: Connection | undefined;
  private connecting: Promise<Connection | undefined> | undefined;
  private context: Promise<SessionContext | undefined> | undefined;

  constructor(
    home: string,
    private readonly env: NodeJS.ProcessEnv,
    /**
     * What the in-process session would take from the working directory: the repository whose
     * team vault joins the chain, and the providers its configuration routes keys to. The
     * providers run HERE, in the caller's process with the caller's environment and
     * configuration, as they would with a key-file vault; the agent gets their values for
     * this connection only (redacted as script values, bound nowhere until a person binds them).
     */
    private readonly chain: { repo?: string; providers?: () => ProviderChain | undefined } = {},
  ) {
    this.home = resolve(home);
  }

  /** The connection's context (undefined: none to send), asked of the providers once per session. */
  private contextOf(): Promise<SessionContext | undefined> {
    this.context ??= (async () => {
      const providers = this.chain.providers?.();
      const provided = providers ? [...(await providers.values()).values()] : undefined;
      if (!this.chain.repo && !provided) return undefined;
      return { ...(this.chain.repo ? { repo: this.chain.repo } : {}), ...(provided ? { provided } : {}) };
    })();
    // A provider that failed fails this operation and is asked again by the next.
    this.context.catch(() => (this.context = undefined));
    return this.context;
  }

  /** The connection to a live agent, or undefined when none answers (locked). */
  private connection(): Promise<Connection | undefined> {
    if (this.conn && !this.conn.closed) return Promise.resolve(this.conn);
    this.connecting ??= (async () => {
      try {
        for (const endpoint of agentEndpoints(this.home, this.env)) {
          if (!checkPrivate(endpoint)) continue;
          const conn = await Connection.open(endpoint.socket);
          if (conn) return (this.conn = conn);
        }
        return undefined;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private async call<T>(op: Op, ...args: unknown[]): Promise<T> {
    const conn = await this.connection();
    if (!conn) {
      if (!existsSync(vaultPaths(this.home).file)) throw vaultMissing(this.home);
      throw vaultLocked(this.home);
    }
    if (CONTEXT_OPS.has(op)) {
      conn.contextSent ??= this.contextOf().then((context) => (context ? conn.request('context', [context], () => vaultLocked(this.home)) : undefined));
      try {
        await conn.contextSent;
      } catch (e) {
        conn.contextSent = undefined;
        throw e;
      }
    }
    return (await conn.request(op, args, () => vaultLocked(this.home))) as T;
  }

  /** One team vault command, run in the agent (see team-ops.ts): the identity and data key stay there. */
  team(request: TeamRequest): Promise<unknown> {
    const { action, root, ...params } = request;
    return this.call('team', action, root, params);
  }

  async state(): Promise<VaultState> {
    const found = vaultProvider(this.home);
    const exists = !!found;
    const provider = found?.header?.provider === 'passphrase' && found.header.totp ? 'passphrase + TOTP' : 'passphrase';
    if (!(await this.connection())) return { exists, locked: true, provider };
    try {
      const state = await this.call<VaultState>('state');
      return { ...state, provider };
    } catch (e) {
      if (e instanceof AgentVaultError && e.code === 'VAULT_LOCKED') return { exists, locked: true, provider };
      throw e;
    }
  }

  async init(): Promise<{ created: boolean }> {
    // Only a passphrase vault that exists gets an AgentSession; init never replaces one.
    if (!existsSync(vaultPaths(this.home).file)) throw vaultMissing(this.home);
    return { created: false };
  }

  list(): Promise<KeyMeta[]> {
    return this.call('list');
  }

  has(keys: string[]): Promise<boolean[]> {
    return this.call('has', keys);
  }

  redact(input: Uint8Array, options: { escapeLiterals?: boolean } = {}): Promise<RedactResult> {
    return this.call('redact', input, options);
  }

  agentViewPart(input: Uint8Array, suspects: SuspectSpan[], options: { limit: number; end: boolean; offset?: number; idle?: boolean }): Promise<AgentViewPart> {
    return this.call('agentViewPart', input, suspects.map((s) => ({ start: s.start, end: s.end })), { limit: options.limit, end: options.end, offset: options.offset ?? 0, idle: options.idle === true });
  }

  agentView(input: Uint8Array, suspects: SuspectSpan[]): Promise<AgentView> {
    return this.call('agentView', input, suspects.map((s) => ({ start: s.start, end: s.end })));
  }

  findValues(input: Uint8Array): Promise<ValueOccurrence[]> {
    return this.call('findValues', input);
  }

  restore(input: Uint8Array, options: RestoreRequest): Promise<SessionRestoreResult> {
    return this.call('restore', input, options);
  }

  async valueFor(key: string, use: Destination): Promise<Buffer | undefined> {
    return ((await this.call('valueFor', key, use)) as Buffer | null) ?? undefined;
  }

  async signWith(key: string, message: Uint8Array, use: Destination): Promise<{ signature: Buffer; publicKey: Buffer } | undefined> {
    return ((await this.call('signWith', key, message, use)) as { signature: Buffer; publicKey: Buffer } | null) ?? undefined;
  }

  async set(entries: NewValue[], options: SetOptions): Promise<void> {
    await this.call('set', entries, options);
  }

  remove(key: string): Promise<boolean> {
    return this.call('remove', key);
  }

  bind(key: string, globs: string[]): Promise<string[]> {
    return this.call('bind', key, globs);
  }

  unbind(key: string, globs?: string[]): Promise<string[]> {
    return globs === undefined ? this.call('unbind', key) : this.call('unbind', key, globs);
  }

  prune(key: string): Promise<number> {
    return this.call('prune', key);
  }

  acceptRollback(): Promise<{ generation: number }> {
    return this.call('acceptRollback');
  }

  /**
   * Prove the person on this connection (passphrase, and the TOTP code when it is on), so the
   * agent serves the person's decisions on it for the rest of this command. The agent checks
   * the factors with the same code as unlock, failure count and delay included.
   */
  async approvals(): Promise<ApprovalsState> {
    return this.call('approvals');
  }

  async changeApprovals(change: ApprovalChange): Promise<unknown> {
    return this.call('changeApprovals', change);
  }

  async anchorAudit(): Promise<AuditAnchor | undefined> {
    return ((await this.call('anchorAudit')) as AuditAnchor | null) ?? undefined;
  }

  async authenticate(factors: { passphrase: string; code?: string }): Promise<void> {
    await this.call('authenticate', factors);
  }

  /** Ask the agent to lock now. false: none was running. */
  async lock(): Promise<boolean> {
    const conn = await this.connection();
    if (!conn) return false;
    try {
      await conn.request('lock', [], () => vaultLocked(this.home));
    } catch (e) {
      if (!(e instanceof AgentVaultError && e.code === 'VAULT_LOCKED')) throw e;
    }
    return true;
  }

  async close(): Promise<void> {
    this.conn?.close();
    this.conn = undefined;
  }
}

/** One socket connection: requests go out in order, replies are matched by id. */
class Connection {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; lockedError: () => Error }>();
  private chunks: Buffer[] = [];
  closed = false;
  /** The context request on this connection (sent once, before the first operation that needs it). */
  contextSent: Promise<unknown> | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
  }

  /** Connect, or undefined when nobody listens (no socket, or a stale one: locked). */
  static open(path: string): Promise<Connection | undefined> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new Connection(socket));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') resolve(undefined);
        else reject(new AgentVaultError('vault', `cannot reach the session agent at ${path} (${e.code ?? 'error'})`, { code: 'VAULT_AGENT_UNREACHABLE', hint: 'Run agent-vault lock, then agent-vault unlock in your terminal.' }));
      });
    });
  }

  request(op: Op, args: unknown[], lockedError: () => Error): Promise<unknown> {
    if (this.closed) return Promise.reject(lockedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, lockedError });
      this.socket.write(JSON.stringify({ id, op, args: encodeValue(args) }) + '\n');
    });
  }

  private onData(chunk: Buffer): void {
    let at = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, at)) {
      const line = this.chunks.length ? Buffer.concat([...this.chunks, chunk.subarray(at, nl)]) : chunk.subarray(at, nl);
      this.chunks = [];
      at = nl + 1;
      let reply: Reply;
      try {
        reply = JSON.parse(line.toString('utf8')) as Reply;
      } catch {
        this.socket.destroy();
        return;
      }
      const w = this.waiting.get(reply.id);
      if (!w) {
        // id -1: the agent refused our request as malformed; fail everything outstanding.
        if (reply.id === -1 && !reply.ok) for (const x of this.waiting.values()) x.reject(fromWireError(reply.error));
        continue;
      }
      this.waiting.delete(reply.id);
      if (reply.ok) w.resolve(decodeValue(reply.value));
      else w.reject(fromWireError(reply.error));
    }
    if (at < chunk.length) this.chunks.push(chunk.subarray(at));
  }

  private onClose(): void {
    this.closed = true;
    // The agent locked (or died) with requests outstanding: they fail as "locked".
    for (const w of this.waiting.values()) w.reject(w.lockedError());
    this.waiting.clear();
  }

  close(): void {
    this.closed = true;
    this.socket.end();
  }
}
