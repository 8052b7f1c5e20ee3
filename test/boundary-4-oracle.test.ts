import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { Redactor, type VaultedValue } from '../src/core/redact.js';
import { suspectSpans } from '../src/core/suspects.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { run, sandbox, type Sandbox } from './helpers/vault-cli.js';

/**
 * Issue 10, item 4: values set without a terminal are no oracle. An agent that can run
 * `set --stdin` could store a guess at text `read` hides (`password: <marker>`) and watch
 * whether `read` changes: that recovered the first 6 characters of a random token in 249
 * tries. Values whose origin is a script only redact text that is otherwise visible, so
 * what `read` shows is the same for right and wrong guesses.
 */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (n: number, seed: number) => expandTemplate(`{{alnum:${n}}}`, rng(seed));

describe('read is the same for right and wrong guesses set with set --stdin (real CLI)', () => {
  const token = random(20, 0x0ac1e);
  const file = `db:\n  host: db.internal\n  password: ${token}\n`;
  let sb: Sandbox;
  let before: { stdout: string; stderr: string };

  beforeAll(async () => {
    sb = sandbox();
    writeFileSync(join(sb.dir, 'app.yaml'), file);
    const r = await run(sb, ['read', 'app.yaml']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(token.slice(0, 8));
    before = { stdout: r.stdout, stderr: r.stderr };
  });
  afterAll(() => rmSync(sb.dir, { recursive: true, force: true }));

  // Right guesses and wrong ones of the same shape, in the order an attacker would try them.
  const probes: [string, string][] = [
    ['the first 8 characters', token.slice(0, 8)],
    ['8 wrong characters', random(8, 1)],
    ['the first 12 characters', token.slice(0, 12)],
    ['12 wrong characters', random(12, 2)],
    ['12 characters from the middle', token.slice(4, 16)],
    ['the token after its key', `password: ${token}`],
    ['a wrong token after its key', `password: ${random(20, 3)}`],
    ['the token with more after it', `${token}\n  port`],
    ['the whole token', token],
    ['a wrong whole token', random(20, 4)],
  ];
  for (const [i, [name, probe]] of probes.entries()) {
    it(`shows the same after an agent sets ${name}`, async () => {
      const set = await run(sb, ['set', `probe-${i}`, '--stdin'], probe);
      expect(set.code, set.stderr).toBe(0);
      const r = await run(sb, ['read', 'app.yaml']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(before.stdout);
      expect(r.stderr).toBe(before.stderr);
    });
  }
});

describe('write is the same for right and wrong guesses set with set --stdin (real CLI)', () => {
  // The same oracle through write: a marker moved where its bytes would show is refused
  // (item 5), and a script-set guess that matched those bytes must not turn the refusal into
  // a write, or the agent learns that its guess was the hidden text.
  const token = random(20, 0x0ac1f);
  const file = `service: api\npassword: ${token}\n`;
  let sb: Sandbox;
  let marker: string;

  beforeAll(async () => {
    sb = sandbox();
    writeFileSync(join(sb.dir, 'app.yaml'), file);
    const r = await run(sb, ['read', 'app.yaml']);
    expect(r.code, r.stderr).toBe(0);
    marker = /password: (<agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>)/.exec(r.stdout)![1]!;
  });
  afterAll(() => rmSync(sb.dir, { recursive: true, force: true }));

  const attempt = async (key: string, guess: string) => {
    const set = await run(sb, ['set', key, '--stdin'], guess);
    expect(set.code, set.stderr).toBe(0);
    const w = await run(sb, ['write', 'app.yaml', '--content', `path ab/${marker}\n`], 'ignore');
    expect(w.stdout + w.stderr).not.toContain(token);
    return { code: w.code, stdout: w.stdout, stderr: w.stderr, file: readFileSync(join(sb.dir, 'app.yaml'), 'utf8') };
  };

  it('refuses alike, writing nothing, whether the guess is right or wrong', async () => {
    const wrong = await attempt('guess-wrong', random(20, 5));
    const right = await attempt('guess-right', token);
    expect(wrong.code).toBe(1);
    expect(right).toEqual(wrong);
    expect(right.file).toBe(file);
  });
});

describe('the agent view does not depend on script-set guesses (property)', () => {
  const ruleset = buildRuleset(defaultConfig());
  const templates = [(t: string) => `password: ${t}\n`, (t: string) => `db:\n  token = "${t}"\n  port: 5432\n`, (t: string) => `{"client_secret": "${t}", "id": 7}\n`, (t: string) => `API_KEY=${t}\n`];
  const guesses = ['prefix', 'substring', 'superstring', 'whole'] as const;

  it('gives byte-identical output for a right guess, a wrong guess of the same length, and no guess', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 20, max: 40 }),
        fc.nat(templates.length - 1),
        fc.constantFrom(...guesses),
        fc.nat(),
        fc.boolean(),
        (seed, len, tpl, kind, pick, personVaultedIt) => {
          const next = rng(seed);
          const token = `aZ9${expandTemplate(`{{alnum:${len - 3}}}`, next)}`;
          const bytes = Buffer.from(templates[tpl]!(token));
          // A right guess of the chosen shape, at least 8 bytes (shorter values are never vaulted).
          const k = 8 + (pick % (len - 8));
          const at = (pick >> 6) % (len - k + 1);
          const random = (n: number) => Array.from({ length: n }, () => ALNUM[Math.floor(next() * ALNUM.length)]).join('');
          // A superstring takes visible text around the token along; its wrong twin keeps that
          // text and changes only the token, so the two differ in what the agent cannot see.
          const around = bytes.toString().slice(0, bytes.indexOf(token) + len + 2);
          let right: string;
          let wrong: string;
          do {
            if (kind === 'superstring') {
              right = around;
              wrong = around.replace(token, random(len));
            } else {
              right = kind === 'prefix' ? token.slice(0, k) : kind === 'substring' ? token.slice(at, at + k) : token;
              wrong = random(right.length);
            }
          } while (wrong === right);
          // The person may have vaulted the token at a terminal; the agent's guesses are script values.
          const terminal: VaultedValue[] = personVaultedIt ? [{ key: 'db-token', value: Buffer.from(token), origin: 'terminal' }] : [];
          const suspects = suspectSpans(bytes, 'app.yaml', ruleset);
          const view = (guess?: string) =>
            new Redactor([...terminal, ...(guess ? [{ key: 'probe', value: Buffer.from(guess), origin: 'script' as const }] : [])]).redactForAgent(bytes, suspects);
          const none = view();
          expect(none.output.toString()).not.toContain(token.slice(0, 8));
          const [r, w] = [view(right), view(wrong)];
          expect(Buffer.compare(r.output, w.output)).toBe(0);
          expect(r.hidden).toEqual(w.hidden);
          // A guess made of hidden text alone changes nothing at all.
          if (kind !== 'superstring') expect(Buffer.compare(r.output, none.output)).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('still hides a script-set value where the text around it is visible', () => {
    const value = random(24, 9);
    const text = Buffer.from(`note ${value.toLowerCase()} and ${value}\n`);
    const view = new Redactor([{ key: 'from-script', value: Buffer.from(value), origin: 'script' }]).redactForAgent(text, []);
    expect(view.output.toString()).toMatch(/^note <agent-vault:UNVAULTED:sha256:[0-9a-f]{8}> and <agent-vault:from-script>\n$/);
  });
});
