import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openVault } from '../src/vault/index.js';
import { agentWorld, personSets, removeDir } from './helpers/agent.js';

/**
 * Issue 10, item 4 (the `set` part): a value set without a terminal may create a key, never
 * replace one, and nothing but a person's `prune` drops an earlier value. Before this change
 * setting a key 21 times through `set --stdin` evicted the person's value from redaction
 * (MAX_EARLIER_VALUES = 20) and lost it for good: `read` then showed it in clear.
 * (The other half of item 4, the oracle-free agent view, is tested with the agent view.)
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const PERSON_VALUE = 'Zq8vXr4TnW2pLk9mBd3s';

describe('non-interactive set creates, never replaces', () => {
  it('the eviction attack: 21 script sets of a person\'s key are refused and read keeps hiding the value', async () => {
    const w = agentWorld(dirs);
    await personSets(w, 'db-password', PERSON_VALUE);
    writeFileSync(join(w.repo, 'old.txt'), `legacy_setting = ${PERSON_VALUE}\n`);
    for (let i = 0; i < 21; i++) {
      const r = await w.agent(['set', 'db-password', '--stdin'], `junk-value-${String(i).padStart(4, '0')}`);
      expect(r.code, `attempt ${i}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain('already exists');
      expect(r.stderr).toContain('agent-vault set db-password');
    }
    const fromEnv = { V: ['junk', 'from', 'env', '000'].join('-') };
    const viaEnv = ['--from-env', 'V'];
    const env = await w.agent(['set', 'db-password', ...viaEnv], 'ignore', { env: fromEnv });
    expect(env.code).toBe(1);
    const read = await w.agent(['read', 'old.txt']);
    expect(read.stdout).not.toContain(PERSON_VALUE);
    expect(read.stdout).toContain('<agent-vault:db-password>');
    expect(openVault(w.vault).get('db-password')!.toString()).toBe(PERSON_VALUE);
  }, 180_000);

  it('a script can still create a new key; a person can replace it at the terminal', async () => {
    const w = agentWorld(dirs);
    expect((await w.agent(['set', 'ci-token', '--stdin'], 'first-ci-value-0001')).code).toBe(0);
    const again = await w.agent(['set', 'ci-token', '--stdin'], 'second-ci-value-002');
    expect(again.code).toBe(1);
    const r = await w.person('set ci-token', [
      { after: 'Overwrite? [y/N] ', keys: 'y\r' },
      { after: 'Enter value for "ci-token": ', keys: 'person-ci-value-0003\r' },
    ]);
    expect(r.code, r.screen).toBe(0);
    expect(openVault(w.vault).get('ci-token')!.toString()).toBe('person-ci-value-0003');
  }, 120_000);
});

describe('earlier values are kept until a person prunes them', () => {
  it('25 rotations by a person keep all 25 earlier values hidden; prune needs a terminal and drops them', async () => {
    const w = agentWorld(dirs);
    await personSets(w, 'rotating-key', 'rotation-value-000');
    // Further rotations as a person makes them (through the vault library: 25 terminal sessions would only be slow).
    const vault = openVault(w.vault);
    for (let i = 1; i <= 25; i++) vault.set('rotating-key', Buffer.from(`rotation-value-${String(i).padStart(3, '0')}`), { origin: 'terminal' });
    writeFileSync(join(w.repo, 'stale.txt'), Array.from({ length: 26 }, (_, i) => `v${i}: rotation-value-${String(i).padStart(3, '0')}`).join('\n') + '\n');
    const read = await w.agent(['read', 'stale.txt']);
    expect(read.code).toBe(0);
    expect(read.stdout).not.toContain('rotation-value-');
    expect(read.stdout.match(/<agent-vault:rotating-key>/g)).toHaveLength(26);

    const refused = await w.agent(['prune', 'rotating-key'], 'y\n');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('needs an interactive terminal');
    expect(openVault(w.vault).list()[0]!.earlierValues).toBe(25);

    const declined = await w.person('prune rotating-key', [{ after: 'Prune? [y/N] ', keys: '\r' }]);
    expect(declined.code).toBe(1);
    expect(openVault(w.vault).list()[0]!.earlierValues).toBe(25);
    const pruned = await w.person('prune rotating-key', [{ after: 'Prune? [y/N] ', keys: 'y\r' }]);
    expect(pruned.code, pruned.screen).toBe(0);
    expect(pruned.screen).toContain('Pruned 25 earlier values');
    expect(openVault(w.vault).list()[0]!.earlierValues).toBe(0);
    // The current value is still hidden; the pruned ones no longer are vaulted values.
    expect(readFileSync(join(w.vault, 'vault.json'), 'utf8')).toContain('"earlier": []');
  }, 180_000);
});
