import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentVaultError } from '../src/errors.js';
import { openVault, vaultPaths, vaultProvider } from '../src/vault/index.js';
import { envKeyProvider, MemoryKeyProvider } from '../src/vault/key-provider.js';
import { belowDefaults, DEFAULT_KDF, formatPhc, parsePhc, unwrapMasterKey, wrapMasterKey } from '../src/vault/passphrase.js';
import { attemptWait, authenticate, delayAfter } from '../src/vault/unlock.js';
import { removeDir, tempDir } from './helpers/cli.js';
import { CHEAP_KDF, passphraseVault } from './helpers/locked.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
const newHome = () => {
  const dir = tempDir('av-pass-');
  dirs.push(dir);
  return join(dir, 'vault');
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as AgentVaultError).code;
  }
  return undefined;
};

describe('the passphrase key provider', () => {
  it('wraps the master key under Argon2id with the RFC 9106 second recommended parameters by default', async () => {
    expect(DEFAULT_KDF).toEqual({ m: 65536, t: 3, p: 4 });
    const master = Buffer.alloc(32, 7);
    const wrapped = await wrapMasterKey(master, 'correct horse battery staple');
    expect(wrapped.kdf).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}$/);
    expect(parsePhc(wrapped.kdf)!.salt).toHaveLength(16);
    expect(await unwrapMasterKey(wrapped, 'correct horse battery staple')).toEqual(master);
    expect(await unwrapMasterKey(wrapped, 'correct horse battery stapl')).toBeUndefined();
    // The parameters are the wrap's associated data: lowering them on disk breaks the unwrap.
    const lowered = { ...wrapped, kdf: wrapped.kdf.replace('t=3', 't=1') };
    expect(await unwrapMasterKey(lowered, 'correct horse battery staple')).toBeUndefined();
  });

  it('reads only PHC strings it could have written, within sane bounds', () => {
    const salt = Buffer.alloc(16, 1);
    expect(parsePhc(formatPhc({ m: 65536, t: 3, p: 4 }, salt))).toMatchObject({ m: 65536, t: 3, p: 4, salt });
    for (const bad of ['', '$argon2i$v=19$m=65536,t=3,p=4$AQEBAQEBAQEBAQEBAQEBAQ', '$argon2id$v=16$m=65536,t=3,p=4$AQEBAQEBAQEBAQEBAQEBAQ', '$argon2id$v=19$m=999999999,t=3,p=4$AQEBAQEBAQEBAQEBAQEBAQ', '$argon2id$v=19$m=65536,t=0,p=4$AQEBAQEBAQEBAQEBAQEBAQ', '$argon2id$v=19$m=65536,t=3,p=4$AQE']) {
      expect(parsePhc(bad), bad).toBeUndefined();
    }
    expect(belowDefaults({ m: 65536, t: 3, p: 4 })).toBe(false);
    expect(belowDefaults({ m: 19456, t: 2, p: 1 })).toBe(true);
    expect(belowDefaults({ m: 131072, t: 3, p: 4 })).toBe(false);
  });

  it('keeps the header under the MAC: a vault with its provider or wrapped key changed does not open', async () => {
    const home = newHome();
    const master = await passphraseVault(home, 'pass phrase one', { 'db-password': 'fake-db-password-1' });
    expect(vaultProvider(home)?.provider).toBe('passphrase');
    const text = readFileSync(vaultPaths(home).file, 'utf8');
    const doc = JSON.parse(text);
    for (const change of [(d: any) => (d.header.kdf = d.header.kdf.replace('m=64', 'm=128')), (d: any) => (d.header = { provider: 'env' }), (d: any) => delete d.header]) {
      const altered = JSON.parse(text);
      change(altered);
      writeFileSync(vaultPaths(home).file, JSON.stringify(altered, null, 2) + '\n');
      expect(codeOf(() => openVault(home, { keyProvider: new MemoryKeyProvider(master) }))).toBe('VAULT_TAMPERED');
    }
    writeFileSync(vaultPaths(home).file, text);
    expect(openVault(home, { keyProvider: new MemoryKeyProvider(master) }).get('db-password')!.toString()).toBe('fake-db-password-1');
    expect(doc.header.provider).toBe('passphrase');
    // Without a key, a passphrase vault is locked (never opened with some vault.key lying around).
    writeFileSync(vaultPaths(home).key, Buffer.alloc(32, 9));
    expect(codeOf(() => openVault(home))).toBe('VAULT_LOCKED');
  });

  it('re-wraps with today\'s parameters when an unlock finds weaker ones, and the passphrase still works', async () => {
    const home = newHome();
    await passphraseVault(home, 'upgrade me please', { 'api-key': 'fake-api-key-000001' }, CHEAP_KDF);
    const auth = await authenticate(home, { passphrase: 'upgrade me please' });
    expect(auth.vault.get('api-key')!.toString()).toBe('fake-api-key-000001');
    auth.vault.close();
    const header = vaultProvider(home)!.header!;
    expect(header.provider === 'passphrase' && header.kdf).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
    const again = await authenticate(home, { passphrase: 'upgrade me please' });
    expect(again.master).toEqual(auth.master);
    again.vault.close();
  });

  it('counts failures in the vault home and doubles the wait before the next attempt, up to 5 minutes', async () => {
    expect([0, 1, 2, 3, 4, 9, 10, 40].map(delayAfter)).toEqual([0, 1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
    const home = newHome();
    await passphraseVault(home, 'the real one');
    const t = 2_000_000_000_000;
    await expect(authenticate(home, { passphrase: 'guess 1' }, t)).rejects.toMatchObject({ code: 'UNLOCK_FAILED', message: 'wrong passphrase', exitCode: undefined });
    expect(attemptWait(home, t)).toBe(1000);
    // Too early: refused without even trying (so the right passphrase is refused too).
    await expect(authenticate(home, { passphrase: 'the real one' }, t + 500)).rejects.toMatchObject({ code: 'UNLOCK_DELAYED' });
    await expect(authenticate(home, { passphrase: 'guess 2' }, t + 1000)).rejects.toMatchObject({ code: 'UNLOCK_FAILED' });
    expect(attemptWait(home, t + 1000)).toBe(2000);
    const ok = await authenticate(home, { passphrase: 'the real one' }, t + 3000);
    ok.vault.close();
    expect(attemptWait(home, t + 3000)).toBe(0);
    const mode = (await import('node:fs')).statSync(join(home, 'state')).mode & 0o777;
    expect(mode).toBe(0o700);
  });
});

