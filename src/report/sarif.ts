import type { Severity } from '../core/types.js';
import { MSG } from '../messages.js';
import type { ScanReport } from './model.js';

const LEVEL: Record<Severity, 'note' | 'warning' | 'error'> = { info: 'note', low: 'note', medium: 'warning', high: 'error', critical: 'error' };
/** GitHub code scanning reads `security-severity` (0-10) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = { info: '1.0', low: '3.0', medium: '5.0', high: '8.0', critical: '9.5' };

/** Percent-encode a relative path into a SARIF artifact URI. */
function toUri(path: string): string {
  return path.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

export function renderSarif(report: ScanReport): string {
  const used = new Map<string, number>();
  const rules = report.rules.filter((r) => report.findings.some((f) => f.ruleId === r.id));
  rules.forEach((r, i) => used.set(r.id, i));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'agent-vault',
            version: report.version,
            informationUri: 'https://www.npmjs.com/package/agent-vault',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: { text: MSG.scanHintFinding(r.id) },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: ['security', 'secret', ...r.tags], 'security-severity': SECURITY_SEVERITY[r.severity] },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          ...(used.has(f.ruleId) ? { ruleIndex: used.get(f.ruleId) } : {}),
          level: LEVEL[f.severity],
          message: { text: `${f.description} (${f.masked})${f.commit ? ` added in commit ${f.commit}` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: toUri(f.path) },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
          partialFingerprints: { 'agentVaultFingerprint/v2': f.fingerprint },
          ...(f.commit ? { properties: { commit: f.commit } } : {}),
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
