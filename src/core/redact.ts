import { createHash } from 'node:crypto';
import { shannonEntropy } from './entropy.js';
import { isValidKey } from './placeholder.js';
import type { Ruleset } from './rules.js';
import { scanText } from './scan.js';

/**
 * The redaction engine: vaulted values -> placeholders (read, clean filter) and back
 * (write, smudge filter). Pure: bytes in, bytes out, no I/O.
 *
 * Token grammar recognised in redacted text (KEY is lower-case, so the upper-case words
 * below can never be keys):
 *
 *   <agent-vault:KEY>                          a vaulted value
 *   <agent-vault:UNVAULTED:sha256:XXXXXXXX>    a suspect the vault does not hold (read only)
 *   <agent-vault:LITERAL:BODY>                 the text `<agent-vault:BODY>` as it was written
 *
 * INVARIANT (why LITERAL exists): a file may already contain placeholder text, e.g. a README
 * that documents `<agent-vault:openai-key>`. If redact left it alone, restore could not tell
 * it from a redacted value and would write the real key into the README. So redact escapes
 * every literal `<agent-vault:(LITERAL:)*BODY>` whose BODY restore would act on (a key the
 * vault knows, or an UNVAULTED marker) by adding one `LITERAL:`, and restore removes exactly
 * one. A `<agent-vault:KEY>` in redacted output therefore always stands for the vault's value
 * and never for text, and `restore(redact(x)) == x` for every byte string x whose vaulted
 * values are the current ones (an earlier, rotated-out value comes back as the current one).
 * Placeholders for keys the vault does not know are neither escaped nor restored, so text
 * holding them passes both ways untouched. Callers that want placeholder text to mean the
 * placeholder (the clean filter, where a checkout without a key leaves `<agent-vault:key>` in
 * the working tree) pass `{ escapeLiterals: false }` to both sides and give up exactness
 * for inputs holding a literal placeholder of a known key.
 *
 * Matching is leftmost, then longest, never overlapping, over values and literal
 * placeholders together, so a value that contains placeholder-like text or another value
 * is replaced whole.
 */

export interface VaultedValue {
  key: string;
  value: Uint8Array;
}

export type ValueEncoding = 'raw' | 'json' | 'url' | 'base64';

export interface ValueOccurrence {
  key: string;
  offset: number;
  length: number;
  encoding: ValueEncoding;
}

/** A span that `read` hides behind an UNVAULTED marker (scanner finding or entropy suspect). */
export interface SuspectSpan {
  start: number;
  end: number;
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
  /** Escape literal placeholders of known keys (see INVARIANT). Default true. */
  escapeLiterals?: boolean;
}

/** Values shorter than this are never vaulted: too common to redact without mangling text. */
export const MIN_VALUE_BYTES = 8;

const PREFIX = Buffer.from('<agent-vault:', 'latin1');
const LITERAL = Buffer.from('LITERAL:', 'latin1');
const UNVAULTED = Buffer.from('UNVAULTED:sha256:', 'latin1');
const MAX_KEY = 128;
/** Window length of the multi-pattern filter; every pattern (and PREFIX) is at least this long. */
const WINDOW = 8;

const enum Kind {
  Raw = 1,
  Json = 2,
  Url = 4,
  Base64 = 8,
}
const KIND_NAME: Record<number, ValueEncoding> = { 1: 'raw', 2: 'json', 4: 'url', 8: 'base64' };
const ALL_KINDS = Kind.Raw | Kind.Json | Kind.Url | Kind.Base64;

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

function windowHash(hi: number, lo: number, shift: number): number {
  return Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> shift;
}

function windowAt(bytes: Uint8Array, at: number): [number, number] {
  const hi = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  const lo = ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0;
  return [hi, lo];
}

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
 * A Rabin-Karp style filter: every pattern is at least 8 bytes, so a hash of each pattern's
 * first 8 bytes goes into a bit table, and one pass over the input rolls an 8-byte window
 * and tests one bit per position. Only positions whose window hits the table (rare for text
 * that holds no value) compare the patterns that start with that window. This keeps the
 * per-byte work to a few integer operations, which is what lets `read` run at hundreds of
 * MB/s in JavaScript, where a byte-at-a-time Aho-Corasick automaton with 10^5 states pays a
 * memory load per byte and a large table.
 */
