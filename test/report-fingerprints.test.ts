/**
 * Issue 11 item 7: nothing in a report, an annotation or a baseline lets someone who reads it
 * confirm a guessed secret faster than one memory-hard KDF evaluation. The attack: a
 * 12-character password made of a dictionary word and digits, a dictionary of candidates, and
 * every hash-shaped string in every output format tried against the fast hashes of each
 * candidate. On the old fingerprints (sha256 of rule and secret) the JSON and SARIF reports
 * and the baseline gave the password away.
 */
import { createHash, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { initRepo, sandbox, write } from './helpers/sandbox.js';

const next = rng(7107);
const WORDS = Array.from({ length: 400 }, () => expandTemplate('{{lower:8}}', next));
const token = () => expandTemplate('ghp_{{alnum:36}}', next);

/** Fast hashes an attacker would try of a candidate under a rule id (hex and base64). */
function fastHashes(ruleIds: string[], candidate: string): string[] {
  const out: string[] = [];
  for (const input of [candidate, ...ruleIds.map((r) => `${r}\0${candidate}`)]) {
    for (const alg of ['sha256', 'sha1', 'md5', 'sha512']) {
      const d = createHash(alg).update(input, 'latin1').digest();
      out.push(d.toString('hex'), d.toString('base64'));
    }
  }
  return out;
}

describe('reports and baselines do not confirm guessed secrets', () => {
  it('no hash-shaped string in json, sarif, github or a baseline is a fast hash of the secret, and the baseline check is scrypt under its own salt', () => {
    const sb = sandbox();
    const dir = initRepo(sb);
    const word = WORDS[Math.floor(next() * WORDS.length)]!;
    const password = `${word[0]!.toUpperCase()}${word.slice(1)}${String(1000 + Math.floor(next() * 9000))}`;
    expect(password).toHaveLength(12);
    write(dir, 'config.py', `DB_PASSWORD = "${password}"\nGITHUB = "${token()}"\n`);
    const outputs: Record<string, string> = {};
    for (const format of ['json', 'sarif', 'github', 'text']) {
      const r = cli(sb, dir, ['scan', 'config.py', '--format', format]);
      expect(r.code, r.stderr).toBe(1);
      outputs[format] = r.stdout + r.stderr;
    }
    const ruleIds = (JSON.parse(outputs.json!).findings as { ruleId: string }[]).map((f) => f.ruleId);
    expect(ruleIds.length).toBe(2);
    expect(cli(sb, dir, ['scan', 'config.py', '--write-baseline', 'baseline.json']).code).toBe(1);
    outputs.baseline = readFileSync(join(dir, 'baseline.json'), 'utf8');

    // The dictionary attack over every output, with the real password among the candidates.
    const candidates = [...WORDS.map((w) => `${w[0]!.toUpperCase()}${w.slice(1)}${password.slice(8)}`), password];
    const shaped = new Set(Object.values(outputs).flatMap((text) => text.match(/[0-9a-f]{32,128}|[A-Za-z0-9+/]{22,}={0,2}/g) ?? []));
    const confirmed = candidates.filter((c) => fastHashes(ruleIds, c).some((h) => shaped.has(h)));
    expect(confirmed).toEqual([]);
    for (const text of Object.values(outputs)) expect(text).not.toContain(password);

    // What the baseline does hold per finding: scrypt of rule and secret under a random salt.
    const file = JSON.parse(outputs.baseline) as { version: number; kdf: { name: string; N: number; r: number; p: number; salt: string }; findings: { ruleId: string; check: string }[] };
    expect(file.version).toBe(2);
    expect(file.kdf.name).toBe('scrypt');
    expect(file.kdf.N * file.kdf.r * 128).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(Buffer.from(file.kdf.salt, 'base64').length).toBeGreaterThanOrEqual(16);
    const entry = file.findings.find((f) => !f.ruleId.startsWith('github'))!;
    const scrypt = (guess: string) =>
      scryptSync(Buffer.from(`${entry.ruleId}\0${guess}`, 'latin1'), Buffer.from(file.kdf.salt, 'base64'), 16, { N: file.kdf.N, r: file.kdf.r, p: file.kdf.p, maxmem: 64 * 1024 * 1024 }).toString('base64');
    expect(scrypt(password)).toBe(entry.check);
    expect(scrypt(candidates[0]!)).not.toBe(entry.check);

    // A second baseline of the same findings has another salt: no precomputed table serves both.
    expect(cli(sb, dir, ['scan', 'config.py', '--write-baseline', 'again.json']).code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'again.json'), 'utf8')).kdf.salt).not.toBe(file.kdf.salt);
  });

  it('a baseline accepts a finding only where it was and with the secret it had: a rotated or moved secret is reported again', () => {
    const sb = sandbox();
    const dir = initRepo(sb);
    const accepted = token();
    write(dir, 'a.txt', `y=${accepted}\n`);
    expect(cli(sb, dir, ['scan', 'a.txt', '--write-baseline', 'baseline.json']).code).toBe(1);
    expect(cli(sb, dir, ['scan', 'a.txt', '--baseline', 'baseline.json']).code).toBe(0);
    // Rotated in place: same line, new value.
    write(dir, 'a.txt', `y=${token()}\n`);
    expect(cli(sb, dir, ['scan', 'a.txt', '--baseline', 'baseline.json']).code).toBe(1);
    // Moved to another file.
    write(dir, 'a.txt', 'clean\n');
    write(dir, 'b.txt', `y=${accepted}\n`);
    expect(cli(sb, dir, ['scan', 'a.txt', 'b.txt', '--baseline', 'baseline.json']).code).toBe(1);
  });

  it('a version 1 baseline (sha256 of the secret) is refused with why and the fix', () => {
    const sb = sandbox();
    const dir = initRepo(sb);
    write(dir, 'a.txt', 'clean\n');
    write(dir, 'old.json', JSON.stringify({ version: 1, findings: [{ fingerprint: 'a'.repeat(64), ruleId: 'x', path: 'a.txt', line: 1 }] }));
    const r = cli(sb, dir, ['scan', 'a.txt', '--baseline', 'old.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/version 1/);
    expect(r.stderr).toMatch(/--write-baseline/);
  });
});
