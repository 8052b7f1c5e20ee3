import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { gitSync, repoRoot } from '../platform/exec.js';
import { ProtectedFolders, readFully } from '../platform/safe-path.js';
import type { Skipped } from '../core/types.js';
import { usageError } from '../errors.js';
import { MSG } from '../messages.js';
import type { FragmentRead } from './fragment.js';

/** Dependency and VCS folders skipped outside git (inside git, .gitignore decides). */
export const DEFAULT_IGNORED_DIRS = [
  '.git', '.hg', '.svn', '.bzr', 'node_modules', 'bower_components', 'jspm_packages',
  '.venv', 'venv', '__pycache__', '.tox', 'site-packages', '.bundle', 'Pods', '.gradle', '.terraform',
];

export interface FileEntry {
  /** Absolute path on disk. */
  abs: string;
  /** Path shown in reports: relative to the repository root (or the scan root), POSIX separators. */
  display: string;
  /**
   * The file's content, read already through the guarded open (platform/safe-path.ts) into
   * shared memory: scanned as it is, and the file is not opened again (`read`'s scan worker).
   */
  bytes?: Uint8Array;
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/**
 * Expand the paths given on the command line into files; one that does not exist is a usage
 * error. Inside a git work tree: tracked
 * plus untracked-but-not-ignored files; elsewhere every file except dependency and VCS
 * folders. Symlinks are not followed (a link is not the file it points at, and loops are
 * impossible that way).
 */
export function listFiles(paths: string[], cwd: string): { files: FileEntry[]; skipped: Skipped[] } {
  const targets = paths.length ? paths : ['.'];
  const root = repoRoot(cwd);
  const files: FileEntry[] = [];
  const skipped: Skipped[] = [];
  const seen = new Set<string>();
  const add = (abs: string, display: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    files.push({ abs, display });
  };
  for (const target of targets) {
    const abs = resolve(cwd, target);
    let st;
    try {
      st = lstatSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A path that is not there is a mistake on the command line, not a clean result.
      if (code === 'ENOENT' || code === 'ENOTDIR') throw usageError(MSG.pathNotFound(target), MSG.pathNotFoundHint);
      skipped.push({ path: target, reason: 'unreadable', detail: code ?? 'cannot stat' });
      continue;
    }
    if (st.isSymbolicLink()) {
      try {
        statSync(abs);
        skipped.push({ path: target, reason: 'not-a-file', detail: 'symbolic link (not followed)' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        skipped.push({ path: target, reason: code === 'ELOOP' ? 'symlink-loop' : 'unreadable', detail: code });
      }
      continue;
    }
    const displayBase = root && isInside(root, abs) ? root : cwd;
    if (st.isFile()) {
      add(abs, toPosix(relative(displayBase, abs)) || target);
      continue;
    }
    if (!st.isDirectory()) {
      skipped.push({ path: target, reason: 'not-a-file' });
      continue;
    }
    // Ask git about the folder itself: it may sit in another repository than the working
    // folder, or (GIT_CEILING_DIRECTORIES, nested work trees) in none.
    const dirRoot = root && isInside(root, abs) ? repoRoot(abs) : undefined;
    if (dirRoot) {
      const out = gitSync(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate', '--', '.'], { cwd: abs });
      for (const rel of out.toString('utf8').split('\0')) {
        if (!rel) continue;
        const fileAbs = join(abs, rel);
        add(fileAbs, toPosix(relative(dirRoot, fileAbs)));
      }
    } else {
      const entries = walkFiles(abs);
      const base = toPosix(relative(cwd, abs));
      for (const rel of entries) add(join(abs, rel), base ? `${base}/${rel}` : rel);
    }
  }
  return { files, skipped };
}

function isInside(root: string, abs: string): boolean {
  let r = root;
  try {
    r = realpathSync(root);
    abs = join(realpathSync(join(abs, '..')), abs.split(sep).pop() ?? '');
  } catch {
    /* keep as is */
  }
  const rel = relative(r, abs);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

const IGNORED = new Set(DEFAULT_IGNORED_DIRS);

/**
 * Regular files under `root` (relative POSIX paths, sorted), without following symbolic links
 * and without the dependency and VCS folders. One readdir per folder: on a tree of many small
 * files the listing is a large share of the scan, and a glob library costs half again as much.
 */
function walkFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folders are passed over, as a glob would
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!IGNORED.has(e.name)) walk(join(dir, e.name), `${prefix}${e.name}/`);
      } else if (e.isFile()) out.push(prefix + e.name);
    }
  };
  walk(root, '');
  return out.sort();
}

const guards = new Map<string, ProtectedFolders>();
/** The vault home guard for these roots, built (and its folders walked) once per thread. */
function guardFor(roots: string[]): ProtectedFolders {
  const id = roots.join('\0');
  let g = guards.get(id);
  if (!g) guards.set(id, (g = new ProtectedFolders(roots)));
  return g;
}

/**
 * The `size` bytes of an open regular file, as readFileSync reads them (no further than the
 * size its stat gave), without the second stat readFileSync makes: on a tree of small files
 * the system calls per file are much of the cost.
 */
function readOpened(fd: number, size: number): Buffer {
  // A size of 0 may be a file whose size its file system does not know (/proc): read to the end.
  if (size === 0) return readFileSync(fd);
  const bytes = Buffer.allocUnsafe(size);
  const at = readFully(fd, bytes);
  return at === size ? bytes : bytes.subarray(0, at);
}

/**
 * One file as a fragment. The size ceiling is checked before reading, so a huge file costs
 * a stat, not its bytes; the rest of the decision is the one decode step's. Files of the
 * vault home (`protectedRoots`: by path, or the same file under another name) are never
 * read; the read itself cannot block on a FIFO swapped in after the check.
 */
export function readFileFragment(entry: FileEntry, maxFileSize: number, protectedRoots: string[] = []): FragmentRead {
  let st;
  try {
    st = lstatSync(entry.abs, { bigint: true });
  } catch (e) {
    return { ok: false, skipped: { path: entry.display, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code } };
  }
  if (st.isSymbolicLink()) return { ok: false, skipped: { path: entry.display, reason: 'not-a-file', detail: 'symbolic link (not followed)' } };
  if (!st.isFile()) return { ok: false, skipped: { path: entry.display, reason: 'not-a-file' } };
  if (protectedRoots.length) {
    const guard = guardFor(protectedRoots);
    if (guard.lexicalRootOf(entry.abs) || guard.holds(st)) return { ok: false, skipped: { path: entry.display, reason: 'not-a-file', detail: 'a file of the vault home (never scanned)' } };
  }
  if (st.size > maxFileSize) return { ok: false, skipped: { path: entry.display, reason: 'too-large', detail: `${st.size} bytes > ${maxFileSize}` } };
  try {
    const fd = openSync(entry.abs, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    try {
      const opened = fstatSync(fd);
      if (!opened.isFile()) return { ok: false, skipped: { path: entry.display, reason: 'not-a-file' } };
      return { ok: true, fragment: { path: entry.display, bytes: readOpened(fd, opened.size) } };
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return { ok: false, skipped: { path: entry.display, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code } };
  }
}
