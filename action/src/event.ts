import { usageError } from '../../src/errors.js';

/**
 * What an event asks to be checked, before git is consulted. Pure: the payload is the
 * parsed JSON of GITHUB_EVENT_PATH.
 */
export type ScanPlan =
  /** Lines added by the commits in base..head. */
  | { kind: 'range'; base: string; head: string; why: string; forced?: boolean; ref?: string | undefined }
  /** A new branch or tag: the commits of head that no other branch has. */
  | { kind: 'new-ref'; head: string; ref: string | undefined; why: string }
  /** Every file of head's tree. */
  | { kind: 'tree'; head: string; why: string }
  /** Nothing to check (a deleted branch). */
  | { kind: 'none'; why: string };

const ZERO_SHA = /^0+$/;

function field(payload: unknown, path: string[]): unknown {
  let v: unknown = payload;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function sha(payload: unknown, path: string[], eventName: string): string {
  const v = field(payload, path);
  if (typeof v !== 'string' || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i.test(v)) {
    throw usageError(
      `the ${eventName} event payload has no commit at ${path.join('.')}`,
      'Set the base and head inputs, or run the action on pull_request, push or workflow_dispatch.',
    );
  }
  return v;
}

export function planScan(eventName: string, payload: unknown, overrides: { base?: string | undefined; head?: string | undefined } = {}): ScanPlan {
  if (overrides.base) {
    const head = overrides.head ?? eventHead(eventName, payload) ?? 'HEAD';
    return { kind: 'range', base: overrides.base, head, why: 'base and head inputs' };
  }
  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target':
    case 'pull_request_review':
    case 'pull_request_review_comment':
      // The pull request's own commits, not the merge commit actions/checkout makes: a
      // finding then points at the commit and line the author wrote.
      return {
        kind: 'range',
        base: sha(payload, ['pull_request', 'base', 'sha'], eventName),
        head: overrides.head ?? sha(payload, ['pull_request', 'head', 'sha'], eventName),
        why: `pull request #${String(field(payload, ['pull_request', 'number']) ?? '?')}`,
      };
    case 'merge_group':
      return {
        kind: 'range',
        base: sha(payload, ['merge_group', 'base_sha'], eventName),
        head: overrides.head ?? sha(payload, ['merge_group', 'head_sha'], eventName),
        why: 'merge queue group',
      };
    case 'push': {
      const before = sha(payload, ['before'], eventName);
      const after = overrides.head ?? sha(payload, ['after'], eventName);
      const ref = field(payload, ['ref']);
      const refName = typeof ref === 'string' ? ref : undefined;
      if (ZERO_SHA.test(after)) return { kind: 'none', why: `push deleting ${refName ?? 'a ref'}` };
      if (ZERO_SHA.test(before)) return { kind: 'new-ref', head: after, ref: refName, why: `push creating ${refName ?? 'a ref'}` };
      return { kind: 'range', base: before, head: after, why: `push to ${refName ?? 'a ref'}`, forced: field(payload, ['forced']) === true, ref: refName };
    }
    default:
      // workflow_dispatch, schedule and anything else name no range: the whole tree is checked.
      return { kind: 'tree', head: overrides.head ?? 'HEAD', why: eventName ? `${eventName} event` : 'no event' };
  }
}

function eventHead(eventName: string, payload: unknown): string | undefined {
  const v =
    eventName.startsWith('pull_request') ? field(payload, ['pull_request', 'head', 'sha'])
    : eventName === 'push' ? field(payload, ['after'])
    : eventName === 'merge_group' ? field(payload, ['merge_group', 'head_sha'])
    : undefined;
  return typeof v === 'string' && !ZERO_SHA.test(v) ? v : undefined;
}
