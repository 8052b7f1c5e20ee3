import type { RestoreResult } from '../core/placeholder.js';
import type { AgentView, ValueOccurrence } from '../core/redact.js';
import type { SuspectSpan } from '../core/suspects.js';
import type { AuditAnchor } from '../audit/chain.js';
import type { ApprovalChange, ApprovalsState, GrantUse } from '../vault/approval-state.js';
import { vaultMissing, type KeyMeta } from '../vault/index.js';

/**
 * The vault session seam: everything a caller may ask of the vault, as operations. No caller
 * ever holds the master key, and only `valueFor` hands out a plaintext value, for one named
 * use. The in-process implementation (local.ts) opens the vault file in this process; a
 * session agent holding the key behind a socket, and a team vault, are further
 * implementations of this one interface, so callers never change when they arrive.
 *
 * Every method is async because the later implementations cross a process boundary.
 */
export interface VaultSession {
  /** The vault home (absolute path). */
  readonly home: string;
  state(): Promise<VaultState>;
  /**
   * Create an empty vault when none exists (a damaged one is reported, never replaced).
   * `agent-vault init`, and set / import, which announce a new vault before they ask for values.
   */
  init(): Promise<{ created: boolean }>;
  /** Key names and metadata, sorted by key; never values. An absent vault lists nothing. */
  list(): Promise<KeyMeta[]>;
  has(keys: string[]): Promise<boolean[]>;
  /** Vaulted values (current and earlier, raw bytes) -> placeholders: the clean filter. */
  redact(input: Uint8Array, options?: { escapeLiterals?: boolean }): Promise<RedactResult>;
  /** What `read` shows an agent: values and their encodings hidden, suspects as UNVAULTED markers. */
  agentView(input: Uint8Array, suspects: SuspectSpan[]): Promise<AgentView>;
  /**
   * The agent view of a stream's next bytes (`run`'s output; see core/stream-redact.ts):
   * renders the first `consumed` bytes that later bytes cannot change; the caller gives the
   * rest again with what follows. No markers: nothing is written back from a stream.
   */
  agentViewPart(input: Uint8Array, suspects: SuspectSpan[], options: { limit: number; end: boolean; offset?: number; idle?: boolean }): Promise<AgentViewPart>;
  /** Where any vaulted value occurs, raw or encoded: the gates' check. */
  findValues(input: Uint8Array): Promise<ValueOccurrence[]>;
  /**
   * Placeholders -> values for content that will land at `destination`. The session decides
   * whether each key may be materialised there (key bindings); `markers` resolves UNVAULTED
   * markers to the bytes they hid (write takes them from the file's current content).
   */
  restore(input: Uint8Array, options: RestoreRequest): Promise<SessionRestoreResult>;
  /**
   * One value for one allowed use: internal keys only for agent-vault's own use, other keys
   * for a person at a terminal or a destination their bindings cover; anything else is
   * refused (AgentVaultError KEY_NOT_BOUND / KEY_INTERNAL).
   */
  valueFor(key: string, use: Destination): Promise<Buffer | undefined>;
  /**
   * Sign `message` (Ed25519) with the private key (PKCS#8 DER) stored under `key`, for one
   * allowed use (the same policy as valueFor): the private key itself never leaves the
   * session. Returns the signature and the raw 32-byte public key, or undefined when the
   * vault holds no such key.
   */
  signWith(key: string, message: Uint8Array, use: Destination): Promise<{ signature: Buffer; publicKey: Buffer } | undefined>;
  /**
   * Store values (one locked, atomic write). Creates the vault when none exists. Without a
   * person (`interactive: false`) it only creates keys: replacing one is refused (KEY_EXISTS),
   * and so are bindings and internal keys.
   */
  set(entries: NewValue[], options: SetOptions): Promise<void>;
  remove(key: string): Promise<boolean>;
  /** Add bindings (absolute globs, see vault/bindings.ts) to a key: a person's decision. Returns the new ones. */
  bind(key: string, globs: string[]): Promise<string[]>;
  /** Remove some of a key's bindings, or all. Returns the ones removed. */
  unbind(key: string, globs?: string[]): Promise<string[]>;
  /** Drop a key's earlier values (a person's decision; nothing else ever drops one). Returns how many. */
  prune(key: string): Promise<number>;
  /** Accept vault.json as it is although it is older than the recorded generation (recover --accept-rollback). */
  acceptRollback(): Promise<{ generation: number }>;
  /** The approval policy, webhooks, grants and audit anchor kept in the vault (names and times; never a value). */
  approvals(): Promise<ApprovalsState>;
  /** A person's change to the approval state: a grant (approve), a revocation, a policy, a webhook. */
  changeApprovals(change: ApprovalChange): Promise<unknown>;
  /**
   * Record the audit log's current end as its checkpoint in the vault, only when the log
   * verifies and extends the checkpoint recorded before (so a rewritten log is never
   * anchored). Returns the new anchor, or undefined when nothing was recorded.
   */
  anchorAudit(): Promise<AuditAnchor | undefined>;
  /** Release what the session holds (zeroes key material where it can). */
  close(): Promise<void>;
}

