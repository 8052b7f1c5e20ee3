import { createHash } from 'node:crypto';
import { gitSync, gitText } from '../platform/exec.js';

/** A stage-0 index entry (submodules left out). */
export interface IndexEntry {
  mode: string;
  oid: string;
}

/** The index's stage-0 entries by path (GIT_INDEX_FILE in `env` is honoured). */
export function indexEntries(repoRoot: string, env: NodeJS.ProcessEnv): Map<string, IndexEntry> {
  const out = gitSync(['ls-files', '-s', '-z'], { cwd: repoRoot, env }).toString('utf8');
  const entries = new Map<string, IndexEntry>();
  for (const rec of out.split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0) continue;
    const [mode, oid, stage] = rec.slice(0, tab).split(' ');
    if (!mode || !oid || stage !== '0' || mode === '160000') continue;
    entries.set(rec.slice(tab + 1), { mode, oid });
  }
  return entries;
}

/**
 * "Is this content exactly the index's blob for this path?", answered without a git call per
 * file: the index is read once, and the content's blob id computed here (SHA-1, or SHA-256
 * in a repository that uses it).
 */
export function indexMatcher(repoRoot: string, env: NodeJS.ProcessEnv): (path: string, content: Buffer) => boolean {
  let entries: Map<string, IndexEntry> | undefined;
  let algorithm: string | undefined;
  return (path, content) => {
    try {
      entries ??= indexEntries(repoRoot, env);
      algorithm ??= gitText(['rev-parse', '--show-object-format'], { cwd: repoRoot, env }).trim() === 'sha256' ? 'sha256' : 'sha1';
    } catch {
      return false; // no index to compare with: nothing is known to be clean
    }
    const oid = entries.get(path)?.oid;
    if (!oid) return false;
    const hash = createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest('hex');
    return hash === oid;
  };
}