export class Redactor {
  private readonly patterns: Pattern[] = [];
  private readonly bits: Int32Array;
  private readonly shift: number;
  /** window hash -> indices of patterns starting with a window of that hash, longest first. */
  private readonly buckets = new Map<number, number[]>();
  private readonly placeholderHash: number;
  private readonly keys = new Set<string>();
  /** Raw bytes per key (the first given value of a key), for restore lookups in tests and tools. */
  readonly size: number;

  constructor(values: VaultedValue[]) {
    const seen = new Map<string, Pattern>();
    const add = (p: Pattern) => {
      const id = p.bytes.toString('latin1');
      const prior = seen.get(id);
      // The same bytes under two keys or two encodings: a raw form beats an encoded one,
      // then the first key given wins, so the choice is deterministic.
      if (prior && (prior.kind === Kind.Raw || p.kind !== Kind.Raw)) return;
      if (prior) prior.kind = p.kind, prior.key = p.key;
      else seen.set(id, p);
    };
    for (const v of values) {
      if (!isValidKey(v.key)) continue;
      this.keys.add(v.key);
      if (v.value.length < MIN_VALUE_BYTES) continue;
      const bytes = Buffer.from(v.value);
      add({ bytes, key: v.key, kind: Kind.Raw });
    }
    for (const v of values) {
      if (!isValidKey(v.key) || v.value.length < MIN_VALUE_BYTES) continue;
      for (const e of encodedForms(Buffer.from(v.value))) add({ bytes: e.bytes, key: v.key, kind: e.kind });
    }
    this.patterns = [...seen.values()];
    this.size = this.patterns.length;
    let tableBits = 16;
    while (tableBits < 26 && 1 << tableBits < this.patterns.length * 64) tableBits++;
    this.shift = 32 - tableBits;
    this.bits = new Int32Array(Math.max(1, (1 << tableBits) >>> 5));
    const index = (h: number, i: number) => {
      this.bits[h >>> 5]! |= 1 << (h & 31);
      const list = this.buckets.get(h);
      if (list) list.push(i);
      else this.buckets.set(h, [i]);
    };
    this.patterns.forEach((p, i) => {
      const [hi, lo] = windowAt(p.bytes, 0);
      index(windowHash(hi, lo, this.shift), i);
    });
    for (const list of this.buckets.values()) list.sort((a, b) => this.patterns[b]!.bytes.length - this.patterns[a]!.bytes.length);
    const [phi, plo] = windowAt(PREFIX, 0);
    this.placeholderHash = windowHash(phi, plo, this.shift);
    this.bits[this.placeholderHash >>> 5]! |= 1 << (this.placeholderHash & 31);
  }

  /** True when the key is one this redactor was built with (any value length). */
  knows(key: string): boolean {
    return this.keys.has(key);
  }

  /**
   * Leftmost-longest, non-overlapping matches of the patterns whose kind is in `kinds`,
   * plus (when `literals`) literal placeholder text that must be escaped.
   */
  private matches(input: Uint8Array, kinds: number, literals: boolean): Match[] {
    const out: Match[] = [];
    const n = input.length;
    if (n < WINDOW) return out;
    const bits = this.bits;
    const shift = this.shift;
    let [hi, lo] = windowAt(input, 0);
    let next = 0; // first byte not yet covered by a chosen match
    for (let start = 0; ; start++) {
      const h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> shift;
      if (bits[h >>> 5]! & (1 << (h & 31)) && start >= next) {
        const m = this.longestAt(input, start, h, kinds, literals);
        if (m) {
          out.push(m);
          next = m.end;
        }
      }
      const at = start + WINDOW;
      if (at >= n) break;
      hi = ((hi << 8) | (lo >>> 24)) >>> 0;
      lo = ((lo << 8) | input[at]!) >>> 0;
    }
    return out;
  }

