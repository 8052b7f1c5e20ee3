import { publicFinding, type ScanReport } from './model.js';

export function renderJson(report: ScanReport): string {
  return (
    JSON.stringify(
      {
        version: report.version,
        target: report.target,
        findings: report.findings.map(publicFinding),
        skipped: report.skipped,
        stats: { findings: report.findings.length, filesScanned: report.filesScanned, bytesScanned: report.bytesScanned, skipped: report.skipped.length },
      },
      null,
      2,
    ) + '\n'
  );
}
