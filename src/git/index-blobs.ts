import { createHash } from 'node:crypto';
import { gitText } from '../platform/exec.js';
import { indexEntries, SUBMODULE_MODE } from '../sources/git-sources.js';

/**
 * "Is this content exactly the index's blob for this path?", answered without a git call per
 * file: the index is read once (GIT_INDEX_FILE in `env` is honoured), and the content's blob
 * id computed here (SHA-1, or SHA-256 in a repository that uses it).
 */
export function indexMatcher(repoRoot: string, env: NodeJS.ProcessEnv): (path: string, content: Buffer) => boolean {
  let oids: Map<string, string> | undefined;
  let algorithm: string | undefined;
  return (path, content) => {
    try {
      oids ??= new Map(indexEntries(repoRoot, env).filter((e) => e.mode !== SUBMODULE_MODE).map((e) => [e.path, e.oid]));
      algorithm ??= gitText(['rev-parse', '--show-object-format'], { cwd: repoRoot, env }).trim() === 'sha256' ? 'sha256' : 'sha1';
    } catch {
      return false; // no index to compare with: nothing is known to be clean
    }
    const oid = oids.get(path);
    if (!oid) return false;
    const hash = createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest('hex');
    return hash === oid;
  };
}
