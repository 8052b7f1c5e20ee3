import { describe, expect, it, vi } from 'vitest';
import { annotationsAt, errorAt, pullRequestEvent, pullRequestRepo, runAction } from './helpers/action.js';

vi.mock('@actions/core', () => import('./helpers/actions-core.js'));


const CONFIG = { '.agent-vault.yaml': 'protected:\n  - "secrets/**"\n  - ".env"\n' };
const ATTRIBUTES = 'secrets/** filter=agent-vault\n.env filter=agent-vault\n';

async function prRun(base: Record<string, string>, change: Record<string, string>, inputs: Record<string, string> = {}) {
  const repo = pullRequestRepo(base, [change]);
  return await runAction({ workspace: repo.dir, env: repo.env, eventName: 'pull_request', payload: pullRequestEvent(repo), inputs: { checks: 'protected-paths', ...inputs } });
}

describe('protected paths in a pull request', () => {
  it('pass while every protected file is mapped to the agent-vault filter', async () => {
    const run = await prRun({ ...CONFIG, '.gitattributes': ATTRIBUTES, 'secrets/db.yaml': 'password: <agent-vault:db-password>\n' }, { 'secrets/api.yaml': 'key: <agent-vault:api-key>\n' });
    expect(run.code, run.failed).toBe(0);
    expect(run.summary).toMatch(/\| Protected paths \| 0 \| 0 \| 2 protected files at head \|/);
  });

  it('fail when the pull request unmaps a protected path from the filter', async () => {
    const run = await prRun({ ...CONFIG, '.gitattributes': ATTRIBUTES, 'secrets/db.yaml': 'password: <agent-vault:db-password>\n' }, { '.gitattributes': '.env filter=agent-vault\n' });
    expect(run.code).toBe(1);
    expect(errorAt(run, 'protected-path-unfiltered', 'secrets/db.yaml').message).toMatch(/^protected path is not mapped/);
    expect(run.printed).toContain('secrets/db.yaml filter=agent-vault');
    expect(run.outputs.findings).toBe('1');
  });

  it('pass with a file named like a protected folder: secrets/** covers what is inside secrets/, as in .gitattributes', async () => {
    const run = await prRun({ ...CONFIG, '.gitattributes': ATTRIBUTES }, { secrets: 'a plain file, not the protected folder\n' });
    expect(run.code, run.failed).toBe(0);
    expect(run.summary).toMatch(/\| Protected paths \| 0 \| 0 \| 0 protected files at head \|/);
  });

  it('fail when an unvaulted suspect marker is committed to a protected file, on its line', async () => {
    const run = await prRun({ ...CONFIG, '.gitattributes': ATTRIBUTES }, { '.env': 'A=1\nB=<agent-vault:UNVAULTED:sha256:0a1b2c3d>\n' });
    expect(run.code).toBe(1);
    expect(annotationsAt(run, '.env', 2)).toEqual([expect.objectContaining({ level: 'error', properties: expect.objectContaining({ title: 'agent-vault: unvaulted-value-committed', endLine: 2 }) })]);
  });

  it('read the protected globs from the base commit, so a pull request cannot drop its own protection', async () => {
    const run = await prRun({ ...CONFIG, '.gitattributes': ATTRIBUTES, 'secrets/db.yaml': 'x: <agent-vault:db>\n' }, { '.agent-vault.yaml': 'protected: []\n', '.gitattributes': '' });
    expect(run.code).toBe(1);
    expect(run.summary).toContain('at the base commit');
  });
});

describe('a pull request that loosens the policy', () => {
  it('is judged by the base policy and each loosening is a policy-loosened warning on the configuration file', async () => {
    const run = await prRun({ ...CONFIG, '.gitattributes': ATTRIBUTES, 'secrets/db.yaml': 'x: <agent-vault:db>\n' }, { '.agent-vault.yaml': "protected: []\nallowlist:\n  paths: ['**']\n", '.gitattributes': '' });
    expect(run.code).toBe(1);
    const warnings = run.annotations.filter((a) => a.properties?.title === 'agent-vault: policy-loosened');
    expect(warnings.map((a) => a.level)).toEqual(['warning', 'warning']);
    expect(warnings.map((a) => a.message).join('\n')).toMatch(/protected paths removed: secrets\/\*\*, \.env[\s\S]*allowlist entries added: paths:\*\*/);
    expect(warnings.every((a) => a.properties?.file === '.agent-vault.yaml')).toBe(true);
  });

  it('says nothing when the policy only tightens', async () => {
    const run = await prRun({ ...CONFIG, '.gitattributes': ATTRIBUTES }, { '.agent-vault.yaml': 'protected:\n  - "secrets/**"\n  - ".env"\n  - "config/**"\n', '.gitattributes': ATTRIBUTES + 'config/** filter=agent-vault\n' });
    expect(run.annotations.filter((a) => a.properties?.title === 'agent-vault: policy-loosened')).toEqual([]);
  });
});
