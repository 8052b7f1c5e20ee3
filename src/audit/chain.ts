import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';

/**
 * The audit log's record and verification logic, without file I/O (log.ts does that), so it
 * is testable in memory.
 *
 * One JSON object per line. Every line carries `seq` (1, 2, 3 …: its line number) and `prev`,
 * the sha256 of the previous line's bytes (GENESIS for the first), so editing, removing or
 * reordering a line breaks the link of the line after it. What links cannot show (the last
 * lines removed, or the whole log rewritten consistently) the ANCHOR shows: the session
 * records {seq, head} of the log in the vault itself (MAC-covered, rollback-protected), and
 * only ever for a log that extends the previous anchor (see session/local.ts). A log shorter
 * than its anchor was truncated; a log whose line at the anchor's seq hashes differently was
 * rewritten.
 *
 * CHECKPOINTS make the log verifiable without the vault too: every 100 entries, on lock and on
 * each decision, the session appends a `checkpoint` entry that says "line `covers` hashes to
 * `head`", signed with the vault's audit key (Ed25519, derived from the master key, so only a
 * holder of the unlocked vault can sign). Since every line carries its predecessor's hash, a
 * checkpoint commits to every line up to `covers`. Whoever holds the public key (`audit
 * public-key`) can check a copy of the log: a log rewritten below a checkpoint needs a new
 * signature it cannot make. The vault anchors the log at its latest checkpoint line.
 *
 * An entry never holds a value: key names, destinations, outcomes and times only.
 */

export const GENESIS = '0'.repeat(64);

/** What an audit entry records. */
export interface AuditFields {
  event: string;
  /** Key names (never values); '*' for every key. */
  keys?: string[];
  /** The work tree root (and remote) the use happened in, when known. */
  repo?: string;
  /** Where values went or would go: a path, a command line, 'terminal', 'internal:…'. */
  destination?: string;
  /** allowed, refused, approved, denied, … */
  outcome?: string;
  /** terminal, page, agent, session */
  actor?: string;
  reason?: string;
  request?: string;
  grant?: string;
  /** A short free-form note (window end, scope, why it was refused); never a value. */
  detail?: string;
  /** Skill events (the skill ledger): the skill id, its version and avt1 content hash. */
  skill?: string;
  version?: string;
  contentHash?: string;
  /** Checkpoint entries: the line they vouch for, that line's hash, the signer's public key and the signature. */
  covers?: number;
  head?: string;
  signer?: string;
  sig?: string;
}

export interface AuditEntry extends AuditFields {
  seq: number;
  ts: string;
  prev: string;
}

/**
 * The last anchored point of the log: the line at `seq` hashes to `head`; `end` (when
 * recorded) is the byte offset just past that line, so the next checkpoint verifies only
 * what was appended since instead of the whole log.
 */
export interface AuditAnchor {
  seq: number;
  head: string;
  end?: number;
}

export function lineHash(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

const FIELD_ORDER: (keyof AuditFields)[] = ['event', 'keys', 'repo', 'destination', 'outcome', 'actor', 'reason', 'request', 'grant', 'detail', 'skill', 'version', 'contentHash', 'covers', 'head', 'signer', 'sig'];

/** Control characters (and the line separators JSON leaves raw) go: one entry is one line. */
export function cleanText(s: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned;
}

/** The line (without its newline) for an entry: fixed field order, so the bytes are canonical. */
export function entryLine(fields: AuditFields, seq: number, prev: string, ts: string): string {
  const out: Record<string, unknown> = { seq, ts };
  for (const k of FIELD_ORDER) {
    const v = fields[k];
    if (v === undefined) continue;
    out[k] = typeof v === 'number' ? v : Array.isArray(v) ? v.map((x) => cleanText(x, 200)) : cleanText(v);
  }
  out.prev = prev;
  return JSON.stringify(out);
}

export const CHECKPOINT_EVENT = 'checkpoint';
const KEY_PREFIX = 'ed25519:';

/** The bytes a checkpoint's signature covers. */
export function checkpointMessage(covers: number, head: string): Buffer {
  return Buffer.from(`agent-vault audit checkpoint v1\n${covers}\n${head}\n`, 'utf8');
}

/** A raw Ed25519 public key as the log and the vault name it: `ed25519:<base64url>`. */
export const auditKeyName = (raw: Uint8Array): string => `${KEY_PREFIX}${Buffer.from(raw).toString('base64url')}`;

/** The raw key of a name `auditKeyName` made, or undefined when it is not one. */
export function parseAuditKey(name: string): Buffer | undefined {
  if (!name.startsWith(KEY_PREFIX)) return undefined;
  const raw = Buffer.from(name.slice(KEY_PREFIX.length), 'base64url');
  return raw.length === 32 && auditKeyName(raw) === name ? raw : undefined;
}

/** The fields of a checkpoint entry for the line `covers` (hash `head`), signed by `signed`. */
export function checkpointFields(covers: number, head: string, signed: { signature: Uint8Array; publicKey: Uint8Array }): AuditFields {
  return { event: CHECKPOINT_EVENT, covers, head, signer: auditKeyName(signed.publicKey), sig: Buffer.from(signed.signature).toString('base64url') };
}

function signatureValid(keyName: string, message: Buffer, sig: string): boolean {
  const raw = parseAuditKey(keyName);
  if (!raw) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return verifySignature(null, message, key, Buffer.from(sig, 'base64url'));
  } catch {
    return false;
  }
}

