import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/**
 * The one way agent-vault's safe commands (read, write, scan, clean, smudge, the filter
 * process) touch a path an agent named: never a file of the vault home (the key, the vault,
 * their backups, state, quarantine), however it is reached (a symlink, `..`, a hard link),
 * and never anything but a regular file (a FIFO would block read forever; a device or
 * socket is not a file to show or scan).
 *
 * Reading opens first and judges the open descriptor (fstat): no window between the check and
 * the read in which the path could be swapped. Hard links are caught by comparing (device,
 * inode) with every entry under the protected folders, walked once per command: they are
 * small.
 */

export type PathRefusal = { code: 'PATH_IN_VAULT_HOME'; root: string } | { code: 'NOT_A_REGULAR_FILE'; kind: string };

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/** The real path of `path`'s longest existing prefix, with the rest appended lexically. */
export function realPrefix(path: string): string {
  const missing: string[] = [];
  let at = resolve(path);
  for (;;) {
    try {
      const real = realpathSync.native(at);
      return missing.length ? join(real, ...missing.reverse()) : real;
    } catch {
      const parent = dirname(at);
      if (parent === at) return resolve(path);
      missing.push(basename(at));
      at = parent;
    }
  }
}

const idOf = (st: BigIntStats) => `${st.dev}:${st.ino}`;

/**
 * Real paths of folders, for a process that judges many files in few folders (the filter
 * process): a folder is resolved once, then trusted only while it is still the same folder.
 * Each call stats the folder (following symlinks, one system call) and resolves it again when
 * its (device, inode) changed, so a folder swapped for a symlink during a command (into the
 * vault home, say, between two files of one `git add`) is judged by where it leads now.
 */
export class FolderRealPaths {
  private known = new Map<string, { id: string; real: string }>();

  /** The real path of the absolute file path `abs`: its folder's real path and its name. */
  readonly realOf = (abs: string): string => {
    const dir = dirname(abs);
    let id: string | undefined;
    try {
      id = idOf(statSync(dir, { bigint: true }));
    } catch {
      id = undefined; // no such folder (yet): resolve it every time, as realPrefix does
    }
    let entry = this.known.get(dir);
    if (!entry || id === undefined || entry.id !== id) {
      entry = { id: id ?? '', real: realPrefix(dir) };
      if (id !== undefined) this.known.set(dir, entry);
    }
    return join(entry.real, basename(abs));
  };
}

/** The folders no safe command may read from or write into (the vault home and its key folders). */
export class ProtectedFolders {
  readonly roots: string[];
  private ids: Set<string> | undefined;

  constructor(roots: string[]) {
    // Both spellings: the path as configured and its real path (a home reached through a symlink).
    this.roots = [...new Set(roots.flatMap((r) => [resolve(r), realOrSelf(resolve(r))]))];
  }

  /** The protected root an absolute path lies in as spelled (no file system access). */
  lexicalRootOf(abs: string): string | undefined {
    return this.roots.find((r) => isInside(r, abs));
  }

  /**
   * The protected root `path` lies in (lexically or through symlinks), if any. `real` resolves
   * the path (a process judging many files passes FolderRealPaths' realOf).
   */
  rootOf(path: string, real: (abs: string) => string = realPrefix): string | undefined {
    const abs = resolve(path);
    return this.lexicalRootOf(abs) ?? this.lexicalRootOf(real(abs));
  }

  /** (device, inode) of every entry under the roots, read once. */
  private identities(): Set<string> {
    if (this.ids) return this.ids;
    const ids = new Set<string>();
    const walk = (dir: string, depth: number) => {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const p = join(dir, name);
        try {
          const st = lstatSync(p, { bigint: true });
          ids.add(idOf(st));
          if (st.isDirectory() && depth < 16) walk(p, depth + 1);
        } catch {
          /* gone meanwhile */
        }
      }
    };
    for (const r of this.roots) {
      try {
        ids.add(idOf(lstatSync(r, { bigint: true })));
        walk(r, 0);
      } catch {
        /* no such folder: nothing to protect there */
      }
    }
    this.ids = ids;
    return ids;
  }

  /** The root whose tree holds this very file (same device and inode: a hard link counts). */
  holds(st: BigIntStats): string | undefined {
    if (!this.identities().has(idOf(st))) return undefined;
    return this.roots[0];
  }
}

