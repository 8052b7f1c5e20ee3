import { describe, expect, it } from 'vitest';
import { AgentVaultError } from '../src/errors.js';
import { foreignErrorDetail, formatError } from '../src/messages.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

describe('errors we did not write are printed without the input they quote', () => {
  it("JSON.parse's message quotes its input; the printed form does not", () => {
    const secret = expandTemplate('ghp_{{alnum:36}}', rng(5));
    let error: unknown;
    try {
      JSON.parse(`${secret} is not JSON`);
    } catch (e) {
      error = e;
    }
    // The raw message holds the secret on this Node version (the test is not vacuous)...
    expect(String((error as Error).message)).toContain(secret.slice(0, 10));
    // ...the printed forms do not.
    expect(foreignErrorDetail(error)).not.toContain(secret.slice(0, 10));
    expect(formatError(error)).not.toContain(secret.slice(0, 10));
    expect(formatError(error)).toMatch(/^✗ Internal error: Unexpected token/);
  });
  it('our own errors keep their key names and hints', () => {
    const text = formatError(new AgentVaultError('refused', 'Secret "stripe-key" not found in vault', { hint: 'Ask the user to run: agent-vault set stripe-key' }));
    expect(text).toBe('✗ Error: Secret "stripe-key" not found in vault\n  Ask the user to run: agent-vault set stripe-key\n');
  });
});

describe('YAML problems are reported without the source text they quote', () => {
  it('syntax errors and unresolved aliases name the line, not the token', async () => {
    const { parseLocatedYaml } = await import('../src/config/yaml.js');
    const secret = expandTemplate('ghp_{{alnum:36}}', rng(6));
    for (const text of [`- a\nb: ${secret}\n`, `token: *${secret}\n`, `%${secret}\nx: 1\n`, `a: |${secret}\n  x\n`]) {
      const parsed = parseLocatedYaml(text);
      expect(parsed.syntaxErrors.length, text.slice(0, 12)).toBeGreaterThan(0);
      expect(JSON.stringify(parsed.syntaxErrors)).not.toContain(secret.slice(0, 10));
    }
  });
  it("a foreign message's quoted part goes even when its quotes are unbalanced", () => {
    const secret = expandTemplate('ghp_{{alnum:36}}', rng(8));
    let error: unknown;
    try {
      JSON.parse(`abcd"${secret}`);
    } catch (e) {
      error = e;
    }
    expect(foreignErrorDetail(error)).not.toContain(secret.slice(0, 6));
    expect(foreignErrorDetail(error)).toMatch(/^Unexpected token/);
  });
});