  private longestAt(input: Uint8Array, start: number, h: number, kinds: number, literals: boolean): Match | undefined {
    let best: Match | undefined;
    const list = this.buckets.get(h);
    if (list) {
      for (const i of list) {
        const p = this.patterns[i]!;
        if (!(p.kind & kinds)) continue;
        const len = p.bytes.length;
        if (start + len > input.length) continue;
        let ok = true;
        for (let j = 0; j < len; j++) {
          if (input[start + j] !== p.bytes[j]) {
            ok = false;
            break;
          }
        }
        if (ok) {
          best = { start, end: start + len, key: p.key, kind: p.kind };
          break; // the bucket is sorted longest first
        }
      }
    }
    if (literals && h === this.placeholderHash) {
      const lit = parseToken(input, start);
      if (lit && this.escapable(lit) && (!best || lit.end - start > best.end - best.start)) {
        best = { start, end: lit.end, key: lit.key ?? '', kind: 0 };
      }
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
        parts.push(Buffer.from(`<agent-vault:${m.key}>`, 'latin1'));
        keys.add(m.key);
        count++;
      } else {
        const bytes = src.subarray(m.start, m.end);
        const h = hash8(bytes);
        // Two different byte strings with one 8-hex fingerprint cannot be told apart on
        // write; mark the fingerprint ambiguous (an empty entry) so write refuses it.
        const prior = markers.get(h);
        markers.set(h, prior && !prior.equals(bytes) ? Buffer.alloc(0) : Buffer.from(bytes));
        parts.push(Buffer.from(`<agent-vault:UNVAULTED:sha256:${h}>`, 'latin1'));
        unvaulted++;
      }
      at = m.end;
    }
    if (at === 0 && spans.length === 0) return { output: Buffer.from(src), count: 0, keys: [], unvaulted: 0, markers };
    if (at < src.length) parts.push(src.subarray(at));
    return { output: Buffer.concat(parts), count, keys: [...keys].sort(), unvaulted, markers };
  }
}

/** First 8 hex digits of sha256: the UNVAULTED marker's fingerprint (same as shortValueHash). */
export function hash8(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 8);
}

interface Token {
  end: number;
  /** Number of LITERAL: escapes. */
  literals: number;
  /** The key, or undefined for an UNVAULTED marker. */
  key: string | undefined;
  hash: string | undefined;
}

function startsWithAt(input: Uint8Array, at: number, what: Buffer): boolean {
  if (at + what.length > input.length) return false;
  for (let i = 0; i < what.length; i++) if (input[at + i] !== what[i]) return false;
  return true;
}

/** Parse `<agent-vault:(LITERAL:)*(KEY|UNVAULTED:sha256:hex8)>` at `at`, or undefined. */
function parseToken(input: Uint8Array, at: number): Token | undefined {
  if (!startsWithAt(input, at, PREFIX)) return undefined;
  let p = at + PREFIX.length;
  let literals = 0;
  while (startsWithAt(input, p, LITERAL)) {
    literals++;
    p += LITERAL.length;
  }
  if (startsWithAt(input, p, UNVAULTED)) {
    p += UNVAULTED.length;
    let hash = '';
    for (let i = 0; i < 8; i++) {
      const c = input[p + i];
      if (c === undefined || !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return undefined;
      hash += String.fromCharCode(c);
    }
    p += 8;
    if (input[p] !== 0x3e) return undefined;
    return { end: p + 1, literals, key: undefined, hash };
  }
  let key = '';
  while (p < input.length && key.length <= MAX_KEY) {
    const c = input[p]!;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) {
      key += String.fromCharCode(c);
      p++;
    } else break;
  }
  if (input[p] !== 0x3e || !isValidKey(key)) return undefined;
  return { end: p + 1, literals, key, hash: undefined };
}

export interface RestoreResult {
  output: Buffer;
  /** Placeholders replaced by a vault value. */
  restored: number;
  /** Keys whose placeholders stayed because the vault does not hold them (sorted, unique). */
  unknown: string[];
  /** UNVAULTED markers replaced through the `unvaulted` resolver. */
  unvaultedRestored: number;
  /** Fingerprints of UNVAULTED markers left as they are (no resolver, or it had no bytes). */
  unresolved: string[];
}

export interface RestoreOptions {
  /** Bytes for an UNVAULTED marker's fingerprint (write: from the file's current content). */
  unvaulted?: (hash8: string) => Uint8Array | undefined;
  /** Must match the redact side (see INVARIANT). Default true. */
  escapeLiterals?: boolean;
}

/**
 * placeholder -> value; a placeholder whose key the lookup does not know stays as it is
 * (lossless) and is reported; `<agent-vault:LITERAL:...>` loses one LITERAL when what it
 * escapes is a known key or an UNVAULTED marker (the inverse of redact's escaping).
 */
