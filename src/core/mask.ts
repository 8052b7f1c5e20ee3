import { createHash } from 'node:crypto';

/**
 * The only printable form of a secret: a short prefix (at most 4 characters and at most a
 * fifth of the secret, so short passwords reveal almost nothing) followed by asterisks.
 */
export function maskSecret(secret: string): string {
  const reveal = Math.min(4, Math.floor(secret.length / 5));
  return secret.slice(0, reveal).replace(/[^\x20-\x7e]/g, '?') + '*'.repeat(8);
}

/**
 * A finding's key in reports and baselines: the rule, the path and the text around the secret,
 * never the secret. Reports travel (SARIF to code scanning, JSON to log stores); a hash of the
 * secret in them would let anyone confirm a guessed password at sha256 speed. `context` is the
 * finding's lines with its own span as \x01 and every other finding's span as \x00, so two
 * findings on one line differ; runs of blanks collapse, so re-indenting keeps the key.
 */
export function fingerprint(ruleId: string, path: string, context: string): string {
  const normalized = context.replace(/\s+/g, ' ').trim();
  return createHash('sha256').update('agent-vault fingerprint v2\0').update(ruleId).update('\0').update(path, 'utf8').update('\0').update(normalized, 'latin1').digest('hex');
}

