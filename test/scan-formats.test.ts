import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { sandbox, write, type Sandbox } from './helpers/sandbox.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { sarifSchemaErrors } from './helpers/sarif.js';

let sb: Sandbox;
let dir: string;
const secrets: string[] = [];

beforeAll(() => {
  sb = sandbox();
  dir = sb.dir;
  const next = rng(42);
  for (let i = 0; i < 3; i++) secrets.push(expandTemplate('ghp_{{alnum:36}}', next));
  write(dir, 'proj/.env', `GITHUB_TOKEN=${secrets[0]}\nPORT=3000\n`);
  write(dir, 'proj/config/app.yaml', `ci:\n  token: "${secrets[1]}"\n`);
  // A path with a comma, a colon and a space exercises every escaping rule.
  write(dir, 'proj/odd, name: here.ts', `const t = '${secrets[2]}';\n`);
  write(dir, 'proj/clean.txt', 'nothing to see here\n');
});

const scan = (...args: string[]) => cli(sb, dir, ['scan', 'proj', ...args]);

function expectNoRawSecret(text: string) {
  for (const s of secrets) {
    expect(text.includes(s), 'raw secret in output').toBe(false);
    expect(text.includes(s.slice(4)), 'secret body in output').toBe(false);
  }
}

describe('agent-vault scan output formats', () => {
  it('text: file:line:column, rule, masked secret, a hint and a summary; exit 1', () => {
    const r = scan();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/proj\/\.env:1:14 {2}github-pat-classic {2}ghp_\*{8} {2}critical/);
    expect(r.stdout).toContain('revoke and rotate');
    expect(r.stdout).toMatch(/3 findings in 4 files scanned/);
    expectNoRawSecret(r.stdout + r.stderr);
  });

  it('json: machine-readable findings with masked secrets and fingerprints', () => {
    const r = scan('--format', 'json');
    expect(r.code).toBe(1);
    const data = JSON.parse(r.stdout);
    expect(data.findings).toHaveLength(3);
    expect(data.findings[0]).toMatchObject({ ruleId: 'github-pat-classic', path: 'proj/.env', line: 1, secret: 'ghp_********' });
    expect(data.findings[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expectNoRawSecret(r.stdout + r.stderr);
  });

  it('sarif: valid against the SARIF 2.1.0 schema', () => {
    const r = scan('--format', 'sarif');
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    // The validator is not vacuous: a log missing its version is rejected.
    expect(sarifSchemaErrors({ runs: [] }).length).toBeGreaterThan(0);
    expect(sarif.runs[0].results).toHaveLength(3);
    const uris = sarif.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toContain('proj/odd%2C%20name%3A%20here.ts');
    expectNoRawSecret(r.stdout);
  });

  it('github: workflow-command annotations with escaped properties', () => {
    const r = scan('--format', 'github');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.startsWith('::error file=proj/.env,line=1,col=14,'))).toBe(true);
    expect(lines.some((l) => l.includes('file=proj/odd%2C name%3A here.ts,'))).toBe(true);
    expectNoRawSecret(r.stdout);
  });

  it('--output writes the report to a file and keeps the exit code', () => {
    const r = scan('--format', 'json', '--output', 'report.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const text = readFileSync(join(dir, 'report.json'), 'utf8');
    expect(JSON.parse(text).findings).toHaveLength(3);
    expectNoRawSecret(text + r.stderr);
  });

  it('a clean folder exits 0 in every format', () => {
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = cli(sb, dir, ['scan', 'proj/clean.txt', '--format', format]);
      expect(r.code, format).toBe(0);
    }
  });
});
