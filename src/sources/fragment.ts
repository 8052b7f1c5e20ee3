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

export type Decoded = { ok: true; text: string } | { ok: false; skipped: Skipped };

/** Content sniffing as git does it, on text read one char per byte: a NUL in the first 8000. */
function textLooksBinary(text: string): boolean {
  const at = text.indexOf('\0');
  return at >= 0 && at < 8000;
}

/**
 * The one decode step from stored content to the text the engine scans: the size ceiling,
 * then binary sniffing, then one char per byte (latin1), so that text offsets are byte
 * offsets and any encoding's bytes reach the rules unchanged.
 */
export function decodeFragment(fragment: Fragment, maxFileSize: number): Decoded {
  const { path, commit, text } = fragment;
  const size = text === undefined ? fragment.bytes.length : text.length;
  if (size > maxFileSize) {
    return { ok: false, skipped: { path, reason: 'too-large', detail: `${size} bytes > ${maxFileSize}${commit ? ` (added in ${commit.slice(0, 12)})` : ''}` } };
  }
  if (text === undefined ? looksBinary(fragment.bytes) : textLooksBinary(text)) return { ok: false, skipped: { path, reason: 'binary' } };
  return { ok: true, text: text ?? fragment.bytes.toString('latin1') };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The decode step for rules that read characters rather than bytes (the skill threat rules:
 * homoglyphs, tag characters, bidi controls): UTF-8, else one char per byte, so no byte is
 * ever lost to a replacement character.
 */
export function decodeCharacters(bytes: Uint8Array): string {
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
