import { isValidKey } from '../../core/placeholder.js';
import { usageError } from '../../errors.js';
import { MSG } from '../../messages.js';
import type { VaultSession } from '../../session/session.js';
import { vaultMissing, type KeyMeta } from '../../vault/index.js';

/** What the vault commands share: key names checked, a key's metadata, the vault made on first use. */

export function checkKey(key: string): void {
  if (!isValidKey(key)) throw usageError(MSG.invalidKey(key), MSG.invalidKeyHint);
}

/** The metadata of a key, or undefined; get and rm need a vault to be there at all. */
export async function metaOf(session: VaultSession, key: string): Promise<KeyMeta | undefined> {
  if (!(await session.state()).exists) throw vaultMissing(session.home);
  return (await session.list()).find((m) => m.key === key);
}

/** Create the vault when there is none; a note when this command is the one that did (before it asks for anything). */
export async function ensureVault(session: VaultSession): Promise<string[]> {
  if ((await session.state()).exists) return [];
  return (await session.init()).created ? [`✓ Initialized vault at ${session.home}`] : [];
}
