import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { initVault, openVault, vaultPaths, vaultProvider, type Vault } from '../src/vault/index.js';
import { MemoryKeyProvider } from '../src/vault/key-provider.js';
import { migrateVault, type MigrationTarget } from '../src/vault/migrate.js';
import { unwrapMasterKey } from '../src/vault/passphrase.js';
import { removeDir, tempDir } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { CHEAP_KDF, passphraseVault } from './helpers/locked.js';

/**
 * Crash points: every atomic write a migration makes can be the last thing the process does,
 * before or after the write lands. The mock stops the migration there (a thrown error that
 * nothing catches, so nothing after it runs), and the test checks what a crash would leave:
 * a vault that opens with the old key or the new one, every value and earlier value intact.
 */
const crash = vi.hoisted(() => ({ at: -1, after: false, count: 0 }));
vi.mock('../src/platform/atomic.js', async (original) => {
  const real = await original<typeof import('../src/platform/atomic.js')>();
  return {
    ...real,
    writeFileAtomicSync: (...args: Parameters<typeof real.writeFileAtomicSync>) => {
      const n = crash.count++;
      if (n === crash.at && !crash.after) throw new Error('CRASH');
      real.writeFileAtomicSync(...args);
      if (n === crash.at && crash.after) throw new Error('CRASH');
    },
  };
});

const dirs: string[] = [];
afterEach(() => {
  dirs.splice(0).forEach(removeDir);
  Object.assign(crash, { at: -1, after: false, count: 0 });
});
const newHome = () => {
  const dir = tempDir('av-migrate-');
  dirs.push(dir);
  return join(dir, 'vault');
};

const next = rng(1212);
const VALUES = { 'db-password': [expandTemplate('fake-{{alnum:24}}', next), expandTemplate('fake-{{alnum:24}}', next)], 'api-key': [expandTemplate('fake-{{alnum:30}}', next)] };
const OLD_PASS = 'the old passphrase';
const NEW_PASS = 'the new passphrase';

/** A vault of `kind` holding VALUES (db-password rotated once, so it has an earlier value). */
async function makeVault(home: string, kind: 'keyfile' | 'passphrase'): Promise<Vault> {
  let vault: Vault;
  if (kind === 'keyfile') {
    initVault(home);
    vault = openVault(home);
  } else {
    vault = openVault(home, { keyProvider: new MemoryKeyProvider(await passphraseVault(home, OLD_PASS)) });
  }
  for (const [key, values] of Object.entries(VALUES)) for (const v of values) vault.set(key, Buffer.from(v));
  return vault;
}

/** Open whatever a crash left, with the key its header says, and return every value. */
async function whatOpens(home: string): Promise<{ provider: string; values: Record<string, string[]> }> {
  const found = vaultProvider(home)!;
  let vault: Vault;
  if (found.header?.provider === 'passphrase') {
    const h = found.header;
    const master = (await unwrapMasterKey({ kdf: h.kdf, wrapped: h.wrappedKey }, NEW_PASS)) ?? (await unwrapMasterKey({ kdf: h.kdf, wrapped: h.wrappedKey }, OLD_PASS));
    expect(master, 'the passphrase vault opens with the old or the new passphrase').toBeDefined();
    vault = openVault(home, { keyProvider: new MemoryKeyProvider(master!) });
  } else {
    vault = openVault(home);
  }
  const values: Record<string, string[]> = {};
  const all = vault.redactionValues();
  for (const { key, value } of all) (values[key] ??= []).push(Buffer.from(value).toString());
  return { provider: found.provider, values };
}

const expected = () => ({ 'db-password': [VALUES['db-password'][1]!, VALUES['db-password'][0]!], 'api-key': VALUES['api-key'] });

describe('key migrate', () => {
  for (const [from, to] of [['keyfile', 'passphrase'], ['passphrase', 'keyfile'], ['passphrase', 'passphrase']] as const) {
    it(`${from} -> ${to}: a new master key, every value and earlier value re-sealed, the old key material gone`, async () => {
      const home = newHome();
      const vault = await makeVault(home, from);
      const oldKeyFile = existsSync(vaultPaths(home).key) ? readFileSync(vaultPaths(home).key) : undefined;
      const before = readFileSync(vaultPaths(home).file, 'utf8');
      const target: MigrationTarget = to === 'passphrase' ? { provider: 'passphrase', passphrase: NEW_PASS, kdf: CHEAP_KDF } : { provider: 'keyfile' };
      const migrated = await migrateVault(vault, target);
      migrated.close();
      const after = await whatOpens(home);
      expect(after.provider).toBe(to);
      expect(after.values).toEqual(expected());
      // No ciphertext, IV or key check of the old document survives, in the file or its backup.
      const oldDoc = JSON.parse(before);
      for (const file of [vaultPaths(home).file, vaultPaths(home).backup]) {
        const text = readFileSync(file, 'utf8');
        expect(text).not.toContain(oldDoc.keyCheck);
        expect(text).not.toContain(oldDoc.entries['api-key'].value.ciphertext);
        if (oldDoc.header) expect(text).not.toContain(oldDoc.header.wrappedKey.ciphertext);
      }
      if (to === 'passphrase') expect(existsSync(vaultPaths(home).key)).toBe(false);
      else expect(readFileSync(vaultPaths(home).key)).not.toEqual(oldKeyFile);
      // Nothing half-written is left behind.
      expect(readdirSync(home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it(`${from} -> ${to}: a crash at any write leaves a vault that opens with the old key or the new one`, async () => {
      // How many atomic writes a full migration makes.
      const probe = newHome();
      const v = await makeVault(probe, from);
      crash.count = 0;
      (await migrateVault(v, to === 'passphrase' ? { provider: 'passphrase', passphrase: NEW_PASS, kdf: CHEAP_KDF } : { provider: 'keyfile' })).close();
      const writes = crash.count;
      expect(writes).toBeGreaterThanOrEqual(3);
      for (let at = 0; at < writes; at++) {
        for (const after of [false, true]) {
          const home = newHome();
          const vault = await makeVault(home, from);
          Object.assign(crash, { at, after, count: 0 });
          await expect(migrateVault(vault, to === 'passphrase' ? { provider: 'passphrase', passphrase: NEW_PASS, kdf: CHEAP_KDF } : { provider: 'keyfile' })).rejects.toThrow('CRASH');
          crash.at = -1;
          const left = await whatOpens(home);
          expect(left.values, `crash ${after ? 'after' : 'before'} write ${at}`).toEqual(expected());
        }
      }
    });
  }
});
