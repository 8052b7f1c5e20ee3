import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliInTerminal } from './helpers/cli.js';
import { sandbox, write, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let dir: string;
beforeAll(() => {
  sb = sandbox();
  dir = sb.dir;
  for (let i = 0; i < 200; i++) write(dir, `tree/${i}.txt`, `line ${i}\n`);
});

/** What the terminal showed while the CLI ran inside it. */
function inTerminal(args: string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  return cliInTerminal(sb, dir, args, { env: { TERM: 'xterm', ...extraEnv } }).stdout;
}

describe('progress bar', () => {
  it('shows on a terminal', () => {
    expect(inTerminal(['scan', 'tree', '--threads', '1'])).toMatch(/scanning: \d+\/200 files/);
  });
  it('never shows in CI, when piped, or with --no-progress', () => {
    expect(inTerminal(['scan', 'tree'], { CI: 'true' })).not.toMatch(/scanning:/);
    expect(inTerminal(['scan', 'tree', '--no-progress'])).not.toMatch(/scanning:/);
    const piped = cli(sb, dir, ['scan', 'tree']);
    expect(piped.stdout + piped.stderr).not.toMatch(/scanning:/);
    expect(piped.stdout).toMatch(/no secrets found in 200 files scanned/);
  });
});
