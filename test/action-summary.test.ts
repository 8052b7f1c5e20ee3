import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { fingerprint, maskSecret } from '../src/core/mask.js';
import { SECRET, type Finding } from '../src/core/types.js';
import { renderActionSarif, renderSummary } from '../action/src/summary.js';
import type { ActionReport } from '../action/src/summary.js';
import type { Problem } from '../src/gate/model.js';
import { sarifSchemaErrors } from './helpers/sarif.js';
import { fakeToken } from './helpers/action.js';

const ruleset = buildRuleset(defaultConfig());

function finding(path: string, secret: string, line: number): Finding {
  return {
    ruleId: 'github-pat-classic', description: 'GitHub personal access token (classic)', severity: 'critical', tags: [], path, line, column: 1, endLine: line, endColumn: 41,
    commit: 'a'.repeat(40), masked: maskSecret(secret), fingerprint: fingerprint('github-pat-classic', path, `token: \x01`), secretLength: secret.length, [SECRET]: secret,
  };
}

function gate(findings: Finding[], problems: Problem[] = []): ActionReport {
  return {
    targets: [{ kind: 'commits', revs: ['a..b'], head: 'b'.repeat(40), base: 'a'.repeat(40), description: 'commits aaaa..bbbb (pull request #1)' }],
    commits: 2, configSource: 'built-in defaults', ruleset,
    results: [{ check: 'secrets', findings, problems: [], verifiedSkills: 0, notes: [] }, { check: 'skills', findings: [], problems, verifiedSkills: 0, notes: [] }],
    findings, problems, failing: findings.length + problems.length, notBlocking: [], failOn: 'low', filesScanned: 1, bytesScanned: 10,
  };
}

/** Cell separators of a Markdown table row: pipes not escaped with a backslash. */
const separators = (row: string) => row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1;

describe('the job summary and the SARIF log', () => {
  it('keep one table row per finding whatever the path holds (pipes, newlines, markup, control characters)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), { minLength: 1, maxLength: 5 }), (paths) => {
        const token = fakeToken(paths.length);
        const md = renderSummary(gate(paths.map((p, i) => finding(p, token, i + 1))));
        const rows = md.split('\n').filter((l) => /^\| critical \|/.test(l));
        expect(rows).toHaveLength(paths.length);
        for (const row of rows) expect(separators(row)).toBe(8);
        expect(md).not.toContain(token);
      }),
      { numRuns: 200 },
    );
  });

  it('stay valid SARIF with findings and problems on unusual paths', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), (path) => {
        const token = fakeToken(7);
        const problem: Problem = { check: 'skills', ruleId: 'skill-unsigned', description: 'Skill not signed', severity: 'high', path, line: undefined, commit: undefined, message: 'not signed', hint: 'sign it' };
        const text = renderActionSarif(gate([finding(path, token, 3)], [problem]));
        expect(text).not.toContain(token);
        const log = JSON.parse(text);
        expect(sarifSchemaErrors(log)).toEqual([]);
        expect(log.runs[0].results).toHaveLength(2);
        expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['github-pat-classic', 'skill-unsigned']);
      }),
      { numRuns: 50 },
    );
  });

  it('cap the table at a thousand rows and point to the SARIF file for the rest', () => {
    const token = fakeToken(9);
    const md = renderSummary(gate(Array.from({ length: 1005 }, (_, i) => finding(`f${i}.env`, token, 1))));
    expect(md.split('\n').filter((l) => l.startsWith('| critical |'))).toHaveLength(1000);
    expect(md).toContain('5 more in the SARIF file.');
  });
});
