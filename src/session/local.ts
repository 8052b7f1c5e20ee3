import { signWithPkcs8 } from '../vault/crypto.js';
import { markerKey } from '../vault/marker-key.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { restorePlaceholders } from '../core/placeholder.js';
import { Redactor } from '../core/redact.js';
import type { SuspectSpan } from '../core/suspects.js';
import { AgentVaultError } from '../errors.js';
import { MSG, PROVIDER_MSG } from '../messages.js';
import { vaultHome } from '../platform/home.js';
import { bindingMatcher, commandLine, commandMatcher } from '../vault/bindings.js';
import { initVault, openVault, vaultMissing, vaultPaths, vaultProvider, type KeyMeta, type Vault, type VaultOptions } from '../vault/index.js';
import { EnvKeyProvider, envKeyProvider, type KeyProvider } from '../vault/key-provider.js';
import { AgentSession } from './agent-client.js';
import { useOf, type AgentViewPart, type Destination, type NewValue, type RestoreRequest, type SessionRestoreResult, type SetOptions, type VaultSession, type VaultState } from './session.js';
import { auditKeyName, checkpointFields, checkpointMessage, lineHash, verifyChain, type AuditAnchor, type AuditFields } from '../audit/chain.js';
import { ANCHOR_EVERY, appendAudit, readAuditFrom, readAuditLines, syncAudit } from '../audit/log.js';
import { applyChange, consumeGrant, emptyApprovals, type ApprovalChange, type ApprovalsState, type Grant } from '../vault/approval-state.js';
import { loadConfig } from '../config/config.js';
import { repoRoot } from '../platform/exec.js';
import { ProviderChain, type ProvidedValue } from '../providers/chain.js';
import { localSource, openTeamState, TeamKeys, teamRootFor, teamSource, type KeySource, type TeamState } from './team-source.js';

/** The absolute path a destination puts values in, if it is a file. */
function destinationPath(d: Destination): string | undefined {
  return d.kind === 'file' || d.kind === 'git-filter' ? d.path : undefined;
}

/** Why a key may not be materialised at a destination, or undefined when it may. */
type Denial = 'internal' | 'unbound';

/**
 * The in-process session: opens vault.json with the key file in this process. The vault is
 * read at the first operation that needs it and the redaction matcher built once, so one
 * session serves a whole git command (the filter process) or one CLI command.
 *
 * A vault that does not exist behaves as an empty one for reading operations (nothing to
 * redact, every placeholder unknown); a vault that exists but cannot be opened throws
 * AgentVaultError kind 'vault' from every operation that needs it, and callers decide what
 * that means.
 */
/** Grouped audit entries are flushed to disk every this many, or this long after the first. */
const AUDIT_GROUP = 256;
const AUDIT_GROUP_MS = 200;

export class LocalVaultSession implements VaultSession {
  readonly home: string;
  private vault: Vault | undefined;
  private redactor: Redactor | undefined;
  /** Each key's metadata and compiled bindings, built at the first restore. */
  private policy: Map<string, { meta: KeyMeta; allows: (path: string) => boolean; runs: (argv: readonly string[]) => boolean }> | undefined;
  /** The repository's team vault as this machine opened it (loaded at the first operation). */
  private team: TeamState | undefined;
  /** What the configured providers hand in, asked for once (see resolveChain). */
  private provided: Promise<Map<string, ProvidedValue>> | undefined;
  private providedNow: Map<string, ProvidedValue> | undefined;

  /**
   * `keyProvider`: where the master key comes from (default: the vault's own, i.e. vault.key).
   * The session agent builds this same class from the key it holds in memory, so both
   * implementations enforce the same rules with the same code.
   */
  constructor(
    home: string,
    /** `now`: the clock grants are checked against (tests drive it; default the wall clock). */
    private readonly options: { keyProvider?: KeyProvider; now?: () => number; repo?: string; ageIdentity?: string; providers?: () => ProviderChain | undefined; provided?: Map<string, ProvidedValue> } = {},
  ) {
    this.home = resolve(home);
  }

