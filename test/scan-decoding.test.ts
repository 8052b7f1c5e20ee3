import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { findEncodedSegments, MAX_SEGMENT } from '../src/core/decode.js';
import { suspectSpans } from '../src/core/suspects.js';
import { scanText } from '../src/core/scan.js';
import { SECRET } from '../src/core/types.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

// Secrets wrapped in an encoding are still secrets: a Kubernetes Secret holds base64, a config
// blob holds hex, a URL in a query string is percent-encoded. The scanner decodes such segments,
// scans them in place and reports the encoded span, tagged with the encoding.
const ruleset = buildRuleset(defaultConfig());
const scan = (text: string, decode = true) => scanText(text, { path: 'deploy/secret.yaml' }, ruleset, { decode });
const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'latin1').toString('base64url');
const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');

const ghp = expandTemplate('ghp_{{alnum:36}}', rng(1));
const cohere = expandTemplate('{{alnum:40}}', rng(2));
const password = expandTemplate('{{alnum:18}}', rng(3));
const pgPassword = expandTemplate('{{alnum:12}}#{{alnum:6}}', rng(4));

interface Case {
  label: string;
  text: string;
  rule: string;
  secret: string;
  tags: string[];
  /** The encoded text the finding must cover exactly. */
  encoded: string;
}

const CASES: Case[] = [
  { label: 'a token in base64', text: `token: ${b64(ghp)}`, rule: 'github-pat-classic', secret: ghp, tags: ['decoded:base64'], encoded: b64(ghp) },
  { label: 'a token in URL-safe base64', text: `TOKEN_B64=${b64url(`${ghp}\n`)}`, rule: 'github-pat-classic', secret: ghp, tags: ['decoded:base64'], encoded: b64url(`${ghp}\n`) },
  {
    label: 'a Kubernetes Secret: a prefixed token',
    text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  GITHUB_TOKEN: ${b64(ghp)}\n`,
    rule: 'github-pat-classic',
    secret: ghp,
    tags: ['decoded:base64'],
    encoded: b64(ghp),
  },
  {
    label: 'a Kubernetes Secret: a named key (the name is outside the encoding)',
    text: `kind: Secret\ndata:\n  COHERE_API_KEY: ${b64(cohere)}\n`,
    rule: 'cohere-api-key',
    secret: cohere,
    tags: ['decoded:base64'],
    encoded: b64(cohere),
  },
  {
    label: 'a Kubernetes Secret: a password',
    text: `kind: Secret\ndata:\n  DB_PASSWORD: ${b64(password)}\n`,
    rule: 'generic-password-assignment',
    secret: password,
    tags: ['decoded:base64'],
    encoded: b64(password),
  },
  { label: 'an assignment in hex', text: `blob = "${hex(`GITHUB_TOKEN=${ghp}`)}"`, rule: 'github-pat-classic', secret: ghp, tags: ['decoded:hex'], encoded: hex(`GITHUB_TOKEN=${ghp}`) },
  {
    label: 'a connection URL percent-encoded in a query string',
    text: `https://admin.corp.test/connect?dsn=${encodeURIComponent(`postgres://app:${pgPassword}@db.internal:5432/app`)}`,
    rule: 'url-postgres-password',
    secret: pgPassword,
    tags: ['decoded:percent'],
    encoded: encodeURIComponent(`postgres://app:${pgPassword}@db.internal:5432/app`),
  },
  { label: 'base64 inside base64', text: `nested: ${b64(`key=${b64(ghp)}`)}`, rule: 'github-pat-classic', secret: ghp, tags: ['decoded:base64', 'decoded:base64'], encoded: b64(`key=${b64(ghp)}`) },
  {
    label: 'a Basic auth header around a token',
    text: `curl -H "Authorization: Basic ${b64(`x-access-token:${ghp}`)}" https://git.corp.test`,
    rule: 'github-pat-classic',
    secret: ghp,
    tags: ['decoded:base64'],
    encoded: b64(`x-access-token:${ghp}`),
  },
];

