import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFilterEngine } from '../src/git/filter-engine.js';
import { LocalVaultSession } from '../src/session/local.js';
import type { VaultSession } from '../src/session/session.js';
import { loadConfig } from '../src/config/config.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { readAuditLines } from '../src/audit/log.js';
import { sandbox, type Sandbox } from './helpers/sandbox.js';
import { bindKeys, storeValues } from './helpers/vault.js';

/**
 * The filter's per-file shortcuts (filter-engine.ts) change what it costs, never what it
 * answers: a smudge of content without a placeholder does not ask the vault (a round trip to
 * the session agent per file), and content with one still does, every file, with its audit
 * entry. The session's restore counts the asks.
 */
let sb: Sandbox;
let DB: string;
let seed = 41;
beforeEach(() => {
  sb = sandbox();
  DB = expandTemplate('fakedbpw-{{alnum:20}}', rng(seed++));
});
afterEach(() => sb.cleanup());

function counted(session: LocalVaultSession): { session: VaultSession; restores: () => number } {
  let restores = 0;
  // Every call goes to the session itself (this = session), only restore is counted.
  const wrapped = new Proxy(session, {
    get(target, name) {
      if (name === 'restore') return (...args: Parameters<VaultSession['restore']>) => (restores++, target.restore(...args));
      const v = Reflect.get(target, name, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as VaultSession;
  return { session: wrapped, restores: () => restores };
}

describe('the filter engine fast paths', () => {
  it('smudge asks the vault only for content that holds a placeholder, and audits each restore', async () => {
    const home = sb.env.AGENT_VAULT_HOME!;
    const repo = join(sb.dir, 'repo');
    storeValues(home, { 'db-password': DB });
    bindKeys(home, { 'db-password': [`${repo}/conf/*`] }, { glob: true });
    const local = new LocalVaultSession(home);
    const { session, restores } = counted(local);
    const warnings: string[] = [];
    const engine = createFilterEngine({ session, repo, loadConfig: () => loadConfig({ cwd: repo }), warn: (l) => warnings.push(l) });

    const plain = Buffer.from('name: demo\nretries: 3\n');
    const out1 = await engine.smudge(plain, 'conf/a.yaml');
    expect(out1.equals(plain)).toBe(true);
    expect(restores()).toBe(0);

    for (const name of ['b.yaml', 'c.yaml']) {
      const out = await engine.smudge(Buffer.from('p: <agent-vault:db-password>\n'), `conf/${name}`);
      expect(out.toString('utf8')).toBe(`p: ${DB}\n`);
    }
    expect(restores()).toBe(2);
    // Text that only looks like the start of one is still given to restore (it decides).
    const near = Buffer.from('p: <agent-vault:\n');
    expect((await engine.smudge(near, 'conf/d.yaml')).equals(near)).toBe(true);
    expect(restores()).toBe(3);
    expect(warnings).toEqual([]);
    await local.close();

    const smudges = readAuditLines(home).lines.map((l) => JSON.parse(l) as { event: string; destination?: string }).filter((e) => e.event === 'materialise-smudge');
    expect(smudges.map((e) => e.destination)).toEqual([`checkout ${repo}/conf/b.yaml`, `checkout ${repo}/conf/c.yaml`]);
  });

  it('a second restore of the same key after a change to the vault gives the new value', async () => {
    const home = sb.env.AGENT_VAULT_HOME!;
    const repo = join(sb.dir, 'repo');
    storeValues(home, { 'db-password': DB });
    bindKeys(home, { 'db-password': [`${repo}/conf/*`] }, { glob: true });
    const session = new LocalVaultSession(home);
    const dest = { destination: { kind: 'git-filter' as const, path: `${repo}/conf/a.yaml`, repo }, escapeLiterals: false };
    expect((await session.restore(Buffer.from('<agent-vault:db-password>'), dest)).output.toString()).toBe(DB);
    const NEW = expandTemplate('fakedbpw-{{alnum:20}}', rng(seed++));
    await session.set([{ key: 'db-password', value: Buffer.from(NEW) }], { interactive: true });
    expect((await session.restore(Buffer.from('<agent-vault:db-password>'), dest)).output.toString()).toBe(NEW);
    await session.close();
  });
});
