import { MSG } from '../messages.js';
import type { ScanReport } from './model.js';

/** Escaping rules of GitHub workflow commands. */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function renderGithub(report: ScanReport): string {
  const out: string[] = [];
  for (const f of report.findings) {
    const level = f.severity === 'critical' || f.severity === 'high' ? 'error' : f.severity === 'medium' ? 'warning' : 'notice';
    const props = [
      `file=${escapeProperty(f.path)}`,
      `line=${f.line}`,
      `col=${f.column}`,
      `endLine=${f.endLine}`,
      ...(f.endLine === f.line ? [`endColumn=${f.endColumn}`] : []),
      `title=${escapeProperty(`agent-vault: ${f.ruleId}`)}`,
    ].join(',');
    out.push(`::${level} ${props}::${escapeData(`${f.description} (${f.masked})${f.commit ? ` in commit ${f.commit.slice(0, 12)}` : ''}. ${MSG.scanHintFinding(f.ruleId)}`)}`);
  }
  out.push(MSG.scanSummary(report.findings.length, report.filesScanned, report.skipped.length));
  return out.join('\n') + '\n';
}
