import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openVault } from '../src/vault/index.js';
import { agentWorld, personSets, removeDir } from './helpers/agent.js';
import { bindKeys } from './helpers/vault.js';

/**
 * `agent-vault doctor` (safe): the vault home's permissions, the key file's mode, whether the
 * vault opens (integrity, rollback), keys bound to no file, bindings that match no file, and
 * internal keys. Exit 1 when anything needs attention. It names paths, keys and globs only.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('doctor', () => {
  it('says there is nothing to check without a vault (exit 0)', async () => {
    const w = agentWorld(dirs);
    const r = await w.agent(['doctor']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ vault: none at ${w.vault}`);
  });

  it('reports a healthy vault, then unbound keys, stale bindings and internal keys', async () => {
    const w = agentWorld(dirs);
    const VALUE = 'value-of-db-password-0123';
    await personSets(w, 'db-password', VALUE, '--path config.yaml');
    writeFileSync(join(w.repo, 'config.yaml'), 'db: x\n');
    let r = await w.agent(['doctor']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`✓ vault folder: ${w.vault}, private to you (0700)`);
    expect(r.stdout).toContain(`✓ key file: ${join(w.vault, 'vault.key')}, private to you (0600)`);
    expect(r.stdout).toContain('✓ vault: opens, integrity and generation checked, 1 key');
    expect(r.stdout).toContain('✓ bindings: every key is bound to at least one file');

    expect((await w.agent(['set', 'ci-token', '--stdin'], 'value-of-ci-token-0123')).code).toBe(0);
    bindKeys(w.vault, { 'db-password': [`${w.repo}/deploy/*.env`] }, { glob: true });
    openVault(w.vault).setMany([{ key: 'skill-signing-team', value: Buffer.from('private-key-bytes-0123'), origin: 'terminal', internal: true }]);
    r = await w.agent(['doctor']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ keys with no binding: ci-token:');
    expect(r.stdout).toContain('agent-vault bind --from-repo');
    expect(r.stdout).toContain(`✗ binding of db-password: ${w.repo}/deploy/*.env matches no existing file`);
    expect(r.stdout).toContain(`agent-vault unbind db-password '${w.repo}/deploy/*.env'`);
    expect(r.stdout).not.toContain(`binding of db-password: ${join(w.repo, 'config.yaml')}`);
    expect(r.stdout).toContain('✓ internal keys: skill-signing-team');
    expect(r.stderr).toContain('2 items need attention');
    expect(r.stdout + r.stderr).not.toContain(VALUE);
  }, 120_000);
});
