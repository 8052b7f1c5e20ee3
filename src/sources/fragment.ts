import type { Ruleset } from '../core/rules.js';
import { looksBinary, mayBeKeyContainer, scanText, type ScanOptions } from '../core/scan.js';
import type { Finding, Origin, Skipped } from '../core/types.js';

/**
 * One piece of content from any source (a file, a blob in the index or a commit, the lines a
 * commit adds to one file, standard input), in the one shape every consumer reads: `scan`,
 * the hooks, the Action. Where the text sits in its file is part of the origin: a diff
 * fragment maps each of its lines (`lineMap`), a window of a larger file says where it
 * starts (`firstLine`); consumers turn offsets into file lines with core's `fileLine` and
 * never need to know which it was.
 */
export interface Fragment extends Origin {
  /** The content as stored: a whole file or blob, or the added lines joined with '\n'. */
  readonly bytes: Buffer;
  /**
   * The same content already read one char per byte, when the source has it so (diff hunks
   * arrive as text): the decode step then uses it instead of reading the bytes again.
   */
  readonly text?: string;
}

/**
 * A blob too large to hold in memory, written to a temporary file (`file`, removed when the
 * source moves on) so it is read and scanned a window at a time.
 */
export interface SpilledBlob {
  path: string;
  file: string;
  size: number;
}

/** A source's answer for one file: its fragment (or, for a very large blob, where it was spilled), or why it was not read. */
export type SourceRead = FragmentRead | { ok: true; spilled: SpilledBlob; fragment?: undefined };
/** A file read whole (or why it was not read). */
export type FragmentRead = { ok: true; fragment: Fragment; spilled?: undefined } | { ok: false; skipped: Skipped };

export type Decoded =
  | {
      ok: true;
      text: string;
      /**
       * Set when a byte order mark announced another encoding than one char per byte: text
       * offsets are then not byte offsets, and `textOffset` maps one to the other.
       */
      encoding?: BomEncoding;
    }
  | { ok: false; skipped: Skipped };

/** Content sniffing as git does it, on text read one char per byte: a NUL in the first 8000. */
function textLooksBinary(text: string): boolean {
  const at = text.indexOf('\0');
  return at >= 0 && at < 8000;
}

export type BomEncoding = 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** The encoding a byte order mark announces (UTF-32 first: its LE mark starts like UTF-16's). */
function bomOf(bytes: Uint8Array): BomEncoding | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return 'utf-32le';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'utf-32be';
  if (a === 0xff && b === 0xfe) return 'utf-16le';
  if (a === 0xfe && b === 0xff) return 'utf-16be';
  return undefined;
}

const BOM_BYTES: Record<BomEncoding, number> = { 'utf-16le': 2, 'utf-16be': 2, 'utf-32le': 4, 'utf-32be': 4 };

/**
 * Text in the encoding its byte order mark announces, without the mark; undefined when the
 * bytes are not valid in it (an odd length, an unpaired surrogate, a code point past
 * U+10FFFF): such bytes merely start like a mark and are read one char per byte.
 */
