import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { cli, git, gitOk, newRepo, sandbox, write, type Sandbox } from './helpers/git-sandbox.js';

// Paths and author names are UTF-8 bytes in git; every report must show them as the text they
// are (café.txt), never one char per byte (cafÃ©.txt).
let sb: Sandbox;
let repo: string;
let token: string;
const AUTHOR = 'Zoë Ångström';
const FILES = ['café.txt', 'données/naïve config.yaml', 'emoji-🔑.env'];

beforeEach(() => {
  sb = sandbox();
  repo = newRepo(sb, 'repo');
  token = expandTemplate('ghp_{{alnum:36}}', rng(31));
  for (const f of FILES) write(repo, f, `first line\ntoken = "${token}"\n`);
  gitOk(sb, repo, ['add', '-A']);
  gitOk(sb, repo, ['commit', '-q', '--no-verify', '-m', 'add tokens'], { env: { GIT_AUTHOR_NAME: AUTHOR } });
});
afterEach(() => sb.cleanup());

type JsonFinding = { path: string; line: number; author?: string; commit?: string };

function jsonFindings(args: string[]): JsonFinding[] {
  const r = cli(sb, repo, ['scan', ...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).not.toContain(token);
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

describe('paths with non-ASCII characters', () => {
  it('scan --range names each file and author as written', () => {
    const findings = jsonFindings(['--range', 'HEAD~1..HEAD']);
    expect(findings.map((f) => f.path).sort()).toEqual([...FILES].sort());
    expect(findings.every((f) => f.line === 2 && f.author === AUTHOR)).toBe(true);
    const text = cli(sb, repo, ['scan', '--range', 'HEAD~1..HEAD']);
    for (const f of FILES) expect(text.stdout).toContain(`${f}:2`);
    expect(text.stdout).not.toContain('Ã');
  });

  it('scan --history names each file and author as written', () => {
    const findings = jsonFindings(['--history']);
    expect(findings.map((f) => f.path).sort()).toEqual([...FILES].sort());
    expect(findings.every((f) => f.author === AUTHOR)).toBe(true);
  });

  it('the pre-push gate names each file as written', () => {
    const remote = join(sb.root, 'remote.git');
    gitOk(sb, sb.root, ['init', '-q', '--bare', remote]);
    gitOk(sb, repo, ['remote', 'add', 'origin', remote]);
    expect(cli(sb, repo, ['install']).code).toBe(0);
    const r = git(sb, repo, ['push', 'origin', 'main']);
    expect(r.code).not.toBe(0);
    for (const f of FILES) expect(r.stderr).toMatch(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2 \\(commit [0-9a-f]{12}\\) {2}github-pat-classic`));
    expect(r.stderr).not.toContain('Ã');
    expect(r.stderr).not.toContain(token);
  });
});
