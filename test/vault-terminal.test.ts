import { beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { cliAsync, cliInTerminalSteps } from './helpers/cli.js';
import { sandbox, type Sandbox } from './helpers/sandbox.js';

/** A person at a real terminal (a pseudo-terminal from util-linux `script`). */
describe('sensitive commands at a terminal', () => {
  const next = rng(4242);
  const first = expandTemplate('{{alnum:20}}', next);
  const second = expandTemplate('{{alnum:22}}', next);
  let sb: Sandbox;
  beforeEach(() => {
    sb = sandbox();
  });
  /** The state the first test leaves: tg-bot-token holding the second value, described "Bot token". */
  const storeBotToken = async () => expect((await cliAsync(sb, sb.dir, ['set', 'tg-bot-token', '--stdin', '--desc', 'Bot token'], { input: second })).code).toBe(0);

  it('set creates the vault, reads the value masked, and confirms an overwrite', async () => {
    const a = await cliInTerminalSteps(sb, sb.dir, 'set tg-bot-token --desc "Bot token"', [{ after: 'Enter value', keys: `${first}\r` }]);
    expect(a.code).toBe(0);
    expect(a.screen).toContain('Enter value for "tg-bot-token": ' + '•'.repeat(20));
    expect(a.screen).toContain('✓ Saved "tg-bot-token"');
    expect(a.screen).not.toContain(first);

    const declined = await cliInTerminalSteps(sb, sb.dir, 'set tg-bot-token', [{ after: 'Overwrite?', keys: 'n\r' }]);
    expect(declined.code).toBe(1);
    expect(declined.screen).toMatch(/already exists \(20 chars, set [0-9T:.-]+Z\)/);

    const b = await cliInTerminalSteps(sb, sb.dir, 'set tg-bot-token', [{ after: 'Overwrite?', keys: 'y\r' }, { after: 'Enter value', keys: `${second}\r` }]);
    expect(b.code).toBe(0);
    expect(b.screen).not.toContain(second);

    const reveal = await cliInTerminalSteps(sb, sb.dir, 'get tg-bot-token --reveal');
    expect(reveal.code).toBe(0);
    expect(reveal.screen).toContain(second);
    const meta = await cliInTerminalSteps(sb, sb.dir, 'get tg-bot-token');
    expect(meta.screen).toContain('Desc:     Bot token');
    expect(meta.screen).toContain('Length:   22 chars');
    expect(meta.screen).not.toContain(second);
  });

  it('get --reveal into a pipe refuses even at a terminal', async () => {
    await storeBotToken();
    const r = await cliInTerminalSteps(sb, sb.dir, 'get tg-bot-token --reveal | cat');
    expect(r.screen).toContain('--reveal requires an interactive terminal (TTY) on standard output');
    expect(r.screen).not.toContain(second);
  });

  it('Ctrl-C at the value prompt cancels and stores nothing', async () => {
    const r = await cliInTerminalSteps(sb, sb.dir, 'set other-key', [{ after: 'Enter value', keys: 'abc\u0003' }]);
    expect(r.code).toBe(1);
    expect((await cliAsync(sb, sb.dir, ['has', 'other-key'])).stdout).toBe('false\n');
  });

  it('import previews key names and skips short and common values, then rm removes one', async () => {
    await storeBotToken();
    writeFileSync(join(sb.dir, '.env'), `# app\nexport OPENAI_API_KEY="${expandTemplate('sk-{{alnum:30}}', next)}"\nDB_HOST=localhost\nPORT=3000\n`);
    const imp = await cliInTerminalSteps(sb, sb.dir, 'import .env', [{ after: 'Import 1 secret?', keys: '\r' }]);
    expect(imp.code).toBe(0);
    expect(imp.screen).toMatch(/OPENAI_API_KEY → openai-api-key/);
    expect(imp.screen).toContain('DB_HOST        → (skip: too common)');
    expect(imp.screen).toContain('PORT           → (skip: too short, under 8 characters)');
    expect(imp.screen).toContain('✓ Imported 1 secret');
    const rm = await cliInTerminalSteps(sb, sb.dir, 'rm openai-api-key', [{ after: 'Remove', keys: 'y\r' }]);
    expect(rm.screen).toContain('✓ Removed "openai-api-key"');
    expect((await cliAsync(sb, sb.dir, ['list'])).stdout).toBe('tg-bot-token  Bot token\n');
  });
});
