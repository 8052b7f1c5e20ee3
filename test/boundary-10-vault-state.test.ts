import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openVault } from '../src/vault/index.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { bindKeys } from './helpers/vault.js';

/**
 * Issue 10, item 10: vault state the agent can change on disk is not accepted silently.
 * Before this change, copying vault.json.bak over vault.json rolled a rotated key back with no
 * warning (the old value became current again), and a vault.key at 0644 in a 0755 folder
 * opened without a word.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const OLD = 'old-value-of-db-password-0001';
const NEW = 'new-value-of-db-password-0002';

async function rotatedVault(): Promise<AgentWorld> {
  const w = agentWorld(dirs);
  await personSets(w, 'db-password', OLD);
  bindKeys(w.vault, { 'db-password': [join(w.repo, 'config.yaml')] });
  await w.person('set db-password', [
    { after: 'Overwrite? [y/N] ', keys: 'y\r' },
    { after: 'Enter value for "db-password": ', keys: `${NEW}\r` },
  ]);
  expect(openVault(w.vault).get('db-password')!.toString()).toBe(NEW);
  return w;
}

describe('rollback', () => {
  it('a vault.json rolled back to its backup is refused, with the recovery command; only a person accepts it', async () => {
    const w = await rotatedVault();
    copyFileSync(join(w.vault, 'vault.json.bak'), join(w.vault, 'vault.json'));
    for (const args of [['write', 'config.yaml', '--content', 'db: <agent-vault:db-password>\n'], ['list'], ['read', 'config.yaml']]) {
      if (args[0] === 'read') writeFileSync(join(w.repo, 'config.yaml'), 'db: x\n');
      const r = await w.agent(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('rolled back');
      expect(r.stderr).toContain('agent-vault recover --accept-rollback');
    }
    // Checkouts never fail: smudge leaves the placeholder and says why.
    const smudge = await w.agent(['smudge', 'config.yaml'], 'db: <agent-vault:db-password>\n');
    expect(smudge.code).toBe(0);
    expect(smudge.stdout).toBe('db: <agent-vault:db-password>\n');
    expect(smudge.stderr).toContain('rolled back');

    const doctor = await w.agent(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('VAULT_ROLLBACK');

    const agentRecover = await w.agent(['recover', '--accept-rollback'], 'y\n');
    expect(agentRecover.code).toBe(1);
    expect(agentRecover.stderr).toContain('needs an interactive terminal');
    const recover = await w.person('recover --accept-rollback', [{ after: 'Accept it? [y/N] ', keys: 'y\r' }]);
    expect(recover.code, recover.screen).toBe(0);
    expect((await w.agent(['list'])).code).toBe(0);
    expect(openVault(w.vault).get('db-password')!.toString()).toBe(OLD);
  }, 180_000);

  it('a deleted or forged generation record is refused too', async () => {
    const w = await rotatedVault();
    const record = join(w.vault, 'vault.generation');
    const text = readFileSync(record, 'utf8');
    writeFileSync(record, text.replace(/"generation":(\d+)/, (_, n) => `"generation":${Number(n) - 1}`));
    expect((await w.agent(['list'])).stderr).toContain('generation record');
    rmSync(record);
    const r = await w.agent(['list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is missing');
  }, 180_000);
});

describe('permissions', () => {
  it('a key file or vault folder open to group or others is refused, naming the chmod', async () => {
    const w = agentWorld(dirs);
    await personSets(w, 'db-password', OLD);
    const key = join(w.vault, 'vault.key');
    chmodSync(key, 0o644);
    let r = await w.agent(['list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('accessible by group or others (mode 644)');
    expect(r.stderr).toContain(`chmod 600 "${key}"`);
    chmodSync(key, 0o600);
    chmodSync(w.vault, 0o755);
    r = await w.agent(['has', 'db-password']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`chmod 700 "${w.vault}"`);
    const doctor = await w.agent(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`fix: chmod 700 "${w.vault}"`);
    chmodSync(w.vault, 0o700);
    expect((await w.agent(['has', 'db-password'])).code).toBe(0);
  }, 120_000);
});
