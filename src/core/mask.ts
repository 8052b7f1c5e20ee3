import { createHash } from 'node:crypto';

/**
 * The only printable form of a secret: a short prefix (at most 4 characters and at most a
 * fifth of the secret, so short passwords reveal almost nothing) followed by asterisks.
 */
export function maskSecret(secret: string): string {
  const reveal = Math.min(4, Math.floor(secret.length / 5));
  return secret.slice(0, reveal).replace(/[^\x20-\x7e]/g, '?') + '*'.repeat(8);
}

/** Baseline key for a finding: survives line moves and file renames. */
export function fingerprint(ruleId: string, secret: string): string {
  return createHash('sha256').update(ruleId).update('\0').update(secret, 'latin1').digest('hex');
}

