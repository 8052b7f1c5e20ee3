import { chmodSync, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { COMMIT_MARKER, DiffParser, LineSplitter, type DiffFragment } from '../core/diff.js';
import { usageError } from '../errors.js';
import { gitChunks, gitSync, gitText, gitToFile } from '../platform/exec.js';
import type { Fragment, SourceRead } from './fragment.js';

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** A file as git records it, in a tree or the index. */
export interface GitEntry {
  path: string;
  mode: string;
  oid: string;
}

/** Regular files (plain or executable): what has content to scan. Symlinks hold a path, submodules a commit. */
export const isRegularFile = (mode: string) => mode === '100644' || mode === '100755';
export const SUBMODULE_MODE = '160000';

/** What the next commit changes: the blobs it records and the paths it deletes. */
export interface StagedChanges {
  blobs: GitEntry[];
  deleted: string[];
}

/**
 * Blobs in the index that differ from HEAD (added, copied, modified, renamed, type-changed),
 * and the paths it deletes: what the next commit would record. Honours GIT_INDEX_FILE
 * through the environment.
 */
export function stagedChanges(cwd: string, env?: NodeJS.ProcessEnv): StagedChanges {
  // Without a commit, `git diff --cached` compares against HEAD, or, on an unborn branch,
  // shows every staged file: one git process instead of asking first whether HEAD exists.
  const out = gitSync(['diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMTD'], { cwd, env });
  const parts = out.toString('utf8').split('\0');
  const changes: StagedChanges = { blobs: [], deleted: [] };
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i]!;
    const path = parts[i + 1]!;
    if (!meta.startsWith(':')) break;
    const [, newMode, , newOid, status] = meta.slice(1).split(' ');
    if (!newMode || !newOid) continue;
    if (status === 'D') changes.deleted.push(path);
    else if (newMode !== SUBMODULE_MODE) changes.blobs.push({ path, oid: newOid, mode: newMode }); // a submodule commit, not content
  }
  return changes;
}

/**
 * Every entry of the index `env` names (GIT_INDEX_FILE), merged stage only; with `pathspecs`
 * (relative to `repo`), only those git's pathspec rules match (gitSync keeps the variables
 * that would make git read them literally away from git).
 */
export function indexEntries(repo: string, env: NodeJS.ProcessEnv, pathspecs?: readonly string[]): GitEntry[] {
  const out = gitSync(['ls-files', '-s', '-z', ...(pathspecs ? ['--', ...pathspecs] : [])], { cwd: repo, env }).toString('utf8');
  const entries: GitEntry[] = [];
  for (const rec of out.split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0) continue;
    const [mode, oid, stage] = rec.slice(0, tab).split(' ');
    if (!mode || !oid || stage !== '0') continue;
    entries.push({ path: rec.slice(tab + 1), mode, oid });
  }
  return entries;
}

/** Every entry of a commit's tree (files, symlinks, submodules), in one git call. */
export function treeEntries(repo: string, commit: string): GitEntry[] {
  const out = gitSync(['ls-tree', '-r', '-z', '--full-tree', commit], { cwd: repo }).toString('utf8');
  const entries: GitEntry[] = [];
  for (const rec of out.split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0) continue;
    const [mode, , oid] = rec.slice(0, tab).split(' ') as [string, string, string];
    entries.push({ mode, oid, path: rec.slice(tab + 1) });
  }
  return entries;
}

/** Read many blobs in one `git cat-file --batch` call. */
export function readBlobs(cwd: string, oids: string[]): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  if (oids.length === 0) return result;
  const out = gitSync(['cat-file', '--batch'], { cwd, input: oids.join('\n') + '\n' });
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(10, pos);
    if (nl < 0) break;
    const header = out.toString('latin1', pos, nl);
    const [oid, type, sizeStr] = header.split(' ');
    if (type === 'missing' || !oid || !sizeStr) {
      pos = nl + 1;
      continue;
    }
    const size = Number(sizeStr);
    result.set(oid, out.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return result;
}

const BLOB_BATCH = 2000;
/** One `git cat-file --batch` read holds at most about this many bytes of blobs. */
const BATCH_BYTES = 64 * 1024 * 1024;
/**
 * A blob larger than this is never held in memory: git writes it to a temporary file (inside
 * the repository's git folder, 0600, removed at once after) and it is scanned from there a
 * window at a time, so a gate's memory stays bounded whatever is committed.
 */
export const SPILL_BYTES = 32 * 1024 * 1024;

