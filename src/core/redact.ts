import { Form, GATE_FORMS, writtenForms } from './forms.js';
import { hasWideArtifacts, joinedRegions, splitArtifacts, type Artifacts } from './joined.js';
import { hash8, isValidKey, LITERAL, parseToken, placeholderFor, PREFIX, unvaultedMarker, type Token } from './placeholder.js';
import type { SuspectSpan } from './suspects.js';

/**
 * Matching: vaulted values (and their written forms) -> placeholders, for read and the clean
 * filter, and where values occur, for the gates. Pure: bytes in, bytes out, no I/O. The
 * token grammar, its LITERAL escaping INVARIANT and restore (the way back) are in
 * placeholder.ts; the written forms in forms.ts; split values in joined.ts; what else read
 * hides (suspects) in suspects.ts.
 *
 * Matching is leftmost, then longest, never overlapping, over values and literal
 * placeholders together, so a value that contains placeholder-like text or another value
 * is replaced whole.
 *
 * NO ORACLE (issue 10): a value set without a terminal (origin 'script': `set --stdin`,
 * `--from-env`, possibly by an agent) must not change how anything else is shown, or an agent
 * could set guesses and watch `read` to learn hidden text. So every operation runs in two
 * passes: first the values a person set at a terminal (with literal placeholders, and in the
 * agent view the suspects), as if no script value existed; then script values, each matched
 * only inside the text the first pass left untouched (a "gap"), as if that gap were the whole
 * input. What a script value changes therefore depends only on text the agent can already see
 * and values it chose itself.
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

/** A byte range of the input: [start, end). */
export type Span = SuspectSpan;

/** What `read` shows an agent, and what `write` needs to undo it. */
export interface AgentView {
  output: Buffer;
  /**
   * The output in order, as views of the input and the tokens between them, when the view was
   * rendered in this process (not across the session agent's socket): `output` is their
   * concatenation, made only when first asked for, so `read` can number and print a large
   * file without joining a copy of it (a fresh 100 MB buffer cost ~0.5 s of CPU).
   */
  parts?: Buffer[];
  /** Placeholders of vaulted values. */
  count: number;
  keys: string[];
  /** UNVAULTED markers (written forms and parts of values, suspects). */
  unvaulted: number;
  /** Fingerprint -> the bytes it hides; an empty buffer marks an ambiguous fingerprint. */
  markers: Map<string, Buffer>;
  /** The input's byte ranges shown as a placeholder or a marker, sorted, not overlapping. */
  hidden: Span[];
  /**
   * The ranges hidden without any script-set value (values a person set, suspects): what
   * `write` judges a moved marker by, so its outcome cannot reveal whether a script-set guess
   * matched hidden text (NO ORACLE). Equal to `hidden` when the vault holds no script value.
   */
  personHidden: Span[];
  /**
   * Fingerprints of markers only script-set values hid (their bytes were visible without
   * them, so the agent learns nothing new when they are judged with script-set values).
   */
  scriptMarkers: Set<string>;
}

export interface RedactOptions {
  /** Escape literal placeholders of known keys (see the INVARIANT in placeholder.ts). Default true. */
  escapeLiterals?: boolean;
}

/** Values shorter than this are never vaulted: too common to redact without mangling text. */
export const MIN_VALUE_BYTES = 8;

/** Values at least this long are hidden wherever any RUN_BYTES of them appear together. */
export const RUN_VALUE_BYTES = 16;
export const RUN_BYTES = 12;

/** Window length of the multi-pattern filter; every pattern (and PREFIX) is at least this long. */
const WINDOW = 8;

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

/** Bytes that may trail an unfinished split artifact: blanks, line breaks, quotes, operators, a backslash. */
const ARTIFACT_TAIL = new Uint8Array(256);
for (const c of ' \t\r\n\'"`+.\\') ARTIFACT_TAIL[c.charCodeAt(0)] = 1;

const FORM_NAME: Record<number, ValueEncoding> = { [Form.Raw]: 'raw', [Form.Json]: 'json', [Form.Url]: 'url', [Form.Base64]: 'base64', [Form.Hex]: 'hex' };

interface Pattern {
  /** As stored (raw value or written form). */
  bytes: Buffer;
  /** ASCII case-folded. */
  folded: Uint8Array;
  key: string;
  form: Form;
}

/** One chosen span. form 0 = literal placeholder to escape. exact: the raw value byte for byte. */
interface Match {
  start: number;
  end: number;
  key: string;
  form: Form | 0;
  exact: boolean;
}

interface ScanOptions {
  /** Forms (bit set) to look for. */
  forms: number;
  /** Accept a raw value in another ASCII case (shown as a marker, never a placeholder). */
  caseRaw: boolean;
  /** Escape literal placeholders of known keys. */
  literals: boolean;
  /** Hide runs of RUN_BYTES of long values. */
  runs: boolean;
}

const ALL_FORMS = 0xff;
const VIEW: ScanOptions = { forms: ALL_FORMS, caseRaw: true, literals: true, runs: true };

/** ASCII case folding of one byte. */
const FOLD = new Uint8Array(256);
for (let i = 0; i < 256; i++) FOLD[i] = i >= 0x41 && i <= 0x5a ? i + 0x20 : i;

/** ASCII case folding of four bytes at once (a uint32 read from the input). */
function foldWord(x: number): number {
  const low7 = x & 0x7f7f7f7f;
  // Bit 7 of each byte: byte >= 'A', byte > 'Z', byte was below 0x80.
  const upper = (low7 + 0x3f3f3f3f) & ~(low7 + 0x25252525) & ~x & 0x80808080;
  return (x | (upper >>> 2)) | 0;
}

