import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, run, sandbox } from './helpers/vault-cli.js';
import { bindKeys } from './helpers/vault.js';

/**
 * Acceptance: concurrent writers lose nothing; a writer killed at any instant leaves a vault
 * that opens with either the old or the new value.
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

describe('vault writes under concurrency and crashes', () => {
  it('two processes setting 200 keys each lose no write', async () => {
    const sb = sandbox();
    expect((await run(sb, ['set', 'seed-key', '--stdin'], 'seed-value-0000')).code).toBe(0);
    const loop = (who: string) =>
      `i=0; while [ $i -lt 200 ]; do printf 'value-${who}-%04d' $i | node ${JSON.stringify(BIN)} set ${who}-$i --stdin >/dev/null || exit 1; i=$((i+1)); done`;
    await Promise.all([shellLoop(sb.dir, sb.env, loop('a')), shellLoop(sb.dir, sb.env, loop('b'))]);
    const list = await run(sb, ['list', '--json']);
    const keys: string[] = JSON.parse(list.stdout).keys.map((k: { key: string }) => k.key);
    expect(keys).toHaveLength(401);
    for (const who of ['a', 'b']) for (let i = 0; i < 200; i++) expect(keys).toContain(`${who}-${i}`);
    // The values are the ones each writer set (spot check through the redactor).
    const probe = join(sb.dir, 'probe.txt');
    bindKeys(sb.home, { 'a-17': [probe], 'b-199': [probe] });
    await run(sb, ['write', 'probe.txt', '--content', '<agent-vault:a-17> <agent-vault:b-199>']);
    expect(readFileSync(probe, 'utf8')).toBe('value-a-0017 value-b-0199');
  }, 300_000); // 400 CLI starts in two shells: a correctness test, not a timing one

  it('a writer killed mid-write leaves the vault readable, with or without its change', async () => {
    const sb = sandbox();
    expect((await run(sb, ['set', 'stable', '--stdin'], 'value-start-000')).code).toBe(0);
    bindKeys(sb.home, { stable: [join(sb.dir, 'now.txt')] });
    let killedEarly = 0;
    for (let round = 0; round < 12; round++) {
      // Scripts create keys (they never replace one), so each round's writer adds its own.
      const key = `round-${round}`;
      const value = `value-round-${String(round).padStart(3, '0')}`;
      const before = (await run(sb, ['write', 'now.txt', '--content', '<agent-vault:stable>'])).code;
      expect(before).toBe(0);
      const child = spawn(process.execPath, [BIN, 'set', key, '--stdin'], { cwd: sb.dir, env: sb.env, stdio: ['pipe', 'ignore', 'ignore'] });
      const closed = new Promise((r) => child.once('close', r));
      child.stdin.end(value);
      // Kill at a different instant each round: during start-up, reading, encrypting, writing.
      // Round 0 kills at once, so at least one writer always dies before finishing, whatever the load.
      await new Promise((r) => setTimeout(r, round * 20));
      const exited = child.exitCode !== null;
      child.kill('SIGKILL');
      await closed;
      if (!exited) killedEarly++;
      // The vault opens (the generation record repaired if the writer died between its two
      // files), the old value is intact, and the new key is either fully there or absent.
      const after = await run(sb, ['write', 'now.txt', '--content', '<agent-vault:stable>']);
      expect(after.code, after.stderr).toBe(0);
      expect(readFileSync(join(sb.dir, 'now.txt'), 'utf8')).toBe('value-start-000');
      const has = await run(sb, ['has', key]);
      expect([0, 1], has.stderr).toContain(has.code);
    }
    expect(killedEarly).toBeGreaterThan(0);
    // A lock left by a killed writer is broken by the next one (its holder is dead).
    const last = await run(sb, ['set', 'final-key', '--stdin'], 'value-final-000');
    expect(last.code, last.stderr).toBe(0);
  }, 120_000);
});
