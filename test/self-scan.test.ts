import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { REPO } from './helpers/sandbox.js';

describe('this repository', () => {
  it('scans clean with its own tool (no realistic secret is ever committed)', () => {
    // The real checkout with the machine's HOME (and git config): the one test that means it.
    const r = cli({ env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' } }, REPO, ['scan', '.', '--format', 'json']);
    const report = JSON.parse(r.stdout) as { findings: { path: string; line: number; ruleId: string }[]; stats: { filesScanned: number } };
    expect(report.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`)).toEqual([]);
    expect(report.stats.filesScanned).toBeGreaterThan(20);
    expect(r.code).toBe(0);
  });
});
