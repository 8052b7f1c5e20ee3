import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { gitSync, repoRoot } from '../platform/exec.js';
import type { Skipped } from '../core/types.js';
import type { SourceRead } from './fragment.js';

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
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/**
 * Expand the paths given on the command line into files. Inside a git work tree: tracked
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
      skipped.push({ path: target, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? 'cannot stat' });
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

/**
 * One file as a fragment. The file is opened without following a symbolic link and checked
 * through its descriptor (one stat per file, which counts on trees of many small files); the
 * size ceiling is checked before reading, so a huge file costs a stat, not its bytes; the rest
 * of the decision is the one decode step's.
 */
export function readFileFragment(entry: FileEntry, maxFileSize: number): SourceRead {
  if (constants.O_NOFOLLOW === undefined) return readFileFragmentByPath(entry, maxFileSize);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not a file)
    fd = openSync(entry.abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { ok: false, skipped: { path: entry.display, reason: 'not-a-file', detail: 'symbolic link (not followed)' } };
    return { ok: false, skipped: { path: entry.display, reason: 'unreadable', detail: code } };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, skipped: { path: entry.display, reason: 'not-a-file' } };
    if (st.size > maxFileSize) return { ok: false, skipped: { path: entry.display, reason: 'too-large', detail: `${st.size} bytes > ${maxFileSize}` } };
    const bytes = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < st.size) {
      const got = readSync(fd, bytes, n, st.size - n, n);
      if (got === 0) break; // the file shrank while we read it
      n += got;
    }
    return { ok: true, fragment: { path: entry.display, bytes: n === st.size ? bytes : bytes.subarray(0, n) } };
  } catch (e) {
    return { ok: false, skipped: { path: entry.display, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code } };
  } finally {
    closeSync(fd);
  }
}

/** The same by path, where the platform has no O_NOFOLLOW (Windows). */
function readFileFragmentByPath(entry: FileEntry, maxFileSize: number): SourceRead {
  let st;
  try {
    st = lstatSync(entry.abs);
  } catch (e) {
    return { ok: false, skipped: { path: entry.display, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code } };
  }
  if (st.isSymbolicLink()) return { ok: false, skipped: { path: entry.display, reason: 'not-a-file', detail: 'symbolic link (not followed)' } };
  if (!st.isFile()) return { ok: false, skipped: { path: entry.display, reason: 'not-a-file' } };
  if (st.size > maxFileSize) return { ok: false, skipped: { path: entry.display, reason: 'too-large', detail: `${st.size} bytes > ${maxFileSize}` } };
  try {
    return { ok: true, fragment: { path: entry.display, bytes: readFileSync(entry.abs) } };
  } catch (e) {
    return { ok: false, skipped: { path: entry.display, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code } };
  }
}
