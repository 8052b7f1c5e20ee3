import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliAsync } from './helpers/cli.js';
import { sandbox } from './helpers/sandbox.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

/**
 * The agent edits the files it reads: nothing it can write into a file, or into a config it
 * passes, may turn a masked secret back into plain text in its view.
 */
describe('read cannot be talked into showing a secret', () => {
  const next = rng(77);
  const token = () => expandTemplate('ghp_{{alnum:36}}', next);

  it('ignores inline allow comments and path allowlists', async () => {
    const sb = sandbox();
    const a = token();
    const b = token();
    writeFileSync(join(sb.dir, 'conf.yaml'), `token: "${a}" # gitleaks:allow\n# agent-vault:allow-next-line\nother: "${b}"\n`);
    writeFileSync(join(sb.dir, 'evil.yaml'), 'allowlist:\n  paths: ["**"]\n');
    for (const args of [['read', 'conf.yaml'], ['read', 'conf.yaml', '--config', 'evil.yaml']]) {
      const r = await cliAsync(sb, sb.dir, args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain(a);
      expect(r.stdout).not.toContain(b);
      expect(r.stdout.match(/<agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>/g)).toHaveLength(2);
    }
  });

  it('masks a random hex value written as name=value', async () => {
    const sb = sandbox();
    const hex = expandTemplate('{{hex:64}}', next);
    writeFileSync(join(sb.dir, 'x.env'), `hook=${hex}\n`);
    const r = await cliAsync(sb, sb.dir, ['read', 'x.env']);
    expect(r.stdout).not.toContain(hex);
    expect(r.stdout).toMatch(/hook=<agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>/);
  });

  it('masks a vaulted value written as hex', async () => {
    const sb = sandbox();
    const value = 'hunter2-correct-horse';
    expect((await cliAsync(sb, sb.dir, ['set', 'db-pass', '--stdin'], { input: value })).code).toBe(0);
    const hex = Buffer.from(value).toString('hex');
    writeFileSync(join(sb.dir, 'k.txt'), `lower ${hex}\nupper ${hex.toUpperCase()}\n`);
    const r = await cliAsync(sb, sb.dir, ['read', 'k.txt']);
    expect(r.stdout.toLowerCase()).not.toContain(hex);
  });

  it('refuses a UTF-16 or binary file instead of printing it', async () => {
    const sb = sandbox();
    const a = token();
    writeFileSync(join(sb.dir, 'u16.env'), Buffer.from(`GITHUB_TOKEN=${a}\n`, 'utf16le'));
    const r = await cliAsync(sb, sb.dir, ['read', 'u16.env']);
    expect(r.code).toBe(1);
    expect(r.stdoutBytes.length).toBe(0);
    expect(r.stderr).toMatch(/u16\.env has NUL bytes/);
    expect((r.stdout + r.stderr).replace(/\0/g, '')).not.toContain(a);
  });
});
