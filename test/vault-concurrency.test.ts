import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliAsync } from './helpers/cli.js';
import { BIN, REPO, sandbox, scratchDir, shellQuote, type Sandbox } from './helpers/sandbox.js';

/**
 * Acceptance: concurrent writers lose nothing; a writer killed at any instant of a write
 * leaves a vault that opens with either the old or the new value, and a lock that the next
 * writer breaks.
 */
function shellLoop(dir: string, env: NodeJS.ProcessEnv, script: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(code) : reject(new Error(`loop failed (${code}): ${err.slice(0, 500)}`))));
  });
}

const SETS_PER_WRITER = 60;

/** What `<agent-vault:key>` restores to right now: opens the vault the way every reader does. */
async function valueOf(sb: Sandbox, key: string): Promise<string> {
  const r = await cliAsync(sb, sb.dir, ['write', 'probe.txt', '--content', `<agent-vault:${key}>`]);
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(join(sb.dir, 'probe.txt'), 'utf8');
}

describe('vault writes under concurrency', () => {
  it(`two processes setting ${SETS_PER_WRITER} keys each lose no write`, async () => {
    const sb = sandbox();
    expect((await cliAsync(sb, sb.dir, ['set', 'seed-key', '--stdin'], { input: 'seed-value-0000' })).code).toBe(0);
    const cli = `${shellQuote(process.execPath)} ${shellQuote(BIN)}`;
    const loop = (who: string) =>
      `i=0; while [ $i -lt ${SETS_PER_WRITER} ]; do printf 'value-${who}-%04d' $i | ${cli} set ${who}-$i --stdin >/dev/null || exit 1; i=$((i+1)); done`;
    await Promise.all([shellLoop(sb.dir, sb.env, loop('a')), shellLoop(sb.dir, sb.env, loop('b'))]);
    const list = await cliAsync(sb, sb.dir, ['list', '--json']);
    const keys: string[] = JSON.parse(list.stdout).keys.map((k: { key: string }) => k.key);
    expect(keys).toHaveLength(2 * SETS_PER_WRITER + 1);
    for (const who of ['a', 'b']) for (let i = 0; i < SETS_PER_WRITER; i++) expect(keys).toContain(`${who}-${i}`);
    // The values are the ones each writer set (spot check through the redactor).
    await cliAsync(sb, sb.dir, ['write', 'probe.txt', '--content', `<agent-vault:a-17> <agent-vault:b-${SETS_PER_WRITER - 1}>`]);
    expect(readFileSync(join(sb.dir, 'probe.txt'), 'utf8')).toBe(`value-a-0017 value-b-${String(SETS_PER_WRITER - 1).padStart(4, '0')}`);
  }, 120_000);
});

describe('a writer killed at each instant of a write', () => {
  // A CLI whose writes kill the process where AGENT_VAULT_FAULT says (src/platform/atomic.ts).
  let faultingCli: string;
  beforeAll(() => {
    const dir = scratchDir('av-fault-build-', 'file');
    execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs'), '--fault-injection', dir]);
    faultingCli = join(dir, 'cli.mjs');
  });

  const OLD = 'value-before-0000';
  const NEW = 'value-killed-0001';
  // `set` replaces the backup with the current file, then the file with the new document.
  // Until the new vault.json is renamed into place the old value stands; after that, the new.
  const points: [string, string][] = [
    ['after-temp-open:vault.json.bak', OLD],
    ['after-temp-write:vault.json.bak', OLD],
    ['after-rename:vault.json.bak', OLD],
    ['after-temp-open:vault.json', OLD],
    ['after-temp-write:vault.json', OLD],
    ['after-rename:vault.json', NEW],
  ];

  it.each(points)('killed at %s, the vault opens with %s and the next writer breaks the stale lock', async (fault, expected) => {
    const sb = sandbox();
    expect((await cliAsync(sb, sb.dir, ['set', 'rotating', '--stdin'], { input: OLD })).code).toBe(0);

    const killed = await cliAsync(sb, sb.dir, ['set', 'rotating', '--stdin'], { input: NEW, bin: faultingCli, env: { AGENT_VAULT_FAULT: fault } });
    // Killed at that point for certain, holding the lock.
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(existsSync(join(sb.vaultHome, 'vault.lock'))).toBe(true);

    expect(await valueOf(sb, 'rotating')).toBe(expected);

    const next = await cliAsync(sb, sb.dir, ['set', 'rotating', '--stdin'], { input: 'value-after-0002' });
    expect(next.code, next.stderr).toBe(0);
    expect(readdirSync(sb.vaultHome)).not.toContain('vault.lock');
    expect(await valueOf(sb, 'rotating')).toBe('value-after-0002');
  });

  it('the shipped CLI ignores AGENT_VAULT_FAULT', async () => {
    const sb = sandbox();
    const r = await cliAsync(sb, sb.dir, ['set', 'rotating', '--stdin'], { input: NEW, env: { AGENT_VAULT_FAULT: 'after-rename:vault.json' } });
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(await valueOf(sb, 'rotating')).toBe(NEW);
  });
});