function kindOf(st: BigIntStats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export type ClassifiedRead = { ok: true; bytes: Buffer; real: string } | { ok: false; refusal: PathRefusal } | { ok: false; missing: NodeJS.ErrnoException };

/**
 * Open `path` for a safe command and read it, or say why not: O_NONBLOCK so a FIFO cannot
 * block the open, O_NOCTTY so a terminal device never becomes ours, then every judgement on
 * the descriptor itself.
 */
export function classifyPath(path: string, folders: ProtectedFolders): ClassifiedRead {
  const abs = resolve(path);
  const lexicalRoot = folders.lexicalRootOf(abs);
  if (lexicalRoot) return { ok: false, refusal: { code: 'PATH_IN_VAULT_HOME', root: lexicalRoot } };
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENXIO') return { ok: false, refusal: { code: 'NOT_A_REGULAR_FILE', kind: 'a socket or device' } };
    return { ok: false, missing: err };
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) return { ok: false, refusal: { code: 'NOT_A_REGULAR_FILE', kind: kindOf(st) } };
    // The descriptor's own path (Linux): what was opened, whatever the path string says now.
    let real: string;
    try {
      real = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      real = realOrSelf(abs);
    }
    const root = folders.lexicalRootOf(real) ?? folders.holds(st);
    if (root) return { ok: false, refusal: { code: 'PATH_IN_VAULT_HOME', root } };
    return { ok: true, bytes: readOpened(fd, st.size), real };
  } finally {
    closeSync(fd);
  }
}

/**
 * Files at least this large are read into shared memory (a SharedArrayBuffer): `read` hands
 * them to the scan worker thread, which then sees these very bytes instead of reading the file
 * a second time. A second read of 100 MB cost about 0.8 s of CPU (mostly faulting in fresh
 * pages), a sixth of the whole command. A shared buffer is an ordinary Buffer to everything else.
 */
export const SHARED_READ_BYTES = 8 * 1024 * 1024;
/** Larger than this, readFileSync decides (it refuses files over 2 GiB with its own error). */
const SHARED_READ_MAX = 2 ** 31 - 1;

/**
 * Read into `buf` from `position` (null: from the descriptor's own offset) until it is full or
 * the file ends (reads may return less than asked); returns how many bytes were read.
 */
export function readFully(fd: number, buf: Uint8Array, position: number | null = null): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position === null ? null : position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** The whole content of an open regular file of `size` bytes (as fstat saw it). */
function readOpened(fd: number, size: bigint): Buffer {
  if (size < SHARED_READ_BYTES || size > SHARED_READ_MAX) return readFileSync(fd);
  const n = Number(size);
  const bytes = Buffer.from(new SharedArrayBuffer(n));
  const got = readFully(fd, bytes, 0);
  if (got < n) return bytes.subarray(0, got); // it shrank while read: what is there
  // It grew while read: read it as readFileSync does, to its end (positional reads above left
  // the descriptor's offset at 0).
  if (readSync(fd, Buffer.alloc(1), 0, 1, n) !== 0) return readFileSync(fd);
  return bytes;
}

/**
 * Judge a path something will be written to or named as (write's target, the path git
 * filters, a scan argument), which need not exist: it must not lie in a protected folder,
 * and when it exists it must be a regular file that is not one of theirs.
 */
export function classifyTarget(path: string, folders: ProtectedFolders, opts: { folderOk?: boolean } = {}): PathRefusal | undefined {
  const abs = resolve(path);
  const root = folders.rootOf(abs);
  if (root) return { code: 'PATH_IN_VAULT_HOME', root };
  let st: BigIntStats;
  try {
    st = statSync(abs, { bigint: true });
  } catch {
    return undefined;
  }
  if (folders.holds(st)) return { code: 'PATH_IN_VAULT_HOME', root: folders.roots[0]! };
  if (st.isFile() || (opts.folderOk && st.isDirectory())) return undefined;
  return { code: 'NOT_A_REGULAR_FILE', kind: kindOf(st) };
}
