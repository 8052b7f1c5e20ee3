import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initVault, openVault } from '../src/vault/index.js';
import { scratchDir } from './helpers/sandbox.js';

/** Bindings of provider keys are kept in the local vault like every binding: under its MAC. */
describe('provider key bindings in the vault', () => {
  it('are added and withdrawn, survive reopening, and are refused for a key the vault holds', () => {
    const home = scratchDir('av-pvb-');
    initVault(home);
    const v = openVault(home);
    expect(v.bindProvided('stripe-key', ['/work/app/.env', '/work/app/.env'], true)).toEqual(['/work/app/.env']);
    expect(v.bindProvided('stripe-key', ['/work/app/.env'], true)).toEqual([]);
    expect(openVault(home).providedBindings()).toEqual({ 'stripe-key': ['/work/app/.env'] });
    v.set('local-key', Buffer.from('local-value-123'));
    expect(() => v.bindProvided('local-key', ['/x'], true)).toThrow(/in the vault/);
    expect(v.bindProvided('stripe-key', undefined, false)).toEqual(['/work/app/.env']);
    expect(openVault(home).providedBindings()).toEqual({});
    expect(JSON.parse(readFileSync(join(home, 'vault.json'), 'utf8'))).not.toHaveProperty('providedBindings');
  });

  it('an edit to them outside agent-vault (an agent adding its own file) is detected', () => {
    const home = scratchDir('av-pvb-');
    initVault(home);
    openVault(home).bindProvided('stripe-key', ['/work/app/.env'], true);
    const file = join(home, 'vault.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { providedBindings: Record<string, string[]> };
    doc.providedBindings['stripe-key']!.push('/tmp/exfil.txt');
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    expect(() => openVault(home)).toThrow(expect.objectContaining({ code: 'VAULT_TAMPERED' }));
  });
});

describe('the session refuses, without a terminal, a key a provider holds', () => {
  it('set { interactive: false } of a provider key is KEY_EXISTS and stores nothing; a person may', async () => {
    const { LocalVaultSession } = await import('../src/session/local.js');
    const { ProviderChain } = await import('../src/providers/chain.js');
    const { EnvFileProvider } = await import('../src/providers/envfile.js');
    const { ProtectedFolders } = await import('../src/platform/safe-path.js');
    const home = scratchDir('av-pvs-');
    const dir = scratchDir('av-pvs-');
    writeFileSync(join(dir, 'p.env'), 'DATABASE_URL=provider-value-0001\n');
    const chain = new ProviderChain(new Map([['sandbox', new EnvFileProvider('sandbox', join(dir, 'p.env'), new ProtectedFolders([home]))]]), [{ pattern: '', prefix: true, provider: 'sandbox' }]);
    const session = new LocalVaultSession(home, { providers: () => chain });
    await session.init();
    await expect(session.set([{ key: 'database-url', value: Buffer.from('agent-value-0001') }], { interactive: false })).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    expect((await session.list()).map((m) => [m.key, m.source])).toEqual([['database-url', 'provider:sandbox']]);
    await session.set([{ key: 'database-url', value: Buffer.from('person-value-0001') }], { interactive: true });
    expect((await session.list()).map((m) => [m.key, m.source])).toEqual([['database-url', 'local']]);
    // Both values stay hidden: the provider's one too, though the local key now resolves.
    const out = (await session.redact(Buffer.from('a provider-value-0001 b person-value-0001'))).output.toString();
    expect(out).toBe('a <agent-vault:database-url> b <agent-vault:database-url>');
    await session.close();
  });
});
