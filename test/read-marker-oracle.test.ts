/**
 * An UNVAULTED marker shows an agent 8 hex digits about the bytes it hides. As sha256 they
 * let anyone who sees the agent's context (the model provider, a proxy, a log store) confirm a
 * guessed password offline: 32 bits single out one word of any dictionary. Keyed with the
 * vault home's marker key they confirm nothing, and read and write (separate processes) still
 * agree on them.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { run, sandbox } from './helpers/vault-cli.js';

const next = rng(0x0a11);
const WORDS = Array.from({ length: 300 }, () => expandTemplate('{{lower:7}}', next));

describe('UNVAULTED marker fingerprints', () => {
  it('confirm no guess of the hidden password, and still let write put it back', async () => {
    const sb = sandbox();
    const password = `${WORDS[17]!}-${WORDS[42]!}-${String(Math.floor(next() * 9000) + 1000)}`;
    const text = `db:\n  password: "${password}"\n`;
    writeFileSync(join(sb.dir, 'app.yaml'), text);
    const r = await run(sb, ['read', 'app.yaml']);
    expect(r.code, r.stderr).toBe(0);
    const shown = /UNVAULTED:sha256:([0-9a-f]{8})/.exec(r.stdout)?.[1];
    expect(shown, r.stdout).toBeDefined();
    // The attack: a dictionary of candidates (the real one among them), each hashed in the
    // forms the marker could cover (the value, quoted, the whole assignment).
    const candidates = [...WORDS.map((w) => `${w}-${WORDS[42]!}-${password.slice(-4)}`), password];
    const forms = (c: string) => [c, `"${c}"`, `password: "${c}"`, `  password: "${c}"`];
    const confirmed = candidates.filter((c) => forms(c).some((f) => createHash('sha256').update(f).digest('hex').slice(0, 8) === shown));
    expect(confirmed).toEqual([]);
    // The key is the vault home's own, private.
    const keyFile = join(sb.env.AGENT_VAULT_HOME!, 'marker.key');
    expect(readFileSync(keyFile).length).toBe(32);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    // write (another process) resolves the marker: the file round-trips byte for byte.
    const w = await run(sb, ['write', 'app.yaml'], r.stdout.replace(/^ *\d+\t/gm, ''));
    expect(w.code, w.stderr).toBe(0);
    expect(readFileSync(join(sb.dir, 'app.yaml'), 'utf8')).toBe(text);
    // And the key is not readable through read.
    const k = await run(sb, ['read', keyFile]);
    expect(k.code).toBe(1);
  });

  it('differ between vault homes, so markers from one machine say nothing about another', async () => {
    const token = expandTemplate('{{alnum:32}}', next);
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const sb = sandbox();
      writeFileSync(join(sb.dir, 'a.env'), `TOKEN=${token}\n`);
      const r = await run(sb, ['read', 'a.env']);
      seen.push(/UNVAULTED:sha256:([0-9a-f]{8})/.exec(r.stdout)![1]!);
    }
    expect(seen[0]).not.toBe(seen[1]);
  });
});
