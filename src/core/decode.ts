/**
 * Encoded text inside text: base64 (standard and URL-safe), hex and percent-encoded segments
 * whose decoded bytes are readable text. The scanner decodes them and scans the result in
 * place (core/scan.ts), so a token wrapped in base64 (a Kubernetes Secret, a Basic auth header,
 * a blob in a config file) is found and reported at the encoded span.
 *
 * Finding the segments must cost little on text that holds none: base64-alphabet runs are found
 * by sampling every `MIN_RUN / 2` characters (a run of MIN_RUN or more always holds two samples
 * that far apart), and a candidate is decoded only while its bytes stay printable, so a hash,
 * an identifier or binary data is given up after a few bytes.
 */

export type Encoding = 'base64' | 'hex' | 'percent';

export interface EncodedSegment {
  /** Offsets of the encoded text. */
  start: number;
  end: number;
  encoding: Encoding;
  /** The decoded text (latin1: one char per byte, as the scanner reads text). */
  decoded: string;
}

/** Shortest base64 run worth decoding (12 bytes of text: a short password in a Kubernetes Secret). */
export const MIN_RUN = 16;
/** Shortest hex run worth decoding (16 bytes of text). */
const MIN_HEX = 32;
/** Shortest decoded text kept. */
const MIN_DECODED = 8;
/** Longest encoded segment decoded; longer ones are data, not a credential. */
export const MAX_SEGMENT = 64 * 1024;

const B64_VALUE = new Int8Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
for (let i = 0; i < 62; i++) B64_VALUE[ALPHABET.charCodeAt(i)] = i;
B64_VALUE[43] = 62; // +
B64_VALUE[45] = 62; // - (URL-safe)
B64_VALUE[47] = 63; // /
B64_VALUE[95] = 63; // _ (URL-safe)

const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Bytes a decoded secret may contain: printable ASCII, tab, line feed, carriage return. */
const isText = (b: number) => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;

const inAlphabet = (c: number) => c < 256 && B64_VALUE[c]! >= 0;

/** Decoded bytes land here first: a string is made only for segments that decode to text. */
const scratch = new Uint8Array(MAX_SEGMENT);

function latin1(n: number): string {
  let out = '';
  for (let i = 0; i < n; i += 8192) out += String.fromCharCode.apply(null, scratch.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
  return out;
}

/**
 * Base64 of [s, e) into `scratch`: the number of bytes, or -1 as soon as a byte is not text.
 * A trailing partial group is decoded as far as it goes; `=` padding is not part of [s, e).
 */
function decodeBase64(text: string, s: number, e: number): number {
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = s; i < e; i++) {
    acc = ((acc << 6) | B64_VALUE[text.charCodeAt(i)]!) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const b = (acc >> bits) & 0xff;
      if (!isText(b)) return -1;
      scratch[n++] = b;
    }
  }
  return n;
}

function decodeHex(text: string, s: number, e: number): number {
  let n = 0;
  for (let i = s; i + 1 < e; i += 2) {
    const b = (HEX_VALUE[text.charCodeAt(i)]! << 4) | HEX_VALUE[text.charCodeAt(i + 1)]!;
    if (!isText(b)) return -1;
    scratch[n++] = b;
  }
  return n;
}

/**
 * Runs of base64-alphabet characters of at least MIN_RUN, as [start, end) pairs. Skips like
 * Boyer-Moore: look at the last character of a MIN_RUN window and back from there; the first
 * character outside the alphabet moves the window past itself, so ordinary text is crossed
 * reading about one character in four.
 */
export function alphabetRuns(text: string): number[] {
  const runs: number[] = [];
  const len = text.length;
  // Invariant: i is 0 or follows a character outside the alphabet, so a run starts at i.
  let i = 0;
  while (i + MIN_RUN <= len) {
    let q = i + MIN_RUN - 1;
    while (q >= i && inAlphabet(text.charCodeAt(q))) q--;
    if (q >= i) {
      i = q + 1;
      continue;
    }
    let e = i + MIN_RUN;
    while (e < len && inAlphabet(text.charCodeAt(e))) e++;
    runs.push(i, e);
    i = e + 1;
  }
  return runs;
}

/**
 * Characters a percent-encoded segment spans: the escapes and what an encoded value keeps as it
 * is. `/ ? # & =` are left out: unescaped, they are the structure around the value (the
 * `?dsn=` of a query string), not part of it.
 */
