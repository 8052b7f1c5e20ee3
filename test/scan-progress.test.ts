import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, removeDir, runCli, tempDir, write } from './helpers/cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = tempDir();
  env = isolatedEnv(join(dir, '.home'));
  for (let i = 0; i < 200; i++) write(dir, `tree/${i}.txt`, `line ${i}\n`);
});
afterAll(() => removeDir(dir));

/** Run the CLI inside a real pseudo-terminal (util-linux `script`), returning what the terminal showed. */
function inTerminal(args: string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env: { ...env, TERM: 'xterm', ...extraEnv } });
  return r.stdout.toString('utf8');
}

describe('progress bar', () => {
  it('shows on a terminal', () => {
    expect(inTerminal(['scan', 'tree', '--threads', '1'])).toMatch(/scanning: \d+\/200 files/);
  });
  it('never shows in CI, when piped, or with --no-progress', () => {
    expect(inTerminal(['scan', 'tree'], { CI: 'true' })).not.toMatch(/scanning:/);
    expect(inTerminal(['scan', 'tree', '--no-progress'])).not.toMatch(/scanning:/);
    const piped = runCli(['scan', 'tree'], { cwd: dir, env });
    expect(piped.stdout + piped.stderr).not.toMatch(/scanning:/);
    expect(piped.stdout).toMatch(/no secrets found in 200 files scanned/);
  });
});
