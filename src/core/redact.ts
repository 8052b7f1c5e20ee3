import { hash8, isValidKey, LITERAL, parseToken, placeholderFor, PREFIX, unvaultedMarker, type Token } from './placeholder.js';
import type { SuspectSpan } from './suspects.js';

/**
 * Matching: vaulted values (and their encodings) -> placeholders, for read and the clean
 * filter, and where values occur, for the gates. Pure: bytes in, bytes out, no I/O. The
 * token grammar, its LITERAL escaping INVARIANT and restore (the way back) are in
 * placeholder.ts; what else read hides (suspects) is in suspects.ts.
 *
 * Matching is leftmost, then longest, never overlapping, over values and literal
 * placeholders together, so a value that contains placeholder-like text or another value
 * is replaced whole.
 */

/**
 * Who stored a value: a person at an interactive terminal, or a script (`set --stdin`,
 * `--from-env`: possibly an agent). The agent view must not let a script-set value act as
 * an oracle on hidden text (issue 10, item 4); values stored before origins were recorded
 * count as 'terminal', so they redact exactly as they always did.
 */
export type ValueOrigin = 'terminal' | 'script';

export interface VaultedValue {
  key: string;
  value: Uint8Array;
  /** Absent: 'terminal'. */
  origin?: ValueOrigin;
}

export type ValueEncoding = 'raw' | 'json' | 'url' | 'base64' | 'hex';

export interface ValueOccurrence {
  key: string;
  offset: number;
  length: number;
  encoding: ValueEncoding;
}

/** What `read` shows an agent, and what `write` needs to undo it. */
export interface AgentView {
  output: Buffer;
  /** Placeholders of vaulted values. */
  count: number;
  keys: string[];
  /** UNVAULTED markers (encoded values and suspects). */
  unvaulted: number;
  /** Fingerprint -> the bytes it hides; an empty buffer marks an ambiguous fingerprint. */
  markers: Map<string, Buffer>;
}

export interface RedactOptions {
  /** Escape literal placeholders of known keys (see the INVARIANT in placeholder.ts). Default true. */
  escapeLiterals?: boolean;
}

/** Values shorter than this are never vaulted: too common to redact without mangling text. */
export const MIN_VALUE_BYTES = 8;

/** A run of bytes that could still grow into a placeholder token is held back at most this long. */
const MAX_PENDING_TOKEN = 4096;

const UNVAULTED_BODY = Buffer.from('UNVAULTED:sha256:', 'latin1');

/** `rest` is a proper beginning of some `<agent-vault:(LITERAL:)*(KEY|UNVAULTED:sha256:hex8)>`. */
function couldBeToken(rest: Buffer): boolean {
  if (rest.length >= MAX_PENDING_TOKEN) return false;
  const startsLike = (at: number, what: Buffer) => {
    const m = Math.min(what.length, rest.length - at);
    return rest.subarray(at, at + m).equals(what.subarray(0, m));
  };
  if (!startsLike(0, PREFIX)) return false;
  let p = PREFIX.length;
  if (p >= rest.length) return true;
  while (rest.length - p >= LITERAL.length && startsLike(p, LITERAL)) p += LITERAL.length;
  if (p >= rest.length || startsLike(p, LITERAL)) return true;
  if (startsLike(p, UNVAULTED_BODY)) {
    const hex = p + UNVAULTED_BODY.length;
    if (rest.length - hex > 8) return false;
    for (p = hex; p < rest.length; p++) {
      const c = rest[p]!;
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
    }
    return true;
  }
  if (rest.length - p > 128) return false;
  for (; p < rest.length; p++) {
    const c = rest[p]!;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
  }
  return true;
}

/** Window length of the multi-pattern filter; every pattern (and PREFIX) is at least this long. */
const WINDOW = 8;

const enum Kind {
  Raw = 1,
  Json = 2,
  Url = 4,
  Base64 = 8,
  Hex = 16,
}
const KIND_NAME: Record<number, ValueEncoding> = { 1: 'raw', 2: 'json', 4: 'url', 8: 'base64', 16: 'hex' };
const ALL_KINDS = Kind.Raw | Kind.Json | Kind.Url | Kind.Base64 | Kind.Hex;

