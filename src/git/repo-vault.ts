import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AgentVaultError } from '../errors.js';
import { GIT_MSG } from '../messages.js';
import { gitSync } from '../platform/exec.js';
import { vaultIdOf, vaultPaths } from '../vault/index.js';

/**
 * Which vault a repository was installed with: its home and id (never its key), in the
 * repository's own git config. The hooks and the clean filter refuse when that vault cannot
 * be opened (a wrong AGENT_VAULT_HOME, another machine's vault, a deleted one): otherwise a
 * commit made without it would store raw vaulted values that nothing recognises. A repository
 * installed with no vault keeps scan-only gates.
 */
export interface RecordedVault {
  home: string;
  id: string;
}

export const VAULT_HOME_KEY = 'agent-vault.vaultHome';
export const VAULT_ID_KEY = 'agent-vault.vaultId';

/** The vault at `home` as install records it; undefined when there is none. */
export function vaultToRecord(home: string): RecordedVault | undefined {
  const id = vaultIdOf(home);
  return id ? { home: resolve(home), id } : undefined;
}

/** One git call (the pre-commit hook runs this on every commit). */
export function recordedVault(repo: string): RecordedVault | undefined {
  const out = gitSync(['config', '-z', '--get-regexp', '^agent-vault\\.vault'], { cwd: repo, okCodes: [1] }).toString('utf8');
  const values = new Map<string, string>();
  for (const entry of out.split('\0')) {
    const nl = entry.indexOf('\n');
    if (nl > 0) values.set(entry.slice(0, nl).toLowerCase(), entry.slice(nl + 1));
  }
  const id = values.get(VAULT_ID_KEY.toLowerCase());
  return id ? { id, home: values.get(VAULT_HOME_KEY.toLowerCase()) ?? '' } : undefined;
}

/** Why the recorded vault is not the one at `home`, or undefined when it is. */
export function recordedVaultProblem(recorded: RecordedVault, home: string): AgentVaultError | undefined {
  const here = vaultIdOf(home);
  if (here === recorded.id) return undefined;
  // A vault file that is there but unreadable or damaged: opening it says so, with its backup.
  if (here === undefined && existsSync(vaultPaths(home).file)) return undefined;
  return new AgentVaultError('vault', here === undefined ? GIT_MSG.recordedVaultMissing(recorded.home, recorded.id, resolve(home)) : GIT_MSG.recordedVaultOther(recorded.home, recorded.id, resolve(home), here), {
    code: 'VAULT_NOT_THE_RECORDED_ONE',
    hint: GIT_MSG.recordedVaultHint(recorded.home),
  });
}
