import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SPILL_BYTES } from '../src/sources/git-sources.js';
import { WINDOW_CHARS } from '../src/sources/fragment.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';

/**
 * Issue 11, item 1 for the hooks: a staged blob larger than SPILL_BYTES is never held in
 * memory; git writes it to a private file in the git folder and the gate reads it a window at
 * a time. What must still hold: a token on its last line and raw vaulted values anywhere
 * (also across a window boundary) block the commit with the right line numbers, nothing of a
 * value is printed, and the spilled file is gone afterwards.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const LINE = 'INSERT INTO rows VALUES (42, "plain data line for the bulk of the dump");\n';
const VALUE = `fake-large-blob-value-${Date.now().toString(36)}-0123456789`;
// A classic-PAT-shaped token generated at run time (random, so the scanner's entropy check sees a real-looking one).
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN = `ghp_${Array.from(randomBytes(36), (b) => ALNUM[b % ALNUM.length]).join('')}`;

describe('pre-commit on a blob too large to hold in memory', () => {
  let w: AgentWorld;
  const expected: { value: number[]; token: number } = { value: [], token: 0 };

  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE);
    // About SPILL_BYTES + 8 MiB of lines; the value sits across the first window boundary and
    // again deep inside, the token on the last line.
    const fd = openSync(join(w.repo, 'dump.sql'), 'w');
    let bytes = 0;
    let line = 0;
    const put = (s: string) => {
      writeSync(fd, s);
      bytes += Buffer.byteLength(s);
      line += s.split('\n').length - 1;
    };
    const target = SPILL_BYTES + 8 * 1024 * 1024;
    const boundary = WINDOW_CHARS - 10; // the value starts 10 bytes before the first window ends
    while (bytes + LINE.length < boundary) put(LINE);
    put('x'.repeat(boundary - bytes));
    expected.value.push(line + 1);
    put(`${VALUE}\n`);
    while (bytes < target / 2) put(LINE);
    expected.value.push(line + 1);
    put(`password = "${VALUE}"\n`);
    while (bytes < target) put(LINE);
    expected.token = line + 1;
    put(`token = "${TOKEN}"\n`);
    closeSync(fd);
    expect(w.git(['add', 'dump.sql']).code).toBe(0);
  }, 120_000);

  it('blocks with the vaulted values and the token at their lines, prints no value, and leaves no spilled file', async () => {
    // A spill folder a killed scan left two hours ago is swept; one of a scan running now is not.
    const stale = join(w.repo, '.git', 'agent-vault-scan-killed');
    const live = join(w.repo, '.git', 'agent-vault-scan-running');
    for (const d of [stale, live]) {
      mkdirSync(d, { mode: 0o700 });
      writeFileSync(join(d, '0'), 'a blob a killed scan left');
    }
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(stale, hoursAgo, hoursAgo);
    const r = await w.agent(['hook', 'pre-commit']);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true });
    expect(r.code, r.stderr).toBe(1);
    for (const n of expected.value) expect(r.stderr).toMatch(new RegExp(`dump\\.sql:${n}\\s+vaulted-value`));
    expect(r.stderr).toMatch(new RegExp(`dump\\.sql:${expected.token}\\s+github-pat-classic`));
    for (let i = 0; i + 12 <= VALUE.length; i++) expect(r.stderr + r.stdout).not.toContain(VALUE.slice(i, i + 12));
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
    expect(readdirSync(join(w.repo, '.git')).filter((f) => f.startsWith('agent-vault-scan-'))).toEqual([]);
  });

  it('scan --staged reads it the same way and finds the token on its line', async () => {
    const r = await w.agent(['scan', '--staged', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; path: string; line: number }[] };
    expect(report.findings).toContainEqual(expect.objectContaining({ ruleId: 'github-pat-classic', path: 'dump.sql', line: expected.token }));
    expect(readdirSync(join(w.repo, '.git')).filter((f) => f.startsWith('agent-vault-scan-'))).toEqual([]);
  });
});