interface Pattern {
  bytes: Buffer;
  key: string;
  kind: Kind;
}

/** One chosen replacement span. kind 0 = literal placeholder to escape. */
interface Match {
  start: number;
  end: number;
  key: string;
  kind: Kind | 0;
}

/** Little-endian uint32 of 4 bytes: the same order a Uint32Array view reads on x86/ARM. */
function gramAt(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The entry of a literal placeholder prefix in the gram index. */
const PREFIX_ENTRY = -1;

/** The encoded forms of a value that differ from its raw bytes. */
function encodedForms(value: Buffer): { kind: Kind; bytes: Buffer }[] {
  const out: { kind: Kind; bytes: Buffer }[] = [];
  const add = (kind: Kind, s: string | Buffer) => {
    const bytes = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    if (bytes.length < WINDOW || bytes.equals(value)) return;
    if (out.some((o) => o.bytes.equals(bytes))) return;
    out.push({ kind, bytes });
  };
  const text = value.toString('utf8');
  const isUtf8 = Buffer.from(text, 'utf8').equals(value);
  if (isUtf8) {
    // JSON string escaping as JSON.stringify writes it, then with `/` escaped (PHP, some
    // serialisers) and with every non-ASCII character as \uXXXX (Python's json.dumps).
    const json = JSON.stringify(text).slice(1, -1);
    add(Kind.Json, Buffer.from(json, 'utf8'));
    add(Kind.Json, Buffer.from(json.replace(/\//g, '\\/'), 'utf8'));
    add(Kind.Json, json.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
    const url = encodeURIComponent(text);
    add(Kind.Url, url);
    add(Kind.Url, url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
    add(Kind.Url, url.replace(/%20/g, '+')); // form encoding
  } else {
    let url = '';
    for (const b of value) url += /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0');
    add(Kind.Url, url);
  }
  // Hex dumps of the value (lower and upper case), as key material is often written.
  add(Kind.Hex, value.toString('hex'));
  add(Kind.Hex, value.toString('hex').toUpperCase());
  // Base64 inside a longer base64 text depends on where the value starts modulo 3 bytes;
  // for each alignment keep only the characters that the value's own bits fully decide.
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), value]).toString('base64');
    const from = Math.ceil((8 * shift) / 6);
    const to = Math.floor((8 * (shift + value.length)) / 6);
    const core = b64.slice(from, to);
    add(Kind.Base64, core);
    add(Kind.Base64, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/**
 * Multi-pattern matcher over all vaulted values and their encodings, built once and reused.
 *
 * Every pattern is at least 8 bytes, so any occurrence starting at s covers the whole
 * 4-byte block at the first multiple of 4 in [s, s+3]. The index maps each pattern's grams
 * at offsets 0..3 to (pattern, offset); the scan reads the input one aligned uint32 at a
 * time, tests one bit of a hashed bit table, and only on a hit looks the gram up and
 * compares candidates. Four bytes per step and a few integer operations each is what lets
 * `read` run at hundreds of MB/s in JavaScript, where a byte-at-a-time Aho-Corasick
 * automaton over 10^4 patterns pays a table load per byte. Blocks are visited in order and
 * the starts they yield are increasing from block to block, so leftmost-longest selection
 * stays a single greedy pass.
 */
export class Redactor {
  private readonly patterns: Pattern[] = [];
  private readonly bits: Int32Array;
  private readonly shift: number;
  /** gram -> flat list of (pattern index or PREFIX_ENTRY, offset) pairs. */
  private readonly grams = new Map<number, number[]>();
  private readonly keys = new Set<string>();
  /** Every pattern's bytes in byte order, and which bytes start one: for `pendingStarts`. */
  private readonly ordered: Buffer[];
  private readonly firstBytes = new Uint8Array(256);
  private readonly longest: number;

  constructor(values: VaultedValue[]) {
    const seen = new Map<string, Pattern>();
    const add = (p: Pattern) => {
      const id = p.bytes.toString('latin1');
      const prior = seen.get(id);
      // The same bytes under two keys or two encodings: a raw form beats an encoded one,
      // then the first key given wins, so the choice is deterministic.
      if (prior && (prior.kind === Kind.Raw || p.kind !== Kind.Raw)) return;
      if (prior) (prior.kind = p.kind), (prior.key = p.key);
      else seen.set(id, p);
    };
    for (const v of values) {
      if (!isValidKey(v.key)) continue;
      this.keys.add(v.key);
      if (v.value.length < MIN_VALUE_BYTES) continue;
      add({ bytes: Buffer.from(v.value), key: v.key, kind: Kind.Raw });
    }
    for (const v of values) {
      if (!isValidKey(v.key) || v.value.length < MIN_VALUE_BYTES) continue;
      for (const e of encodedForms(Buffer.from(v.value))) add({ bytes: e.bytes, key: v.key, kind: e.kind });
    }
    // Longest first, so the first candidate that matches at a start is the longest there.
    this.patterns = [...seen.values()].sort((x, y) => y.bytes.length - x.bytes.length);
    this.ordered = this.patterns.map((p) => p.bytes).sort(Buffer.compare);
    for (const p of this.ordered) this.firstBytes[p[0]!] = 1;
    this.longest = this.patterns[0]?.bytes.length ?? 0;
    let tableBits = 16;
    while (tableBits < 24 && 1 << tableBits < this.patterns.length * 4 * 128) tableBits++;
    this.shift = 32 - tableBits;
    this.bits = new Int32Array((1 << tableBits) >>> 5);
    const index = (gram: number, entry: number, offset: number) => {
      const h = Math.imul(gram, 0x9e3779b1) >>> this.shift;
      this.bits[h >>> 5]! |= 1 << (h & 31);
      const list = this.grams.get(gram);
      if (list) list.push(entry, offset);
      else this.grams.set(gram, [entry, offset]);
    };
    this.patterns.forEach((p, i) => {
      for (let k = 0; k < 4; k++) index(gramAt(p.bytes, k), i, k);
    });
    for (let k = 0; k < 4; k++) index(gramAt(PREFIX, k), PREFIX_ENTRY, k);
  }

  /**
   * Leftmost-longest, non-overlapping matches of the patterns whose kind is in `kinds`,
   * plus (when `literals`) literal placeholder text that must be escaped.
   */
  private matches(input: Uint8Array, kinds: number, literals: boolean): Match[] {
    const out: Match[] = [];
    const n = input.length;
    if (n < WINDOW) return out;
    const blocks = n >>> 2;
    let words: Uint32Array | undefined;
    if (LITTLE_ENDIAN) {
      // An aligned view reads a gram in one load; copy the (rare) unaligned input once.
      const aligned = input.byteOffset % 4 === 0 ? input : new Uint8Array(input);
      words = new Uint32Array(aligned.buffer, aligned.byteOffset, blocks);
    }
    const bits = this.bits;
    const shift = this.shift;
    let next = 0; // first byte not covered by a chosen match
    for (let b = 0; b < blocks; b++) {
      const gram = words ? words[b]! : gramAt(input, b << 2);
      const h = Math.imul(gram, 0x9e3779b1) >>> shift;
      if ((bits[h >>> 5]! & (1 << (h & 31))) === 0) continue;
      const m = this.bestInBlock(input, b << 2, gram, next, kinds, literals);
      if (m) {
        out.push(m);
        next = m.end;
      }
    }
    return out;
  }

  /** The leftmost (then longest) match starting in [at-3, at] and not before `next`. */
  private bestInBlock(input: Uint8Array, at: number, gram: number, next: number, kinds: number, literals: boolean): Match | undefined {
    const list = this.grams.get(gram);
    if (!list) return undefined;
    let best: Match | undefined;
    for (let j = 0; j < list.length; j += 2) {
      const entry = list[j]!;
      const start = at - list[j + 1]!;
      if (start < next || start < 0 || (best && (start > best.start || (start === best.start && entry >= 0 && this.patterns[entry]!.bytes.length <= best.end - best.start)))) continue;
      if (entry === PREFIX_ENTRY) {
        if (!literals) continue;
        const t = parseToken(input, start);
        if (t && this.escapable(t) && (!best || start < best.start || t.end - start > best.end - best.start)) best = { start, end: t.end, key: t.key ?? '', kind: 0 };
        continue;
      }
      const p = this.patterns[entry]!;
      if (!(p.kind & kinds)) continue;
      const len = p.bytes.length;
      if (start + len > input.length) continue;
      let ok = true;
      for (let i = 0; i < len; i++) {
        if (input[start + i] !== p.bytes[i]) {
          ok = false;
          break;
        }
      }
      if (ok) best = { start, end: start + len, key: p.key, kind: p.kind };
    }
    return best;
  }

  private escapable(t: Token): boolean {
    return t.key === undefined || this.keys.has(t.key);
  }

  /** Every vaulted value (raw bytes only) -> its placeholder; literal placeholders escaped. */
  redact(input: Uint8Array, options: RedactOptions = {}): { output: Buffer; count: number; keys: string[] } {
    const matches = this.matches(input, Kind.Raw, options.escapeLiterals !== false);
    return this.render(input, matches, []);
  }

  /**
   * The agent's view (`read`): raw values -> placeholders, encoded values and the given
   * suspect spans -> UNVAULTED markers (fingerprint of the bytes as they appear), literal
   * placeholders escaped. Vaulted values win over overlapping suspects.
   */
  redactForAgent(input: Uint8Array, suspects: SuspectSpan[] = []): AgentView {
    const matches = this.matches(input, ALL_KINDS, true);
    return this.render(input, matches, suspects);
  }

  /**
   * The agent view of the part of a stream's buffered bytes that no later byte can change
   * (`run`'s output, see stream-redact.ts): `consumed` bytes of `input` are rendered, the rest
   * must be given again with what follows. Only matches starting before `limit` (the end of
   * the last complete line) are taken, and `suspects` must lie before it; a match that starts
   * before it and is complete is taken whole even if it runs past it (a PEM value). What is
   * held back: the longest suffix that is a proper prefix of some value or encoding, or of
   * a placeholder token (so a longer value or a literal token is matched whole), and
   * everything from `limit` on. With `end`, everything is rendered, as `redactForAgent`.
   */
  redactForAgentPart(input: Uint8Array, suspects: SuspectSpan[], options: { limit: number; end: boolean }): AgentView & { consumed: number } {
    const n = input.length;
    if (options.end) return { ...this.redactForAgent(input, suspects), consumed: n };
    const limit = Math.max(0, Math.min(options.limit, n));
    const pending = this.pendingStarts(input);
    let k = 0;
    const pendingFrom = (from: number) => {
      while (k < pending.length && pending[k]! < from) k++;
      return k < pending.length ? pending[k]! : n;
    };
    const taken: Match[] = [];
    let next = 0;
    for (const m of this.matches(input, ALL_KINDS, true)) {
      // A candidate starting at or after a pending start might lose to one that starts there.
      if (m.start >= limit || m.start >= pendingFrom(next)) break;
      taken.push(m);
      next = m.end;
    }
    let consumed = next > limit ? next : Math.min(pendingFrom(next), limit);
    // A suspect cut by the held-back part is seen again, whole, with the bytes that follow.
    for (;;) {
      const cut = suspects.find((s) => s.start < consumed && s.end > consumed);
      if (!cut) break;
      consumed = cut.start;
      while (taken.length && taken[taken.length - 1]!.end > consumed) consumed = Math.min(consumed, taken.pop()!.start);
    }
    const view = this.render(input.subarray(0, consumed), taken, suspects.filter((s) => s.end <= consumed));
    return { ...view, consumed };
  }

  /**
   * Ascending offsets i where input[i..] is a proper prefix of a pattern (a value or one of
   * its encodings) or could still become a placeholder token: where a match may start that
   * later bytes decide.
   */
  private pendingStarts(input: Uint8Array): number[] {
    const n = input.length;
    const out: number[] = [];
    const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    // Placeholder tokens start with '<': only those positions, within the longest token held.
    const lt = PREFIX[0]!;
    const tokenFrom = Math.max(0, n - MAX_PENDING_TOKEN);
    for (let i = src.lastIndexOf(lt); i >= tokenFrom; i = i > 0 ? src.lastIndexOf(lt, i - 1) : -1) {
      if (couldBeToken(src.subarray(i))) out.push(i);
    }
    for (let i = Math.max(0, n - this.longest + 1); i < n; i++) {
      if (this.firstBytes[src[i]!] !== 1 || (out.length && out.includes(i))) continue;
      if (this.prefixOfPattern(src.subarray(i))) out.push(i);
    }
    return out.sort((a, b) => a - b);
  }

  /** Some pattern starts with `rest` and is longer (binary search in byte order). */
  private prefixOfPattern(rest: Buffer): boolean {
    const list = this.ordered;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(list[mid]!, rest) < 0) lo = mid + 1;
      else hi = mid;
    }
    // Patterns starting with `rest` sort right after `rest` itself; skip an exact match.
    for (let j = lo; j < list.length && j <= lo + 1; j++) {
      const p = list[j]!;
      if (p.length > rest.length && p.subarray(0, rest.length).equals(rest)) return true;
    }
    return false;
  }

  /** Where any vaulted value occurs, raw or encoded (the pre-commit gate's check). */
  findValues(input: Uint8Array): ValueOccurrence[] {
    return this.matches(input, ALL_KINDS, false).map((m) => ({ key: m.key, offset: m.start, length: m.end - m.start, encoding: KIND_NAME[m.kind as number]! }));
  }

  private render(input: Uint8Array, matches: Match[], suspects: SuspectSpan[]): AgentView {
    let spans: (Match | { start: number; end: number; key: string; kind: -1 })[] = matches;
    if (suspects.length) {
      // Suspects fill only what the vault's own matches leave: the part of a suspect that
      // a vaulted value covers becomes that value's placeholder, the rest UNVAULTED markers.
      const sorted = suspects.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
      const pieces: { start: number; end: number; key: string; kind: -1 }[] = [];
      let mi = 0;
      let lastEnd = 0;
      for (const s of sorted) {
        let from = Math.max(s.start, lastEnd);
        if (from >= s.end) continue;
        while (mi < matches.length && matches[mi]!.end <= from) mi++;
        for (let j = mi; from < s.end; j++) {
          const m = matches[j];
          const stop = m && m.start < s.end ? m.start : s.end;
          if (stop - from >= 3) pieces.push({ start: from, end: stop, key: '', kind: -1 });
          if (!m || m.start >= s.end) break;
          from = Math.max(from, m.end);
        }
        lastEnd = s.end;
      }
      spans = [...matches, ...pieces].sort((a, b) => a.start - b.start);
    }
    const parts: Buffer[] = [];
    const keys = new Set<string>();
    const markers = new Map<string, Buffer>();
    let count = 0;
    let unvaulted = 0;
    let at = 0;
    const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    for (const m of spans) {
      if (m.start > at) parts.push(src.subarray(at, m.start));
      if (m.kind === 0) {
        // Escape: insert one LITERAL: after the prefix.
        parts.push(PREFIX, LITERAL, src.subarray(m.start + PREFIX.length, m.end));
      } else if (m.kind === Kind.Raw) {
        parts.push(Buffer.from(placeholderFor(m.key), 'latin1'));
        keys.add(m.key);
        count++;
      } else {
        const bytes = src.subarray(m.start, m.end);
        const h = hash8(bytes);
        // Two different byte strings with one 8-hex fingerprint cannot be told apart on
        // write; mark the fingerprint ambiguous (an empty entry) so write refuses it.
        const prior = markers.get(h);
        markers.set(h, prior && !prior.equals(bytes) ? Buffer.alloc(0) : Buffer.from(bytes));
        parts.push(Buffer.from(unvaultedMarker(h), 'latin1'));
        unvaulted++;
      }
      at = m.end;
    }
    if (at === 0 && spans.length === 0) return { output: Buffer.from(src), count: 0, keys: [], unvaulted: 0, markers };
    if (at < src.length) parts.push(src.subarray(at));
    return { output: Buffer.concat(parts), count, keys: [...keys].sort(), unvaulted, markers };
  }
}