describe('the env key provider (CI)', () => {
  it('is off unless AGENT_VAULT_KEY_ENV names a variable, and never echoes what it holds', () => {
    expect(envKeyProvider({})).toBeUndefined();
    const key = Buffer.alloc(32, 3).toString('base64');
    expect(envKeyProvider({ AGENT_VAULT_KEY_ENV: 'AV_KEY', AV_KEY: key })!.load()).toEqual(Buffer.alloc(32, 3));
    for (const env of [{ AGENT_VAULT_KEY_ENV: 'AV_KEY' }, { AGENT_VAULT_KEY_ENV: 'AV_KEY', AV_KEY: 'c2hvcnQ=' }, { AGENT_VAULT_KEY_ENV: 'AV_KEY', AV_KEY: 'not base64 at all!' }]) {
      expect(codeOf(() => envKeyProvider(env)!.load())).toBe('VAULT_KEY_MISSING');
    }
    // Someone pasted the key itself into AGENT_VAULT_KEY_ENV: refused, and not repeated.
    const e = (() => {
      try {
        envKeyProvider({ AGENT_VAULT_KEY_ENV: key });
      } catch (err) {
        return err as AgentVaultError;
      }
    })()!;
    expect(e.kind).toBe('usage');
    expect(`${e.message} ${e.hint}`).not.toContain(key.slice(0, 12));
  });
});