describe('secrets inside encoded segments are found and reported at the encoded span', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const findings = scan(c.text);
    expect(findings.map((f) => [f.ruleId, f[SECRET]])).toEqual([[c.rule, c.secret]]);
    const f = findings[0]!;
    expect(f.tags.filter((t) => t.startsWith('decoded:'))).toEqual(c.tags);
    // the location is that of the encoded text, on its own line
    const lines = c.text.split('\n');
    const at = lines[f.line - 1]!.indexOf(c.encoded);
    expect(at, 'encoded span on the reported line').toBeGreaterThanOrEqual(0);
    expect([f.column, f.endLine, f.endColumn]).toEqual([at + 1, f.line, at + 1 + c.encoded.length]);
    expect(f.masked).not.toContain(c.secret);
    expect(f.description).toMatch(/\(found inside (?:base64|hex|percent)/);
  });

  it('with decoding off, nothing encoded is found', () => {
    for (const c of CASES) expect(scan(c.text, false).filter((f) => f[SECRET] === c.secret)).toEqual([]);
  });

  it('a generic finding on the encoded text gives way to what is inside it', () => {
    const text = `GITHUB_SECRET_TOKEN: ${b64(ghp)}`;
    expect(scan(text).map((f) => f.ruleId)).toEqual(['github-pat-classic']);
  });

  it('a secret written both plainly and encoded is reported where each is', () => {
    const text = `GITHUB_TOKEN=${ghp}\nGITHUB_TOKEN_B64=${b64(ghp)}\n`;
    // the encoded copy is the same secret: reported once, where it is written plainly
    expect(scan(text).map((f) => [f.ruleId, f.line])).toEqual([['github-pat-classic', 1]]);
  });

  it('an encoded placeholder is a placeholder, even when too short to be decoded in place', () => {
    for (const word of ['changeme', 'REPLACE_ME_BEFORE_DEPLOY', 'your-password-here']) {
      expect(scan(`kind: Secret\ndata:\n  password: ${b64(word)}\n`), word).toEqual([]);
    }
  });

  it.each(['admin', 'deploy', 'test-runner', 'service'])('Basic credentials of user %s are judged by their password, not the user name', (user) => {
    const found = scan(`curl -H "Authorization: Basic ${b64(`${user}:${password}`)}" https://api.corp.test`);
    expect(found.map((f) => f.ruleId)).toEqual(['generic-authorization-basic']);
    for (const word of ['changeme', 'your-password-here']) {
      expect(scan(`curl -H "Authorization: Basic ${b64(`${user}:${word}`)}" https://api.corp.test`), word).toEqual([]);
    }
  });

  it('an inline allow comment on the line of the encoded text suppresses it', () => {
    expect(scan(`token: ${b64(ghp)}  # gitleaks:allow`)).toEqual([]);
  });
});

describe('decoding stays bounded and quiet on data', () => {
  const random = (n: number, seed: number) => {
    const r = rng(seed);
    return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
  };
  it.each([
    ['base64 of binary data', `icon: ${random(600, 7).toString('base64')}`],
    ['a sha512 integrity string', `"integrity": "sha512-${random(64, 8).toString('base64')}"`],
    ['a git commit id', `commit ${random(20, 9).toString('hex')}`],
    ['a UUID', 'id: 3f2b8c1e-9a4d-4c7e-b1f0-2d6e8a9c0b1f'],
    ['base64 of harmless text', `motd: ${b64('Welcome to the staging cluster, be kind to it.')}`],
    ['percent-encoded prose', 'q=hello%20world%2C%20how%20are%20you'],
    ['a JavaScript identifier', 'const handlerRequestTimeoutCountBucket = 3;'],
  ])('%s', (_label, text) => {
    expect(scan(text)).toEqual([]);
  });

  it('unwraps at most three encodings', () => {
    let wrapped = `GITHUB_TOKEN=${ghp}`;
    for (let i = 0; i < 3; i++) wrapped = b64(wrapped);
    expect(scan(`x: ${wrapped}`).map((f) => f.ruleId)).toEqual(['github-pat-classic']);
    expect(scan(`x: ${b64(wrapped)}`)).toEqual([]);
  });

  it('leaves segments longer than the limit alone', () => {
    const long = b64(`GITHUB_TOKEN=${ghp}\n` + 'x'.repeat(MAX_SEGMENT));
    expect(findEncodedSegments(`x: ${long}`)).toEqual([]);
  });

  it('finds segments only where the decoded bytes are text', () => {
    const segs = findEncodedSegments(`a: ${b64('hello there, general')}\nb: ${random(40, 3).toString('base64')}\nc: ${hex('plain words here')}`);
    expect(segs.map((s) => [s.encoding, s.decoded])).toEqual([
      ['base64', 'hello there, general'],
      ['hex', 'plain words here'],
    ]);
  });
});

describe("the agent's view hides the encoded form", () => {
  it('suspect spans cover the encoded segment', () => {
    const text = `kind: Secret\ndata:\n  GITHUB_TOKEN: ${b64(ghp)}\n`;
    const spans = suspectSpans(Buffer.from(text, 'latin1'), 'secret.yaml', ruleset);
    const start = text.indexOf(b64(ghp));
    expect(spans).toContainEqual({ start, end: start + b64(ghp).length });
  });
});

describe('the CLI reports decoded findings without printing the secret or its encoding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-decoding-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = join(__dirname, '..', 'bin', 'agent-vault.mjs');

  it.each(['text', 'json', 'sarif', 'github'])('--format %s', (format) => {
    writeFileSync(join(dir, 'secret.yaml'), `kind: Secret\ndata:\n  GITHUB_TOKEN: ${b64(ghp)}\n`);
    const gitConfig = join(dir, 'gitconfig');
    writeFileSync(gitConfig, '');
    const run = spawnSync(process.execPath, [cli, 'scan', 'secret.yaml', '--format', format, '--no-progress'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: dir, NO_COLOR: '1', CI: '1' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('github-pat-classic');
    expect(run.stdout).toMatch(format === 'json' ? /decoded:base64/ : /found inside base64/);
    for (const leak of [ghp, b64(ghp), ghp.slice(4)]) {
      expect(run.stdout.includes(leak)).toBe(false);
      expect(run.stderr.includes(leak)).toBe(false);
    }
  });
});
