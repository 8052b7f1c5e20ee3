import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO, removeDir } from './helpers/cli.js';
import { fakePasswordLine, fakeToken, pullRequestEvent, pullRequestRepo, runActionBundle } from './helpers/action.js';
import { INPUT_DEFAULTS } from '../action/src/inputs.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

function tokenPr() {
  const repo = pullRequestRepo({}, [{ 'app.env': `TOKEN=${fakeToken(301)}\n` }]);
  cleanup.push(repo.root);
  return repo;
}

describe('action.yml and the inputs', () => {
  const meta = parse(readFileSync(join(REPO, 'action.yml'), 'utf8'));

  it('declares every input the code reads, with the same defaults, and runs the committed bundle on node24', () => {
    const declared = Object.fromEntries(Object.entries(meta.inputs as Record<string, { default: string }>).map(([k, v]) => [k, v.default]));
    expect(declared).toEqual(INPUT_DEFAULTS);
    expect(meta.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    expect(Object.keys(meta.outputs)).toEqual(['findings', 'sarif-file', 'verified-skills']);
  });

  it('fail-on: never reports the finding without failing the job', () => {
    const repo = tokenPr();
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { 'fail-on': 'never' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.findings).toBe('1');
    expect(run.stdout).toMatch(/^::error title=agent-vault%3A github-pat-classic,file=app\.env/m);
  });

  it('an unknown check name fails with the input named and the valid choices', () => {
    const repo = tokenPr();
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { checks: 'secrets, licences' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::input "checks": unknown check "licences"%0AUse a comma-separated list of secrets, protected-paths, skills\./);
  });

  it('an unknown fail-on severity fails with the choices', () => {
    const repo = tokenPr();
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { 'fail-on': 'severe' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::input "fail-on": unknown severity "severe"%0AUse one of info, low, medium, high, critical, never\./);
  });

  it('sarif-file writes the log where the workflow asks', () => {
    const repo = tokenPr();
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { 'sarif-file': 'reports/av.sarif', checks: 'secrets' } });
    expect(run.code).toBe(1);
    expect(run.outputs['sarif-file']).toBe(join(repo.dir, 'reports/av.sarif'));
    expect(JSON.parse(run.sarif!).runs[0].results).toHaveLength(1);
  });

  it('a broken configuration fails with its file and line, before anything is checked', () => {
    const repo = pullRequestRepo({ '.agent-vault.yaml': 'rules:\n  disable: 3\n' }, [{ 'a.md': 'x\n' }]);
    cleanup.push(repo.root);
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::.*\.agent-vault\.yaml.*:2/);
  });

  it('a config input that points nowhere names the input, not a command-line flag', () => {
    const repo = tokenPr();
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { config: 'ci/agent-vault.yaml' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::cannot read configuration ci\/agent-vault\.yaml: ENOENT%0ACheck the config input of the action/);
  });

  it('runs outside a runner without a summary file, still setting outputs and the verdict', () => {
    const repo = tokenPr();
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), withoutSummary: true });
    expect(run.code).toBe(1);
    expect(run.outputs.findings).toBe('1');
    expect(run.summary).toBe('');
  });

  it('without fail-on, policy.block of the configuration decides, as in the hooks', () => {
    const assignment = fakePasswordLine(1);
    const repo = pullRequestRepo({ '.agent-vault.yaml': 'policy:\n  block: critical\n' }, [{ 'app.ini': assignment }]);
    cleanup.push(repo.root);
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.findings).toBe('1');
    expect(run.summary).toContain('Fails on: critical.');
    const strict = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { 'fail-on': 'high' } });
    expect(strict.code).toBe(1);
  });

  it('a finding in a protected path fails whatever its severity and the threshold', () => {
    const repo = pullRequestRepo({ '.agent-vault.yaml': 'policy:\n  block: critical\nprotected:\n  - "*.ini"\n', '.gitattributes': '*.ini filter=agent-vault\n' }, [
      { 'conf/app.ini': fakePasswordLine(2) },
    ]);
    cleanup.push(repo.root);
    const run = runActionBundle({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { checks: 'secrets, protected-paths' } });
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/file=conf\/app\.ini,line=1/);
    expect(run.summary).toMatch(/1 protected file at head/);
  });
});
