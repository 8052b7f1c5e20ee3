import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { gitOk, scratchDir } from './helpers/sandbox.js';
import { sarifSchemaErrors } from './helpers/sarif.js';
import {
  annotationsAt,
  fakeToken,
  pullRequestEvent,
  pullRequestRepo,
  runAction,
  runActionBundle,
  runLocalAction,
  withoutMaskCommands,
  type ActionCall,
} from './helpers/action.js';

vi.mock('@actions/core', () => import('./helpers/actions-core.js'));

/**
 * The acceptance scenarios, run by `run()` of the source in this process (@actions/core faked).
 * The pull request that adds a token is also run by the committed bundle as a runner starts it,
 * and by @github/local-action (the README's way to try the action): the verdicts must agree.
 */
function tokenPullRequest() {
  const token = fakeToken(101);
  const repo = pullRequestRepo({}, [{ 'docs/guide.md': 'hello\n' }, { 'config/app.env': `# app\nDEBUG=1\nGITHUB_TOKEN=${token}\n` }]);
  const call: ActionCall = { workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) };
  return { token, repo, call };
}

describe('pull request scenarios', () => {
  it('fails a pull request that adds a token, with an annotation on its file and line, a summary table, SARIF and outputs', async () => {
    const { token, repo, call } = tokenPullRequest();
    const run = await runAction(call);

    expect(run.code, run.failed).toBe(1);
    expect(annotationsAt(run, 'config/app.env', 3)).toEqual([
      expect.objectContaining({ level: 'error', properties: expect.objectContaining({ title: 'agent-vault: github-pat-classic', file: 'config/app.env', startLine: 3, endLine: 3 }) }),
    ]);
    expect(run.summary).toMatch(/\| Severity \| Rule \| File \| Line \|/);
    expect(run.summary).toMatch(/\| critical \| github-pat-classic \| config\/app\.env \| 3 \|/);
    expect(run.outputs).toEqual({ findings: '1', 'verified-skills': '0', 'sarif-file': join(repo.dir, 'agent-vault.sarif') });
    const sarif = JSON.parse(run.sarif!);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'config/app.env' }, region: { startLine: 3 } });

    // The raw value reaches the runner only to be masked, before anything is printed, and nowhere else.
    expect(run.secrets).toEqual([token]);
    expect(run.calls[0]).toEqual({ fn: 'setSecret', value: token });
    const printed = run.calls.filter((c) => c.fn !== 'setSecret');
    for (const text of [JSON.stringify(printed), run.summary, run.sarif!]) expect(text).not.toContain(token);
  });

  it('passes a clean pull request', async () => {
    const repo = pullRequestRepo({}, [{ 'src/app.js': 'export const answer = 42;\n' }]);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(run.failed).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.annotations).toEqual([]);
    expect(run.outputs.findings).toBe('0');
    expect(run.summary).toContain('✅');
    expect(sarifSchemaErrors(JSON.parse(run.sarif!))).toEqual([]);
  });

  it('fails a pull request that changes an unsigned skill when the configuration requires signatures', async () => {
    const repo = pullRequestRepo({ '.agent-vault.yaml': 'skills:\n  requireSignatures: true\n' }, [
      { 'skills/deploy/SKILL.md': '---\nname: deploy\ndescription: Deploys the app\n---\nRun the deploy script.\n' },
    ]);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(run.code).toBe(1);
    const [unsigned, ...others] = annotationsAt(run, 'skills/deploy/SKILL.md');
    expect(others).toEqual([]);
    expect(unsigned).toMatchObject({ level: 'error', properties: { title: 'agent-vault: skill-unsigned' } });
    expect(unsigned!.message).toMatch(/^skill skills\/deploy is not signed/);
    expect(run.summary).toMatch(/\| high \| skill-unsigned \| skills\/deploy\/SKILL\.md \|/);
    expect(run.outputs.findings).toBe('1');
    expect(sarifSchemaErrors(JSON.parse(run.sarif!))).toEqual([]);
  });

  it('tells a shallow clone exactly how to fetch the history it needs', async () => {
    const origin = pullRequestRepo({}, [{ 'a.txt': 'one\n' }, { 'b.txt': 'two\n' }]);
    const clone = join(scratchDir('av-shallow-'), 'clone');
    gitOk(origin, origin.root, ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin.dir}`, clone]);
    const run = await runAction({ workspace: clone, env: origin.env, eventName: 'pull_request', payload: pullRequestEvent(origin) });
    expect(run.code).toBe(1);
    expect(run.failed).toMatch(/shallow/);
    expect(run.failed).toContain('fetch-depth: 0');
  });
});

describe('the committed bundle, started as a runner starts it (node action/dist/index.js)', () => {
  it('fails the same pull request with the same annotation, masks the token first and writes the outputs file', () => {
    const { token, repo, call } = tokenPullRequest();
    const run = runActionBundle(call);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${token}`);
    expect(run.stdout).toMatch(/^::error title=agent-vault%3A github-pat-classic,file=config\/app\.env,line=3,/m);
    expect(run.summary).toMatch(/\| critical \| github-pat-classic \| config\/app\.env \| 3 \|/);
    expect(run.outputs).toEqual({ findings: '1', 'verified-skills': '0', 'sarif-file': join(repo.dir, 'agent-vault.sarif') });
    expect(sarifSchemaErrors(JSON.parse(run.sarif!))).toEqual([]);
    for (const text of [withoutMaskCommands(run.stdout), run.stderr, run.summary, run.sarif!, JSON.stringify(run.outputs)]) expect(text).not.toContain(token);
  });
});

describe('@github/local-action, the README\'s way to try the action from its source', () => {
  it('fails the same pull request with the same annotation', () => {
    const { token, call } = tokenPullRequest();
    const run = runLocalAction(call);
    // local-action always exits 0; a failed action shows as the error line setFailed prints.
    expect(run.stdout, run.stderr).toMatch(/^::error::/m);
    expect(run.stdout).toMatch(/^::error title=agent-vault: github-pat-classic,file=config\/app\.env,line=3,/m);
    expect(run.outputs.findings).toBe('1');
    // Its stub keeps masks to itself instead of printing the command.
    for (const text of [run.stdout, run.stderr, run.summary, run.sarif!]) expect(text).not.toContain(token);
  });
});
