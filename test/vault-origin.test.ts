import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initVault, openVault, vaultPaths } from '../src/vault/index.js';
import { deriveKeys, mac } from '../src/vault/crypto.js';
import { removeDir } from './helpers/cli.js';
import { run, sandbox } from './helpers/vault-cli.js';

/**
 * Each value records who stored it: a person at a terminal, or a script (`set --stdin`,
 * `--from-env`). The agent view (issue 10, item 4) treats script values differently, so the
 * origin is covered by the vault's MAC and a vault written before origins opens as 'terminal'.
 */
describe('value origin', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));

  it('set --stdin and --from-env store script values; the origin reaches redaction', async () => {
    const sb = sandbox();
    dirs.push(sb.dir);
    expect((await run(sb, ['set', 'from-pipe', '--stdin'], 'pipe-value-0123')).code).toBe(0);
    expect((await run(sb, ['set', 'from-env', '--from-env', 'V'], 'ignore', { V: 'env-value-01234' })).code).toBe(0);
    const vault = openVault(sb.home);
    expect(vault.list().map((m) => [m.key, m.origin])).toEqual([['from-env', 'script'], ['from-pipe', 'script']]);
    expect(vault.redactionValues().map((v) => v.origin)).toEqual(['script', 'script']);
    vault.set('by-person', Buffer.from('person-value-0123'), { origin: 'terminal' });
    expect(openVault(sb.home).list().find((m) => m.key === 'by-person')!.origin).toBe('terminal');
  });

  it('an earlier value keeps the origin it was stored with', () => {
    const home = join(sandbox().dir, 'v');
    dirs.push(join(home, '..'));
    initVault(home);
    const vault = openVault(home);
    vault.set('rotated', Buffer.from('probe-value-0123'), { origin: 'script' });
    vault.set('rotated', Buffer.from('person-value-0123'), { origin: 'terminal' });
    expect(openVault(home).redactionValues().map((v) => [v.value.toString(), v.origin])).toEqual([
      ['person-value-0123', 'terminal'],
      ['probe-value-0123', 'script'],
    ]);
  });

  it('a vault written before origins and flags opens: values count as terminal, skill-signing-* keys as internal; an edited origin fails the MAC', () => {
    const home = join(sandbox().dir, 'v');
    dirs.push(join(home, '..'));
    initVault(home);
    openVault(home).set('legacy', Buffer.from('legacy-value-0123'), { origin: 'script' });
    openVault(home).setMany([{ key: 'skill-signing-old', value: Buffer.from('private-key-bytes-0123'), origin: 'terminal', internal: true }]);
    const file = vaultPaths(home).file;
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    delete doc.entries.legacy.origin;
    delete doc.entries['skill-signing-old'].origin;
    delete doc.entries['skill-signing-old'].internal;
    // Re-sign without those fields (the MAC covers format, keyCheck, generation and entries).
    const keys = deriveKeys(readFileSync(vaultPaths(home).key));
    const body = { format: doc.format, keyCheck: doc.keyCheck, generation: doc.generation, entries: doc.entries };
    writeFileSync(file, JSON.stringify({ ...body, mac: mac(keys, JSON.stringify(body)) }, null, 2) + '\n');
    expect(openVault(home).redactionValues().map((v) => v.origin)).toEqual(['terminal', 'terminal']);
    expect(openVault(home).list().find((m) => m.key === 'skill-signing-old')).toMatchObject({ internal: true, bindings: [] });
    expect(() => openVault(home).bind('skill-signing-old', ['/tmp/k.pem'])).toThrow(/cannot be bound/);

    openVault(home).set('probe', Buffer.from('probe-value-01234'), { origin: 'script' });
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"origin": "script"', '"origin": "terminal"'));
    expect(() => openVault(home)).toThrow(/integrity check/);
  });
});
