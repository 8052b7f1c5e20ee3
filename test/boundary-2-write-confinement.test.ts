import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { tempDir } from './helpers/cli.js';
import { bindKeys } from './helpers/vault.js';

/**
 * Issue 10, item 2: write stays in the repository. Before this change `write ../../x` put a
 * restored value outside the repository with mode 0644, and a symlink or folder link carried
 * a write anywhere the user can write. Now a target outside the work tree of the current
 * folder's repository (or, outside git, outside the current folder) is refused unless a
 * person passes --outside-repo at a terminal, and a new file that receives a value is 0600.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('where write may write', () => {
  let w: AgentWorld;
  const VALUE = 'value-of-db-password-0123456789';
  const outside = () => {
    const d = tempDir('av-outside-');
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE);
    // Bound broadly on purpose: confinement must hold even where a binding would allow the value.
    bindKeys(w.vault, { 'db-password': ['/**'] }, { glob: true });
  }, 120_000);

  it('refuses targets outside the repository: .., absolute, a symlinked folder, a symlink, a repository the agent made, a nested one', async () => {
    const elsewhere = outside();
    const agentRepo = join(elsewhere, 'x');
    mkdirSync(agentRepo);
    w.git(['init', '-q'], { cwd: agentRepo });
    symlinkSync(elsewhere, join(w.repo, 'out-dir'));
    symlinkSync(join(elsewhere, 'linked.txt'), join(w.repo, 'out-link.txt'));
    writeFileSync(join(elsewhere, 'linked.txt'), 'before\n');
    mkdirSync(join(w.repo, 'nested'));
    w.git(['init', '-q'], { cwd: join(w.repo, 'nested') });
    const targets = ['../../escape.txt', join(elsewhere, 'abs.txt'), 'out-dir/through-dir.txt', 'out-link.txt', join(agentRepo, 'config.yaml'), 'nested/config.yaml', '.git/hooks/post-checkout'];
    for (const t of targets) {
      const r = await w.agent(['write', t, '--content', 'v=<agent-vault:db-password>\n']);
      expect(r.code, `write ${t}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/outside (the repository|the current folder)/);
      expect(r.stderr).toContain('--outside-repo');
    }
    expect(existsSync(join(w.home, 'escape.txt'))).toBe(false);
    expect(existsSync(join(elsewhere, 'abs.txt'))).toBe(false);
    expect(existsSync(join(elsewhere, 'through-dir.txt'))).toBe(false);
    expect(readFileSync(join(elsewhere, 'linked.txt'), 'utf8')).toBe('before\n');
    expect(existsSync(join(agentRepo, 'config.yaml'))).toBe(false);
    expect(existsSync(join(w.repo, 'nested', 'config.yaml'))).toBe(false);
    expect(existsSync(join(w.repo, '.git', 'hooks', 'post-checkout'))).toBe(false);
  });

  it('the agent cannot lift the confinement: --outside-repo needs a terminal, and a person can use it', async () => {
    const elsewhere = outside();
    const r = await w.agent(['write', join(elsewhere, 'f.txt'), '--outside-repo', '--content', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('needs an interactive terminal');
    expect(existsSync(join(elsewhere, 'f.txt'))).toBe(false);
    const p = await w.person(`write '${join(elsewhere, 'f.txt')}' --outside-repo --content 'v=<agent-vault:db-password>'`);
    expect(p.code, p.screen).toBe(0);
    expect(readFileSync(join(elsewhere, 'f.txt'), 'utf8')).toBe(`v=${VALUE}`);
  });

  it('outside git, write stays inside the current folder', async () => {
    const plain = outside();
    mkdirSync(join(plain, 'work'));
    const inside = await w.agent(['write', 'in.txt', '--content', 'v=<agent-vault:db-password>'], 'ignore', { cwd: join(plain, 'work') });
    expect(inside.code, inside.stderr).toBe(0);
    const out = await w.agent(['write', '../up.txt', '--content', 'v=<agent-vault:db-password>'], 'ignore', { cwd: join(plain, 'work') });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('outside the current folder');
    expect(existsSync(join(plain, 'up.txt'))).toBe(false);
  });

  it('a new file that receives a value is created 0600; one without keeps the umask; an existing file keeps its mode', async () => {
    const withValue = await w.agent(['write', 'secret.env', '--content', 'PW=<agent-vault:db-password>\n']);
    expect(withValue.code, withValue.stderr).toBe(0);
    expect(statSync(join(w.repo, 'secret.env')).mode & 0o777).toBe(0o600);
    const plain = await w.agent(['write', 'plain.txt', '--content', 'no values here\n']);
    expect(plain.code).toBe(0);
    expect(statSync(join(w.repo, 'plain.txt')).mode & 0o077).not.toBe(0);
    writeFileSync(join(w.repo, 'shared.env'), 'old\n');
    chmodSync(join(w.repo, 'shared.env'), 0o640);
    expect((await w.agent(['write', 'shared.env', '--content', 'PW=<agent-vault:db-password>\n'])).code).toBe(0);
    expect(statSync(join(w.repo, 'shared.env')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(w.repo, 'shared.env'), 'utf8')).toBe(`PW=${VALUE}\n`);
  });

  it('a write in a subfolder of the repository is inside it', async () => {
    mkdirSync(join(w.repo, 'config'), { recursive: true });
    const r = await w.agent(['write', 'app.env', '--content', 'PW=<agent-vault:db-password>\n'], 'ignore', { cwd: join(w.repo, 'config') });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(w.repo, 'config', 'app.env'), 'utf8')).toBe(`PW=${VALUE}\n`);
  });
});
