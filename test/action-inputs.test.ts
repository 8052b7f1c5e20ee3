import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { REPO } from './helpers/sandbox.js';
import { annotationsAt, fakePasswordLine, fakeToken, pullRequestEvent, pullRequestRepo, runAction } from './helpers/action.js';
import { INPUT_DEFAULTS } from '../action/src/inputs.js';
import { readmeBlock } from './helpers/readme.js';

vi.mock('@actions/core', () => import('./helpers/actions-core.js'));


function tokenPr() {
  const repo = pullRequestRepo({}, [{ 'app.env': `TOKEN=${fakeToken(301)}\n` }]);
  return repo;
}

describe('action.yml and the inputs', () => {
  const meta = parse(readFileSync(join(REPO, 'action.yml'), 'utf8'));

  it('declares every input the code reads, with the same defaults, and runs the committed bundle on node24', async () => {
    const declared = Object.fromEntries(Object.entries(meta.inputs as Record<string, { default: string }>).map(([k, v]) => [k, v.default]));
    expect(declared).toEqual(INPUT_DEFAULTS);
    expect(meta.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    expect(Object.keys(meta.outputs)).toEqual(['findings', 'sarif-file', 'verified-skills']);
  });

  it('fail-on: never reports the finding without failing the job', async () => {
    const repo = tokenPr();
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { 'fail-on': 'never' } });
    expect(run.code, run.failed).toBe(0);
    expect(run.outputs.findings).toBe('1');
    expect(annotationsAt(run, 'app.env')).toEqual([expect.objectContaining({ level: 'error', properties: expect.objectContaining({ title: 'agent-vault: github-pat-classic' }) })]);
  });

  it('an unknown check name fails with the input named and the valid choices', async () => {
    const repo = tokenPr();
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { checks: 'secrets, licences' } });
    expect(run.code).toBe(1);
    expect(run.failed).toBe('input "checks": unknown check "licences"\nUse a comma-separated list of secrets, protected-paths, skills.');
  });

  it('an unknown fail-on severity fails with the choices', async () => {
    const repo = tokenPr();
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { 'fail-on': 'severe' } });
    expect(run.code).toBe(1);
    expect(run.failed).toBe('input "fail-on": unknown severity "severe"\nUse one of info, low, medium, high, critical, never.');
  });

  it('sarif-file writes the log where the workflow asks', async () => {
    const repo = tokenPr();
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { 'sarif-file': 'reports/av.sarif', checks: 'secrets' } });
    expect(run.code).toBe(1);
    expect(run.outputs['sarif-file']).toBe(join(repo.dir, 'reports/av.sarif'));
    expect(JSON.parse(run.sarif!).runs[0].results).toHaveLength(1);
  });

  it('a broken configuration fails with its file and line, before anything is checked', async () => {
    const repo = pullRequestRepo({ '.agent-vault.yaml': 'rules:\n  disable: 3\n' }, [{ 'a.md': 'x\n' }]);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(run.code).toBe(1);
    expect(run.failed).toMatch(/\.agent-vault\.yaml.*:2/);
  });

  it('a config input that points nowhere names the input, not a command-line flag', async () => {
    const repo = tokenPr();
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { config: 'ci/agent-vault.yaml' } });
    expect(run.code).toBe(1);
    expect(run.failed).toMatch(/^cannot read configuration ci\/agent-vault\.yaml: ENOENT\nCheck the config input of the action/);
  });

  it('runs outside a runner without a summary file, still setting outputs and the verdict', async () => {
    const repo = tokenPr();
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), withoutSummary: true });
    expect(run.code).toBe(1);
    expect(run.outputs.findings).toBe('1');
    expect(run.summary).toBe('');
  });

  it('without fail-on, policy.block of the configuration decides, as in the hooks', async () => {
    const assignment = fakePasswordLine(1);
    const repo = pullRequestRepo({ '.agent-vault.yaml': 'policy:\n  block: critical\n' }, [{ 'app.ini': assignment }]);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(run.code, run.failed).toBe(0);
    expect(run.outputs.findings).toBe('1');
    expect(run.summary).toContain('Fails on: critical.');
    const strict = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { 'fail-on': 'high' } });
    expect(strict.code).toBe(1);
  });

  it('a finding in a protected path fails whatever its severity and the threshold', async () => {
    const repo = pullRequestRepo({ '.agent-vault.yaml': 'policy:\n  block: critical\nprotected:\n  - "*.ini"\n', '.gitattributes': '*.ini filter=agent-vault\n' }, [
      { 'conf/app.ini': fakePasswordLine(2) },
    ]);
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { checks: 'secrets, protected-paths' } });
    expect(run.code, run.failed).toBe(1);
    expect(annotationsAt(run, 'conf/app.ini', 1)).toHaveLength(1);
    expect(run.summary).toMatch(/1 protected file at head/);
  });
});

describe("the README's workflow (.github/workflows/agent-vault.yml)", () => {
  const workflow = parse(readmeBlock('# .github/workflows/agent-vault.yml'));
  const meta = parse(readFileSync(join(REPO, 'action.yml'), 'utf8'));
  const steps = workflow.jobs.gate.steps as { id?: string; uses: string; if?: string; with?: Record<string, unknown> }[];
  const gate = steps.find((s) => s.uses.endsWith('/agent-vault@v1'))!;

  it('uses only inputs and outputs action.yml declares, a full clone, and the events the action handles', () => {
    for (const input of Object.keys(gate.with!)) expect(Object.keys(meta.inputs)).toContain(input);
    expect(gate.with!.checks).toBe(INPUT_DEFAULTS.checks); // "the default", as the comment says
    const used = [...JSON.stringify(steps).matchAll(/steps\.agent-vault\.outputs\.([\w-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    expect(gate.id).toBe('agent-vault');
    for (const output of used) expect(Object.keys(meta.outputs)).toContain(output);
    expect(steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'security-events': 'write' });
  });

  it('its with: block, run on a pull request with a token: fails the job and sets the sarif-file output the upload step reads', async () => {
    const repo = tokenPr();
    const inputs = Object.fromEntries(Object.entries(gate.with!).map(([k, v]) => [k, String(v)]));
    const run = await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs });
    expect(run.code).toBe(1);
    expect(run.outputs['sarif-file']).toBe(join(repo.dir, String(gate.with!['sarif-file'])));
    expect(JSON.parse(run.sarif!).runs[0].results).toHaveLength(1);
    expect(run.outputs.findings).toBe('1');
  });
});
