import { readFileSync } from 'node:fs';
import { gitSync, gitText } from '../../src/platform/exec.js';
import { AgentVaultError, gitError } from '../../src/errors.js';
import { MSG } from '../../src/messages.js';
import type { GateTarget } from '../../src/gate/model.js';
import type { ScanPlan } from './event.js';

function resolveCommit(repo: string, rev: string): string | undefined {
  try {
    return gitText(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { cwd: repo }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function isShallow(repo: string): boolean {
  return gitText(['rev-parse', '--is-shallow-repository'], { cwd: repo }).trim() === 'true';
}

/** Commits whose parents were cut off by a shallow fetch. */
function shallowBoundary(repo: string): Set<string> {
  const file = gitText(['rev-parse', '--git-path', 'shallow'], { cwd: repo }).trim();
  try {
    return new Set(readFileSync(file.startsWith('/') ? file : `${repo}/${file}`, 'utf8').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

const short = (sha: string) => sha.slice(0, 12);

function shallowFailure(missing: string[]): AgentVaultError {
  return gitError(MSG.actionShallowClone(missing.map(short)), MSG.actionShallowCloneHint);
}

function requireCommit(repo: string, rev: string, shallow: boolean): string {
  const sha = resolveCommit(repo, rev);
  if (sha) return sha;
  if (shallow) throw shallowFailure([rev]);
  throw gitError(MSG.actionCommitMissing(short(rev)), MSG.actionCommitMissingHint);
}

/**
 * In a shallow clone the endpoints may exist while the history between them does not; git
 * would then treat the cut-off commit as a root and report its whole tree as added.
 */
function assertRangeComplete(repo: string, base: string, head: string): void {
  const boundary = shallowBoundary(repo);
  if (boundary.size === 0) return;
  const inRange = gitText(['rev-list', `${base}..${head}`], { cwd: repo }).split('\n').filter(Boolean);
  const cut = inRange.filter((c) => boundary.has(c));
  let mergeBase = true;
  try {
    gitSync(['merge-base', base, head], { cwd: repo });
  } catch {
    mergeBase = false;
  }
  if (cut.length || !mergeBase) throw shallowFailure(cut.length ? cut : [base]);
}

/** Tips of every other branch, so that a new branch's own commits can be told apart. */
function otherBranchTips(repo: string, head: string, ref: string | undefined): string[] {
  const name = ref?.replace(/^refs\/(heads|tags)\//, '');
  const lines = gitText(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/remotes'], { cwd: repo }).split('\n').filter(Boolean);
  const tips = new Set<string>();
  for (const line of lines) {
    const [oid, refname] = line.split(' ') as [string, string];
    if (ref && refname === ref) continue;
    if (name && /^refs\/remotes\/[^/]+\//.test(refname) && refname.replace(/^refs\/remotes\/[^/]+\//, '') === name) continue;
    if (refname.endsWith('/HEAD') && oid === head) continue;
    tips.add(oid);
  }
  return [...tips];
}

/** What the event asks to check, resolved against the clone: shallow clones and force pushes handled here. */
export function resolveTarget(repo: string, plan: ScanPlan): GateTarget {
  if (plan.kind === 'none') return { kind: 'none', description: plan.why };
  const shallow = isShallow(repo);
  if (plan.kind === 'tree') {
    const head = requireCommit(repo, plan.head, shallow);
    return { kind: 'tree', head, description: `every file at ${short(head)} (${plan.why})` };
  }
  if (plan.kind === 'range') {
    const head = requireCommit(repo, plan.head, shallow);
    const base = resolveCommit(repo, plan.base);
    if (!base && plan.forced && !shallow) {
      // A force push rewrote history: the old tip is gone, so check what the branch now adds.
      return resolveTarget(repo, { kind: 'new-ref', head, ref: plan.ref, why: `${plan.why} (forced; previous tip ${short(plan.base)} is gone)` });
    }
    if (!base) {
      if (shallow) throw shallowFailure([plan.base]);
      throw gitError(MSG.actionCommitMissing(short(plan.base)), MSG.actionCommitMissingHint);
    }
    if (shallow) assertRangeComplete(repo, base, head);
    return { kind: 'commits', revs: [`${base}..${head}`], head, base, description: `commits ${short(base)}..${short(head)} (${plan.why})` };
  }
  // A new branch or tag: what it adds is whatever no other branch already holds.
  if (shallow) throw shallowFailure([]);
  const head = requireCommit(repo, plan.head, shallow);
  const others = otherBranchTips(repo, head, plan.ref);
  if (others.length === 0) return { kind: 'tree', head, description: `every file at ${short(head)} (${plan.why}; no other branch to compare with)` };
  return { kind: 'commits', revs: [head, ...others.map((o) => `^${o}`)], head, base: undefined, description: `commits of ${short(head)} on no other branch (${plan.why})` };
}
