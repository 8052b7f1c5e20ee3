import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { gitOk, write } from './helpers/sandbox.js';
import { annotationsAt, fakeToken, pullRequestEvent, pullRequestRepo, runAction } from './helpers/action.js';
import { planScan } from '../action/src/event.js';

vi.mock('@actions/core', () => import('./helpers/actions-core.js'));

const ZERO = '0'.repeat(40);

const pushEvent = (before: string, after: string, ref = 'refs/heads/feature', forced = false) => ({ ref, before, after, forced });

describe('the range comes from the event', () => {
  it('a push checks only the lines its commits add, not what the branch already held', async () => {
    const old = fakeToken(201);
    const repo = pullRequestRepo({ 'legacy.env': `TOKEN=${old}\n` }, [{ 'notes.md': 'clean\n' }]);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'push', payload: pushEvent(repo.base, repo.head) });
    expect(run.code, run.failed).toBe(0);
    expect(run.outputs.findings).toBe('0');
    expect(run.summary).toContain(`commits ${repo.base.slice(0, 12)}..${repo.head.slice(0, 12)}`);
  });

  it('a push that adds a token fails on the commit that added it', async () => {
    const token = fakeToken(202);
    const repo = pullRequestRepo({}, [{ 'app.env': `TOKEN=${token}\n` }, { 'notes.md': 'more\n' }]);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'push', payload: pushEvent(repo.base, repo.head) });
    expect(run.code).toBe(1);
    const addedIn = gitOk(repo, repo.dir, ['rev-parse', 'HEAD~1']).trim();
    expect(annotationsAt(run, 'app.env', 1)[0]!.message).toContain(`added in commit ${addedIn.slice(0, 12)}`);
  });

  it('a new branch checks the commits no other branch has, in a full clone as actions/checkout makes it', async () => {
    const old = fakeToken(203);
    const token = fakeToken(204);
    const repo = pullRequestRepo({ 'legacy.env': `TOKEN=${old}\n` }, [{ 'new.env': `TOKEN=${token}\n` }]);
    // The clone knows the branches only as refs/remotes/origin/*, the pushed one included.
    const clone = join(repo.root, 'clone');
    gitOk(repo, repo.root, ['clone', '-q', '--branch', 'feature', `file://${repo.dir}`, clone]);
    const run = await runAction({ workspace: clone, env: repo.env, eventName: 'push', payload: pushEvent(ZERO, repo.head) });
    expect(run.code).toBe(1);
    expect(run.outputs.findings).toBe('1');
    expect(annotationsAt(run, 'new.env', 1)).toHaveLength(1);
    expect(annotationsAt(run, 'legacy.env')).toEqual([]);
  });

  it('the first branch of a repository checks its whole tree', async () => {
    const old = fakeToken(205);
    const repo = pullRequestRepo({ 'legacy.env': `TOKEN=${old}\n` }, []);
    gitOk(repo, repo.dir, ['checkout', '-q', 'main']);
    gitOk(repo, repo.dir, ['branch', '-q', '-D', 'feature']);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'push', payload: pushEvent(ZERO, repo.base, 'refs/heads/main') });
    expect(run.code).toBe(1);
    expect(annotationsAt(run, 'legacy.env', 1)).toHaveLength(1);
    expect(run.summary).toContain('every file at');
  });

  it('a force push whose old tip is gone checks what the branch now adds', async () => {
    const token = fakeToken(206);
    const repo = pullRequestRepo({}, [{ 'app.env': `TOKEN=${token}\n` }]);
    const gone = 'deadbeef'.repeat(5);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'push', payload: pushEvent(gone, repo.head, 'refs/heads/feature', true) });
    expect(run.code, run.failed).toBe(1);
    expect(annotationsAt(run, 'app.env', 1)).toHaveLength(1);
  });

  it('deleting a branch passes without checking anything', async () => {
    const repo = pullRequestRepo({}, []);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'push', payload: pushEvent(repo.base, ZERO) });
    expect(run.code, run.failed).toBe(0);
    expect(run.outputs.findings).toBe('0');
  });

  it('a manual dispatch checks every file of the checked-out tree', async () => {
    const old = fakeToken(207);
    const repo = pullRequestRepo({ 'deep/dir/legacy.env': `A=1\nTOKEN=${old}\n` }, []);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'workflow_dispatch', payload: { inputs: {} } });
    expect(run.code).toBe(1);
    expect(annotationsAt(run, 'deep/dir/legacy.env', 2)).toHaveLength(1);
    expect(run.secrets).toContain(old);
    expect(run.printed).not.toContain(old);
  });

  it('base and head inputs override the event', async () => {
    const token = fakeToken(208);
    const repo = pullRequestRepo({}, [{ 'a.env': `TOKEN=${token}\n` }, { 'b.md': 'clean\n' }]);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'workflow_dispatch', payload: {}, inputs: { base: 'HEAD~1', head: 'HEAD' } });
    expect(run.code, run.failed).toBe(0);
    expect(run.summary).toContain('base and head inputs');
  });

  it('a pull request whose base commit is missing from a full clone names the commit and the fix', async () => {
    const repo = pullRequestRepo({}, [{ 'a.md': 'x\n' }]);
    write(repo.dir, 'b.md', 'y\n');
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: { pull_request: { number: 1, base: { sha: 'ab'.repeat(20) }, head: { sha: repo.head } } } });
    expect(run.code).toBe(1);
    expect(run.failed).toMatch(/^commit abababababab is not in this clone[^]*fetch-depth: 0/);
  });
});

