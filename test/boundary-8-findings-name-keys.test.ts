import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

/**
 * Issue 10, item 8: a finding about a vaulted value names its key, never a character of the
 * value. Before this change the pre-commit gate printed `Zq8v********`: four characters of
 * the value, in a message the agent reads. (The GitHub Action runs without a vault, so it
 * has no vaulted-value findings to name.)
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** No run of 3 or more characters of the value, from its start, appears in the output. */
function expectNoPrefix(out: string, value: string, what: string) {
  for (let n = 3; n <= value.length; n++) expect(out.includes(value.slice(0, n)), `${what} shows the first ${n} characters`).toBe(false);
}

describe('vaulted-value findings name the key', () => {
  let w: AgentWorld;
  const next = rng(0x808);
  const DB = expandTemplate('Zq8v{{alnum:20}}', next);
  const GH = expandTemplate('ghp_{{alnum:36}}', next);

  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', DB);
    await personSets(w, 'github-token', GH);
    writeFileSync(join(w.repo, 'README.md'), '# demo\n');
    w.git(['add', '-A']);
    w.git(['commit', '-qm', 'init']);
    expect((await w.agent(['install'])).code).toBe(0);
  }, 180_000);

  it('the pre-commit gate', async () => {
    writeFileSync(join(w.repo, 'notes.md'), `password: ${DB}\ntoken ${GH}\njson ${JSON.stringify({ p: DB })}\n`);
    w.git(['add', 'notes.md']);
    const c = w.git(['commit', '-m', 'notes']);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/notes\.md:1 {2}vaulted-value {2}<agent-vault:db-password>/);
    expect(c.stderr).toMatch(/notes\.md:2 {2}vaulted-value {2}<agent-vault:github-token>/);
    expectNoPrefix(c.stdout + c.stderr, DB, 'pre-commit');
    expectNoPrefix(c.stdout + c.stderr, GH.slice(4), 'pre-commit'); // ghp_ is the public prefix of every such token
    w.git(['reset', '-q']);
  });

  it('the pre-push gate', async () => {
    const remote = join(w.home, 'remote.git');
    w.git(['init', '-q', '--bare', remote]);
    w.git(['remote', 'add', 'origin', remote]);
    writeFileSync(join(w.repo, 'leak.txt'), `db ${DB}\n`);
    w.git(['add', 'leak.txt']);
    w.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-qm', 'leak without the pre-commit hook']);
    const p = w.git(['push', 'origin', 'HEAD:main']);
    expect(p.code).not.toBe(0);
    expect(p.stderr).toContain('<agent-vault:db-password>');
    expectNoPrefix(p.stdout + p.stderr, DB, 'pre-push');
  });

  it('scan, in every format, names the key of a finding that is a vaulted value', async () => {
    writeFileSync(join(w.repo, 'client.js'), `const token = "${GH}";\n`);
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = await w.agent(['scan', 'client.js', '--format', format]);
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).toContain('<agent-vault:github-token>');
      expectNoPrefix(r.stdout + r.stderr, GH.slice(4), `scan --format ${format}`);
    }
  });
});