export interface VaultState {
  /** A vault exists at the home (false: never set up here). */
  exists: boolean;
  /** The key is not available (a locked session agent, later). */
  locked: boolean;
  /** The key provider, for messages ("key file ~/.agent-vault/vault.key"). */
  provider: string;
  /** An unlocked session agent's time left before it locks itself (ms). */
  expires?: { idleMs: number; absoluteMs: number };
}

export interface AgentViewPart {
  output: Buffer;
  consumed: number;
  /** Placeholders of vaulted values, and UNVAULTED markers, in this part. */
  count: number;
  unvaulted: number;
}

export interface RedactResult {
  output: Buffer;
  count: number;
  keys: string[];
}

/**
 * Where restored values would land, or what a value is used for. The session checks each
 * key against it; nothing is ever materialised for a destination the policy does not allow.
 */
export type Destination =
  /** A file on disk, written by `agent-vault write` (absolute, symlinks resolved). */
  | { kind: 'file'; path: string }
  /** A file git is checking out through the smudge filter: `path` absolute (the work tree root, where git runs the filter, joined with the path git passes). */
  | { kind: 'git-filter'; path: string; repo: string }
  /** A command agent-vault starts with values in its environment (`run`). */
  | { kind: 'command'; argv: string[]; cwd: string }
  /** agent-vault's own use of a key (skill signing): never written anywhere. */
  | { kind: 'internal'; purpose: 'skill-signing' }
  /** A person at an interactive terminal asked to see the value (`get --reveal`). */
  | { kind: 'terminal' };

/** A destination as grants and the audit log see it: the operation, a readable label, where it is. */
export function useOf(d: Destination): GrantUse {
  switch (d.kind) {
    case 'file':
      return { op: 'write', destination: `file ${d.path}`, where: d.path };
    case 'git-filter':
      return { op: 'smudge', destination: `checkout ${d.path}`, where: d.path };
    case 'command':
      return { op: 'run', destination: `run ${JSON.stringify(d.argv)} in ${d.cwd}`, where: d.cwd };
    case 'internal':
      return { op: 'internal', destination: `internal ${d.purpose}` };
    case 'terminal':
      return { op: 'reveal', destination: 'terminal' };
  }
}

export interface RestoreRequest {
  destination: Destination;
  /** Must match the redact side (see the INVARIANT in core/placeholder.ts). Default true. */
  escapeLiterals?: boolean;
  /** UNVAULTED fingerprint -> the bytes it hides (an empty buffer: ambiguous). */
  markers?: Map<string, Buffer>;
}

export interface NewValue {
  key: string;
  value: Buffer;
  description?: string;
  /** Absolute path globs where the value may be materialised (set --path, import); needs a person. */
  bindings?: string[];
  /** A key agent-vault uses itself (skill signing): never materialised, never bound. */
  internal?: boolean;
}

/** restore's result, with the keys the destination's policy kept from being materialised there. */
export interface SessionRestoreResult extends RestoreResult {
  /** Keys in the vault whose bindings do not cover the destination (sorted, unique). */
  unbound: string[];
  /** Internal keys (skill signing), which are never materialised (sorted, unique). */
  internal: string[];
}

export interface SetOptions {
  /** A person at a terminal confirmed this (false: `set --stdin`, `--from-env`, scripts). */
  interactive: boolean;
}

/**
 * Make sure the vault can serve redaction now, before any work: throws VAULT_MISSING when
 * there is none, or the vault's own error (damaged, tampered, key missing, locked). Building
 * the matcher is what opens and verifies the vault and decrypts every value, so the filter
 * and the gates learn at their first file, once, whether they have a vault.
 */
export async function vaultReady(session: VaultSession): Promise<void> {
  if (!(await session.state()).exists) throw vaultMissing(session.home);
  await session.findValues(new Uint8Array(0));
}
