import { MSG } from '../messages.js';
import { printablePath, type ScanReport } from './model.js';

export interface TextStyle {
  color: boolean;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function renderText(report: ScanReport, style: TextStyle = { color: false }): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const where = `${printablePath(f.path)}:${f.line}:${f.column}`;
    const sev = f.severity === 'critical' || f.severity === 'high' ? paint(style.color, '31', f.severity) : paint(style.color, '33', f.severity);
    lines.push(`${paint(style.color, '1', where)}  ${f.ruleId}  ${f.masked}  ${sev}${f.commit ? `  commit ${f.commit.slice(0, 12)}` : ''}`);
    lines.push(`  ${f.description}: ${MSG.scanHintFinding(f.ruleId)}`);
  }
  // Binary files and symbolic links are expected in any tree; the JSON report still lists them.
  const notable = report.skipped.filter((s) => s.reason !== 'binary' && s.reason !== 'not-a-file');
  for (const s of notable) lines.push(`skipped ${printablePath(s.path)}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}`);
  if (lines.length) lines.push('');
  lines.push(MSG.scanSummary(report.findings.length, report.filesScanned, report.skipped.length));
  return lines.join('\n') + '\n';
}
