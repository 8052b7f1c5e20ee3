import { placeholderFor } from '../core/placeholder.js';
import { SECRET, type Finding } from '../core/types.js';
import { AgentVaultError } from '../errors.js';
import type { VaultSession } from './session.js';

/**
 * A finding whose secret holds a vaulted value is shown by the key's name, never by a masked
 * prefix: four characters of a value is four characters too many (issue 10, item 8). Asks
 * the vault only when there are findings; a vault that is absent or cannot be opened leaves
 * the findings as they are (the scan itself never depends on the vault).
 */
export async function nameVaultedValues(findings: Finding[], session: VaultSession): Promise<void> {
  if (findings.length === 0) return;
  try {
    if (!(await session.state()).exists) return;
    const keyOf = new Map<string, string | undefined>();
    for (const f of findings) {
      const secret = f[SECRET];
      if (!keyOf.has(secret)) keyOf.set(secret, (await session.findValues(Buffer.from(secret, 'latin1')))[0]?.key);
      const key = keyOf.get(secret);
      if (key) f.masked = placeholderFor(key);
    }
  } catch (e) {
    if (!(e instanceof AgentVaultError) || e.kind !== 'vault') throw e;
  }
}
