import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AgentVaultError, refusal } from '../errors.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { privateDir } from '../platform/home.js';
import { openVault, vaultMissing, vaultProvider, type Vault, type VaultHeader } from './index.js';
import { MemoryKeyProvider } from './key-provider.js';
import { belowDefaults, parsePhc, unwrapMasterKey, wrapMasterKey } from './passphrase.js';
import { codeStep } from './totp.js';

/**
 * Proving the person: the passphrase (and, with TOTP on, the current code) turned into the
 * master key. Used by unlock and by the commands that need the person again even while a
 * session agent runs (get --reveal, totp enable/disable, key migrate).
 *
 * A failure says "wrong passphrase or code" and never which factor was wrong. Failures are
 * counted in the vault home and each one doubles the wait before the next attempt is
 * accepted (1 s, 2 s, 4 s ... 5 min); success resets the count. The count is a brake on
 * guessing through agent-vault; it is a file the same OS user can delete, so against
 * offline guessing the protection is Argon2id's cost.
 */

export interface Factors {
  passphrase: string;
  /** The TOTP code; needed when the vault has the second factor on. */
  code?: string;
}

export interface Authenticated {
  master: Buffer;
  vault: Vault;
}

type PassphraseHeader = Extract<VaultHeader, { provider: 'passphrase' }>;

const MAX_DELAY_MS = 5 * 60_000;

interface AttemptRecord {
  failures: number;
  /** When the last failure happened (ms since the epoch). */
  last: number;
}

const attemptsFile = (home: string) => join(home, 'state', 'unlock-attempts.json');

function readAttempts(home: string): AttemptRecord {
  try {
    const rec = JSON.parse(readFileSync(attemptsFile(home), 'utf8')) as AttemptRecord;
    if (Number.isSafeInteger(rec.failures) && rec.failures > 0 && Number.isFinite(rec.last)) return rec;
  } catch {
    /* none yet, or unreadable: no failures on record */
  }
  return { failures: 0, last: 0 };
}

/** How long after `failures` failed attempts the next one must wait. */
export function delayAfter(failures: number): number {
  return failures <= 0 ? 0 : Math.min(1000 * 2 ** Math.min(failures - 1, 30), MAX_DELAY_MS);
}

/** Milliseconds left before the next attempt is accepted (0: now). */
export function attemptWait(home: string, nowMs: number): number {
  const rec = readAttempts(home);
  return Math.max(0, rec.last + delayAfter(rec.failures) - nowMs);
}

function recordFailure(home: string, nowMs: number): number {
  const rec = readAttempts(home);
  const next = { failures: rec.failures + 1, last: nowMs };
  privateDir(join(home, 'state'));
  writeFileAtomicSync(attemptsFile(home), JSON.stringify(next) + '\n', 0o600);
  return delayAfter(next.failures);
}

function resetFailures(home: string): void {
  try {
    unlinkSync(attemptsFile(home));
  } catch {
    /* nothing on record */
  }
}

/** The header of a passphrase vault, or the error that says what this vault is instead. */
export function passphraseHeader(home: string): PassphraseHeader {
  const found = vaultProvider(home);
  if (!found) throw vaultMissing(home);
  if (found.header?.provider !== 'passphrase') {
    throw new AgentVaultError('vault', `the vault at ${home} is not protected by a passphrase (its key is ${found.provider === 'env' ? 'in the environment' : 'the file vault.key'})`, {
      code: 'VAULT_NO_PASSPHRASE',
      exitCode: 1,
      hint: 'There is nothing to unlock. To protect it with a passphrase, run in your terminal: agent-vault key migrate --to passphrase',
    });
  }
  return found.header;
}

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * The master key and the verified vault for these factors, or a refusal (exit 1) that names
 * neither factor. With TOTP on, an accepted code's time step is recorded (a write) so the
 * same code is never accepted again. When the stored KDF parameters are below today's
 * defaults, the master key is re-wrapped with the defaults.
 */
export async function authenticate(home: string, factors: Factors, nowMs = Date.now()): Promise<Authenticated> {
  const header = passphraseHeader(home);
  const wait = attemptWait(home, nowMs);
  if (wait > 0) {
    throw refusal(`too many failed attempts: the next one is accepted in ${seconds(wait)} s`, 'Wait, then try again. Each failed attempt doubles the wait (up to 5 minutes); a successful one resets it.', 'UNLOCK_DELAYED');
  }
  const withTotp = !!header.totp;
  const fail = (): never => {
    const delay = recordFailure(home, nowMs);
    throw refusal(
      withTotp ? 'wrong passphrase or code' : 'wrong passphrase',
      `Nothing was unlocked. The next attempt is accepted in ${seconds(delay)} s.`,
      'UNLOCK_FAILED',
    );
  };
  const master = await unwrapMasterKey({ kdf: header.kdf, wrapped: header.wrappedKey }, factors.passphrase);
  if (!master) return fail();
  let vault: Vault;
  try {
    vault = openVault(home, { keyProvider: new MemoryKeyProvider(master) });
  } catch (e) {
    master.fill(0);
    throw e; // damaged or altered: its own message, not a wrong passphrase
  }
  const verified = vault.header();
  // The header read above was not verified; the one inside the verified document must be it.
  if (verified?.provider !== 'passphrase' || verified.kdf !== header.kdf || verified.wrappedKey.ciphertext !== header.wrappedKey.ciphertext) {
    vault.close();
    master.fill(0);
    throw new AgentVaultError('vault', 'the vault changed while it was being unlocked', { code: 'VAULT_CHANGED', hint: 'Run the command again.' });
  }
  if (verified.totp) {
    const secret = vault.totpSecret()!;
    const step = factors.code === undefined ? undefined : codeStep(secret, factors.code, nowMs);
    secret.fill(0);
    if (step === undefined || !vault.acceptTotpStep(step)) {
      vault.close();
      master.fill(0);
      return fail();
    }
  }
  resetFailures(home);
  const kdf = parsePhc(verified.kdf);
  if (kdf && belowDefaults(kdf)) {
    const stronger = await wrapMasterKey(master, factors.passphrase);
    vault.rewrap(stronger.kdf, stronger.wrapped);
  }
  return { master, vault };
}

/** Whether this passphrase vault asks for a TOTP code (unverified: only to decide what to prompt). */
export function wantsCode(home: string): boolean {
  return !!passphraseHeader(home).totp;
}