export type ChainVerdict =
  | {
      ok: true;
      count: number;
      head: string;
      anchored: boolean;
      /** Signed checkpoints in the log, and the last line one of them vouches for (0: none). */
      checkpoints: number;
      signedThrough: number;
      /** Whether the checkpoints' signatures were checked against trusted keys. */
      signaturesChecked: boolean;
    }
  /**
   * damaged: a line is not an entry; tampered: a link is broken (an entry edited, removed or
   * moved); truncated: the log ends before its anchor; rewritten: the line at the anchor's seq
   * is not the one anchored; forged: a checkpoint's signature does not verify with a trusted
   * key, or it vouches for a line the log does not hold.
   */
  | { ok: false; code: 'damaged' | 'tampered' | 'truncated' | 'rewritten' | 'forged'; line: number; why: string };

/** How verifyChain treats checkpoint signatures: `keys` are the trusted public keys (`ed25519:…`). */
export interface ChainOptions {
  keys?: readonly string[];
  /**
   * The lines start after entry `seq`, whose line hashes to `head` (a log's tail after an
   * anchor). Checkpoints for lines before `seq` cannot be compared and are left to a whole
   * verification; their signatures are still checked.
   */
  from?: { seq: number; head: string };
}

function parseEntry(line: string): AuditEntry | undefined {
  try {
    const e = JSON.parse(line) as AuditEntry;
    if (!e || typeof e !== 'object' || Array.isArray(e)) return undefined;
    if (!Number.isSafeInteger(e.seq) || typeof e.prev !== 'string' || typeof e.event !== 'string' || typeof e.ts !== 'string') return undefined;
    return e;
  } catch {
    return undefined;
  }
}

/**
 * Verify a log given as its lines (without newlines; no trailing empty line). The first bad
 * line stops verification; its 1-based number is reported.
 */
export function verifyChain(lines: readonly string[], anchor?: AuditAnchor, options: ChainOptions = {}): ChainVerdict {
  const base = options.from?.seq ?? 0;
  let prevHash = options.from?.head ?? GENESIS;
  const hashes: string[] = [];
  /** The hash of line k, when this verification knows it. */
  const hashOf = (k: number): string | undefined => (k === base && options.from ? options.from.head : k > base ? hashes[k - base - 1] : undefined);
  let checkpoints = 0;
  let signedThrough = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = base + i + 1;
    const line = lines[i]!;
    const e = parseEntry(line);
    if (!e) return { ok: false, code: 'damaged', line: n, why: `line ${n} is not an audit entry (damaged)` };
    if (e.prev !== prevHash) {
      return { ok: false, code: 'tampered', line: n, why: n === 1 ? 'line 1 is not the start of the log (lines before it were removed)' : `line ${n} does not follow line ${n - 1} (an entry was changed, removed or moved)` };
    }
    if (e.seq !== n) return { ok: false, code: 'tampered', line: n, why: `line ${n} says it is entry ${e.seq} (an entry was removed or moved)` };
    if (e.event === CHECKPOINT_EVENT) {
      const c = e.covers;
      if (!Number.isSafeInteger(c) || (c as number) < 1 || (c as number) >= n || typeof e.head !== 'string' || typeof e.signer !== 'string' || typeof e.sig !== 'string') {
        return { ok: false, code: 'forged', line: n, why: `line ${n} is a checkpoint without a line it vouches for, a hash, a signer or a signature (forged or damaged)` };
      }
      const covers = c as number;
      const known = hashOf(covers);
      if ((known !== undefined || covers > base) && known !== e.head) return { ok: false, code: 'forged', line: n, why: `line ${n} is a checkpoint for line ${covers}, which the log does not hold as signed (the log was rewritten)` };
      if (options.keys) {
        if (!options.keys.includes(e.signer)) return { ok: false, code: 'forged', line: n, why: `line ${n} is a checkpoint signed by a key that is not this vault's audit key (the log was rewritten, or written beside another vault)` };
        if (!signatureValid(e.signer, checkpointMessage(covers, e.head), e.sig)) return { ok: false, code: 'forged', line: n, why: `line ${n} is a checkpoint whose signature does not verify (the log was rewritten)` };
      }
      checkpoints++;
      signedThrough = Math.max(signedThrough, covers);
    }
    const h = lineHash(line);
    hashes.push(h);
    if (anchor && anchor.seq === n && h !== anchor.head) {
      return { ok: false, code: 'rewritten', line: n, why: `line ${n} is not the entry the vault recorded as the log's checkpoint (the log was rewritten)` };
    }
    prevHash = h;
  }
  const count = base + lines.length;
  if (anchor && anchor.seq > count) {
    return { ok: false, code: 'truncated', line: count + 1, why: `the log ends at entry ${count}, but the vault recorded a checkpoint at entry ${anchor.seq} (entries were cut off)` };
  }
  return { ok: true, count, head: prevHash, anchored: !!anchor && anchor.seq > 0, checkpoints, signedThrough, signaturesChecked: !!options.keys };
}

/** Split a log file's text into lines; a missing final newline leaves a partial last line. */
export function splitLog(text: string): { lines: string[]; partial: boolean } {
  if (!text) return { lines: [], partial: false };
  const partial = !text.endsWith('\n');
  const lines = text.split('\n');
  if (!partial) lines.pop();
  return { lines, partial };
}

/** Parse lines into entries for listing (damaged lines skipped). */
export function parseEntries(lines: readonly string[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const l of lines) {
    const e = parseEntry(l);
    if (e) out.push(e);
  }
  return out;
}