/** The bytes with ASCII letters in lower case: the bytes themselves when they have no capital (most written forms). */
function folded(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && FOLD[bytes[i]!] === bytes[i]) i++;
  if (i === bytes.length) return bytes;
  const out = new Uint8Array(bytes.length);
  out.set(bytes.subarray(0, i));
  for (; i < bytes.length; i++) out[i] = FOLD[bytes[i]!]!;
  return out;
}

/** Little-endian int32 of 4 case-folded bytes: what foldWord gives for an aligned read on x86/ARM. */
function foldedGramAt(bytes: Uint8Array, at: number): number {
  return FOLD[bytes[at]!]! | (FOLD[bytes[at + 1]!]! << 8) | (FOLD[bytes[at + 2]!]! << 16) | (FOLD[bytes[at + 3]!]! << 24);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The entry of a literal placeholder prefix in the gram index. */
const PREFIX_ENTRY = -1;

const GOLDEN = 0x9e3779b1;
const pairKey = (g1: number, g2: number) => (Math.imul(g1, GOLDEN) ^ g2) | 0;

/**
 * An open-addressing multimap from int32 keys to (a, b) int32 pairs, built once from flat
 * (key, a, b) triples. Lookups walk the chain from `first(key)` while `used`, comparing keys.
 * Typed arrays instead of a Map of arrays: tens of thousands of entries, no garbage.
 */
class IntTable {
  readonly keys: Int32Array;
  readonly used: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly mask: number;
  private readonly shift: number;

  /** `triples`: (key, a, b) flat, the first `length` numbers of it. */
  constructor(triples: ArrayLike<number>, length = triples.length) {
    let bits = 4;
    while (1 << bits < (length / 3) * 2) bits++;
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.keys = new Int32Array(1 << bits);
    this.used = new Uint8Array(1 << bits);
    this.a = new Int32Array(1 << bits);
    this.b = new Int32Array(1 << bits);
    // Free slots found through skip links (with path halving): many forms of values with a
    // common prefix share a key, and walking their run slot by slot on every insert is quadratic.
    const skip = new Int32Array(1 << bits);
    for (let i = 0; i < skip.length; i++) skip[i] = i;
    const free = (from: number) => {
      let s = from;
      while (skip[s] !== s) {
        const next = skip[s]!;
        skip[s] = skip[next]!;
        s = next;
      }
      return s;
    };
    for (let t = 0; t < length; t += 3) {
      const slot = free(this.first(triples[t]!));
      skip[slot] = (slot + 1) & this.mask;
      this.used[slot] = 1;
      this.keys[slot] = triples[t]!;
      this.a[slot] = triples[t + 1]!;
      this.b[slot] = triples[t + 2]!;
    }
  }

  first(key: number): number {
    return Math.imul(key, 0x85ebca6b) >>> this.shift;
  }
}

/**
 * Multi-pattern matcher over a set of values, their written forms and their long runs, built
 * once and reused.
 *
 * Every pattern is at least 8 bytes, so any occurrence starting at s covers the whole
 * 4-byte block at the first multiple of 4 in [s, s+3]. The index maps each pattern's
 * (case-folded) grams at offsets 0..3 to (pattern, offset); the scan reads the input one
 * aligned uint32 at a time, folds its case, tests two bits of a hashed table, and only on a
 * hit looks the gram up and compares candidates. Four bytes per step and a few integer
 * operations each is what lets `read` run at hundreds of MB/s in JavaScript, where a
 * byte-at-a-time Aho-Corasick automaton over 10^4 patterns pays a table load per byte.
 * Blocks are visited in order and the starts they yield are increasing from block to block,
 * so leftmost-longest selection stays a single greedy pass.
 *
 * Runs: any RUN_BYTES-byte run covers two whole consecutive aligned blocks, so every 8-byte
 * window of every long value is indexed by its pair of grams; the table's second bit marks a
 * window's first gram, and a hit there looks the pair up, then grows the run both ways.
 */
class ValueMatcher {
  private readonly patterns: Pattern[];
  private readonly table: Int32Array;
  private readonly shift: number;
  /**
   * Candidates by the pair of folded grams at (offset, offset + 4) of a pattern: flat lists of
   * (pattern index or PREFIX_ENTRY, offset). Values often share a prefix (`sk-proj-`, a
   * scheme and host); the second gram tells them apart, so a hit compares one candidate, not
   * every value with that prefix. Patterns too short for the second gram at an offset are
   * listed by the first gram alone.
   */
  private readonly pairs: IntTable;
  private readonly singles: IntTable;
  /** Folded long values, for runs. */
  private readonly runValues: Uint8Array[] = [];
  /** 8-byte windows of long values: pair of grams -> (value, offset). */
  private readonly windows: IntTable;

  constructor(values: VaultedValue[], withPrefix: boolean) {
    const seen = new Map<string, Pattern>();
    const add = (key: string, form: Form, bytes: Buffer) => {
      const id = bytes.toString('latin1');
      const prior = seen.get(id);
      // The same bytes under two keys or two forms: a raw form beats a written one, then
      // the first key given wins, so the choice is deterministic.
      if (prior && (prior.form === Form.Raw || form !== Form.Raw)) return;
      if (prior) (prior.form = form), (prior.key = key);
      else seen.set(id, { bytes, folded: folded(bytes), key, form });
    };
    const usable = values.filter((v) => isValidKey(v.key) && v.value.length >= MIN_VALUE_BYTES);
    for (const v of usable) add(v.key, Form.Raw, Buffer.from(v.value));
    for (const v of usable) for (const f of writtenForms(Buffer.from(v.value), WINDOW)) add(v.key, f.form, f.bytes);
    // Longest first, so the first candidate that matches at a start is the longest there.
    this.patterns = [...seen.values()].sort((x, y) => y.bytes.length - x.bytes.length);

    // Windows of long values (each distinct value once). Flat typed arrays, not growing JS
    // arrays: tens of thousands of entries are built on every read.
    let windowRoom = 0;
    for (const v of usable) if (v.value.length >= RUN_VALUE_BYTES) windowRoom += 3 * (v.value.length - WINDOW + 1);
    const windows = new Int32Array(windowRoom); // (pair key, value, offset) triples
    let windowCount = 0;
    const runSeen = new Set<string>();
    for (const v of usable) {
      if (v.value.length < RUN_VALUE_BYTES) continue;
      const f = folded(v.value);
      const id = Buffer.from(f.buffer, f.byteOffset, f.length).toString('latin1');
      if (runSeen.has(id)) continue;
      runSeen.add(id);
      const index = this.runValues.push(f) - 1;
      // A value that repeats itself (aaaa...) would fill one chain: a few offsets per window suffice.
      const perWindow = new Map<number, number>();
      for (let o = 0; o + WINDOW <= f.length; o++) {
        const k = pairKey(foldedGramAt(f, o), foldedGramAt(f, o + 4));
        const c = perWindow.get(k) ?? 0;
        if (c >= 8) continue;
        perWindow.set(k, c + 1);
        windows[windowCount++] = k;
        windows[windowCount++] = index;
        windows[windowCount++] = o;
      }
    }

    const entries = this.patterns.length * 4 + windowCount / 3 + 4;
    let tableBits = 16;
    while (tableBits < 24 && 1 << tableBits < entries * 64) tableBits++;
    this.shift = 32 - tableBits;
    this.table = new Int32Array((1 << tableBits) >>> 4);
    const mark = (gram: number, bit: number) => {
      const h = Math.imul(gram, GOLDEN) >>> this.shift;
      this.table[h >>> 4]! |= bit << ((h & 15) << 1);
    };
    const room = 3 * (4 * this.patterns.length + 4);
    const pairs = new Int32Array(room);
    const singles = new Int32Array(room);
    let pairCount = 0;
    let singleCount = 0;
    const index = (bytes: Uint8Array, entry: number, offset: number) => {
      const gram = foldedGramAt(bytes, offset);
      mark(gram, 1);
      if (offset + 8 <= bytes.length) {
        pairs[pairCount++] = pairKey(gram, foldedGramAt(bytes, offset + 4));
        pairs[pairCount++] = entry;
        pairs[pairCount++] = offset;
      } else {
        singles[singleCount++] = gram;
        singles[singleCount++] = entry;
        singles[singleCount++] = offset;
      }
    };
    this.patterns.forEach((p, i) => {
      for (let k = 0; k < 4; k++) index(p.folded, i, k);
    });
    if (withPrefix) for (let k = 0; k < 4; k++) index(PREFIX, PREFIX_ENTRY, k);
    this.pairs = new IntTable(pairs, pairCount);
    this.singles = new IntTable(singles, singleCount);
    for (let w = 0; w < windowCount; w += 3) mark(foldedGramAt(this.runValues[windows[w + 1]!]!, windows[w + 2]!), 2);
    this.windows = new IntTable(windows, windowCount);
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** For streaming only (built on first use, so `read` pays nothing): folded patterns in byte order, their first bytes and byte pairs, bytes and byte pairs of long values. */
  private stream?: { ordered: Buffer[]; startBytes: Uint8Array; startPairs: Uint8Array; runBytes: Uint8Array; runPairs: Uint8Array; longest: number };

  private streamIndex(): NonNullable<ValueMatcher['stream']> {
    if (this.stream) return this.stream;
    const ordered = this.patterns.map((p) => Buffer.from(p.folded)).sort(Buffer.compare);
    const startBytes = new Uint8Array(256);
    const startPairs = new Uint8Array(65536);
    // Every pattern is at least WINDOW bytes: each has a first pair.
    for (const p of ordered) (startBytes[p[0]!] = 1), (startPairs[(p[0]! << 8) | p[1]!] = 1);
    const runBytes = new Uint8Array(256);
    const runPairs = new Uint8Array(65536);
    let longest = this.patterns[0]?.bytes.length ?? 0;
    for (const v of this.runValues) {
      longest = Math.max(longest, v.length);
      for (let i = 0; i < v.length; i++) {
        runBytes[v[i]!] = 1;
        if (i + 1 < v.length) runPairs[(v[i]! << 8) | v[i + 1]!] = 1;
      }
    }
    return (this.stream = { ordered, startBytes, startPairs, runBytes, runPairs, longest });
  }

  /** The longest pattern or long value: how far back later bytes can reach. */
  get reach(): number {
    return this.streamIndex().longest;
  }

  /**
   * The first j < `stop` such that later bytes may turn tail[j..] (the input's last bytes,
   * case-folded) into part of a match, or `stop` if none: tail[j..] is a proper beginning of a
   * pattern, or (with `runs`) may be a piece of a long value. Errs towards true: a run is
   * judged by its first 8 bytes, or byte by byte when shorter. One pass over the tail with
   * byte-pair filters; a suffix is looked up only where its first pair begins some pattern.
   */
  firstContinuing(tail: Uint8Array, runs: boolean, stop = tail.length): number {
    const { ordered, startBytes, startPairs, runBytes, runPairs } = this.streamIndex();
    const n = tail.length;
    if (stop > n) stop = n;
    if (stop <= 0) return stop;
    const f = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength); // a view: only read below
    // Runs: a suffix may continue a run only if its bytes and byte pairs all occur in long
    // values; the longest such suffix, then (8 bytes or more) the longest that a long value
    // holds with room after. Shorter suffixes of a good one are good too.
    if (runs && this.runValues.length) {
      let k = 0; // the longest suffix whose bytes and pairs all occur in long values
      while (k < n && runBytes[f[n - 1 - k]!] === 1 && (k === 0 || runPairs[(f[n - 1 - k]! << 8) | f[n - k]!] === 1)) k++;
      let r = Math.min(k, WINDOW - 1);
      for (let len = k; len >= WINDOW; len--) {
        if (this.runContinues(f.subarray(n - len))) {
          r = len;
          break;
        }
      }
      if (r > 0 && n - r < stop) stop = n - r;
    }
    for (let j = 0; j < stop; j++) {
      const r = n - j;
      if (r === 1 ? startBytes[f[j]!] !== 1 : startPairs[(f[j]! << 8) | f[j + 1]!] !== 1) continue;
      const rest = f.subarray(j);
      let lo = 0;
      let hi = ordered.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Buffer.compare(ordered[mid]!, rest) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < ordered.length; i++) {
        const p = ordered[i]!;
        if (p.length < r || !p.subarray(0, r).equals(rest)) break;
        if (p.length > r) return j;
      }
    }
    return stop;
  }

  /** `f` (folded, at least WINDOW bytes) occurs in a long value with at least one byte after it. */
  private runContinues(f: Buffer): boolean {
    const r = f.length;
    const key = pairKey(foldedGramAt(f, 0), foldedGramAt(f, 4));
    const t = this.windows;
    for (let slot = t.first(key); t.used[slot] === 1; slot = (slot + 1) & t.mask) {
      if (t.keys[slot] !== key) continue;
      // Every value holding this window is listed at least once; look for `f` anywhere in it
      // with room after (a run may go on), since repeated windows list only some offsets.
      const v = this.runValues[t.a[slot]!]!;
      const value = Buffer.from(v.buffer, v.byteOffset, v.length);
      for (let at = value.indexOf(f); at >= 0; at = value.indexOf(f, at + 1)) if (at + r < value.length) return true;
    }
    return false;
  }

  /**
   * Leftmost-longest, non-overlapping matches in input[from, to) (and, when asked, runs of long
   * values, pushed to `runs` as flat [start, end] pairs). `words` is the input read as aligned
   * uint32s (undefined on big-endian machines). `isKey` tells which literal placeholders to escape.
   */
  scan(input: Uint8Array, words: Uint32Array | undefined, from: number, to: number, o: ScanOptions, isKey: (key: string) => boolean, runs: number[]): Match[] {
    const out: Match[] = [];
    if (to - from < WINDOW) return out;
    const table = this.table;
    const shift = this.shift;
    const lastBlock = to >>> 2;
    let next = from; // first byte not covered by a chosen match
    let covered = from; // first byte not covered by a chosen match or a run found
    for (let b = (from + 3) >>> 2; b < lastBlock; b++) {
      const gram = words ? foldWord(words[b]!) : foldedGramAt(input, b << 2);
      const h = Math.imul(gram, GOLDEN) >>> shift;
      const hit = (table[h >>> 4]! >>> ((h & 15) << 1)) & 3;
      if (hit === 0) continue;
      const pair = b + 1 < lastBlock ? pairKey(gram, words ? foldWord(words[b + 1]!) : foldedGramAt(input, (b + 1) << 2)) : undefined;
      if (hit & 1) {
        let m = pair === undefined ? undefined : this.bestOf(this.pairs, pair, undefined, input, b << 2, next, from, to, o, isKey);
        m = this.bestOf(this.singles, gram, m, input, b << 2, next, from, to, o, isKey);
        if (m) {
          out.push(m);
          next = m.end;
          if (next > covered) covered = next;
        }
      }
      if (hit & 2 && o.runs && (b << 2) + 8 > covered && pair !== undefined) {
        covered = Math.max(covered, this.runsAt(input, b << 2, pair, from, to, runs));
      }
    }
    return out;
  }

  /** The leftmost (then longest, then exact) match among `table`'s entries for `id` and `best`, starting in [at-3, at], inside [from, to) and not before `next`. */
  private bestOf(table: IntTable, id: number, best: Match | undefined, input: Uint8Array, at: number, next: number, from: number, to: number, o: ScanOptions, isKey: (key: string) => boolean): Match | undefined {
    const { keys, used, mask } = table;
    for (let slot = table.first(id); used[slot] === 1; slot = (slot + 1) & mask) {
      if (keys[slot] !== id) continue;
      const entry = table.a[slot]!;
      const start = at - table.b[slot]!;
      if (start < next || start < from || (best && start > best.start)) continue;
      if (entry === PREFIX_ENTRY) {
        if (!o.literals) continue;
        const t = parseToken(input, start);
        if (t && t.end <= to && escapable(t, isKey) && (!best || start < best.start || t.end - start > best.end - best.start)) best = { start, end: t.end, key: t.key ?? '', form: 0, exact: true };
        continue;
      }
      const p = this.patterns[entry]!;
      if (!(p.form & o.forms)) continue;
      const len = p.bytes.length;
      if (start + len > to) continue;
      // At the same start: longer wins, then an exact raw value over anything else.
      if (best && start === best.start && (len < best.end - start || (len === best.end - start && (best.exact || p.form !== Form.Raw)))) continue;
      const pf = p.folded;
      let ok = true;
      for (let i = 0; i < len; i++) {
        if (FOLD[input[start + i]!] !== pf[i]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      let exact = false;
      if (p.form === Form.Raw) {
        exact = true;
        const bytes = p.bytes;
        for (let i = 0; i < len; i++) {
          if (input[start + i] !== bytes[i]) {
            exact = false;
            break;
          }
        }
        if (!exact && !o.caseRaw) continue;
      }
      best = { start, end: start + len, key: p.key, form: p.form, exact };
    }
    return best;
  }

  /** Runs through the 8-byte window at `at` (pair key `key`); returns the end of the furthest run found. */
  private runsAt(input: Uint8Array, at: number, key: number, from: number, to: number, runs: number[]): number {
    const t = this.windows;
    let furthest = 0;
    for (let slot = t.first(key); t.used[slot] === 1; slot = (slot + 1) & t.mask) {
      if (t.keys[slot] !== key) continue;
      const value = this.runValues[t.a[slot]!]!;
      const o = t.b[slot]!;
      let ok = true;
      for (let i = 0; i < 8; i++) {
        if (FOLD[input[at + i]!] !== value[o + i]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      let l = at;
      let vl = o;
      while (l > from && vl > 0 && FOLD[input[l - 1]!] === value[vl - 1]) l--, vl--;
      let r = at + 8;
      let vr = o + 8;
      while (r < to && vr < value.length && FOLD[input[r]!] === value[vr]) r++, vr++;
      if (r - l >= RUN_BYTES) {
        runs.push(l, r);
        if (r > furthest) furthest = r;
      }
    }
    return furthest;
  }

  /**
   * Matches (and runs) in the joined view of input[from, to) that cross a cut: a value split
   * by a line continuation, a concatenation or a line wrap. Pushed to `out` as flat
   * [start, end] pairs of the input, each covering the artifacts inside it.
   */
  joined(input: Uint8Array, artifacts: Artifacts, from: number, to: number, o: ScanOptions, out: number[]): void {
    if (!artifacts.length) return;
    const opts = { ...o, literals: false };
    const regions = joinedRegions(input, artifacts, from, to, false);
    if (hasWideArtifacts(artifacts)) for (const r of joinedRegions(input, artifacts, from, to, true)) regions.push(r);
    for (const region of regions) {
      const n = region.bytes.length;
      if (n < WINDOW) continue;
      const words = LITTLE_ENDIAN ? new Uint32Array(region.bytes.buffer, region.bytes.byteOffset, n >>> 2) : undefined;
      const runs: number[] = [];
      const spans: number[] = [];
      for (const m of this.scan(region.bytes, words, 0, n, opts, () => false, runs)) spans.push(m.start, m.end);
      for (let k = 0; k < runs.length; k++) spans.push(runs[k]!);
      for (let k = 0; k < spans.length; k += 2) {
        const s = spans[k]!;
        const e = spans[k + 1]!;
        if (region.cuts.some((c) => c > s && c < e)) out.push(region.map[s]!, region.map[e - 1]! + 1);
      }
    }
  }
}

function escapable(t: Token, isKey: (key: string) => boolean): boolean {
  return t.key === undefined || isKey(t.key);
}

/**
 * The first byte of `spans` that no span of `hidden` covers, or undefined. Both sorted by
 * start; `hidden` not overlapping (AgentView.hidden).
 */
export function firstUncovered(spans: Span[], hidden: Span[]): number | undefined {
  let h = 0;
  for (const s of spans) {
    let at = s.start;
    while (at < s.end) {
      while (h < hidden.length && hidden[h]!.end <= at) h++;
      const cover = hidden[h];
      if (!cover || cover.start > at) return at;
      at = cover.end;
    }
  }
  return undefined;
}

/** A span of the rendered view. */
interface Segment {
  start: number;
  end: number;
  /** 'key': a placeholder; 'literal': an escaped literal placeholder; 'marker': an UNVAULTED marker. */
  kind: 'key' | 'literal' | 'marker';
  key: string;
}

/** Union of flat [start, end] pairs, sorted and merged where they overlap. */
function union(flat: number[]): number[] {
  if (flat.length <= 2) return flat.slice();
  const idx: number[] = [];
  for (let k = 0; k < flat.length; k += 2) idx.push(k);
  idx.sort((a, b) => flat[a]! - flat[b]! || flat[b + 1]! - flat[a + 1]!);
  const out: number[] = [];
  for (const k of idx) {
    const s = flat[k]!;
    const e = flat[k + 1]!;
    if (e <= s) continue;
    if (out.length && s < out[out.length - 1]!) out[out.length - 1] = Math.max(out[out.length - 1]!, e);
    else out.push(s, e);
  }
  return out;
}

/** Flat sorted disjoint spans minus sorted disjoint segments; pieces shorter than `min` are dropped. */
function subtract(spans: number[], cuts: Segment[], min: number): number[] {
  const out: number[] = [];
  let c = 0;
  for (let k = 0; k < spans.length; k += 2) {
    let from = spans[k]!;
    const end = spans[k + 1]!;
    while (c < cuts.length && cuts[c]!.end <= from) c++;
    for (let j = c; from < end; j++) {
      const cut = cuts[j];
      const stop = cut && cut.start < end ? Math.max(from, cut.start) : end;
      if (stop - from >= min) out.push(from, stop);
      if (!cut || cut.start >= end) break;
      from = Math.max(from, cut.end);
    }
  }
  return out;
}

/**
 * The segments one pass yields: exact values as placeholders and literal escapes, everything
 * else it hides (written forms, other cases, runs, split values, suspects) as markers, a
 * placeholder winning where they overlap.
 */
function compose(matches: Match[], vaultSpans: number[], suspects: number[]): Segment[] {
  const exact: Segment[] = [];
  for (const m of matches) {
    if (m.form === 0) exact.push({ start: m.start, end: m.end, kind: 'literal', key: m.key });
    else if (m.exact) exact.push({ start: m.start, end: m.end, kind: 'key', key: m.key });
    else vaultSpans.push(m.start, m.end);
  }
  let marks = subtract(union(vaultSpans), exact, 1);
  // A suspect's leftovers beside a placeholder are shown when too short to be worth a marker.
  if (suspects.length) marks = union(marks.concat(subtract(union(suspects), exact, 3)));
  if (!marks.length) return exact;
  const out: Segment[] = [];
  let e = 0;
  for (let k = 0; k < marks.length; k += 2) {
    while (e < exact.length && exact[e]!.start < marks[k]!) out.push(exact[e++]!);
    out.push({ start: marks[k]!, end: marks[k + 1]!, kind: 'marker', key: '' });
  }
  while (e < exact.length) out.push(exact[e++]!);
  return out;
}

/** The input as an aligned byte array and its uint32 view (copying only unaligned input). */
function prepare(input: Uint8Array): { src: Uint8Array; words: Uint32Array | undefined } {
  if (!LITTLE_ENDIAN) return { src: input, words: undefined };
  const src = input.byteOffset % 4 === 0 ? input : new Uint8Array(input);
  return { src, words: new Uint32Array(src.buffer, src.byteOffset, src.length >>> 2) };
}

/** The matcher over every vaulted value, in two passes by origin (see NO ORACLE above). */
export class Redactor {
  private readonly terminal: ValueMatcher;
  private readonly script: ValueMatcher | undefined;
  private readonly keys = new Set<string>();
  private readonly isKey = (key: string) => this.keys.has(key);

  /** `markerKey`: the key of UNVAULTED marker fingerprints (see hash8). */
  constructor(values: VaultedValue[], private readonly markerKey?: Uint8Array) {
    for (const v of values) if (isValidKey(v.key)) this.keys.add(v.key);
    this.terminal = new ValueMatcher(
      values.filter((v) => v.origin !== 'script'),
      true,
    );
    const script = new ValueMatcher(
      values.filter((v) => v.origin === 'script'),
      false,
    );
    this.script = script.empty ? undefined : script;
  }

  /**
   * The second pass: script values inside each stretch the first pass left alone, each
   * stretch on its own. Returns every segment, sorted.
   */
  private withScriptValues<T extends Span>(first: T[], n: number, pass: (from: number, to: number) => T[], start = 0): T[] {
    if (!this.script) return first;
    const all: T[] = [];
    let at = start;
    for (let k = 0; k <= first.length; k++) {
      const stop = k < first.length ? first[k]!.start : n;
      if (stop - at >= WINDOW) for (const s of pass(at, stop)) all.push(s);
      if (k < first.length) {
        all.push(first[k]!);
        at = first[k]!.end;
      }
    }
    return all;
  }

  /** Every vaulted value (raw bytes only) -> its placeholder; literal placeholders escaped. */
  redact(input: Uint8Array, options: RedactOptions = {}): { output: Buffer; count: number; keys: string[] } {
    const { src, words } = prepare(input);
    const raw: ScanOptions = { forms: Form.Raw, caseRaw: false, literals: options.escapeLiterals !== false, runs: false };
    const first = compose(this.terminal.scan(src, words, 0, src.length, raw, this.isKey, []), [], []);
    const scriptRaw = { ...raw, literals: false };
    const segments = this.withScriptValues(first, src.length, (from, to) => compose(this.script!.scan(src, words, from, to, scriptRaw, this.isKey, []), [], []));
    const { output, count, keys } = render(src, segments, this.markerKey);
    return { output, count, keys };
  }

  /**
   * The agent's view (`read`): raw values -> placeholders; written forms, other cases, runs of
   * long values, split values and the given suspect spans -> UNVAULTED markers (fingerprint
   * of the bytes as they appear); literal placeholders escaped. Vaulted values win over
   * overlapping suspects. Script-set values only act on what stays visible without them.
   */
  redactForAgent(input: Uint8Array, suspects: SuspectSpan[] = []): AgentView {
    const { src, first, segments } = this.agentSegments(input, suspects);
    return this.agentRender(src, first, segments);
  }

  /**
   * Both passes of the agent view: the first pass's segments and all of them, and (into `raw`,
   * flat [start, end] pairs) every match, run and split value before they are composed.
   * `phase`: the input is matched in a copy that starts `phase` bytes in, so its 4-byte blocks
   * fall where a whole stream's do (a stream part starting at offset ≡ phase mod 4); the
   * lead-in lies outside every scanned range.
   */
  private agentSegments(input: Uint8Array, suspects: SuspectSpan[], raw?: number[], phase = 0): { src: Uint8Array; first: Segment[]; segments: Segment[]; artifacts: Artifacts } {
    const lead = phase & 3;
    let whole = input;
    if (lead) {
      // Input placed `lead` bytes past a 4-byte boundary (stream-redact.ts allocates it so) is
      // widened in place: the lead-in lies before every scanned range and is never read.
      if (LITTLE_ENDIAN && input.byteOffset >= lead && ((input.byteOffset - lead) & 3) === 0) whole = new Uint8Array(input.buffer, input.byteOffset - lead, input.length + lead);
      else {
        const padded = new Uint8Array(input.length + lead);
        padded.set(input, lead);
        whole = padded;
      }
    }
    const { src, words } = prepare(whole);
    const n = src.length;
    const artifacts = splitArtifacts(src, lead, n);
    const pass = (m: ValueMatcher, from: number, to: number, extra: number[], literals: boolean): Segment[] => {
      const opts = literals ? VIEW : { ...VIEW, literals: false };
      const spans: number[] = [];
      const matches = m.scan(src, words, from, to, opts, this.isKey, spans);
      m.joined(src, artifacts, from, to, opts, spans);
      if (raw) {
        for (const x of spans) raw.push(x - lead);
        for (const x of matches) raw.push(x.start - lead, x.end - lead);
      }
      return compose(matches, spans, extra);
    };
    const flatSuspects: number[] = [];
    for (const s of suspects) if (s.end > s.start) flatSuspects.push(Math.max(0, s.start) + lead, Math.min(n - lead, s.end) + lead);
    const first = pass(this.terminal, lead, n, flatSuspects, true);
    const segments = this.withScriptValues(first, n, (from, to) => pass(this.script!, from, to, [], false), lead);
    if (!lead) return { src, first, segments, artifacts };
    const back = new Map<Segment, Segment>();
    for (const s of segments) back.set(s, { ...s, start: s.start - lead, end: s.end - lead });
    const shift = (s: Segment) => back.get(s) ?? { ...s, start: s.start - lead, end: s.end - lead };
    return { src: src.subarray(lead), first: first.map(shift), segments: segments.map(shift), artifacts: artifacts.map((x) => x - lead) };
  }

  private agentRender(src: Uint8Array, first: Segment[], segments: Segment[]): AgentView {
    const view = render(src, segments, this.markerKey);
    if (segments !== first) {
      view.personHidden = first.filter((s) => s.kind !== 'literal').map((s) => ({ start: s.start, end: s.end }));
      const personMarkers = new Set(first.filter((s) => s.kind === 'marker').map((s) => hash8(src.subarray(s.start, s.end), this.markerKey)));
      const inFirst = new Set(first);
      for (const s of segments) {
        if (s.kind !== 'marker' || inFirst.has(s)) continue;
        const h = hash8(src.subarray(s.start, s.end), this.markerKey);
        if (!personMarkers.has(h)) view.scriptMarkers.add(h);
      }
    }
    return view;
  }

  /**
   * The agent view of the part of a stream's buffered bytes that no later byte can change
   * (`run`'s output, see stream-redact.ts): `consumed` bytes of `input` are rendered, the rest
   * must be given again with what follows. Both passes run over the whole buffer exactly as in
   * `redactForAgent`; the part ends before `limit` (the end of the last complete line, which
   * `suspects` lie before), before the first byte later bytes could still hide or reveal (see
   * `pendingFrom`), and never inside a placeholder or marker. With `end`, everything is
   * rendered, as `redactForAgent`.
   */
  redactForAgentPart(input: Uint8Array, suspects: SuspectSpan[], options: { limit: number; end: boolean; offset?: number; idle?: boolean }): AgentView & { consumed: number } {
    const n = input.length;
    const raw: number[] = [];
    const { src, first, segments, artifacts } = this.agentSegments(input, suspects, raw, options.offset ?? 0);
    if (options.end) return { ...this.agentRender(src, first, segments), consumed: n };
    // The artifacts of the whole buffer (found once, by the matching above).
    let consumed = Math.min(Math.max(0, Math.min(options.limit, n)), this.pendingFrom(src, artifacts, options.idle === true));
    // A suspect or segment cut by the held-back part is seen again, whole, with what follows.
    for (let moved = true; moved; ) {
      moved = false;
      for (const s of suspects) if (s.start < consumed && s.end > consumed) (consumed = s.start), (moved = true);
      for (const s of segments) if (s.start < consumed && s.end > consumed) (consumed = s.start), (moved = true);
      // A match, run or split value whose part past the cut a placeholder left as a marker.
      for (let k = 0; k < raw.length; k += 2) if (raw[k]! < consumed && raw[k + 1]! > consumed) (consumed = raw[k]!), (moved = true);
    }
    const part = src.subarray(0, consumed);
    const inPart = (s: Segment) => s.end <= consumed;
    const view = this.agentRender(part, first.filter(inPart), segments.filter(inPart));
    return { ...view, consumed };
  }

  /**
   * The first byte of `src` (a stream's buffered bytes) whose view later bytes may change:
   * where a placeholder token, a pattern (value or written form, either pass) or a run of a
   * long value may begin and go on past the end, directly or across a split artifact (one
   * that exists, or one the last bytes may begin); and before any artifact at the last line
   * break, which the next line decides.
   */
  private pendingFrom(src: Uint8Array, artifacts: Artifacts, idle: boolean): number {
    const n = src.length;
    const buf = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
    const matchers = this.script ? [this.terminal, this.script] : [this.terminal];
    const reach = Math.max(...matchers.map((m) => m.reach));
    let h = n;
    // Placeholder tokens start with '<'.
    const lt = PREFIX[0]!;
    const tokenFrom = Math.max(0, n - MAX_PENDING_TOKEN);
    for (let i = buf.indexOf(lt, tokenFrom); i >= 0 && i < h; i = buf.indexOf(lt, i + 1)) {
      if (couldBeToken(buf.subarray(i))) h = i;
    }
    // Joined views of the tail: the input itself (no cuts), with the artifacts found (narrow,
    // wide), without the one(s) the next line decides, each with and without a trailing
    // unfinished artifact. For each, the earliest suffix that may go on.
    // Idle (the caller's flush): only a whole value, form or token may begin in the last bytes.
    if (idle) artifacts = [];
    const lastBreak = buf.lastIndexOf(0x0a);
    const all: Array<[number, number]> = [];
    const wide: Array<[number, number]> = [];
    const stable: Array<[number, number]> = [];
    const stableWide: Array<[number, number]> = [];
    for (let k = 0; k < artifacts.length; k += 3) {
      const [a, e, w] = [artifacts[k]!, artifacts[k + 1]!, artifacts[k + 2]!];
      all.push([a, e]);
      wide.push([a, w]);
      if (w <= lastBreak) stable.push([a, e]), stableWide.push([a, w]);
      else h = Math.min(h, walkBack(a, stable, reach));
    }
    let trail = n;
    for (;;) {
      if (trail > 0 && ARTIFACT_TAIL[buf[trail - 1]!] === 1) trail--;
      else if (trail > 1 && buf[trail - 2] === 0x5c && buf[trail - 1] === 0x6e) trail -= 2;
      else break;
    }
    const variants = idle ? [[]] : [[], all, wide, stable, stableWide];
    // Views that keep the same bytes (no artifact near the end: the usual case) are judged once.
    const judged: number[][] = [];
    const sameMap = (a: number[], b: number[]) => {
      if (a.length !== b.length) return false;
      for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
      return true;
    };
    const judgedCuts: Array<Array<[number, number]>> = [];
    for (const cuts of variants) {
      // The same cuts as a view judged already give the same tails.
      if (judgedCuts.some((c) => c.length === cuts.length && c.every((x, i) => x[0] === cuts[i]![0] && x[1] === cuts[i]![1]))) continue;
      judgedCuts.push(cuts);
      for (const end of trail < n && !idle ? [n, trail] : [n]) {
        const { bytes, map } = tailOf(buf, end, cuts, reach);
        if (judged.some((m) => sameMap(m, map))) continue;
        judged.push(map);
        const tail = folded(bytes);
        // Only starts before h matter (map is increasing).
        let stop = 0;
        while (stop < tail.length && map[stop]! < h) stop++;
        for (const m of matchers) stop = m.firstContinuing(tail, !idle, stop);
        if (stop < tail.length && map[stop]! < h) h = map[stop]!;
      }
    }
    return h;
  }

  /** Where any vaulted value occurs, raw or in a classic encoding (the pre-commit gate's check). */
  findValues(input: Uint8Array): ValueOccurrence[] {
    const { src, words } = prepare(input);
    const gate: ScanOptions = { forms: GATE_FORMS, caseRaw: false, literals: false, runs: false };
    const first = this.terminal.scan(src, words, 0, src.length, gate, this.isKey, []);
    const all = this.withScriptValues(first, src.length, (from, to) => this.script!.scan(src, words, from, to, gate, this.isKey, []));
    return all.map((m) => ({ key: m.key, offset: m.start, length: m.end - m.start, encoding: FORM_NAME[m.form]! }));
  }
}

/** The start of the last `count` bytes before `at` that no cut covers (cuts sorted, disjoint). */
function walkBack(at: number, cuts: Array<[number, number]>, count: number): number {
  let p = at;
  let c = cuts.length - 1;
  let left = count;
  while (p > 0 && left > 0) {
    while (c >= 0 && cuts[c]![0] >= p) c--;
    if (c >= 0 && cuts[c]![1] >= p) {
      p = cuts[c]![0];
      continue;
    }
    p--;
    left--;
  }
  return p;
}

/** The last (up to) `count` bytes before `end` with the cuts taken out, and where each came from. */
function tailOf(src: Buffer, end: number, cuts: Array<[number, number]>, count: number): { bytes: Buffer; map: number[] } {
  const map: number[] = [];
  let c = cuts.length - 1;
  for (let p = end - 1; p >= 0 && map.length < count; p--) {
    while (c >= 0 && cuts[c]![0] > p) c--;
    if (c >= 0 && cuts[c]![1] > p) {
      p = cuts[c]![0];
      continue;
    }
    map.push(p);
  }
  map.reverse();
  const bytes = Buffer.alloc(map.length);
  for (let j = 0; j < map.length; j++) bytes[j] = src[map[j]!]!;
  return { bytes, map };
}

function render(input: Uint8Array, segments: Segment[], markerKey: Uint8Array | undefined): AgentView {
  const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const markers = new Map<string, Buffer>();
  if (!segments.length) return { output: src, parts: [src], count: 0, keys: [], unvaulted: 0, markers, hidden: [], personHidden: [], scriptMarkers: new Set() };
  const parts: Buffer[] = [];
  const keys = new Set<string>();
  const hidden: Span[] = [];
  let count = 0;
  let unvaulted = 0;
  let at = 0;
  for (const m of segments) {
    if (m.start > at) parts.push(src.subarray(at, m.start));
    if (m.kind === 'literal') {
      // Escape: insert one LITERAL: after the prefix.
      parts.push(PREFIX, LITERAL, src.subarray(m.start + PREFIX.length, m.end));
    } else if (m.kind === 'key') {
      parts.push(Buffer.from(placeholderFor(m.key), 'latin1'));
      keys.add(m.key);
      count++;
      hidden.push({ start: m.start, end: m.end });
    } else {
      const bytes = src.subarray(m.start, m.end);
      const h = hash8(bytes, markerKey);
      // Two different byte strings with one 8-hex fingerprint cannot be told apart on
      // write; mark the fingerprint ambiguous (an empty entry) so write refuses it.
      const prior = markers.get(h);
      markers.set(h, prior && !prior.equals(bytes) ? Buffer.alloc(0) : Buffer.from(bytes));
      parts.push(Buffer.from(unvaultedMarker(h), 'latin1'));
      unvaulted++;
      hidden.push({ start: m.start, end: m.end });
    }
    at = m.end;
  }
  if (at < src.length) parts.push(src.subarray(at));
  return joinedLater(parts, { count, keys: [...keys].sort(), unvaulted, markers, hidden, personHidden: hidden, scriptMarkers: new Set() });
}

/**
 * The view with its `parts`, and `output` as their concatenation made on first use (then
 * kept). An own enumerable property, so a spread or the session agent's encoding of the view
 * carries the joined output as before.
 */
function joinedLater(parts: Buffer[], fields: Omit<AgentView, 'output' | 'parts'>): AgentView {
  let joined: Buffer | undefined;
  const view = { ...fields, parts } as AgentView;
  return Object.defineProperty(view, 'output', { enumerable: true, get: () => (joined ??= Buffer.concat(parts)) });
}
