import { gitSync, gitText } from '../platform/exec.js';
import type { GateTarget } from './model.js';

const ZERO = /^0+$/;

/** One line of what git gives a pre-push hook. */
export interface RefUpdate {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

/** Parse pre-push stdin: `<local ref> <local sha> <remote ref> <remote sha>` per line. */
export function parsePushUpdates(text: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 4) continue;
    const [localRef, localSha, remoteRef, remoteSha] = parts as [string, string, string, string];
    if (!/^[0-9a-f]{40,64}$/.test(localSha) || !/^[0-9a-f]{40,64}$/.test(remoteSha)) continue;
    updates.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return updates;
}

/**
 * git gives pre-push its ref updates on stdin; the pre-commit framework consumes that and
 * passes the range in PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF instead.
 */
export function pushUpdates(env: NodeJS.ProcessEnv, stdin: string): RefUpdate[] {
  const updates = parsePushUpdates(stdin);
  if (updates.length || !env.PRE_COMMIT_TO_REF) return updates;
  const zero = '0'.repeat(40);
  return parsePushUpdates(`HEAD ${env.PRE_COMMIT_TO_REF} ${env.PRE_COMMIT_REMOTE_BRANCH ?? 'HEAD'} ${env.PRE_COMMIT_FROM_REF || zero}`);
}

function objectExists(repo: string, sha: string): boolean {
  try {
    gitSync(['cat-file', '-e', `${sha}^{commit}`], { cwd: repo });
    return true;
  } catch {
    return false;
  }
}

/**
 * The revisions one ref update would publish: `remote..local` when the remote tip is known
 * here; otherwise (a new branch, or a remote tip we never fetched) every commit reachable
 * from local that no remote-tracking ref already has. Deletions publish nothing.
 */
export function revisionsFor(repo: string, u: RefUpdate): string[] | undefined {
  if (ZERO.test(u.localSha)) return undefined;
  if (!ZERO.test(u.remoteSha) && objectExists(repo, u.remoteSha)) return [u.localSha, `^${u.remoteSha}`];
  const remoteTips = gitText(['for-each-ref', '--format=%(objectname)', 'refs/remotes'], { cwd: repo }).split('\n').filter(Boolean);
  return [u.localSha, ...[...new Set(remoteTips)].map((t) => `^${t}`)];
}

/**
 * The commit whose policy a pushed ref is judged by: the remote's tip when this clone has it,
 * else the newest commit of the pushed history that a remote-tracking ref already holds (a
 * new branch: where it left the remote's history). Undefined when the remote holds none of it.
 */
export function pushBase(repo: string, u: RefUpdate, revs: string[]): string | undefined {
  if (!ZERO.test(u.remoteSha) && objectExists(repo, u.remoteSha)) return u.remoteSha;
  if (!revs.some((r) => r.startsWith('^'))) return undefined;
  const boundary = gitText(['rev-list', '--boundary', '--date-order', ...revs], { cwd: repo })
    .split('\n')
    .filter((l) => l.startsWith('-'));
  return boundary[0]?.slice(1) || undefined;
}

/**
 * What a push publishes, one target per ref update. A push of a branch and its tag
 * (--follow-tags) names the same commits twice: commits an earlier update already covers are
 * excluded, and each tip is judged once.
 */
export function pushTargets(repo: string, updates: RefUpdate[]): GateTarget[] {
  const targets: GateTarget[] = [];
  const pushedTips: string[] = [];
  for (const u of updates) {
    const own = revisionsFor(repo, u);
    if (!own || pushedTips.includes(u.localSha)) continue;
    const revs = [...own, ...pushedTips.map((t) => `^${t}`)];
    pushedTips.push(u.localSha);
    targets.push({ kind: 'commits', revs, head: u.localSha, base: pushBase(repo, u, own), description: `${u.localRef} -> ${u.remoteRef}` });
  }
  return targets;
}