describe('shallow clones', () => {
  function shallowClone(depth: number, alsoFetchMain = false) {
    const token = fakeToken(209);
    const origin = pullRequestRepo({}, [{ 'a.env': `TOKEN=${token}\n` }, { 'b.md': 'two\n' }]);
    const clone = join(origin.root, 'clone');
    gitOk(origin, origin.root, ['clone', '-q', '--depth', String(depth), '--branch', 'feature', `file://${origin.dir}`, clone]);
    if (alsoFetchMain) gitOk(origin, clone, ['fetch', '-q', '--depth', '1', 'origin', 'main']);
    return { origin, clone };
  }

  it('a shallow clone deep enough to hold the whole range is checked normally', async () => {
    const { origin, clone } = shallowClone(3);
    const run = await runAction({ workspace: clone, env: origin.env, eventName: 'pull_request', payload: pullRequestEvent(origin) });
    expect(run.code, run.failed).toBe(1);
    expect(run.outputs.findings).toBe('1');
    expect(annotationsAt(run, 'a.env', 1)).toHaveLength(1);
  });

  it('a shallow clone holding both ends but not the history between them fails with the fix instead of reporting whole trees', async () => {
    const { origin, clone } = shallowClone(1, true);
    const run = await runAction({ workspace: clone, env: origin.env, eventName: 'pull_request', payload: pullRequestEvent(origin) });
    expect(run.code).toBe(1);
    expect(run.failed).toMatch(/^the commits to check are not in this clone, which is shallow[^]*fetch-depth: 0/);
    expect(run.outputs.findings).toBeUndefined();
  });
});

describe('planning a scan from an event payload', () => {
  const sha = fc.stringMatching(/^[0-9a-f]{40}$/).filter((s) => !/^0+$/.test(s));
  it('maps any pull request to base..head of its own commits', () => {
    fc.assert(
      fc.property(sha, sha, fc.nat(), (base, head, number) => {
        const plan = planScan('pull_request', { pull_request: { number, base: { sha: base }, head: { sha: head } } });
        expect(plan).toMatchObject({ kind: 'range', base, head });
      }),
    );
  });
  it('maps pushes to before..after, a new ref or nothing', () => {
    fc.assert(
      fc.property(fc.oneof(sha, fc.constant(ZERO)), fc.oneof(sha, fc.constant(ZERO)), (before, after) => {
        const plan = planScan('push', { before, after, ref: 'refs/heads/x' });
        if (after === ZERO) expect(plan.kind).toBe('none');
        else if (before === ZERO) expect(plan).toMatchObject({ kind: 'new-ref', head: after, ref: 'refs/heads/x' });
        else expect(plan).toMatchObject({ kind: 'range', base: before, head: after });
      }),
    );
  });
  it('maps merge queue groups and pull_request_target the same way, and anything else to the whole tree', () => {
    const [a, b] = ['1'.repeat(40), '2'.repeat(40)];
    expect(planScan('merge_group', { merge_group: { base_sha: a, head_sha: b } })).toMatchObject({ kind: 'range', base: a, head: b });
    expect(planScan('pull_request_target', { pull_request: { base: { sha: a }, head: { sha: b } } })).toMatchObject({ kind: 'range', base: a, head: b });
    expect(planScan('schedule', {})).toMatchObject({ kind: 'tree', head: 'HEAD' });
    expect(planScan('workflow_dispatch', {}, { head: b })).toMatchObject({ kind: 'tree', head: b });
  });
  it('rejects a payload without the commits it should name, saying which field', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        let message = '';
        try {
          const plan = planScan('pull_request', payload);
          expect(plan.kind).toBe('range');
        } catch (e) {
          message = (e as Error).message;
          expect(message).toMatch(/pull_request\.(base|head)\.sha/);
        }
      }),
    );
  });
});
