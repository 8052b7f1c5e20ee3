import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { run, sandbox, type Sandbox } from './helpers/vault-cli.js';
import { bindKeys, storeValues } from './helpers/vault.js';

/** Acceptance: an agent reads a config through placeholders and writes one line back. */
describe('reading and writing a config through placeholders', () => {
  const next = rng(0xa11ce);
  const botToken = expandTemplate('{{digits:10}}:AA{{alnum:33}}', next);
  const apiKey = expandTemplate('sk-proj-{{alnum:40}}', next);
  const unused = expandTemplate('unused-{{alnum:20}}', next);
  const ghToken = expandTemplate('ghp_{{alnum:36}}', next);
  let sb: Sandbox;

  beforeAll(() => {
    sb = sandbox();
    // What a person does in a terminal: store the values (a value set by a script only hides
    // text that is otherwise visible, issue 10 item 4), and allow each in the files it belongs in.
    storeValues(sb.home, { 'telegram-bot-token': botToken, 'openai-key': apiKey, 'spare-key': unused });
    bindKeys(sb.home, { 'telegram-bot-token': [join(sb.dir, 'config.yaml')], 'openai-key': [join(sb.dir, 'config.yaml'), join(sb.dir, 'target.env')] });
  });
  afterAll(() => rmSync(sb.dir, { recursive: true, force: true }));

  it('shows two placeholders and one UNVAULTED marker, then writes an edited line back byte for byte', async () => {
    const original = `bot_token: ${botToken}\r\napi_key: ${apiKey}\ngithub_token: ${ghToken}\nport: 3000\nlog_level: info`;
    const file = join(sb.dir, 'config.yaml');
    writeFileSync(file, original);
    chmodSync(file, 0o640);

    const read = await run(sb, ['read', 'config.yaml']);
    expect(read.code).toBe(0);
    const lines = read.stdout.split('\n');
    expect(lines[0]).toBe('     1\tbot_token: <agent-vault:telegram-bot-token>\r');
    expect(lines[1]).toBe('     2\tapi_key: <agent-vault:openai-key>');
    expect(lines[2]).toMatch(/^ {5}3\tgithub_token: <agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>$/);
    expect(lines[4]).toBe('     5\tlog_level: info');
    expect(read.stdout.match(/<agent-vault:[a-z]/g)).toHaveLength(2);
    expect(read.stdout.match(/UNVAULTED/g)).toHaveLength(1);
    expect(read.stderr).toContain('1 unvaulted secret');

    // The agent strips the line numbers and changes one line.
    const agentText = read.stdout
      .split('\n')
      .map((l) => l.replace(/^ *\d+\t/, ''))
      .join('\n')
      .replace('port: 3000', 'port: 9090');
    const write = await run(sb, ['write', 'config.yaml'], agentText);
    expect(write.stdout).toBe('✓ Written config.yaml (3 secrets restored)\n');
    expect(write.code).toBe(0);
    expect(readFileSync(file).equals(Buffer.from(original.replace('port: 3000', 'port: 9090')))).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('writes new content given with --content and through a symlink', async () => {
    writeFileSync(join(sb.dir, 'target.env'), 'old\n');
    symlinkSync('target.env', join(sb.dir, 'link.env'));
    const r = await run(sb, ['write', 'link.env', '--content', 'KEY=<agent-vault:openai-key>\nPORT=1\n'], 'ignore');
    expect(r.stdout).toBe('✓ Written link.env (1 secret restored)\n');
    expect(readFileSync(join(sb.dir, 'target.env'), 'utf8')).toBe(`KEY=${apiKey}\nPORT=1\n`);
  });

  it('refuses an unknown key with a message naming it and the command to run, writing nothing', async () => {
    writeFileSync(join(sb.dir, 'keep.yaml'), 'a: 1\n');
    const r = await run(sb, ['write', 'keep.yaml', '--content', 'key: <agent-vault:stripe-key>\nother: <agent-vault:openai-key>'], 'ignore');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('✗ Error: Secret "stripe-key" not found in vault\n  To add it, the user should run: agent-vault set stripe-key\n');
    expect(readFileSync(join(sb.dir, 'keep.yaml'), 'utf8')).toBe('a: 1\n');
  });

  it('refuses an UNVAULTED marker that matches nothing in the current file', async () => {
    writeFileSync(join(sb.dir, 'keep2.yaml'), `t: ${ghToken}\n`);
    const r = await run(sb, ['write', 'keep2.yaml', '--content', 't: <agent-vault:UNVAULTED:sha256:0badf00d>\n'], 'ignore');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('UNVAULTED marker sha256:0badf00d matches no unvaulted value in keep2.yaml');
    expect(readFileSync(join(sb.dir, 'keep2.yaml'), 'utf8')).toBe(`t: ${ghToken}\n`);
  });

  it('reads a large file (scanned in a worker thread) with the same markers as a small one', async () => {
    const filler = 'port: 3000\nname: service\n'.repeat(400_000);
    writeFileSync(join(sb.dir, 'large.yaml'), `${filler}gh: ${ghToken}\nkey: ${apiKey}\n`);
    const r = await run(sb, ['read', 'large.yaml']);
    expect(r.code).toBe(0);
    const tail = r.stdout.slice(-200);
    expect(tail).toMatch(/800001\tgh: <agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>\n/);
    expect(tail).toContain('800002\tkey: <agent-vault:openai-key>\n');
    expect(r.stdout).not.toContain(ghToken);
  });

  it('answers has and list without values', async () => {
    const has = await run(sb, ['has', 'openai-key', 'stripe-key', '--json']);
    expect(has.code).toBe(1);
    expect(JSON.parse(has.stdout)).toEqual({ 'openai-key': true, 'stripe-key': false });
    expect((await run(sb, ['has', 'openai-key'])).stdout).toBe('true\n');
    const list = await run(sb, ['list', '--json']);
    expect(JSON.parse(list.stdout).keys.map((k: { key: string }) => k.key)).toEqual(['openai-key', 'spare-key', 'telegram-bot-token']);
    expect((await run(sb, ['has', 'Bad_Key'])).code).toBe(2);
  });
});
