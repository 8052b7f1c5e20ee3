import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { git, removeDir, tempDir } from './helpers/cli.js';
import { sarifSchemaErrors } from './helpers/sarif.js';
import {
  fakeToken,
  pullRequestEvent,
  pullRequestRepo,
  runActionBundle,
  runLocalAction,
  withoutMaskCommands,
  type ActionCall,
  type ActionRun,
} from './helpers/action.js';

/**
 * The acceptance scenarios, run twice: by the committed bundle as a runner would start it, and
 * by @github/local-action from the TypeScript source. The verdicts must agree.
 */
const RUNNERS: [string, (call: ActionCall) => ActionRun, (run: ActionRun) => boolean][] = [
  ['the committed bundle (node action/dist/index.js)', runActionBundle, (r) => r.code === 1],
  // local-action always exits 0; a failed action shows as the error line setFailed prints.
  ['@github/local-action', runLocalAction, (r) => /^::error::/m.test(r.stdout)],
];

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

describe.each(RUNNERS)('run by %s', (_name, runAction, failed) => {
  it('fails a pull request that adds a token, with an annotation on its file and line, a summary table, SARIF and outputs', () => {
    const token = fakeToken(101);
    const repo = pullRequestRepo({}, [{ 'docs/guide.md': 'hello\n' }, { 'config/app.env': `# app\nDEBUG=1\nGITHUB_TOKEN=${token}\n` }]);
    cleanup.push(repo.root);
    const run = runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });

    expect(failed(run), run.stdout + run.stderr).toBe(true);
    expect(run.stdout).toMatch(/^::error title=agent-vault(%3A|:) github-pat-classic,file=config\/app\.env,line=3,/m);
    expect(run.summary).toMatch(/\| Severity \| Rule \| File \| Line \|/);
    expect(run.summary).toMatch(/\| critical \| github-pat-classic \| config\/app\.env \| 3 \|/);
    expect(run.outputs.findings).toBe('1');
    expect(run.outputs['verified-skills']).toBe('0');
    expect(run.outputs['sarif-file']).toBe(join(repo.dir, 'agent-vault.sarif'));
    const sarif = JSON.parse(run.sarif!);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'config/app.env' }, region: { startLine: 3 } });

    // The raw value reaches the runner only to be masked, and nowhere else (local-action's
    // stub keeps masks to itself instead of printing the command).
    if (runAction === runActionBundle) expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${token}`);
    for (const text of [withoutMaskCommands(run.stdout), run.stderr, run.summary, run.sarif!, JSON.stringify(run.outputs)]) expect(text).not.toContain(token);
  });

  it('passes a clean pull request', () => {
    const repo = pullRequestRepo({}, [{ 'src/app.js': 'export const answer = 42;\n' }]);
    cleanup.push(repo.root);
    const run = runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(failed(run), run.stdout + run.stderr).toBe(false);
    expect(run.code).toBe(0);
    expect(run.outputs.findings).toBe('0');
    expect(run.summary).toContain('✅');
    expect(sarifSchemaErrors(JSON.parse(run.sarif!))).toEqual([]);
  });

  it('fails a pull request that changes an unsigned skill when the configuration requires signatures', () => {
    const repo = pullRequestRepo({ '.agent-vault.yaml': 'skills:\n  requireSignatures: true\n' }, [
      { 'skills/deploy/SKILL.md': '---\nname: deploy\ndescription: Deploys the app\n---\nRun the deploy script.\n' },
    ]);
    cleanup.push(repo.root);
    const run = runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(failed(run), run.stdout + run.stderr).toBe(true);
    expect(run.stdout).toMatch(/^::error title=agent-vault(%3A|:) skill-unsigned,file=skills\/deploy\/SKILL\.md::skill skills\/deploy is not signed/m);
    expect(run.summary).toMatch(/\| high \| skill-unsigned \| skills\/deploy\/SKILL\.md \|/);
    expect(run.outputs.findings).toBe('1');
    expect(sarifSchemaErrors(JSON.parse(run.sarif!))).toEqual([]);
  });

  it('tells a shallow clone exactly how to fetch the history it needs', () => {
    const origin = pullRequestRepo({}, [{ 'a.txt': 'one\n' }, { 'b.txt': 'two\n' }]);
    cleanup.push(origin.root);
    const clone = join(tempDir('av-shallow-'), 'clone');
    cleanup.push(clone);
    git(origin.root, origin.env, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin.dir}`, clone);
    const run = runAction({ workspace: clone, env: origin.env, eventName: 'pull_request', payload: pullRequestEvent(origin) });
    expect(failed(run), run.stdout + run.stderr).toBe(true);
    expect(run.stdout).toMatch(/::error::.*shallow/);
    expect(run.stdout).toContain('fetch-depth: 0');
  });
});
