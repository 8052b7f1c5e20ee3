import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { scanText } from '../src/core/scan.js';

/**
 * The team vault's own files are ciphertext and public keys on lines of fixed shapes: the
 * scanner (every gate) must not report them, and must still report a secret pasted into the
 * file on a line of any other shape, or the same text in another file.
 */
const ruleset = buildRuleset(defaultConfig());
const b64 = (n: number) => randomBytes(n).toString('base64');
const teamFile = (extra = '') =>
  [
    'agent-vault team 1',
    'team t-1',
    'data-key k-1',
    'wrap alice ' + b64(200),
    `value db-password ${b64(60)}`,
    `value stripe-api-key ${b64(60)} ["config/*.env"]`,
    extra,
    'signed-by alice',
    `signature ${b64(64)}`,
  ]
    .filter(Boolean)
    .join('\n') + '\n';

describe('the scanner on the team vault file', () => {
  it('reports no ciphertext, wrap or signature line (many random files)', () => {
    for (let i = 0; i < 50; i++) expect(scanText(teamFile(), { path: '.agent-vault/team.vault' }, ruleset)).toEqual([]);
  });

  it('still reports a secret on a line of another shape in the same file', () => {
    const secret = `Kq${randomBytes(12).toString('hex')}x9`;
    const found = scanText(teamFile(`db_password = "${secret}"`), { path: '.agent-vault/team.vault' }, ruleset);
    expect(found.length).toBeGreaterThan(0);
  });

  it('judges the same value lines in any other file as usual (the exception is the team file only)', () => {
    const text = Array.from({ length: 20 }, () => `value db-password ${b64(60)}`).join('\n');
    expect(scanText(text, { path: 'notes/passwords.txt' }, ruleset).length).toBeGreaterThan(0);
    expect(scanText(text, { path: 'sub/.agent-vault/team.vault' }, ruleset)).toEqual([]);
  });
});
