import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vaultPaths } from '../src/vault/index.js';
import { timeStep, totpCode } from '../src/vault/totp.js';
import { isolatedEnv, removeDir, runCli, tempDir } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { agentPids, stopAgentsOf, terminal, waitFor } from './helpers/locked.js';

/**
 * A person at a real terminal (util-linux `script`): init --passphrase, unlock, lock, totp
 * enable/disable, key migrate, get --reveal. Each unlock runs the real Argon2id (64 MiB).
 */

const homes: string[] = [];
const dirs: string[] = [];
afterEach(() => homes.splice(0).forEach(stopAgentsOf));
afterAll(() => dirs.splice(0).forEach(removeDir));

const next = rng(5151);
const VALUE = expandTemplate('fake-tok-{{alnum:28}}', next);
const PASS = 'correct horse battery staple';

interface Box {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

function box(): Box {
  const dir = tempDir('av-locked-tty-');
  dirs.push(dir);
  const env = isolatedEnv(join(dir, 'home'));
  const home = env.AGENT_VAULT_HOME!;
  homes.push(home);
  mkdirSync(join(dir, 'work'));
  return { dir: join(dir, 'work'), home, env };
}

const run = (b: Box, args: string[], input?: string) => runCli(args, { cwd: b.dir, env: b.env, ...(input !== undefined ? { input } : {}) });
const tty = (b: Box, args: string, steps: Parameters<typeof terminal>[3] = []) => terminal(b.dir, b.env, args, steps);

async function initPassphrase(b: Box): Promise<void> {
  const r = await tty(b, 'init --passphrase', [
    { after: 'New passphrase: ', keys: `${PASS}\r` },
    { after: 'Repeat the passphrase: ', keys: `${PASS}\r` },
  ]);
  expect(r.code, r.screen).toBe(0);
}

const unlockSteps = (passphrase = PASS, code?: string | ((screen: string) => string)) => [
  { after: 'Passphrase: ', keys: `${passphrase}\r` },
  ...(code ? [{ after: 'TOTP code: ', keys: typeof code === 'string' ? `${code}\r` : (s: string) => `${code(s)}\r` }] : []),
];

const secretOf = (screen: string) => Buffer.from(base32Decode(/secret: ([A-Z2-7]+)/.exec(screen)![1]!));

/** `totp enable` at a terminal, answering with the current code of the secret it shows; the step that code was for. */
async function enableTotp(b: Box): Promise<{ enable: { code: number | null; screen: string }; step: number }> {
  let step = 0;
  const enable = await tty(b, 'totp enable', [
    { after: 'Passphrase: ', keys: `${PASS}\r` },
    {
      after: 'Current code from the app: ',
      keys: (s) => {
        step = timeStep(Date.now());
        return `${totpCode(secretOf(s), step * 30_000)}\r`;
      },
    },
  ]);
  return { enable, step };
}

describe('init --passphrase', () => {
  it('asks twice, warns under 12 characters, and writes no key file', { timeout: 180_000 }, async () => {
    const b = box();
    const differ = await tty(b, 'init --passphrase', [
      { after: 'New passphrase: ', keys: `${PASS}\r` },
      { after: 'Repeat the passphrase: ', keys: 'something else\r' },
    ]);
    expect(differ.code).toBe(1);
    expect(differ.screen).toContain('the two passphrases differ');
    const short = await tty(b, 'init --passphrase', [
      { after: 'New passphrase: ', keys: 'hunter2\r' },
      { after: 'Repeat the passphrase: ', keys: 'hunter2\r' },
      { after: 'Use it anyway?', keys: 'n\r' },
    ]);
    expect(short.code).toBe(1);
    expect(short.screen).toContain('This passphrase has 7 characters. Under 12');
    expect(existsSync(vaultPaths(b.home).file)).toBe(false);
    await initPassphrase(b);
    expect(existsSync(vaultPaths(b.home).key)).toBe(false);
    const doc = JSON.parse(readFileSync(vaultPaths(b.home).file, 'utf8'));
    expect(doc.header).toMatchObject({ provider: 'passphrase', kdf: expect.stringMatching(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/) });
    // Nothing typed ever reaches the screen.
    expect(differ.screen + short.screen).not.toContain(PASS);
    const again = await tty(b, 'init --passphrase');
    expect(again.screen).toContain('Vault already initialized');
    expect(run(b, ['init', '--passphrase']).code).toBe(1); // no terminal
  });
});

describe('unlock and lock', () => {
  it('refuses a wrong passphrase with a growing delay, unlocks with the right one, and locks', { timeout: 180_000 }, async () => {
    const b = box();
    await initPassphrase(b);
    expect(run(b, ['set', 'tg-token', '--stdin'], VALUE).stderr).toContain('is locked');
    const wrong = await tty(b, 'unlock', unlockSteps('not the passphrase'));
    expect(wrong.code).toBe(1);
    expect(wrong.screen).toContain('wrong passphrase');
    expect(wrong.screen).toContain('The next attempt is accepted in 1 s');
    const tooSoon = await tty(b, 'unlock', unlockSteps());
    // The process start alone may take longer than the delay on a busy machine.
    if (tooSoon.code === 1) expect(tooSoon.screen).toMatch(/too many failed attempts: the next one is accepted in \d+ s/);
    await new Promise((r) => setTimeout(r, 1100));
    const ok = tooSoon.code === 0 ? tooSoon : await tty(b, 'unlock --ttl 10m --max 2h', unlockSteps());
    expect(ok.code, ok.screen).toBe(0);
    expect(ok.screen).toContain('✓ Unlocked.');
    expect(agentPids(b.home)).toHaveLength(1);
    expect(run(b, ['set', 'tg-token', '--stdin'], VALUE).code).toBe(0);
    writeFileSync(join(b.dir, 'c.env'), `svc: ${VALUE}\n`);
    expect(run(b, ['read', 'c.env']).stdout).toBe('     1\tsvc: <agent-vault:tg-token>\n');
    const again = await tty(b, 'unlock');
    expect(again.code).toBe(0);
    expect(again.screen).toContain('Already unlocked');
    expect(run(b, ['status', '--vault']).stdout).toContain('state:     unlocked');
    const lock = run(b, ['lock']);
    expect(lock.stdout).toContain('✓ Locked');
    await waitFor(() => agentPids(b.home).length === 0);
    expect(run(b, ['read', 'c.env']).code).toBe(1);
    expect(run(b, ['unlock']).code).toBe(1); // no terminal
    for (const r of [wrong, ok]) expect(r.screen).not.toContain(PASS);
  });

  it('two unlocks at once end with one agent', { timeout: 180_000 }, async () => {
    const b = box();
    await initPassphrase(b);
    const [x, y] = await Promise.all([tty(b, 'unlock', unlockSteps()), tty(b, 'unlock', unlockSteps())]);
    expect([x.code, y.code]).toEqual([0, 0]);
    expect([x.screen, y.screen].filter((s) => s.includes('✓ Unlocked.'))).toHaveLength(1);
    expect([x.screen, y.screen].filter((s) => s.includes('Already unlocked'))).toHaveLength(1);
    expect(agentPids(b.home)).toHaveLength(1);
  });
});

describe('totp', () => {
  /** The base32 secret totp enable shows. */

  it('enable shows a QR code and the secret, and stores it only after a right code; disable needs both factors', { timeout: 240_000 }, async () => {
    const b = box();
    await initPassphrase(b);
    const wrongCode = await tty(b, 'totp enable', [
      { after: 'Passphrase: ', keys: `${PASS}\r` },
      { after: 'Current code from the app: ', keys: (s) => `${(Number(totpCode(secretOf(s), Date.now())) + 500_000) % 1_000_000}`.padStart(6, '0') + '\r' },
    ]);
    expect(wrongCode.code).toBe(1);
    expect(wrongCode.screen).toContain('that code does not match; TOTP was not turned on');
    expect(JSON.parse(readFileSync(vaultPaths(b.home).file, 'utf8')).header.totp).toBeUndefined();
    const { enable, step } = await enableTotp(b);
    expect(enable.code, enable.screen).toBe(0);
    expect(enable.screen).toContain('Scan this QR code');
    expect(enable.screen).toMatch(/[▀▄█]{10}/); // the QR code, drawn with half blocks
    expect(enable.screen).toContain('✓ TOTP is on');
    const secret = secretOf(enable.screen);
    const stored = readFileSync(vaultPaths(b.home).file, 'utf8');
    expect(stored).not.toContain(/secret: ([A-Z2-7]+)/.exec(enable.screen)![1]!);
    expect(stored).not.toContain(secret.toString('base64'));
    expect(JSON.parse(stored).header.totp.lastStep).toBe(step);

    // A wrong code and a wrong passphrase read the same.
    const badCode = await tty(b, 'totp disable', unlockSteps(PASS, totpCode(secret, (step + 40) * 30_000)));
    await new Promise((r) => setTimeout(r, 1100));
    const badPass = await tty(b, 'totp disable', unlockSteps('not it at all', totpCode(secret, (step + 1) * 30_000)));
    for (const r of [badCode, badPass]) {
      expect(r.code).toBe(1);
      expect(r.screen).toContain('✗ Error: wrong passphrase or code');
    }
    await new Promise((r) => setTimeout(r, 2100));
    const disable = await tty(b, 'totp disable', unlockSteps(PASS, totpCode(secret, (step + 1) * 30_000)));
    expect(disable.code, disable.screen).toBe(0);
    expect(disable.screen).toContain('✓ TOTP is off');
    expect(JSON.parse(readFileSync(vaultPaths(b.home).file, 'utf8')).header.totp).toBeUndefined();
  });

  it('unlock asks for the code after the passphrase, and a code is accepted once', { timeout: 240_000 }, async () => {
    const b = box();
    await initPassphrase(b);
    const { enable, step } = await enableTotp(b);
    expect(enable.code, enable.screen).toBe(0);
    const secret = secretOf(enable.screen);
    const code = totpCode(secret, (step + 1) * 30_000);
    const ok = await tty(b, 'unlock', unlockSteps(PASS, code));
    expect(ok.code, ok.screen).toBe(0);
    expect(ok.screen).toContain('✓ Unlocked.');
    expect(run(b, ['status', '--vault']).stdout).toContain('provider:  passphrase + TOTP');
    expect(run(b, ['lock']).code).toBe(0);
    await waitFor(() => agentPids(b.home).length === 0);
    const replay = await tty(b, 'unlock', unlockSteps(PASS, code));
    expect(replay.code).toBe(1);
    expect(replay.screen).toContain('wrong passphrase or code');
    expect(agentPids(b.home)).toHaveLength(0);
  });
});

describe('key migrate and get --reveal', () => {
  it('moves a key-file vault to a passphrase and back, and get --reveal asks for the passphrase', { timeout: 240_000 }, async () => {
    const b = box();
    expect(run(b, ['set', 'tg-token', '--stdin'], VALUE).code).toBe(0);
    writeFileSync(join(b.dir, 'c.env'), `svc: ${VALUE}\n`);
    const oldKey = readFileSync(vaultPaths(b.home).key);
    const toPass = await tty(b, 'key migrate --to passphrase', [
      { after: 'New passphrase: ', keys: `${PASS}\r` },
      { after: 'Repeat the passphrase: ', keys: `${PASS}\r` },
    ]);
    expect(toPass.code, toPass.screen).toBe(0);
    expect(toPass.screen).toContain('✓ Migrated to a passphrase: 1 key re-encrypted under a new master key');
    expect(existsSync(vaultPaths(b.home).key)).toBe(false);
    expect(readFileSync(vaultPaths(b.home).file, 'latin1')).not.toContain(oldKey.toString('base64'));
    expect(run(b, ['read', 'c.env']).code).toBe(1); // locked now
    expect((await tty(b, 'unlock', unlockSteps())).code).toBe(0);
    expect(run(b, ['read', 'c.env']).stdout).toBe('     1\tsvc: <agent-vault:tg-token>\n');

    // Unlocked, and still get --reveal wants the person: the agent never hands a value to a terminal.
    const reveal = await tty(b, 'get tg-token --reveal', unlockSteps());
    expect(reveal.code, reveal.screen).toBe(0);
    expect(reveal.screen).toContain(VALUE);

    const toFile = await tty(b, 'key migrate --to keyfile', unlockSteps());
    expect(toFile.code, toFile.screen).toBe(0);
    expect(toFile.screen).toContain('✓ Migrated to the key file');
    await waitFor(() => agentPids(b.home).length === 0); // migrate locked the agent first
    expect(readFileSync(vaultPaths(b.home).key)).toHaveLength(32);
    expect(readFileSync(vaultPaths(b.home).key)).not.toEqual(oldKey);
    expect(JSON.parse(readFileSync(vaultPaths(b.home).file, 'utf8')).header).toBeUndefined();
    expect(run(b, ['read', 'c.env']).stdout).toBe('     1\tsvc: <agent-vault:tg-token>\n');
    expect(run(b, ['key', 'migrate', '--to', 'passphrase']).code).toBe(1); // no terminal
  });
});

/** RFC 4648 base32 (what authenticator apps take). */
function base32Decode(text: string): number[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return out;
}
