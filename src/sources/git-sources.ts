import { COMMIT_MARKER, DiffParser, LineSplitter, type DiffFragment } from '../core/diff.js';
import { gitStream, gitSync } from '../platform/exec.js';
import { usageError } from '../errors.js';

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export interface StagedBlob {
  path: string;
  oid: string;
  mode: string;
}

/** What the next commit changes: the blobs it records and the paths it deletes. */
export interface StagedChanges {
  blobs: StagedBlob[];
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
    else if (newMode !== '160000') changes.blobs.push({ path, oid: newOid, mode: newMode }); // 160000: a submodule commit, not content
  }
  return changes;
}

/** The blobs of stagedChanges. */
export function stagedBlobs(cwd: string, env?: NodeJS.ProcessEnv): StagedBlob[] {
  return stagedChanges(cwd, env).blobs;
}

/** Every path the commits `revs` select add, change or delete (one `git log`, no diffs). */
export function changedPaths(cwd: string, revs: string[]): string[] {
  for (const r of revs) if (r.startsWith('-')) throw usageError(`invalid revision "${r}"`);
  const out = gitSync(['log', '--format=', '--name-only', '-z', '--no-renames', ...revs, '--'], { cwd }).toString('utf8');
  return [...new Set(out.split('\0').map((p) => p.replace(/^\n+/, '')).filter(Boolean))];
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
 * Stream the lines added by a set of commits (`A..B`, or `--all` for history), one
 * fragment per commit and file. Memory stays bounded by the largest single diff.
 */
export async function streamAddedLines(cwd: string, revs: string[], onFragment: (f: DiffFragment) => void): Promise<void> {
  for (const r of revs) if (r.startsWith('-') && r !== '--all') throw usageError(`invalid revision "${r}"`);
  const parser = new DiffParser(onFragment);
  const splitter = new LineSplitter((l) => parser.line(l));
  await gitStream([...LOG_ARGS, ...remergeDiffArgs(cwd), ...revs, '--'], { cwd }, (chunk) => splitter.push(chunk.toString('latin1')));
  splitter.end();
  parser.end();
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
