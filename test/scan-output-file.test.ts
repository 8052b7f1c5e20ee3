import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { sandbox, write } from './helpers/sandbox.js';

const next = rng(317);

describe('--output and --write-baseline name a file in a folder that exists', () => {
  it('--output into a missing folder is a usage error (exit 2) naming the folder, before any scan', () => {
    const sb = sandbox();
    const secret = expandTemplate('ghp_{{alnum:36}}', next);
    write(sb.dir, 'a.txt', `k=${secret}\n`);
    for (const format of ['text', 'json', 'sarif']) {
      const r = cli(sb, sb.dir, ['scan', 'a.txt', '--format', format, '--output', 'reports/out.txt']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--output reports/out.txt: the folder reports does not exist');
      expect(r.stderr).not.toMatch(/bug in agent-vault/i);
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(existsSync(join(sb.dir, 'reports'))).toBe(false);
  });

  it('--write-baseline into a missing folder is a usage error too; into a folder that exists it writes', () => {
    const sb = sandbox();
    write(sb.dir, 'a.txt', `k=${expandTemplate('ghp_{{alnum:36}}', next)}\n`);
    const r = cli(sb, sb.dir, ['scan', 'a.txt', '--write-baseline', 'nope/baseline.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--write-baseline nope/baseline.json: the folder nope does not exist');
    const ok = cli(sb, sb.dir, ['scan', 'a.txt', '--write-baseline', 'baseline.json', '--output', 'report.json', '--format', 'json']);
    expect(ok.code).toBe(1);
    expect(JSON.parse(readFileSync(join(sb.dir, 'baseline.json'), 'utf8')).findings).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(sb.dir, 'report.json'), 'utf8')).findings).toHaveLength(1);
  });

  it('--output onto a folder is a usage error naming why', () => {
    const sb = sandbox();
    write(sb.dir, 'a.txt', 'hello\n');
    write(sb.dir, 'out/keep', '');
    const r = cli(sb, sb.dir, ['scan', 'a.txt', '--output', 'out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--output out: cannot write (EISDIR)');
  });
});