  /** How to open (or create) the vault: with this session's key, if it has one of its own. */
  private vaultOptions(): VaultOptions {
    const keyProvider = this.options.keyProvider;
    if (!keyProvider) return {};
    // A vault created with the key from the environment says so in its header (CI).
    return keyProvider instanceof EnvKeyProvider ? { keyProvider, header: { provider: 'env' } } : { keyProvider };
  }

  private exists(): boolean {
    return existsSync(vaultPaths(this.home).file);
  }

  /** The open vault, or undefined when none exists here. */
  private open(): Vault | undefined {
    if (this.vault) return this.vault;
    if (!this.exists()) return undefined;
    this.vault = openVault(this.home, this.vaultOptions());
    return this.vault;
  }

  // ---- The resolution chain: the local vault, then the repository's team vault (then providers).

  /** Load what the chain needs asynchronously (the team vault's data key is unwrapped once). */
  private async ready(): Promise<void> {
    this.team ??= await openTeamState(this.options.repo, this.teamKeys());
    await this.resolveChain();
  }

  /** This machine's team identity, signing key and pins (internal entries of the local vault). */
  teamKeys(): TeamKeys {
    return new TeamKeys(() => this.open(), this.options.ageIdentity);
  }

  /** The repository whose team vault this session resolves, and how it stands. */
  async teamState(): Promise<{ repo: string | undefined; state: TeamState }> {
    await this.ready();
    return { repo: this.options.repo, state: this.team! };
  }

  /** After a team write: open the new file at the next operation. */
  teamChanged(): void {
    this.team = undefined;
    this.changed();
  }

  /**
   * The chain's sources, built once for what they are made of (the open vault, the team state,
   * the provided values) and dropped on every change: the filter process asks for a value per
   * placeholder, and building them lists every team key and copies the provider bindings.
   */
  private sources(): KeySource[] {
    const v = this.open();
    const c = this.sourceCache;
    if (c && c.vault === v && c.team === this.team && c.provided === this.providedNow) return c.list;
    const list: KeySource[] = [];
    if (v) list.push(localSource(v));
    if (this.team?.kind === 'open') list.push(teamSource(this.team.team));
    list.push(...this.providerSources());
    this.sourceCache = { vault: v, team: this.team, provided: this.providedNow, list };
    return list;
  }

  private sourceCache: { vault: Vault | undefined; team: TeamState | undefined; provided: Map<string, ProvidedValue> | undefined; list: KeySource[] } | undefined;

