import { createHash } from 'node:crypto';
import { skillFailure } from './codes.js';

/**
 * avt1: the canonical manifest of a skill folder and its content hash. Pure: the folder
 * walk lives in tree.ts; this module only validates entries and serialises them.
 *
 *   manifest     = line*            one line per file, sorted by the UTF-8 bytes of path
 *   line         = type SP sha256hex SP path LF
 *   type         = "f" (regular) | "x" (executable) | "l" (symlink; the hash is of its target)
 *   content_hash = "sha256:" + hex(sha256(manifest))
 */
export type EntryType = 'f' | 'x' | 'l';

export interface ManifestEntry {
  /** POSIX path relative to the skill folder, NFC-normalised. */
  path: string;
  type: EntryType;
  /** Lower-case hex sha256 of the (normalised) content, or of the link target. */
  sha256: string;
}

export interface Manifest {
  entries: ManifestEntry[];
  text: string;
  contentHash: string;
}

/** The only file of a skill folder left out of the manifest: the signature sidecar. */
export const SIGNATURE_FILE = 'SKILL.sig';

const HEX64 = /^[0-9a-f]{64}$/;

/** Why a path cannot appear in a manifest, or undefined when it can. */
export function pathProblem(path: string): string | undefined {
  if (path === '') return 'empty path';
  if (/[\0]/.test(path)) return 'NUL byte in name';
  if (/[\n\r]/.test(path)) return 'newline or carriage return in name';
  if (path.includes('\\')) return 'backslash in name (a path separator on Windows)';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute path';
  for (const seg of path.split('/')) {
    if (seg === '') return 'empty path segment';
    if (seg === '..') return 'parent-directory segment (..)';
    if (seg === '.') return 'current-directory segment (.)';
  }
  return undefined;
}

/**
 * Text content is hashed with CRLF line ends folded to LF, so a checkout with
 * core.autocrlf=true (or an editor on Windows) does not change the hash. Text means "no NUL
 * byte anywhere", the same sniff git uses for its own conversion; binary content is hashed
 * as is.
 */
export function normaliseContent(bytes: Uint8Array): Uint8Array {
  if (bytes.indexOf(0) !== -1 || bytes.indexOf(13) === -1) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10) continue;
    out[n++] = bytes[i]!;
  }
  return out.subarray(0, n);
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Hash of a file's content as avt1 records it. */
export function contentDigest(bytes: Uint8Array): string {
  return sha256Hex(normaliseContent(bytes));
}

/**
 * Validate entries and build the manifest. Throws SKILL_TREE_REJECTED naming every
 * problem: traversal, absolute paths, NUL/newline names, case-fold or normalisation
 * collisions, duplicate paths.
 */
export function buildManifest(input: readonly ManifestEntry[]): Manifest {
  const problems: string[] = [];
  const byFold = new Map<string, string>();
  const entries: ManifestEntry[] = [];
  for (const e of input) {
    const problem = pathProblem(e.path);
    if (problem) {
      problems.push(`${JSON.stringify(e.path)}: ${problem}`);
      continue;
    }
    if (!['f', 'x', 'l'].includes(e.type)) problems.push(`${JSON.stringify(e.path)}: unknown entry type ${JSON.stringify(e.type)}`);
    if (!HEX64.test(e.sha256)) problems.push(`${JSON.stringify(e.path)}: digest is not 64 lower-case hex digits`);
    const nfc = e.path.normalize('NFC');
    // Two names that differ only by case or Unicode normalisation are one file on macOS
    // and Windows: which one an agent loads would depend on the machine.
    const fold = nfc.toLowerCase();
    const clash = byFold.get(fold);
    if (clash !== undefined) {
      problems.push(clash === e.path ? `${JSON.stringify(e.path)}: listed twice` : `${JSON.stringify(e.path)} and ${JSON.stringify(clash)} collide when case and Unicode normalisation are ignored`);
      continue;
    }
    byFold.set(fold, e.path);
    entries.push({ path: nfc, type: e.type, sha256: e.sha256 });
  }
  if (problems.length) {
    throw skillFailure('SKILL_TREE_REJECTED', `the skill folder cannot be hashed safely:\n  ${problems.join('\n  ')}`, 'Rename or remove the files named above; a skill must be portable and self-contained.');
  }
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8')));
  const text = entries.map((e) => `${e.type} ${e.sha256} ${e.path}\n`).join('');
  return { entries, text, contentHash: `sha256:${sha256Hex(Buffer.from(text, 'utf8'))}` };
}

/** Parse a manifest text back into entries (for vectors and diffs); strict. */
export function parseManifest(text: string): ManifestEntry[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw skillFailure('SKILL_TREE_REJECTED', 'manifest does not end with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      const m = /^([fxl]) ([0-9a-f]{64}) (.+)$/.exec(line);
      if (!m) throw skillFailure('SKILL_TREE_REJECTED', `manifest line ${i + 1} is malformed`);
      return { type: m[1] as EntryType, sha256: m[2]!, path: m[3]! };
    });
}
