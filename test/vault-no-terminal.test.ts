import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { cliAsync } from './helpers/cli.js';
import { sandbox, type Sandbox } from './helpers/sandbox.js';
import { leakForms } from './helpers/vault.js';

/** Acceptance: an agent (no terminal: pipes, stdin from /dev/null) cannot run sensitive commands. */
describe('sensitive commands refuse without a terminal', () => {
  const value = expandTemplate('{{alnum:24}}', rng(99));
  let sb: Sandbox;
  beforeAll(async () => {
    sb = sandbox();
    expect((await cliAsync(sb, sb.dir, ['set', 'stored-key', '--stdin'], { input: value })).code).toBe(0);
    writeFileSync(join(sb.dir, '.env'), `NEW_TOKEN=${expandTemplate('{{alnum:20}}', rng(5))}\n`);
  });

  const cases: [string, string[], string][] = [
    ['get --reveal', ['get', 'stored-key', '--reveal'], 'agent-vault get stored-key --reveal'],
    ['get (metadata)', ['get', 'stored-key'], 'agent-vault get stored-key'],
    ['rm', ['rm', 'stored-key'], 'agent-vault rm stored-key'],
    ['import', ['import', '.env'], 'agent-vault import .env'],
    ['interactive set', ['set', 'new-key'], 'agent-vault set new-key'],
    ['init', ['init'], 'agent-vault init'],
  ];
  for (const [name, args, suggestion] of cases) {
    for (const stdin of ['ignore', 'y\ny\nsome-value-123\n'] as const) {
      it(`${name} with stdin ${stdin === 'ignore' ? 'from /dev/null' : 'from a pipe'}`, async () => {
        const r = await cliAsync(sb, sb.dir, args, { input: stdin });
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain('needs an interactive terminal');
        expect(r.stderr).toContain(`Ask the user to run it in their own terminal: ${suggestion}`);
        for (const f of leakForms(value)) expect(r.stderr).not.toContain(f);
      });
    }
  }

  it('leaves the vault unchanged after the refusals', async () => {
    const r = await cliAsync(sb, sb.dir, ['list']);
    expect(r.stdout).toBe('stored-key\n');
  });
});
