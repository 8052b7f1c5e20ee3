import { pathProblem } from '../skill/avt1.js';

/**
 * The registry's bundle format: a deterministic POSIX ustar archive of a skill tree.
 *
 * Writer: entries sorted by their UTF-8 bytes, mtime 0, uid/gid 0, no user or group names,
 * modes 0644 (file), 0755 (executable), 0777 (symlink); no folder entries (a skill's
 * manifest has none), two zero blocks at the end. The same tree always gives the same bytes.
 *
 * Reader: strict, because the bytes come from a registry that may be hostile. It accepts only
 * what the writer makes (plus folder entries): ustar magic, good checksums, octal sizes,
 * regular files, folders and symlinks that stay inside the skill. It refuses `..`, absolute
 * paths, hard links, device files, FIFOs, pax and GNU extensions, duplicate paths, paths
 * below a file or link, a missing end marker (a truncated bundle), and more than `limits`.
 * It never touches the file system: extraction is the caller's, after every check passed.
 */

export type TarEntryType = 'f' | 'x' | 'l';

export interface TarEntry {
  path: string;
  type: TarEntryType;
  /** File bytes; empty for symlinks. */
  bytes: Buffer;
  /** Symlink target. */
  target?: string;
}

export interface TarLimits {
  /** Total bytes of file content. */
  bytes: number;
  entries: number;
}

export type TarRead = { ok: true; entries: TarEntry[] } | { ok: false; reason: string };

const BLOCK = 512;
const MODE: Record<TarEntryType, number> = { f: 0o644, x: 0o755, l: 0o777 };

function octal(value: number, width: number): string {
  // width-1 octal digits, then NUL: the classic ustar numeric field.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** Split a path into ustar prefix (≤155 bytes) and name (≤100 bytes), or undefined. */
function splitName(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name) return { prefix, name };
  }
  return undefined;
}

