/**
 * A reader that goes away (`agent-vault scan . | head -1`) must end agent-vault quietly with
 * the status of a writer killed by SIGPIPE (141), as the tools people pipe into expect: no
 * EPIPE stack trace, in every format and every command that prints.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { CLI, sandbox, write } from './helpers/git-sandbox.js';

const sb = sandbox();
afterAll(() => sb.cleanup());

// Many findings (far more than a pipe buffer of output), so the writer is always still
// writing when its reader has gone.
const next = rng(0x91be);
const lines: string[] = [];
for (let i = 0; i < 3000; i++) lines.push(`token_${i} = "${expandTemplate('ghp_{{alnum:36}}', next)}"`);
write(sb.root, 'many/tokens.env', lines.join('\n') + '\n');
write(sb.root, 'big.txt', 'plain text line that holds nothing secret\n'.repeat(20000));

/**
 * Run the CLI into a reader that closes its end at once, and report the CLI's own status
 * and stderr. The reader keeps running a moment, so the pipe stays without a reader while
 * the CLI writes.
 */
function intoClosedPipe(args: string[]): { status: number; stderr: string } {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `'${process.execPath}' '${CLI}' ${quoted} 2>"$ERR" | (exec 0<&-; sleep 1); echo "\${PIPESTATUS[0]}"`;
  const err = join(sb.root, 'stderr.txt');
  const r = spawnSync('bash', ['-c', script], { cwd: sb.root, env: { ...sb.env, ERR: err }, encoding: 'utf8' });
  const stderr = spawnSync('cat', [err], { encoding: 'utf8' }).stdout;
  return { status: Number(r.stdout.trim()), stderr };
}

describe('a closed standard output', () => {
  for (const format of ['text', 'json', 'sarif', 'github']) {
    it(`ends scan --format ${format} quietly with status 141`, () => {
      const r = intoClosedPipe(['scan', 'many', '--format', format, '--no-progress']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(141);
    });
  }

  it('ends read quietly with status 141', () => {
    const r = intoClosedPipe(['read', 'big.txt']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(141);
  });

  it('ends help output quietly (small outputs may finish before the reader goes)', () => {
    for (const args of [['--help'], ['scan', '--help'], ['skill', '--help'], ['list']]) {
      const r = intoClosedPipe(args);
      expect(r.stderr, args.join(' ')).not.toMatch(/EPIPE|Error|at .*\(node:/);
      expect([0, 141], args.join(' ')).toContain(r.status);
    }
  });
});
