import { printablePath } from '../../src/report/model.js';
import { renderSarif } from '../../src/report/sarif.js';
import { MSG } from '../../src/messages.js';
import { VERSION } from '../../src/platform/version.js';
import type { GateResult } from '../../src/gate/model.js';

/** GitHub caps a step summary at 1 MiB; beyond this many rows the SARIF file holds the rest. */
export const SUMMARY_MAX_ROWS = 1000;

/** Make text safe inside a Markdown table cell: no row breaks, no cell breaks, no markup. */
function cell(text: string): string {
  return printablePath(text)
    .replace(/[\\`*_{}[\]<>|#!~]/g, (c) => `\\${c}`)
    .replace(/\s+/g, ' ');
}

const CHECK_TITLES = { secrets: 'Secrets', 'protected-paths': 'Protected paths', skills: 'Skills' } as const;

/** What the summary and the SARIF log show of a gate's result. */
export type ActionReport = Pick<GateResult, 'targets' | 'commits' | 'configSource' | 'ruleset' | 'results' | 'findings' | 'problems' | 'failing' | 'notBlocking' | 'failOn' | 'filesScanned' | 'bytesScanned'>;

/** The job summary: verdict, what was checked, and every finding and problem as a table. */
export function renderSummary(gate: ActionReport): string {
  const total = gate.findings.length + gate.problems.length;
  const out: string[] = [];
  out.push(`## ${gate.failing ? '❌' : '✅'} ${cell(MSG.actionVerdict(gate.failing, total, gate.notBlocking.length, gate.failOn))}`, '');
  out.push(`Checked ${cell(gate.targets.map((t) => t.description).join('; '))}${gate.commits ? `, ${gate.commits} commit${gate.commits === 1 ? '' : 's'}` : ''}. Configuration: ${cell(gate.configSource)}. Fails on: ${cell(gate.failOn)}.`, '');
  out.push('| Check | Findings | Problems | Notes |', '| --- | ---: | ---: | --- |');
  for (const r of gate.results) {
    const notes = [...r.notes, ...(r.check === 'skills' ? [`${r.verifiedSkills} verified`] : [])];
    out.push(`| ${CHECK_TITLES[r.check]} | ${r.findings.length} | ${r.problems.length} | ${cell(notes.join('; '))} |`);
  }
  out.push('');
  if (total === 0) return out.join('\n') + '\n';
  out.push('| Severity | Rule | File | Line | Secret | Commit | What to do |', '| --- | --- | --- | ---: | --- | --- | --- |');
  const rows: string[] = [];
  for (const f of gate.findings) {
    rows.push(`| ${f.severity} | ${cell(f.ruleId)} | ${cell(f.path)} | ${f.line} | ${cell(f.masked)} | ${f.commit ? cell(f.commit.slice(0, 12)) : ''} | ${cell(MSG.scanHintFinding(f.ruleId))} |`);
  }
  for (const p of gate.problems) {
    rows.push(`| ${p.severity} | ${cell(p.ruleId)} | ${cell(p.path)} | ${p.line ?? ''} | | ${p.commit ? cell(p.commit.slice(0, 12)) : ''} | ${cell(`${p.message}. ${p.hint}`)} |`);
  }
  out.push(...rows.slice(0, SUMMARY_MAX_ROWS));
  if (rows.length > SUMMARY_MAX_ROWS) out.push('', `${rows.length - SUMMARY_MAX_ROWS} more in the SARIF file.`);
  return out.join('\n') + '\n';
}

/** The SARIF log: the scanner's renderer for findings, plus one rule and result per problem kind. */
export function renderActionSarif(gate: ActionReport): string {
  const sarif = JSON.parse(
    renderSarif({
      findings: gate.findings,
      skipped: [],
      filesScanned: gate.filesScanned,
      bytesScanned: gate.bytesScanned,
      rules: gate.ruleset.rules,
      target: gate.targets.map((t) => t.description).join('; '),
      version: VERSION,
    }),
  ) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: unknown[] }[] };
  const run = sarif.runs[0]!;
  const level = (s: string) => (s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note');
  for (const p of gate.problems) {
    let index = run.tool.driver.rules.findIndex((r) => r.id === p.ruleId);
    if (index < 0) {
      index = run.tool.driver.rules.length;
      run.tool.driver.rules.push({
        id: p.ruleId,
        name: p.ruleId.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
        shortDescription: { text: p.description },
        help: { text: p.hint },
        defaultConfiguration: { level: level(p.severity) },
        properties: { tags: ['security', p.check] },
      } as { id: string });
    }
    run.results.push({
      ruleId: p.ruleId,
      ruleIndex: index,
      level: level(p.severity),
      message: { text: `${p.message}. ${p.hint}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: p.path.split('/').map(encodeURIComponent).join('/') },
            ...(p.line ? { region: { startLine: p.line } } : {}),
          },
        },
      ],
      ...(p.commit ? { properties: { commit: p.commit } } : {}),
    });
  }
  return JSON.stringify(sarif, null, 2) + '\n';
}
