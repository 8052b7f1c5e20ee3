import { describe, expect, it } from 'vitest';
import { REPO, runCli } from './helpers/cli.js';

describe('this repository', () => {
  it('scans clean with its own tool (no realistic secret is ever committed)', () => {
    const r = runCli(['scan', '.', '--format', 'json'], { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' } });
    const report = JSON.parse(r.stdout) as { findings: { path: string; line: number; ruleId: string }[]; stats: { filesScanned: number } };
    expect(report.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`)).toEqual([]);
    expect(report.stats.filesScanned).toBeGreaterThan(20);
    expect(r.code).toBe(0);
  });
});