  /** Every key once, from the first source holding it, sorted. */
  private metas(): KeyMeta[] {
    const seen = new Map<string, KeyMeta>();
    for (const s of this.sources()) for (const m of s.list()) if (!seen.has(m.key)) seen.set(m.key, m);
    return [...seen.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The value from the source the key resolved to (see metas). */
  private valueOf(key: string): Buffer | undefined {
    const source = this.keyPolicy(key)?.meta.source ?? 'local';
    return this.sources().find((s) => s.name === source)?.get(key);
  }

  /**
   * Values restore has materialised, decrypted once per session (dropped with everything else
   * read from the vault at a change): a checkout restores the same few keys into thousands of
   * files, and decrypting each again per file was a tenth of the smudge's time. Plaintext in
   * this process until the vault changes or locks (the process holds the key anyway); these
   * never leave restore, which copies them into its output.
   */
  private restoreValues = new Map<string, Buffer | undefined>();

  private restoreValueOf(key: string): Buffer | undefined {
    if (this.restoreValues.has(key)) return this.restoreValues.get(key);
    const value = this.valueOf(key);
    this.restoreValues.set(key, value);
    return value;
  }

  private matcher(): Redactor {
    this.redactor ??= new Redactor(this.sources().flatMap((s) => s.redactionValues()), markerKey(this.home));
    return this.redactor;
  }

  // ---- Providers, the chain's last sources (asked once per session). ---------------------

  /**
   * Ask the configured providers for every key routed to them, once per session (a provider
   * that fails fails the operation: redaction without its values could show one).
   */
  private resolveChain(): Promise<Map<string, ProvidedValue>> {
    this.provided ??= (async () => {
      // In the session agent, the values the client's providers handed in (see agent-protocol.ts).
      const chain = this.options.provided ? undefined : this.options.providers?.();
      this.providedNow = this.options.provided ?? (chain ? await chain.values() : new Map());
      return this.providedNow;
    })();
    return this.provided;
  }

  /** A key that resolves to a provider (no earlier source of the chain holds it). */
  private fromProvider(key: string): boolean {
    return !!this.metas().find((m) => m.key === key)?.source?.startsWith('provider:'); // fresh: the policy cache may predate ready()
  }

  /**
   * One source per provider. Their values come in through configuration an agent can edit, so
   * they redact as script values do (core/redact.ts, NO ORACLE); every routed value is redacted,
   * also one an earlier source's key of the same name shadows. Bindings of provider keys are a
   * person's, kept in the local vault; they start empty: nowhere.
   */
  private providerSources(): KeySource[] {
    const byName = new Map<string, ProvidedValue[]>();
    for (const p of this.providedNow?.values() ?? []) byName.set(p.source, [...(byName.get(p.source) ?? []), p]);
    const bound = this.open()?.providedBindings() ?? {};
    return [...byName].map(([name, values]) => ({
      name: name as KeySource['name'],
      list: () => values.map((p) => ({ key: p.key, description: null, created: '', updated: '', length: p.value.length, version: 0, earlierValues: 0, origin: 'script' as const, bindings: bound[p.key] ?? [], internal: false, source: p.source })),
      get: (key: string) => values.find((p) => p.key === key)?.value,
      redactionValues: () => values.map((p) => ({ key: p.key, value: p.value, origin: 'script' as const })),
    }));
  }

  // ----------------------------------------------------------------------------------------

  async state(): Promise<VaultState> {
    const team = this.exists() ? undefined : (await this.ready(), this.team);
    return { exists: this.exists() || team?.kind === 'open', locked: false, provider: this.options.keyProvider?.description ?? `key file ${vaultPaths(this.home).key}` };
  }

  async init(): Promise<{ created: boolean }> {
    return initVault(this.home, this.vaultOptions());
  }

  async list() {
    await this.ready();
    return this.metas();
  }

  async has(keys: string[]) {
    await this.ready();
    const known = new Set(this.metas().map((m) => m.key));
    return keys.map((k) => known.has(k));
  }

  async redact(input: Uint8Array, options: { escapeLiterals?: boolean } = {}) {
    await this.ready();
    return this.matcher().redact(input, options);
  }

  async agentView(input: Uint8Array, suspects: SuspectSpan[]) {
    await this.ready();
    return this.matcher().redactForAgent(input, suspects);
  }

  async agentViewPart(input: Uint8Array, suspects: SuspectSpan[], options: { limit: number; end: boolean; offset?: number; idle?: boolean }): Promise<AgentViewPart> {
    await this.ready();
    const v = this.matcher().redactForAgentPart(input, suspects, options);
    return { output: v.output, consumed: v.consumed, count: v.count, unvaulted: v.unvaulted };
  }

  async findValues(input: Uint8Array) {
    await this.ready();
    return this.matcher().findValues(input);
  }

  private keyPolicy(key: string) {
    if (!this.policy) {
      this.policy = new Map();
      for (const meta of this.metas()) this.policy.set(meta.key, { meta, allows: bindingMatcher(meta.bindings), runs: commandMatcher(meta.bindings) });
    }
    return this.policy.get(key);
  }

  /** The policy: internal keys go nowhere; other keys only where their bindings allow, or to a person's terminal. */
  private denial(key: string, destination: Destination): Denial | undefined {
    const p = this.keyPolicy(key);
    if (!p) return undefined;
    if (p.meta.internal) return destination.kind === 'internal' ? undefined : 'internal';
    if (destination.kind === 'terminal') return undefined;
    if (destination.kind === 'command') return p.runs(destination.argv) ? undefined : 'unbound';
    const path = destinationPath(destination);
    return path !== undefined && p.allows(path) ? undefined : 'unbound';
  }

  async restore(input: Uint8Array, options: RestoreRequest): Promise<SessionRestoreResult> {
    await this.ready();
    const first = this.restoreWith(input, options, new Set());
    let result = first.result;
    let grant: Grant | undefined;
    if (result.unbound.length && (options.destination.kind === 'file' || options.destination.kind === 'git-filter')) {
      // Outside the bindings: a person's approval (a grant in the vault) may cover this use.
      // One use is taken (under the vault lock, written) before anything is materialised.
      grant = this.takeGrant(result.unbound, options.destination);
      if (grant) result = this.restoreWith(input, options, new Set(result.unbound)).result;
    }
    const use = useOf(options.destination);
    const restoredKeys = [...this.restoredKeys(first.looked, result)].sort();
    // The audit entry is on disk before the caller materialises anything.
    // A checkout's smudges that no grant backs are written at once but flushed to disk as a
    // group (the files git writes are not flushed either): one fsync per file made a checkout
    // of 5,000 bound files spend most of its time in fsync. A grant's use is flushed each time.
    const batch = use.op === 'smudge' && !grant;
    if (result.unbound.length || result.internal.length) {
      this.audit({ event: 'refused', keys: [...result.unbound, ...result.internal], destination: use.destination, outcome: 'refused', actor: 'session', detail: result.internal.length ? 'internal key' : 'not bound, no approval' }, batch);
    }
    if (restoredKeys.length && result.restored > 0 && !result.unbound.length && !result.internal.length) {
      this.audit({ event: use.op === 'smudge' ? 'materialise-smudge' : 'materialise-write', keys: restoredKeys, destination: use.destination, outcome: 'allowed', actor: 'session', ...(grant ? { grant: grant.id, detail: 'by approval' } : { detail: 'by binding' }) }, batch);
    }
    return result;
  }

  /** Keys a restore looked up and got a value for (restored placeholders). */
  private restoredKeys(looked: Set<string>, result: SessionRestoreResult): Set<string> {
    const out = new Set<string>();
    for (const k of looked) if (!result.unbound.includes(k) && !result.internal.includes(k) && !result.unknown.includes(k)) out.add(k);
    return out;
  }

  /** Take one use of a grant covering `keys` at `destination`, or undefined. */
  private takeGrant(keys: string[], destination: Destination): Grant | undefined {
    const v = this.open();
    if (!v) return undefined;
    const use = useOf(destination);
    return v.updateApprovals((state) => consumeGrant(state, keys, use, (this.options.now ?? Date.now)()));
  }

  private unsynced = 0;
  private syncTimer: NodeJS.Timeout | undefined;

  /**
   * Append to the audit log; every 100 entries, anchor it in the vault. `batch`: written now,
   * flushed to disk with the next AUDIT_GROUP entries or within AUDIT_GROUP_MS (group commit).
   */
  private audit(fields: AuditFields, batch = false): void {
    const { seq } = appendAudit(this.home, fields, new Date(), { sync: !batch });
    // Every 100 entries a checkpoint; grouped entries take theirs when the group is flushed.
    if (seq % ANCHOR_EVERY === 0) this.anchorDue = true;
    if (batch) this.groupedSinceClose = true;
    if (!batch) {
      this.unsynced = 0; // an fsync of the file flushes the grouped entries before it too
      this.checkpointIfDue();
    } else if (++this.unsynced >= AUDIT_GROUP) this.flushAudit();
    else this.syncTimer ??= setTimeout(() => this.flushAudit(), AUDIT_GROUP_MS).unref();
  }

  private anchorDue = false;
  /** Grouped entries were written: the session checkpoints them when it closes (the end of a checkout). */
  private groupedSinceClose = false;

  private checkpointIfDue(): void {
    if (!this.anchorDue) return;
    this.anchorDue = false;
    try {
      this.anchorNow();
    } catch {
      /* the next checkpoint, or audit verify, reports what is wrong */
    }
  }

  /**
   * Checkpoint the log: verify it (against the last anchor and the vault's audit keys), append
   * a checkpoint entry signed with the vault's audit key for its last line, and anchor the vault
   * at that entry. The key is pinned in the vault before the first entry it signs is written.
   */
  private anchorNow(): AuditAnchor | undefined {
    const v = this.open();
    if (!v) return undefined;
    const state = v.approvals();
    const prior = state.anchor;
    const keys = state.auditKeys ? { keys: state.auditKeys } : {};
    // Only what was appended since the last anchor, when its line is still where it was
    // recorded (everything before it is vouched for by the signed checkpoint it is); else
    // the whole log.
    const tail = prior?.end !== undefined ? readAuditFrom(this.home, prior.end) : undefined;
    const verdict =
      prior && tail && lineHash(tail.line) === prior.head
        ? verifyChain(tail.after.lines, undefined, { ...keys, from: { seq: prior.seq, head: prior.head } })
        : verifyChain(readAuditLines(this.home).lines, prior, keys);
    if (!verdict.ok || verdict.count <= (prior?.seq ?? 0)) return undefined;
    const signed = v.signAuditCheckpoint(checkpointMessage(verdict.count, verdict.head));
    const keyName = auditKeyName(signed.publicKey);
    if (!(state.auditKeys ?? []).includes(keyName)) {
      v.updateApprovals((s) => {
        if ((s.auditKeys ?? []).includes(keyName)) return { changed: false, result: undefined };
        s.auditKeys = [...(s.auditKeys ?? []), keyName];
        return { changed: true, result: undefined };
      });
    }
    const written = appendAudit(this.home, checkpointFields(verdict.count, verdict.head, signed));
    const anchor = { seq: written.seq, head: written.hash, end: written.end };
    return v.updateApprovals((s) => {
      // Never move the anchor back, nor past a checkpoint recorded meanwhile that this log does not hold.
      if (s.anchor && (s.anchor.seq >= anchor.seq || s.anchor.seq !== prior?.seq || s.anchor.head !== prior?.head)) return { changed: false, result: undefined };
      s.anchor = anchor;
      return { changed: true, result: anchor };
    });
  }

  async anchorAudit(): Promise<AuditAnchor | undefined> {
    return this.anchorNow();
  }

  async approvals(): Promise<ApprovalsState> {
    return this.open()?.approvals() ?? emptyApprovals();
  }

  async changeApprovals(change: ApprovalChange): Promise<unknown> {
    return this.required().updateApprovals((state) => applyChange(state, change));
  }

  private restoreWith(input: Uint8Array, options: RestoreRequest, granted: Set<string>): { result: SessionRestoreResult; looked: Set<string> } {
    // The vault is opened at the first placeholder: content without one never needs it.
    const looked = new Set<string>();
    const cache = new Map<string, Buffer | undefined>();
    const denied = { internal: new Set<string>(), unbound: new Set<string>() };
    const known = (key: string) => this.keyPolicy(key) !== undefined;
    const lookup = (key: string) => {
      if (!cache.has(key)) {
        looked.add(key);
        const why = known(key) && !granted.has(key) ? this.denial(key, options.destination) : undefined;
        if (why) denied[why].add(key);
        cache.set(key, why ? undefined : this.restoreValueOf(key));
      }
      return cache.get(key);
    };
    const markers = options.markers;
    const result = restorePlaceholders(input, lookup, {
      known,
      ...(options.escapeLiterals !== undefined ? { escapeLiterals: options.escapeLiterals } : {}),
      ...(markers
        ? {
            unvaulted: (h: string) => {
              const bytes = markers.get(h);
              return bytes && bytes.length ? bytes : undefined;
            },
          }
        : {}),
    });
    const unbound = [...denied.unbound].sort();
    const internal = [...denied.internal].sort();
    return { result: { ...result, unknown: result.unknown.filter((k) => !denied.unbound.has(k) && !denied.internal.has(k)), unbound, internal }, looked };
  }

  async valueFor(key: string, use: Destination): Promise<Buffer | undefined> {
    await this.ready();
    let why = this.denial(key, use);
    const label = useOf(use);
    let grant: Grant | undefined;
    if (why === 'unbound' && use.kind === 'command') {
      grant = this.takeGrant([key], use);
      if (grant) why = undefined;
    }
    if (why) this.audit({ event: 'refused', keys: [key], destination: label.destination, outcome: 'refused', actor: 'session', detail: why === 'internal' ? 'internal key' : 'not bound, no approval' });
    else if (this.keyPolicy(key)) this.audit({ event: label.op === 'reveal' ? 'reveal' : label.op === 'run' ? 'run' : 'internal-use', keys: [key], destination: label.destination, outcome: 'allowed', actor: 'session', ...(grant ? { grant: grant.id, detail: 'by approval' } : {}) });
    if (why === 'internal') throw new AgentVaultError('refused', MSG.keyInternal([key]), { code: 'KEY_INTERNAL', hint: MSG.keyInternalHint });
    if (why === 'unbound' && use.kind === 'command') {
      const line = commandLine(use.argv);
      throw new AgentVaultError('refused', MSG.keyNotAllowedForCommand(key, line), { code: 'KEY_NOT_BOUND', hint: MSG.keyNotAllowedForCommandHint(key, line) });
    }
    if (why === 'unbound') {
      const path = destinationPath(use);
      throw new AgentVaultError('refused', MSG.keyNotBound([key], path ?? use.kind), { code: 'KEY_NOT_BOUND', hint: MSG.keyNotBoundHint([key], path) });
    }
    // A copy the caller owns (and zeroes after use: run, the MCP server, signing). A team or
    // provider source keeps its values and hands out those very buffers, which the redaction
    // matcher is built from: zeroing them blinded it to the value (run printed it).
    const value = this.valueOf(key);
    return value && Buffer.from(value);
  }

  async signWith(key: string, message: Uint8Array, use: Destination): Promise<{ signature: Buffer; publicKey: Buffer } | undefined> {
    // The same policy as valueFor (internal keys for internal uses only), then the key stays here.
    const der = await this.valueFor(key, use);
    return der ? signWithPkcs8(der, message) : undefined;
  }

  async set(entries: NewValue[], options: SetOptions): Promise<void> {
    if (!options.interactive) {
      // An agent may add a value it was given, never change what a person stored or decide where a value goes.
      if (entries.some((e) => e.bindings?.length || e.internal)) throw new AgentVaultError('refused', MSG.bindNeedsPerson, { code: 'TTY_REQUIRED', hint: MSG.bindNeedsPersonHint });
      // A key a provider holds exists: a local key of that name would take its place (local first).
      await this.ready();
      const provided = entries.filter((e) => this.fromProvider(e.key)).map((e) => e.key);
      if (provided.length) throw new AgentVaultError('refused', PROVIDER_MSG.keyFromProvider(provided), { code: 'KEY_EXISTS', hint: PROVIDER_MSG.keyFromProviderHint(provided) });
    }
    if (!this.exists()) initVault(this.home, this.vaultOptions());
    const origin = options.interactive ? 'terminal' : 'script';
    this.open()!.setMany(entries.map((e) => ({ ...e, origin })), { createOnly: !options.interactive });
    this.changed();
  }

  async remove(key: string): Promise<boolean> {
    const removed = this.open()?.remove(key) ?? false;
    if (removed) this.changed();
    return removed;
  }

  async bind(key: string, globs: string[]): Promise<string[]> {
    await this.ready();
    const added = this.fromProvider(key) ? this.required().bindProvided(key, globs, true) : this.required().bind(key, globs);
    this.changed();
    return added;
  }

  async unbind(key: string, globs?: string[]): Promise<string[]> {
    await this.ready();
    const removed = this.fromProvider(key) ? this.required().bindProvided(key, globs, false) : this.required().unbind(key, globs);
    this.changed();
    return removed;
  }

  async prune(key: string): Promise<number> {
    const dropped = this.required().prune(key);
    this.changed();
    return dropped;
  }

  async acceptRollback(): Promise<{ generation: number }> {
    this.vault?.close();
    this.vault = openVault(this.home, { ...this.vaultOptions(), acceptRollback: true });
    this.changed();
    return { generation: this.vault.generation };
  }

  /** The open vault; these operations need one to exist. */
  private required(): Vault {
    const v = this.open();
    if (!v) throw vaultMissing(this.home);
    return v;
  }

  /** What was built from the vault's content is stale after a change. */
  private changed(): void {
    // Not zeroed: a team or provider source hands out the very buffers it keeps.
    this.restoreValues = new Map();
    this.sourceCache = undefined;
    this.redactor = undefined;
    this.policy = undefined;
    this.provided = undefined;
    this.providedNow = undefined;
  }

  private flushAudit(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.unsynced > 0) {
      this.unsynced = 0;
      try {
        syncAudit(this.home);
      } catch {
        /* the entries are written; the kernel flushes them */
      }
    }
    this.checkpointIfDue();
  }

  /**
   * The end of one caller's use (the session agent calls it when a connection closes: a
   * checkout's filter process is done): the grouped audit entries are flushed and checkpointed,
   * as close() does for an in-process session.
   */
  settle(): void {
    if (this.groupedSinceClose) this.anchorDue = true;
    this.groupedSinceClose = false;
    this.flushAudit();
  }

  /**
   * The vault file changed on disk (the session agent's watch): what was read from it is
   * dropped, unless this session holds that very state, i.e. the change was its own write (a
   * checkpoint's anchor): generations only rise, one per write, so an equal generation is the
   * same document. Reopening costs a full verification and the bindings compiled again.
   */
  vaultChanged(generation: number): void {
    if (this.vault && this.vault.generation === generation) return;
    this.drop();
  }

  /** Forget what was read from the vault (it is read again at the next request). */
  private drop(): void {
    this.vault?.close();
    this.vault = undefined;
    this.team = undefined;
    this.changed();
  }

  async close(): Promise<void> {
    this.settle();
    this.drop();
  }
}

/**
 * The session for this environment's vault ($AGENT_VAULT_HOME, default ~/.agent-vault):
 * in-process for a key-file vault and for a key from the environment (AGENT_VAULT_KEY_ENV,
 * CI); for a passphrase vault, the session agent's client, which is locked when no agent
 * answers.
 */
export function openSession(env: NodeJS.ProcessEnv, cwd = process.cwd()): VaultSession {
  const home = resolve(cwd, vaultHome(env));
  const fromEnv = envKeyProvider(env);
  // The repository's team vault joins the chain; AGENT_VAULT_AGE_IDENTITY opens it in CI. Then the providers .agent-vault.yaml routes keys to.
  const providers = () => providerChainFor(env, cwd, home);
  const team = { ageIdentity: env.AGENT_VAULT_AGE_IDENTITY, repo: teamRootFor(resolve(cwd)), providers };
  if (fromEnv) return new LocalVaultSession(home, { keyProvider: fromEnv, ...team });
  // The session agent serves one vault home for every repository: the client tells it, per
  // connection, which repository's team vault joins the chain and what its providers handed in.
  if (vaultProvider(home)?.provider === 'passphrase') return new AgentSession(home, env, { ...(team.repo ? { repo: team.repo } : {}), providers });
  return new LocalVaultSession(home, team);
}

/** The providers the repository's configuration (AGENT_VAULT_CONFIG, else .agent-vault.yaml) routes keys to, if any. */
function providerChainFor(env: NodeJS.ProcessEnv, cwd: string, home: string): ProviderChain | undefined {
  const config = loadConfig({ env: env.AGENT_VAULT_CONFIG || undefined, repoRoot: repoRoot(cwd), cwd });
  return ProviderChain.fromConfig(config, { cwd, env, home });
}