/** Blob sizes, in one `git cat-file --batch-check` call (missing blobs absent). */
export function blobSizes(cwd: string, oids: string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  if (oids.length === 0) return sizes;
  const out = gitSync(['cat-file', '--batch-check'], { cwd, input: oids.join('\n') + '\n' }).toString('latin1');
  for (const line of out.split('\n')) {
    const [oid, type, size] = line.split(' ');
    if (oid && type === 'blob' && size) sizes.set(oid, Number(size));
  }
  return sizes;
}

/**
 * The regular files among `entries` (staged blobs, a commit's tree) as whole-file fragments,
 * read in batches of one `git cat-file --batch` call each (bounded by count and bytes); a
 * blob over SPILL_BYTES comes as a SpilledBlob instead, its file removed when the consumer
 * asks for the next one (or stops).
 */
export function* blobFragments(repo: string, entries: GitEntry[], spillAbove = SPILL_BYTES): Generator<SourceRead> {
  const files = entries.filter((e) => isRegularFile(e.mode));
  const sizes = blobSizes(repo, [...new Set(files.map((e) => e.oid))]);
  const missing = (e: GitEntry): SourceRead => ({ ok: false, skipped: { path: e.path, reason: 'unreadable', detail: `blob ${e.oid.slice(0, 12)} is missing from the repository` } });
  let batch: GitEntry[] = [];
  let bytes = 0;
  function* flush(): Generator<SourceRead> {
    const blobs = readBlobs(repo, [...new Set(batch.map((e) => e.oid))]);
    for (const e of batch) {
      const b = blobs.get(e.oid);
      yield b ? { ok: true, fragment: { path: e.path, bytes: b } } : missing(e);
    }
    batch = [];
    bytes = 0;
  }
  const large: GitEntry[] = [];
  for (const e of files) {
    const size = sizes.get(e.oid);
    if (size === undefined) {
      yield missing(e);
      continue;
    }
    if (size > spillAbove) {
      large.push(e);
      continue;
    }
    if (batch.length >= BLOB_BATCH || (batch.length > 0 && bytes + size > BATCH_BYTES)) yield* flush();
    batch.push(e);
    bytes += size;
  }
  if (batch.length) yield* flush();
  if (large.length) yield* spilledBlobs(repo, large, sizes);
}

/**
 * A new private folder (0700) for spilled blobs: in the repository's git folder, beside the
 * objects it copies; the system's temporary folder when that one cannot be written (a
 * read-only checkout).
 */
function spillDir(repo: string): string {
  try {
    const gitDir = gitText(['rev-parse', '--absolute-git-dir'], { cwd: repo }).trim();
    sweepSpills(gitDir);
    return mkdtempSync(join(gitDir, SPILL_PREFIX));
  } catch {
    return mkdtempSync(join(tmpdir(), SPILL_PREFIX));
  }
}

const SPILL_PREFIX = 'agent-vault-scan-';
/** A spill folder untouched this long belongs to a scan that was killed (Ctrl-C skips cleanup). */
const STALE_SPILL_MS = 60 * 60 * 1000;

