/**
 * Values split across lines or literals: `abc\` + newline + `def`, `"abc" + "def"`, `'abc' 'def'`,
 * `"abc" . "def"`, a base64 text wrapped at some width, base64 with `\n` escapes in a JSON
 * string. The matcher looks for values in a *joined view*: only the lines that hold such a
 * split artifact, with the artifacts cut out, and an offset map back to the original bytes.
 * Everything here is independent of the vault (it looks at the file's bytes only), so the
 * same artifacts serve every matching pass. Pure: bytes in, spans out.
 */

/**
 * Byte ranges cut out to join a split value, sorted and non-overlapping, as flat triples
 * [start, end, wideEnd, ...]: `end` keeps the blanks that follow a line continuation (a C
 * string goes on with them), `wideEnd` cuts them too (shell, indented continuation lines).
 */
export type Artifacts = number[];

/** Lines that hold split artifacts, joined: `bytes[j]` came from `input[map[j]]`. */
export interface JoinedRegion {
  bytes: Uint8Array;
  map: Int32Array;
  /** Joined offsets where a cut was made: `bytes[c - 1]` and `bytes[c]` were apart in the input. Sorted. */
  cuts: number[];
}

const NL = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;

const classOf = (chars: string) => {
  const t = new Uint8Array(256);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
};
/** Bytes that can start an artifact: newline, backslash, quotes. */
const TRIGGER = classOf('\n\\"\'`');
const QUOTE = classOf('"\'`');
const BLANK = classOf(' \t');
/** Characters of standard and URL-safe base64 ('=' only ends a text, so it ends a run). */
const B64 = classOf('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_');
const UPPER = classOf('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const LOWER = classOf('abcdefghijklmnopqrstuvwxyz');

/** Longest run of blanks, newlines and operators between two concatenated literals. */
const MAX_JOIN = 64;
/** A wrapped base64 line shorter than this is not told apart from a word on its own line. */
const MIN_WRAP_LINE = 4;

/**
 * Find the split artifacts in input[from, to). Reads four bytes at a time and looks closer
 * only at blocks holding a newline, a backslash or a quote.
 */
export function splitArtifacts(input: Uint8Array, from = 0, to = input.length): Artifacts {
  const out: Artifacts = [];
  const u = input;
  const aligned = (input.byteOffset & 3) === 0;
  const words = aligned ? new Uint32Array(input.buffer, input.byteOffset, input.length >>> 2) : undefined;
  // The kind of quote whose string we are in on this line (0: none). Only a closing quote can
  // start a concatenation; knowing which quotes close keeps `" " . "x"` from being read as
  // the string `" "` joined to nothing.
  let inString = 0;
  // This line was joined to the one above as part of a wrapped base64 text.
  let inWrap = false;
  let i = from;
  while (i < to) {
    if (words && (i & 3) === 0) {
      // Skip blocks without a trigger byte: \n 0x0a, " 0x22, ' 0x27, \ 0x5c, ` 0x60.
      let b = i >>> 2;
      const last = to >>> 2;
      for (; b < last; b++) {
        const x = words[b]!;
        let y = x ^ 0x0a0a0a0a;
        let t = (y - 0x01010101) & ~y;
        y = x ^ 0x22222222;
        t |= (y - 0x01010101) & ~y;
        y = x ^ 0x27272727;
        t |= (y - 0x01010101) & ~y;
        y = x ^ 0x5c5c5c5c;
        t |= (y - 0x01010101) & ~y;
        y = x ^ 0x60606060;
        t |= (y - 0x01010101) & ~y;
        if ((t & 0x80808080) !== 0) break;
      }
      i = b << 2;
      if (i >= to) break;
    }
    const c = u[i]!;
    if (TRIGGER[c] === 0) i++;
    else if (c === BACKSLASH) i = backslashAt(u, i, from, to, out);
    else if (c === NL) {
      inString = 0;
      const before = out.length;
      i = newlineAt(u, i, from, to, out, inWrap);
      inWrap = out.length > before;
    } else if (inString === 0) {
      inString = c;
      i++;
    } else if (inString !== c) i++;
    else {
      const next = quoteAt(u, i, to, out);
      // Joined: we are inside the string the cut opened.
      inString = next === i + 1 ? 0 : u[next - 1]!;
      i = next;
    }
  }
  return out;
}

/** Index after a line break at `at` (`\n` or `\r\n`), or -1. */
function lineBreak(u: Uint8Array, at: number, to: number): number {
  if (at < to && u[at] === NL) return at + 1;
  if (at + 1 < to && u[at] === CR && u[at + 1] === NL) return at + 2;
  return -1;
}

function skipBlanks(u: Uint8Array, at: number, to: number): number {
  while (at < to && BLANK[u[at]!] === 1) at++;
  return at;
}

/** `\` + newline (a line continuation), or a `\n` escape between base64 characters. */
function backslashAt(u: Uint8Array, i: number, from: number, to: number, out: Artifacts): number {
  const lb = lineBreak(u, i + 1, to);
  if (lb !== -1) {
    const wide = skipBlanks(u, lb, to);
    out.push(i, lb, wide);
    return wide;
  }
  // `\n` or `\r\n` escapes inside a string that holds wrapped base64 (PEM text in JSON).
  let end = -1;
  if (i + 1 < to && u[i + 1] === 0x6e) end = i + 2;
  else if (i + 3 < to && u[i + 1] === 0x72 && u[i + 2] === BACKSLASH && u[i + 3] === 0x6e) end = i + 4;
  if (end !== -1 && i > from && B64[u[i - 1]!] === 1 && end < to && B64[u[end]!] === 1) {
    out.push(i, end, end);
    return end;
  }
  return i + 2;
}

/** Blanks, line breaks and line continuations between two literals. */
function skipJoin(u: Uint8Array, at: number, to: number): number {
  for (;;) {
    at = skipBlanks(u, at, to);
    let lb = lineBreak(u, at, to);
    if (lb === -1 && at < to && u[at] === BACKSLASH) lb = lineBreak(u, at + 1, to);
    if (lb === -1) return at;
    at = lb;
  }
}

/** A closing quote, an optional concatenation operator, an opening quote: `" + "`, `' '`, `" . "`, `"\n  + "`. */
function quoteAt(u: Uint8Array, i: number, to: number, out: Artifacts): number {
  const limit = Math.min(to, i + MAX_JOIN);
  let k = skipJoin(u, i + 1, limit);
  const op = k < limit ? u[k]! : 0;
  if (op === 0x2b || op === 0x7e || op === 0x26) k++; // + ~ &
  else if (op === 0x2e) k += k + 1 < limit && u[k + 1] === 0x2e ? 2 : 1; // . ..
  else if (op === 0x7c && k + 1 < limit && u[k + 1] === 0x7c) k += 2; // ||
  k = skipJoin(u, k, limit);
  if (k > i + 1 && k < limit && QUOTE[u[k]!] === 1) {
    out.push(i, k + 1, k + 1);
    return k + 1;
  }
  return i + 1;
}

/**
 * A line break inside a wrapped base64 text: base64 on both sides, and at least one of the two
 * lines holds nothing but base64 (the middle lines of a wrapped text do; the first may start
 * with `key: ` and the last end with `"`). Cut: trailing blanks, the break, the indentation.
 */
function newlineAt(u: Uint8Array, i: number, from: number, to: number, out: Artifacts, inWrap: boolean): number {
  let p = i; // end of the previous line's content
  if (p > from && u[p - 1] === CR) p--;
  while (p > from && BLANK[u[p - 1]!] === 1) p--;
  const q = skipBlanks(u, i + 1, to); // start of the next line's content
  if (p === from || q >= to || B64[u[p - 1]!] !== 1 || B64[u[q]!] !== 1) return i + 1;
  let ls = p - 1;
  while (ls > from && B64[u[ls - 1]!] === 1) ls--;
  let le = q + 1;
  while (le < to && B64[u[le]!] === 1) le++;
  if (p - ls < MIN_WRAP_LINE && le - q < MIN_WRAP_LINE - 2 && !inWrap) return q;
  let lePad = le;
  while (lePad < to && u[lePad] === 0x3d) lePad++; // '=' padding ends the last line
  // Lines of nothing but base64 chars, at least MIN_WRAP_LINE long: two of them together are
  // a wrapped text; one beside other text must look encoded (not a word on its own line).
  // Inside a wrapped text the last line may be shorter.
  let s = ls;
  while (s > from && BLANK[u[s - 1]!] === 1) s--;
  const prevAll = s === from || u[s - 1] === NL;
  const e = skipBlanks(u, lePad, to);
  const nextAll = e >= to || u[e] === NL || u[e] === CR;
  const prevPure = prevAll && p - ls >= MIN_WRAP_LINE;
  const nextPure = nextAll && lePad - q >= MIN_WRAP_LINE;
  const ok = (prevPure && nextPure) || (prevPure && looksEncoded(u, ls, p)) || (nextPure && looksEncoded(u, q, le)) || (inWrap && prevAll && nextAll);
  if (ok) out.push(p, q, q);
  return q;
}

/** Base64 text mixes character classes; a word or a lower-case identifier on its own line does not. */
function looksEncoded(u: Uint8Array, s: number, e: number): boolean {
  let upper = 0;
  let lower = 0;
  let other = 0;
  for (let k = s; k < e; k++) {
    const c = u[k]!;
    if (UPPER[c] === 1) upper = 1;
    else if (LOWER[c] === 1) lower = 1;
    else other = 1;
  }
  return upper + lower + other >= 2;
}

/**
 * The joined regions of input[from, to): each run of lines that hold artifacts, with the
 * artifacts cut out (`wide`: with the blanks after line continuations too). A value split
 * across such lines is contiguous in a region's bytes.
 */
export function joinedRegions(input: Uint8Array, artifacts: Artifacts, from: number, to: number, wide: boolean): JoinedRegion[] {
  const regions: JoinedRegion[] = [];
  const cuts: number[] = []; // (start, end) pairs inside [from, to)
  for (let k = 0; k < artifacts.length; k += 3) {
    const end = wide ? artifacts[k + 2]! : artifacts[k + 1]!;
    if (artifacts[k]! >= from && end <= to) cuts.push(artifacts[k]!, end);
  }
  let a = 0;
  while (a < cuts.length) {
    // The region: from the start of the first artifact's line to the end of the line where
    // the last chained artifact ends.
    let start = cuts[a]!;
    while (start > from && input[start - 1] !== NL) start--;
    let end = lineEnd(input, cuts[a + 1]!, to);
    let b = a + 2;
    while (b < cuts.length && cuts[b]! <= end) {
      end = Math.max(end, lineEnd(input, cuts[b + 1]!, to));
      b += 2;
    }
    let removed = 0;
    for (let k = a; k < b; k += 2) removed += cuts[k + 1]! - cuts[k]!;
    const bytes = new Uint8Array(end - start - removed);
    const map = new Int32Array(bytes.length);
    const at: number[] = [];
    let j = 0;
    let i = start;
    for (let k = a; k <= b; k += 2) {
      const stop = k < b ? cuts[k]! : end;
      for (; i < stop; i++, j++) {
        bytes[j] = input[i]!;
        map[j] = i;
      }
      if (k < b) {
        at.push(j);
        i = cuts[k + 1]!;
      }
    }
    regions.push({ bytes, map, cuts: at });
    a = b;
  }
  return regions;
}

/** True when some line continuation has blanks after it (the wide joined view differs). */
export function hasWideArtifacts(artifacts: Artifacts): boolean {
  for (let k = 0; k < artifacts.length; k += 3) if (artifacts[k + 2] !== artifacts[k + 1]) return true;
  return false;
}

function lineEnd(input: Uint8Array, at: number, to: number): number {
  while (at < to && input[at] !== NL) at++;
  return at;
}
