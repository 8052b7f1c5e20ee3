import type { Ruleset } from '../core/rules.js';
import { looksBinary, scanText, type ScanOptions } from '../core/scan.js';
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

/** A source's answer for one file: its fragment, or why it was not read. */
export type SourceRead = { ok: true; fragment: Fragment } | { ok: false; skipped: Skipped };

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
function decodeBom(bytes: Uint8Array, encoding: BomEncoding): string | undefined {
  const body = bytes.subarray(BOM_BYTES[encoding]);
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
  if (text === undefined ? looksBinary(fragment.bytes) : textLooksBinary(text)) return { ok: false, skipped: { path, reason: 'binary' } };
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
}

/** Decode and scan one fragment. */
export function scanFragment(fragment: Fragment, ruleset: Ruleset, maxFileSize: number, options: ScanOptions = {}): FragmentScan {
  const decoded = decodeFragment(fragment, maxFileSize);
  return { decoded, findings: decoded.ok ? scanText(decoded.text, fragment, ruleset, options) : [] };
}