/** Remove spill folders that killed scans left in the git folder. */
function sweepSpills(gitDir: string): void {
  for (const name of readdirSync(gitDir)) {
    if (!name.startsWith(SPILL_PREFIX)) continue;
    const dir = join(gitDir, name);
    try {
      if (Date.now() - lstatSync(dir).mtimeMs > STALE_SPILL_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
}

/** Each large blob written to a private temporary file in turn, removed as soon as it was consumed. */
function* spilledBlobs(repo: string, entries: GitEntry[], sizes: Map<string, number>): Generator<SourceRead> {
  const dir = spillDir(repo);
  try {
    for (const [i, e] of entries.entries()) {
      const file = join(dir, String(i));
      const fd = openSync(file, 'wx', 0o600);
      try {
        gitToFile(['cat-file', 'blob', e.oid], { cwd: repo }, fd);
      } finally {
        closeSync(fd);
      }
      try {
        yield { ok: true, spilled: { path: e.path, file, size: sizes.get(e.oid) ?? 0 } };
      } finally {
        rmSync(file, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One file as a commit holds it, or undefined when it has none there. */
export function blobAt(repo: string, commit: string, path: string): Buffer | undefined {
  try {
    return gitSync(['cat-file', 'blob', `${commit}:${path.replace(/^\.\//, '')}`], { cwd: repo });
  } catch {
    return undefined;
  }
}

function checkRevisions(revs: string[]): void {
  for (const r of revs) if (r.startsWith('-') && r !== '--all') throw usageError(`invalid revision "${r}"`);
}

/** Every path the commits `revs` select add, change or delete (one `git log`, no diffs). */
export function changedPaths(cwd: string, revs: string[]): string[] {
  checkRevisions(revs);
  const out = gitSync(['log', '--format=', '--name-only', '-z', '--no-renames', ...revs, '--'], { cwd }).toString('utf8');
  return [...new Set(out.split('\0').map((p) => p.replace(/^\n+/, '')).filter(Boolean))];
}

/** How many commits `revs` select. */
export function commitCount(cwd: string, revs: string[]): number {
  checkRevisions(revs);
  return Number(gitText(['rev-list', '--count', ...revs, '--'], { cwd }).trim()) || 0;
}

const LOG_ARGS = [
  '-c', 'core.quotePath=true', 'log', '-p', '-U0', '--no-color', '--no-ext-diff', '--no-textconv',
  '--src-prefix=a/', '--dst-prefix=b/', `--format=${COMMIT_MARKER}%H %aI %an`,
];

let remergeSupport: boolean | undefined;
/**
 * `git log -p` shows nothing for a merge commit, so lines written while resolving a conflict
 * would never be scanned. `--remerge-diff` (git 2.36+) shows exactly those: the merge as
 * committed against the merge git would have made on its own.
 */
function remergeDiffArgs(cwd: string): string[] {
  if (remergeSupport === undefined) {
    const m = /(\d+)\.(\d+)/.exec(gitSync(['version'], { cwd }).toString('utf8'));
    remergeSupport = !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 36));
  }
  return remergeSupport ? ['--remerge-diff'] : [];
}

/**
 * The lines one commit adds to one file. They arrive as text; the bytes are made only if a
 * consumer asks (the vault check). A class, not an object literal with a getter: history
 * scans make one per commit and file.
 */
class AddedLines implements Fragment {
  readonly path: string;
  readonly text: string;
  readonly lineMap: number[];
  readonly commit: string | undefined;
  readonly author: string | undefined;
  readonly date: string | undefined;
  private stored: Buffer | undefined;
  constructor(d: DiffFragment) {
    this.path = d.path;
    this.text = d.text;
    this.lineMap = d.lineMap;
    this.commit = d.commit;
    this.author = d.author;
    this.date = d.date;
  }
  get bytes(): Buffer {
    return (this.stored ??= Buffer.from(this.text, 'latin1'));
  }
}

/**
 * The one range loop: the lines a set of commits adds (`A..B`, tips with `^exclusions`, or
 * `--all` for history), one fragment per commit and file, streamed, so memory stays bounded
 * by the largest single diff.
 */
export async function* addedFragments(cwd: string, revs: string[]): AsyncGenerator<Fragment> {
  checkRevisions(revs);
  let ready: DiffFragment[] = [];
  const parser = new DiffParser((f) => ready.push(f));
  const splitter = new LineSplitter((l) => parser.line(l));
  const take = () => {
    const out = ready;
    ready = [];
    return out;
  };
  for await (const chunk of gitChunks([...LOG_ARGS, ...remergeDiffArgs(cwd), ...revs, '--'], { cwd })) {
    splitter.push(chunk.toString('latin1'));
    for (const f of take()) yield new AddedLines(f);
  }
  splitter.end();
  parser.end();
  for (const f of take()) yield new AddedLines(f);
}

/** Verify a revision range resolves, with a message that names what is missing. */
export function checkRange(cwd: string, range: string): void {
  const ends = range.includes('...') ? range.split('...') : range.split('..');
  for (const rev of ends) {
    if (!rev) continue;
    try {
      gitSync(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd });
    } catch {
      throw usageError(`unknown revision "${rev}" in range ${range}`, 'Check the commit or branch name; in a shallow clone fetch more history (git fetch --unshallow).');
    }
  }
}

/**
 * Write git entries below `into` exactly as recorded (bytes, executable bit, symlinks; no
 * filter runs), so a skill folder is judged as committed rather than as the checkout holds
 * it. Submodules have no content and are skipped.
 */
export function writeEntries(repo: string, entries: GitEntry[], into: string): void {
  const files = entries.filter((e) => e.mode !== SUBMODULE_MODE);
  const blobs = readBlobs(repo, [...new Set(files.map((e) => e.oid))]);
  for (const e of files) {
    const target = join(into, e.path);
    mkdirSync(dirname(target), { recursive: true });
    const bytes = blobs.get(e.oid) ?? Buffer.alloc(0); // a missing blob then fails the content hash
    if (e.mode === '120000') symlinkSync(bytes.toString('utf8'), target);
    else {
      writeFileSync(target, bytes);
      chmodSync(target, e.mode === '100755' ? 0o755 : 0o644); // exact, whatever the umask
    }
  }
}
