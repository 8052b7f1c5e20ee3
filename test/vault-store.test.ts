import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { vaultHome } from '../src/platform/home.js';
import { initVault, openVault, vaultPaths } from '../src/vault/index.js';
import { deriveKeys, open, seal } from '../src/vault/crypto.js';
import { processStartTime } from '../src/vault/lock.js';
import { AgentVaultError } from '../src/errors.js';
import { scratchDir } from './helpers/sandbox.js';

const newHome = () => join(scratchDir('av-store-'), 'vault');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgentVaultError);
    expect((e as AgentVaultError).kind).toBe('vault');
    return (e as AgentVaultError).code;
  }
  return undefined;
}

describe('vault storage', () => {
  it('creates the folder 0700 and its files 0600', () => {
    const home = newHome();
    expect(initVault(home).created).toBe(true);
    openVault(home).set('api-key', Buffer.from('value-0123456789'));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    for (const f of ['vault.json', 'vault.key', 'vault.json.bak']) expect(statSync(join(home, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, 'vault.key')).length).toBe(32);
    expect(readFileSync(join(home, 'vault.json'), 'utf8')).not.toContain('value-0123456789');
  });

  it('takes the home from AGENT_VAULT_HOME, else ~/.agent-vault', () => {
    expect(vaultHome({ AGENT_VAULT_HOME: '/x/y' })).toBe('/x/y');
    expect(vaultHome({ HOME: '/home/u' })).toBe('/home/u/.agent-vault');
  });

  it('keeps earlier values for redaction and metadata for get', () => {
    const home = newHome();
    initVault(home);
    const v = openVault(home);
    v.set('token', Buffer.from('first-value-123'), { description: 'CI token' });
    v.set('token', Buffer.from('second-value-45'));
    const again = openVault(home);
    expect(again.get('token')!.toString()).toBe('second-value-45');
    expect(again.list().find((m) => m.key === 'token')).toMatchObject({ description: 'CI token', length: 15, version: 2, earlierValues: 1 });
    expect(again.redactionValues().map((x) => x.value.toString())).toEqual(['second-value-45', 'first-value-123']);
    expect(again.remove('token')).toBe(true);
    expect(openVault(home).has('token')).toBe(false);
  });

  it('binds each ciphertext to its key name and version', () => {
    const keys = deriveKeys(Buffer.alloc(32, 7));
    const sealed = seal(keys, 'alpha', 1, Buffer.from('secret-value'));
    expect(open(keys, 'alpha', 1, sealed)!.toString()).toBe('secret-value');
    expect(open(keys, 'beta', 1, sealed)).toBeUndefined();
    expect(open(keys, 'alpha', 2, sealed)).toBeUndefined();
  });

  it('detects one flipped byte anywhere in the vault file, and says how to recover', () => {
    const home = newHome();
    initVault(home);
    const v = openVault(home);
    v.set('a-key', Buffer.from('aaaaaaaaaaaa'));
    v.set('b-key', Buffer.from('bbbbbbbbbbbb'));
    const file = vaultPaths(home).file;
    const good = readFileSync(file);
    for (let i = 0; i < good.length; i++) {
      for (const mask of [i % 2 ? 0x01 : 0x20]) {
        const bad = Buffer.from(good);
        bad[i]! ^= mask;
        writeFileSync(file, bad);
        const code = codeOf(() => openVault(home).redactionValues());
        expect(code, `byte ${i} ^ ${mask}`).toMatch(/^VAULT_(TAMPERED|DAMAGED)$/);
      }
    }
    writeFileSync(file, good.subarray(0, 100));
    try {
      openVault(home);
      expect.unreachable();
    } catch (e) {
      expect((e as AgentVaultError).code).toBe('VAULT_DAMAGED');
      expect((e as AgentVaultError).hint).toContain('vault.json.bak');
    }
    // A damaged vault is never replaced: init and set refuse and leave the bytes as they are.
    expect(codeOf(() => initVault(home))).toBe('VAULT_DAMAGED');
    expect(readFileSync(file).length).toBe(100);
  });

  it('refuses a swapped key file and a missing one', () => {
    const home = newHome();
    initVault(home);
    openVault(home).set('k-one', Buffer.from('value-value-1'));
    const keyFile = vaultPaths(home).key;
    writeFileSync(keyFile, Buffer.alloc(32, 1));
    expect(codeOf(() => openVault(home))).toBe('VAULT_TAMPERED');
    unlinkSync(keyFile);
    expect(codeOf(() => openVault(home))).toBe('VAULT_KEY_MISSING');
    expect(codeOf(() => openVault(newHome()))).toBe('VAULT_MISSING');
  });

  it('breaks a lock left by a dead process and waits out a live one', () => {
    const home = newHome();
    initVault(home);
    const lock = vaultPaths(home).lock;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lock, JSON.stringify({ pid: Number(dead), start: null, nonce: 'n1', since: 'x' }));
    openVault(home).set('after-crash', Buffer.from('value-value-2'));
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, JSON.stringify({ pid: process.pid, start: processStartTime(process.pid), nonce: 'n2', since: 'now' }));
    const started = Date.now();
    expect(codeOf(() => openVault(home, { lockTimeoutMs: 300 }).set('blocked', Buffer.from('value-value-3')))).toBe('VAULT_BUSY');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    unlinkSync(lock);
    expect(openVault(home).has('blocked')).toBe(false);
  });
});