export function restorePlaceholders(input: Uint8Array, lookup: (key: string) => Uint8Array | undefined, options: RestoreOptions = {}): RestoreResult {
  const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const parts: Buffer[] = [];
  const unknown = new Set<string>();
  const unresolved = new Set<string>();
  const escape = options.escapeLiterals !== false;
  let restored = 0;
  let unvaultedRestored = 0;
  let at = 0;
  let from = 0;
  while ((from = src.indexOf(PREFIX, from)) !== -1) {
    const t = parseToken(src, from);
    if (!t) {
      from += 1;
      continue;
    }
    let replacement: Uint8Array | undefined;
    if (t.literals > 0) {
      if (escape && (t.key === undefined || lookup(t.key) !== undefined)) {
        replacement = Buffer.concat([PREFIX, src.subarray(from + PREFIX.length + LITERAL.length, t.end)]);
      }
    } else if (t.key !== undefined) {
      replacement = lookup(t.key);
      if (replacement === undefined) unknown.add(t.key);
      else restored++;
    } else {
      replacement = options.unvaulted?.(t.hash!);
      if (replacement === undefined) unresolved.add(t.hash!);
      else unvaultedRestored++;
    }
    if (replacement !== undefined) {
      if (from > at) parts.push(src.subarray(at, from));
      parts.push(Buffer.from(replacement.buffer, replacement.byteOffset, replacement.byteLength));
      at = t.end;
    }
    from = t.end;
  }
  if (at < src.length) parts.push(src.subarray(at));
  return { output: Buffer.concat(parts), restored, unknown: [...unknown].sort(), unvaultedRestored, unresolved: [...unresolved].sort() };
}

/**
 * Long random-looking strings no rule matched ("entropy-only suspects"): runs of token
 * characters, at least 20 long, mixing character classes, with high Shannon entropy.
 * Over-redaction is safe here because `write` restores an UNVAULTED marker from the file's
 * current content; under-redaction would leak.
 */
export function highEntropySpans(text: string): SuspectSpan[] {
  const out: SuspectSpan[] = [];
  const re = /[A-Za-z0-9+/_\-.=~]{20,}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    // Trim punctuation that is rarely part of a token's body.
    let s = m.index;
    let e = s + m[0].length;
    while (s < e && /[.\-_~/]/.test(text[s]!)) s++;
    while (e > s && /[.\-~/]/.test(text[e - 1]!)) e--;
    const token = text.slice(s, e);
    if (token.length < 20 || token.startsWith('agent-vault')) continue;
    if (looksRandom(token)) out.push({ start: s, end: e });
  }
  return out;
}

function looksRandom(token: string): boolean {
  const lower = /[a-z]/.test(token);
  const upper = /[A-Z]/.test(token);
  const digit = /[0-9]/.test(token);
  const classes = Number(lower) + Number(upper) + Number(digit);
  if (!digit || classes < 2) return false;
  // Paths and dotted names (a/b/c, com.example.app) are words joined by separators.
  if (/^(?:[A-Za-z]{2,}[/._-])+[A-Za-z0-9]*$/.test(token)) return false;
  const h = shannonEntropy(token);
  const hexOnly = /^[0-9a-fA-F]+$/.test(token);
  if (hexOnly) return token.length >= 32 && h >= 3.3;
  // Entropy of n samples is at most log2(n): scale the bar for shorter tokens.
  const bar = Math.min(4.3, Math.log2(token.length) - 0.7);
  return classes === 3 ? h >= bar : h >= bar + 0.2;
}

/**
 * Everything `read` hides behind UNVAULTED markers besides vaulted values: what the scanner's
 * rules find (the engine decides what is suspect) and entropy-only suspects. Offsets are
 * byte offsets (the text is decoded one char per byte).
 */
export function suspectSpans(input: Uint8Array, path: string, ruleset: Ruleset): SuspectSpan[] {
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const spans: SuspectSpan[] = [];
  const findings = scanText(text, { path }, ruleset);
  if (findings.length) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    for (const f of findings) {
      const start = starts[f.line - 1]! + f.column - 1;
      const end = starts[f.endLine - 1]! + f.endColumn - 1;
      if (end > start) spans.push({ start, end });
    }
  }
  spans.push(...highEntropySpans(text));
  return spans;
}