const URL_CHAR = /[A-Za-z0-9%._~+\-!*'():@$,;]/;

function percentSegments(text: string, out: EncodedSegment[]): void {
  let i = text.indexOf('%');
  while (i !== -1) {
    if (HEX_VALUE[text.charCodeAt(i + 1)]! < 0 || HEX_VALUE[text.charCodeAt(i + 2)]! < 0) {
      i = text.indexOf('%', i + 1);
      continue;
    }
    let s = i;
    while (s > 0 && i - s < MAX_SEGMENT && URL_CHAR.test(text[s - 1]!)) s--;
    let e = i;
    while (e < text.length && e - s < MAX_SEGMENT && URL_CHAR.test(text[e]!)) e++;
    let decoded = '';
    let escapes = 0;
    let structural = false;
    let ok = true;
    for (let k = s; k < e; k++) {
      const c = text[k]!;
      if (c === '%' && HEX_VALUE[text.charCodeAt(k + 1)]! >= 0 && HEX_VALUE[text.charCodeAt(k + 2)]! >= 0) {
        const b = (HEX_VALUE[text.charCodeAt(k + 1)]! << 4) | HEX_VALUE[text.charCodeAt(k + 2)]!;
        if (!isText(b)) {
          ok = false;
          break;
        }
        const ch = String.fromCharCode(b);
        if (':/@=&?#%+ "'.includes(ch)) structural = true;
        decoded += ch;
        escapes++;
        k += 2;
      } else decoded += c;
    }
    // Two escapes, or one that hides URL structure (%40 for @, %3A for :): a lone %20 or 50%25
    // in prose is not worth a rescan.
    if (ok && decoded.length >= MIN_DECODED && (escapes >= 2 || structural)) out.push({ start: s, end: e, encoding: 'percent', decoded });
    i = text.indexOf('%', e);
  }
}

/**
 * The encoded segments of `text` whose decoded form is readable text, in text order. At most
 * `limit` segments (a file of thousands of encoded blobs is data, not configuration).
 */
export function findEncodedSegments(text: string, limit = 256): EncodedSegment[] {
  const out: EncodedSegment[] = [];
  const runs = alphabetRuns(text);
  for (let r = 0; r < runs.length && out.length < limit; r += 2) {
    const s = runs[r]!;
    const e = runs[r + 1]!;
    if (e - s > MAX_SEGMENT) continue;
    // Hex first (a hex run is also base64-shaped); both decoders give up at the first byte
    // that is not text, which for a hash or an identifier comes within a few bytes.
    if (e - s >= MIN_HEX && HEX_VALUE[text.charCodeAt(s)]! >= 0) {
      const n = decodeHex(text, s, e - ((e - s) & 1));
      if (n >= MIN_DECODED) {
        out.push({ start: s, end: e, encoding: 'hex', decoded: latin1(n) });
        continue;
      }
    }
    const n = decodeBase64(text, s, e);
    if (n < MIN_DECODED) continue;
    let end = e;
    while (end < text.length && end - e < 2 && text[end] === '=') end++;
    out.push({ start: s, end, encoding: 'base64', decoded: latin1(n) });
  }
  if (out.length < limit && text.includes('%')) {
    percentSegments(text, out);
    out.sort((a, b) => a.start - b.start);
    if (out.length > limit) out.length = limit;
  }
  return out;
}

/**
 * A whole value's decoded text when the value is base64 or hex of text (at least four bytes),
 * else undefined: used to judge a value by what it says (`Y2hhbmdlbWU=` says changeme).
 */
export function decodedValue(value: string): string | undefined {
  if (value.length < 8 || value.length > MAX_SEGMENT) return undefined;
  let end = value.length;
  while (end > 0 && value[end - 1] === '=') end--;
  for (let i = 0; i < end; i++) if (!inAlphabet(value.charCodeAt(i))) return undefined;
  if (end % 2 === 0 && HEX_VALUE[value.charCodeAt(0)]! >= 0) {
    const n = decodeHex(value, 0, end);
    if (n >= 4) return latin1(n);
  }
  if (end % 4 === 1) return undefined;
  const n = decodeBase64(value, 0, end);
  return n >= 4 ? latin1(n) : undefined;
}