function header(entry: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const split = splitName(entry.path);
  if (!split) throw new Error(`path too long for a ustar bundle: ${entry.path}`);
  if (entry.target !== undefined && Buffer.byteLength(entry.target) > 100) throw new Error(`symlink target too long for a ustar bundle: ${entry.path}`);
  h.write(split.name, 0, 100, 'utf8');
  h.write(octal(MODE[entry.type], 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(entry.type === 'l' ? 0 : entry.bytes.length, 12), 124, 'latin1');
  h.write(octal(0, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(entry.type === 'l' ? '2' : '0', 156, 'latin1');
  if (entry.type === 'l') h.write(entry.target!, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.write(split.prefix, 345, 155, 'utf8');
  h.write(octal(checksum(h), 7) + ' ', 148, 'latin1');
  return h;
}

function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum;
}

const byUtf8 = (a: TarEntry, b: TarEntry) => Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8'));

/** The deterministic archive of `entries` (any order in, sorted out). Throws on a name ustar cannot hold. */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of [...entries].sort(byUtf8)) {
    const problem = pathProblem(e.path);
    if (problem) throw new Error(`${JSON.stringify(e.path)}: ${problem}`);
    parts.push(header(e));
    if (e.type !== 'l') {
      parts.push(e.bytes);
      const pad = (BLOCK - (e.bytes.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function field(h: Buffer, start: number, len: number): string | undefined {
  const raw = h.subarray(start, start + len);
  const nul = raw.indexOf(0);
  try {
    return utf8.decode(nul === -1 ? raw : raw.subarray(0, nul));
  } catch {
    return undefined;
  }
}

function number(h: Buffer, start: number, len: number): number | undefined {
  const text = h.subarray(start, start + len).toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (!/^[0-7]{1,11}$/.test(text)) return undefined;
  return parseInt(text, 8);
}

const TYPE_NAMES: Record<string, string> = { '1': 'hard link', '3': 'character device', '4': 'block device', '6': 'FIFO', '7': 'contiguous file', x: 'pax extended header', g: 'pax global header', L: 'GNU long name', K: 'GNU long link name', S: 'GNU sparse file' };

/** Read a bundle strictly; every refusal names the entry and what is wrong. */
export function readTar(b: Buffer, limits: TarLimits): TarRead {
  const entries: TarEntry[] = [];
  const kinds = new Map<string, 'file' | 'dir' | 'link'>();
  let off = 0;
  let total = 0;
  const bad = (reason: string): TarRead => ({ ok: false, reason });
  for (;;) {
    if (off + BLOCK > b.length) return bad(`truncated: the archive ends at byte ${b.length} without its end marker`);
    const h = b.subarray(off, off + BLOCK);
    if (h.every((x) => x === 0)) {
      if (off + 2 * BLOCK > b.length || !b.subarray(off + BLOCK, off + 2 * BLOCK).every((x) => x === 0)) return bad('truncated: the end marker is cut short');
      if (!b.subarray(off + 2 * BLOCK).every((x) => x === 0)) return bad('data after the end marker');
      break;
    }
    if (h.subarray(257, 263).toString('latin1') !== 'ustar\0' || h.subarray(263, 265).toString('latin1') !== '00') return bad(`entry at byte ${off} is not a POSIX ustar header`);
    const sum = number(h, 148, 8);
    if (sum === undefined || sum !== checksum(h)) return bad(`entry at byte ${off}: header checksum does not match (damaged or truncated)`);
    const name = field(h, 0, 100);
    const prefix = field(h, 345, 155);
    if (name === undefined || prefix === undefined) return bad(`entry at byte ${off}: name is not valid UTF-8`);
    const path = (prefix ? `${prefix}/${name}` : name).replace(/\/$/, '');
    const type = String.fromCharCode(h[156]!);
    const size = number(h, 124, 12);
    if (size === undefined) return bad(`${JSON.stringify(path)}: size field is not an octal number`);
    const problem = pathProblem(path);
    if (problem) return bad(`${JSON.stringify(path)}: ${problem}`);
    if (kinds.has(path)) return bad(`${JSON.stringify(path)}: appears twice`);
    // Nothing may sit below a file or a link: a link named "a" then "a/x" would write through it.
    const segs = path.split('/');
    for (let i = 1; i < segs.length; i++) {
      const parent = segs.slice(0, i).join('/');
      const k = kinds.get(parent);
      if (k && k !== 'dir') return bad(`${JSON.stringify(path)}: lies below ${JSON.stringify(parent)}, which is a ${k}`);
    }
    const dataStart = off + BLOCK;
    const dataEnd = dataStart + size;
    if (type !== '2' && type !== '5' && dataEnd > b.length) return bad(`truncated: ${JSON.stringify(path)} needs ${size} bytes, the archive ends first`);
    if (type === '0' || type === '\0') {
      total += size;
      if (total > limits.bytes) return bad(`more than ${limits.bytes} bytes of content`);
      const mode = number(h, 100, 8) ?? 0o644;
      entries.push({ path, type: mode & 0o111 ? 'x' : 'f', bytes: Buffer.from(b.subarray(dataStart, dataEnd)) });
      kinds.set(path, 'file');
    } else if (type === '2') {
      const target = field(h, 157, 100);
      if (target === undefined || !target) return bad(`${JSON.stringify(path)}: symlink without a valid target`);
      const why = linkProblem(path, target);
      if (why) return bad(`${JSON.stringify(path)}: ${why}`);
      entries.push({ path, type: 'l', bytes: Buffer.alloc(0), target });
      kinds.set(path, 'link');
    } else if (type === '5') {
      kinds.set(path, 'dir');
    } else {
      return bad(`${JSON.stringify(path)}: ${TYPE_NAMES[type] ?? `entry type ${JSON.stringify(type)}`} is not allowed in a skill bundle`);
    }
    if (kinds.size > limits.entries) return bad(`more than ${limits.entries} entries`);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return { ok: true, entries };
}

/** A symlink target must stay inside the skill, lexically (the installed tree is re-checked on disk). */
function linkProblem(path: string, target: string): string | undefined {
  if (target.includes('\\') || target.startsWith('/') || /^[A-Za-z]:/.test(target)) return `symlink to an absolute path (${target})`;
  const parts = path.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return `symlink leaves the skill (${target})`;
      parts.pop();
    } else parts.push(seg);
  }
  return undefined;
}
