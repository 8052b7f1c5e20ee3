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
