import { closeSync, fsyncSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { initVault, vaultPaths, vaultProvider, type Vault, type VaultHeader } from './index.js';
import { MemoryKeyProvider, newMasterKey } from './key-provider.js';
import { wrapMasterKey, type KdfParams } from './passphrase.js';

/**
 * Moving a vault to another key provider (`agent-vault key migrate`), and creating a
 * passphrase vault (`init --passphrase`). A migration never re-uses the old master key:
 * a new one is generated, every value and earlier value is re-sealed under it, the file is
 * written atomically and verified by re-opening and decrypting everything, and only THEN is
 * the old key material destroyed (vault.key overwritten and unlinked; the old wrapped key
 * dropped with the backup that held it).
 *
 * A crash at any instant leaves a vault that opens with the old key or the new one:
 *   to passphrase: the new key exists only inside the new vault.json (wrapped), written in
 *     one rename; until vault.key is destroyed the old vault.json.bak still opens with it.
 *   to keyfile: the new vault.key is written (atomically) BEFORE the vault.json that needs it;
 *     until then vault.json names the passphrase provider and ignores the file.
 */

/** `kdf`: the Argon2id parameters (default: today's defaults; tests use cheaper ones). */
export type MigrationTarget = { provider: 'passphrase'; passphrase: string; kdf?: KdfParams } | { provider: 'keyfile' };

/** A passphrase header for `master` (fresh salt, today's KDF defaults). */
export async function passphraseHeaderFor(master: Buffer, passphrase: string, params?: KdfParams): Promise<VaultHeader> {
  const { kdf, wrapped } = await wrapMasterKey(master, passphrase, params);
  return { provider: 'passphrase', kdf, wrappedKey: wrapped };
}

/** Create a passphrase vault (no vault.key is ever written). false: one already exists. */
export async function initPassphraseVault(home: string, passphrase: string): Promise<{ created: boolean }> {
  if (vaultProvider(home)) return { created: false };
  const master = newMasterKey();
  try {
    return initVault(home, { keyProvider: new MemoryKeyProvider(master), header: await passphraseHeaderFor(master, passphrase) });
  } finally {
    master.fill(0);
  }
}

/**
 * Overwrite a key file in place with random bytes, flush, then unlink it. Best effort against
 * recovery from the disk: copy-on-write file systems and SSDs may keep the old blocks.
 */
export function destroyKeyFile(path: string): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, randomBytes(Math.max(size, 32)), 0, Math.max(size, 32), 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
  return true;
}

/** Re-key `vault` for `target`. Returns the vault under its new key; `vault` is closed. */
export async function migrateVault(vault: Vault, target: MigrationTarget): Promise<Vault> {
  const paths = vaultPaths(vault.home);
  const master = newMasterKey();
  try {
    let next: Vault;
    if (target.provider === 'passphrase') {
      next = vault.rekey(master, await passphraseHeaderFor(master, target.passphrase, target.kdf));
      destroyKeyFile(paths.key);
    } else {
      // The key file first: the vault.json that needs it is written only once it is on disk.
      writeFileAtomicSync(paths.key, master, 0o600);
      next = vault.rekey(master, undefined);
    }
    return next;
  } finally {
    vault.close();
    master.fill(0);
  }
}