function decodeBom(bytes: Uint8Array, encoding: BomEncoding, withMark = true): string | undefined {
  const body = withMark ? bytes.subarray(BOM_BYTES[encoding]) : bytes;
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    try {
      return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      return undefined;
    }
  }
  if (body.length % 4) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const le = encoding === 'utf-32le';
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i < body.length; i += 4) {
    const cp = view.getUint32(i, le);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    chunk.push(cp);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/**
 * The one decode step from stored content to the text the engine scans: the size ceiling,
 * then a byte order mark (UTF-16 and UTF-32, either byte order, are decoded so that their
 * tokens and line breaks are seen), then binary sniffing, then one char per byte (latin1), so
 * that text offsets are byte offsets and any other encoding's bytes reach the rules unchanged.
 */
export function decodeFragment(fragment: Fragment, maxFileSize: number): Decoded {
  const { path, commit, text } = fragment;
  const size = text === undefined ? fragment.bytes.length : text.length;
  if (size > maxFileSize) {
    return { ok: false, skipped: { path, reason: 'too-large', detail: `${size} bytes > ${maxFileSize}${commit ? ` (added in ${commit.slice(0, 12)})` : ''}` } };
  }
  if (text === undefined) {
    const encoding = bomOf(fragment.bytes);
    const decoded = encoding && decodeBom(fragment.bytes, encoding);
    if (encoding && decoded !== undefined) {
      return textLooksBinary(decoded) ? { ok: false, skipped: { path, reason: 'binary' } } : { ok: true, text: decoded, encoding };
    }
  }
  // Binary content is skipped, except what may be a key container (.p12, .jks, DER keys):
  // those are scanned for their magic bytes and reported.
  if (text === undefined ? looksBinary(fragment.bytes) && !mayBeKeyContainer(fragment.bytes) : textLooksBinary(text)) return { ok: false, skipped: { path, reason: 'binary' } };
  return { ok: true, text: text ?? fragment.bytes.toString('latin1') };
}

/**
 * Where a byte offset of the stored content falls in the decoded text (the vault check finds
 * values in bytes; lines are counted in the text).
 */
export function textOffset(decoded: Extract<Decoded, { ok: true }>, bytes: Uint8Array, byteOffset: number): number {
  const { encoding } = decoded;
  if (!encoding) return byteOffset;
  const start = BOM_BYTES[encoding];
  if (byteOffset <= start) return 0;
  // UTF-16 code units are JavaScript's: two bytes each. UTF-32 units above U+FFFF take two.
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return (byteOffset - start) >> 1;
  const whole = start + ((byteOffset - start) & ~3);
  return (decodeBom(bytes.subarray(0, whole), encoding) ?? '').length;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The decode step for rules that read characters rather than bytes (the skill threat rules:
 * homoglyphs, tag characters, bidi controls): the encoding a byte order mark announces, else
 * UTF-8, else one char per byte, so no byte is ever lost to a replacement character.
 */
export function decodeCharacters(bytes: Uint8Array): string {
  const encoding = bomOf(bytes);
  const decoded = encoding && decodeBom(bytes, encoding);
  if (decoded !== undefined) return decoded;
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

/** The decode step for bytes that are not (yet) a fragment: the filter's clean without a vault. */
export function decodeForScan(bytes: Buffer, path: string, maxFileSize: number): Decoded {
  return decodeFragment({ path, bytes }, maxFileSize);
}

export interface FragmentScan {
  decoded: Decoded;
  findings: Finding[];
  /** Characters scanned (the decoded text's length, or every window's new text). */
  chars: number;
}

/** Decode and scan one fragment; one larger than maxFileSize is scanned in windows, not skipped. */
export function scanFragment(fragment: Fragment, ruleset: Ruleset, maxFileSize: number, options: ScanOptions = {}): FragmentScan {
  const decoded = decodeFragment(fragment, maxFileSize);
  if (decoded.ok) return { decoded, findings: scanText(decoded.text, fragment, ruleset, options), chars: decoded.text.length };
  if (decoded.skipped.reason !== 'too-large') return { decoded, findings: [], chars: 0 };
  const windows = scanInWindows(fragment, ruleset, options);
  if (!windows) return { decoded: { ok: false, skipped: { path: fragment.path, reason: 'binary' } }, findings: [], chars: 0 };
  return { decoded: { ok: true, text: '' }, findings: windows.findings, chars: windows.chars };
}

/**
 * Text past maxFileSize is scanned in windows of this many characters, so that memory stays
 * bounded however large a file is (a fragment already in memory is only sliced).
 */
export const WINDOW_CHARS = 8 * 1024 * 1024;
/**
 * Consecutive windows overlap by at least this many characters: longer than any secret a rule
 * matches (the longest, a PEM private key block, is a few KB), so a match that straddles a
 * window boundary is whole in the window it starts in.
 */
export const WINDOW_OVERLAP = 64 * 1024;

/** Text in pieces, in order; undefined at the end. */
export type TextPieces = () => string | undefined;

/**
 * The pieces of a stream of stored bytes, decoded as the one decode step does: in the
 * encoding a byte order mark announces, else one char per byte. Undefined when the first
 * chunk looks binary (git's sniffing, as for a whole file).
 */
export function bytePieces(readChunk: () => Buffer | undefined): TextPieces | undefined {
  const head = readChunk();
  if (head === undefined) return () => undefined;
  const encoding = bomOf(head);
  if (!encoding && looksBinary(head)) return undefined;
  let decode: (b: Buffer, last: boolean) => string = (b) => b.toString('latin1');
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const d = new TextDecoder(encoding, { ignoreBOM: false });
    decode = (b, last) => d.decode(b, { stream: !last });
  } else if (encoding) {
    let rest = Buffer.alloc(0);
    let withMark = true;
    decode = (b) => {
      const all = Buffer.concat([rest, b]);
      const whole = all.length - (all.length % 4);
      rest = all.subarray(whole);
      const text = decodeBom(all.subarray(0, whole), encoding, withMark) ?? all.toString('latin1', 0, whole);
      withMark = false;
      return text;
    };
  }
  let pending: Buffer | undefined = head;
  let done = false;
  return () => {
    if (done) return undefined;
    const chunk = pending ?? readChunk();
    pending = undefined;
    if (chunk === undefined) {
      done = true;
      return decode(Buffer.alloc(0), true) || undefined;
    }
    return decode(chunk, false);
  };
}

/** A fragment in memory as pieces of its text (undefined when its bytes look binary). */
function fragmentPieces(fragment: Fragment): TextPieces | undefined {
  if (fragment.text !== undefined) {
    const text = fragment.text;
    let at = 0;
    return () => (at >= text.length ? undefined : text.slice(at, (at += WINDOW_CHARS)));
  }
  const bytes = fragment.bytes;
  let at = 0;
  return bytePieces(() => (at >= bytes.length ? undefined : bytes.subarray(at, (at += WINDOW_CHARS))));
}

/** Scan a fragment too large for one window; undefined when its bytes look binary. */
export function scanInWindows(fragment: Fragment, ruleset: Ruleset, options: ScanOptions = {}): { findings: Finding[]; chars: number } | undefined {
  const pieces = fragmentPieces(fragment);
  return pieces ? scanWindows(pieces, fragment, ruleset, options) : undefined;
}

/**
 * Scan text that arrives in pieces, window by window. Each window is what the last one left
 * (at least WINDOW_OVERLAP characters, from a line start when one is near) plus the next
 * piece; it keeps the findings that start before where the next window begins, so a match
 * across a boundary is found once, whole, and line and column numbers are the file's.
 */
export function scanWindows(next: TextPieces, origin: Origin, ruleset: Ruleset, options: ScanOptions = {}, overlap = WINDOW_OVERLAP): { findings: Finding[]; chars: number } {
  const findings: Finding[] = [];
  let chars = 0;
  let carry = '';
  let line0 = 0; // lines of the text before this window
  let column0 = 0; // where in its line the window starts
  let piece = next();
  while (piece !== undefined || carry) {
    chars += piece?.length ?? 0;
    const text = carry + (piece ?? '');
    const after = piece === undefined ? undefined : next();
    const last = after === undefined;
    let cut = text.length;
    if (!last) {
      const limit = Math.max(1, text.length - overlap);
      const nl = text.lastIndexOf('\n', limit - 1);
      cut = nl >= limit / 2 ? nl + 1 : limit;
    }
    let cutLine = 0;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < cut; i = text.indexOf('\n', i + 1)) {
      cutLine++;
      lineStart = i + 1;
    }
    const cutColumn = cut - lineStart;
    const windowOrigin: Origin = origin.lineMap
      ? { ...origin, lineMap: origin.lineMap.slice(line0) }
      : { ...origin, firstLine: (origin.firstLine ?? 1) + line0 };
    const first = (origin.lineMap ? origin.lineMap[line0] : undefined) ?? windowOrigin.firstLine ?? 1;
    for (const f of scanText(text, windowOrigin, ruleset, options)) {
      const l = origin.lineMap ? (windowOrigin.lineMap?.indexOf(f.line) ?? 0) : f.line - first;
      if (!last && (l > cutLine || (l === cutLine && f.column - 1 >= cutColumn))) continue; // the next window's
      if (l === 0 && column0) {
        if (f.endLine === f.line) f.endColumn += column0;
        f.column += column0;
      }
      findings.push(f);
    }
    if (last) break;
    column0 = cutLine === 0 ? column0 + cutColumn : cutColumn;
    line0 += cutLine;
    carry = text.slice(cut);
    piece = after;
  }
  return { findings, chars };
}
