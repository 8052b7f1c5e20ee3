import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { cli } from './helpers/cli.js';
import { git, gitOk, newRepo, read, sandbox, write, type Sandbox } from './helpers/sandbox.js';
import { bindKeys, storeValues } from './helpers/vault.js';

let sb: Sandbox;
let DB: string;
let API: string;
let seed = 1;
beforeEach(() => {
  sb = sandbox();
  // Fake values generated now, never committed: obviously test-only prefixes.
  DB = expandTemplate('fakedbpw-{{alnum:20}}', rng(seed++));
  API = expandTemplate('fakeapi-{{hex:32}}', rng(seed++));
});

const CONFIG_FILE = (db: string, api: string) => `service:\n  name: demo\n  db_password: ${db}\n  api_key: ${api}\n  retries: 3\n`;

/**
 * A repository with config.yaml protected, the tool installed and two values vaulted, each
 * bound (as a person would with agent-vault bind) to config.yaml in any clone under the sandbox.
 */
function protectedRepo(): string {
  storeValues(sb.env.AGENT_VAULT_HOME!, { 'db-password': DB, 'api-key': API });
  bindKeys(sb.env.AGENT_VAULT_HOME!, { 'db-password': [`${sb.root}/*/config.yaml`], 'api-key': [`${sb.root}/*/config.yaml`] }, { glob: true });
  const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': 'protected:\n  - config.yaml\n', 'README.md': 'demo\n' });
  const r = cli(sb, repo, ['install']);
  expect(r.code, r.stderr).toBe(0);
  write(repo, 'config.yaml', CONFIG_FILE(DB, API));
  gitOk(sb, repo, ['add', '-A']);
  const c = git(sb, repo, ['commit', '-m', 'protected config']);
  expect(c.code, c.stderr).toBe(0);
  return repo;
}

/** Every blob the index holds, concatenated: the index must never hold a value. */
function indexBlobs(repo: string): string {
  const entries = gitOk(sb, repo, ['ls-files', '-s']).trim().split('\n').filter(Boolean);
  return entries.map((e) => gitOk(sb, repo, ['cat-file', 'blob', e.split(/\s+/)[1]!])).join('\n');
}

describe('the clean/smudge filter process', () => {
  it('commits placeholders while the working file keeps the values, and status stays clean', () => {
    const repo = protectedRepo();
    const stored = gitOk(sb, repo, ['show', 'HEAD:config.yaml']);
    expect(stored).toBe(CONFIG_FILE('<agent-vault:db-password>', '<agent-vault:api-key>'));
    expect(read(repo, 'config.yaml')).toBe(CONFIG_FILE(DB, API));
    expect(gitOk(sb, repo, ['status', '--porcelain'])).toBe('');

    write(repo, 'config.yaml', CONFIG_FILE(DB, API).replace('retries: 3', 'retries: 5'));
    const diff = gitOk(sb, repo, ['diff']);
    expect(diff).toContain('-  retries: 3\n+  retries: 5');
    expect(diff).not.toContain(DB);
    expect(diff).not.toContain(API);
    expect(gitOk(sb, repo, ['diff', '--stat'])).toContain('1 file changed, 1 insertion(+), 1 deletion(-)');
  });

  it('restores values in a clone that has the vault once installed, and leaves placeholders without one', () => {
    const repo = protectedRepo();
    const withVault = join(sb.root, 'with-vault');
    gitOk(sb, sb.root, ['clone', '-q', repo, withVault]);
    expect(read(withVault, 'config.yaml')).toContain('<agent-vault:db-password>');
    const inst = cli(sb, withVault, ['install']);
    expect(inst.code, inst.stderr).toBe(0);
    expect(read(withVault, 'config.yaml')).toBe(CONFIG_FILE(DB, API));
    expect(gitOk(sb, withVault, ['status', '--porcelain'])).toBe('');
    const st = cli(sb, withVault, ['status']);
    for (const out of [inst.stdout + inst.stderr, st.stdout + st.stderr]) {
      expect(out).not.toContain(DB);
      expect(out).not.toContain(API);
    }

    // Without a vault: install succeeds, checkout succeeds, placeholders stay, status clean.
    const noVaultEnv = { AGENT_VAULT_HOME: join(sb.root, 'no-vault-here') };
    const without = join(sb.root, 'without-vault');
    gitOk(sb, sb.root, ['clone', '-q', repo, without]);
    const inst2 = cli(sb, without, ['install'], { env: noVaultEnv });
    expect(inst2.code, inst2.stderr).toBe(0);
    write(without, 'config.yaml', read(without, 'config.yaml')); // stat-dirty: git must re-clean it
    const co = git(sb, without, ['checkout', '-q', '-B', 'other'], { env: noVaultEnv });
    expect(co.code, co.stderr).toBe(0);
    expect(read(without, 'config.yaml')).toBe(CONFIG_FILE('<agent-vault:db-password>', '<agent-vault:api-key>'));
    expect(gitOk(sb, without, ['status', '--porcelain'], { env: noVaultEnv })).toBe('');
  });

  it('survives branch switch, stash, rebase and a merge conflict in a protected file without the index ever holding a value', () => {
    const repo = protectedRepo();
    gitOk(sb, repo, ['checkout', '-q', '-b', 'feature']);
    write(repo, 'config.yaml', CONFIG_FILE(DB, API).replace('retries: 3', 'retries: 7'));
    gitOk(sb, repo, ['commit', '-qam', 'feature retries']);
    expect(indexBlobs(repo)).not.toContain(DB);

    gitOk(sb, repo, ['checkout', '-q', 'main']);
    expect(read(repo, 'config.yaml')).toBe(CONFIG_FILE(DB, API));
    write(repo, 'config.yaml', CONFIG_FILE(DB, API).replace('retries: 3', 'retries: 9'));
    gitOk(sb, repo, ['stash', '-q']);
    expect(gitOk(sb, repo, ['stash', 'show', '-p'])).not.toContain(DB);
    expect(gitOk(sb, repo, ['status', '--porcelain'])).toBe('');
    gitOk(sb, repo, ['stash', 'pop', '-q']);
    expect(read(repo, 'config.yaml')).toContain('retries: 9');
    expect(read(repo, 'config.yaml')).toContain(DB);
    gitOk(sb, repo, ['commit', '-qam', 'main retries']);

    // Merge: both sides changed the same line. git merges the cleaned blobs (the conflict
    // stages in the index hold placeholders) and smudges the result into the work tree.
    const merge = git(sb, repo, ['merge', 'feature']);
    expect(merge.code).toBe(1);
    const conflicted = read(repo, 'config.yaml');
    expect(conflicted).toContain('<<<<<<< HEAD\n  retries: 9\n=======\n  retries: 7\n>>>>>>> feature');
    expect(indexBlobs(repo)).not.toContain(DB);
    expect(gitOk(sb, repo, ['diff'])).not.toContain(DB);
    write(repo, 'config.yaml', CONFIG_FILE(DB, API).replace('retries: 3', 'retries: 8'));
    gitOk(sb, repo, ['add', 'config.yaml']);
    const mc = git(sb, repo, ['commit', '-qm', 'merge']);
    expect(mc.code, mc.stderr).toBe(0);
    expect(indexBlobs(repo)).not.toContain(DB);
    // A checkout turns the resolved placeholders back into values.
    gitOk(sb, repo, ['checkout', '-q', 'feature']);
    gitOk(sb, repo, ['checkout', '-q', 'main']);
    expect(read(repo, 'config.yaml')).toBe(CONFIG_FILE(DB, API).replace('retries: 3', 'retries: 8'));

    // Rebase replays a commit that touches the protected file.
    gitOk(sb, repo, ['checkout', '-q', '-b', 'topic', 'HEAD~2']);
    write(repo, 'README.md', 'demo, rebased\n');
    gitOk(sb, repo, ['commit', '-qam', 'readme']);
    const rb = git(sb, repo, ['rebase', '-q', 'main']);
    expect(rb.code, rb.stderr).toBe(0);
    expect(read(repo, 'config.yaml')).toContain(DB);
    expect(gitOk(sb, repo, ['status', '--porcelain'])).toBe('');
    expect(indexBlobs(repo)).not.toContain(DB);
    const history = gitOk(sb, repo, ['log', '--all', '-p']);
    expect(history).not.toContain(DB);
    expect(history).not.toContain(API);
  });

  it('keeps status clean after a rotation, and neither diff nor commit -a shows the old value', () => {
    const repo = protectedRepo();
    const NEW = expandTemplate('fakedbpw-{{alnum:20}}', rng(999));
    // A person rotates the value (at a terminal; scripts cannot replace one).
    storeValues(sb.env.AGENT_VAULT_HOME!, { 'db-password': NEW });
    // The working file still holds the old value; touch it so git re-cleans it.
    write(repo, 'config.yaml', read(repo, 'config.yaml'));
    expect(gitOk(sb, repo, ['status', '--porcelain'])).toBe('');
    write(repo, 'config.yaml', read(repo, 'config.yaml') + '# rotated\n');
    const diff = gitOk(sb, repo, ['diff']);
    expect(diff).toContain('+# rotated');
    expect(diff).not.toContain(DB);
    const c = git(sb, repo, ['commit', '-qam', 'after rotation']);
    expect(c.code, c.stderr).toBe(0);
    expect(gitOk(sb, repo, ['show', 'HEAD'])).not.toContain(DB);
    expect(gitOk(sb, repo, ['show', 'HEAD:config.yaml'])).toContain('<agent-vault:db-password>');
  });

  it('moves content larger than one packet (65516 bytes) intact both ways', () => {
    const repo = protectedRepo();
    const big = Array.from({ length: 6000 }, (_, i) => `line ${i}: ${i % 500 === 0 ? DB : 'filler text for the packet boundary'}\n`).join('');
    expect(big.length).toBeGreaterThan(3 * 65516);
    write(repo, 'config.yaml', big);
    gitOk(sb, repo, ['commit', '-qam', 'big']);
    const stored = gitOk(sb, repo, ['show', 'HEAD:config.yaml']);
    expect(stored).toBe(big.split(DB).join('<agent-vault:db-password>'));
    gitOk(sb, repo, ['rm', '-q', '--cached', 'config.yaml']);
    gitOk(sb, repo, ['reset', '-q']);
    write(repo, 'config.yaml', '');
    gitOk(sb, repo, ['checkout', '--', 'config.yaml']);
    expect(read(repo, 'config.yaml')).toBe(big);
  });

  it('refuses to stage a token in a protected file when there is no vault to redact it', () => {
    const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': 'protected:\n  - config.yaml\n' });
    const env = { AGENT_VAULT_HOME: join(sb.root, 'none') };
    expect(cli(sb, repo, ['install'], { env }).code).toBe(0);
    const token = expandTemplate('ghp_{{alnum:36}}', rng(7));
    write(repo, 'config.yaml', `token: ${token}\n`);
    const add = git(sb, repo, ['add', 'config.yaml'], { env });
    expect(add.code).not.toBe(0);
    expect(add.stderr).toContain('config.yaml:1: github-pat-classic');
    expect(add.stderr).toContain('refusing to stage raw bytes');
    expect(add.stderr).not.toContain(token);
    expect(gitOk(sb, repo, ['ls-files', 'config.yaml'])).toBe('');
    expect(existsSync(join(repo, 'config.yaml'))).toBe(true);
  });

  it('single-file clean and smudge commands filter stdin to stdout', () => {
    storeValues(sb.env.AGENT_VAULT_HOME!, { 'db-password': DB });
    bindKeys(sb.env.AGENT_VAULT_HOME!, { 'db-password': [join(sb.root, 'x.env')] });
    const clean = cli(sb, sb.root, ['clean', 'x.env'], { input: `PW=${DB}\n` });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe('PW=<agent-vault:db-password>\n');
    const smudge = cli(sb, sb.root, ['smudge', 'x.env'], { input: 'PW=<agent-vault:db-password> <agent-vault:nope-key>\n' });
    expect(smudge.code).toBe(0);
    expect(smudge.stdout).toBe(`PW=${DB} <agent-vault:nope-key>\n`);
    expect(smudge.stderr).toContain('no value for <agent-vault:nope-key>');
    expect(smudge.stderr).not.toContain(DB);
  });
});

describe('install in a clone with work in progress', () => {
  it('re-checks-out clean protected files but leaves one with uncommitted changes untouched, and says so', () => {
    const repo = protectedRepo();
    const other = join(sb.root, 'other');
    gitOk(sb, sb.root, ['clone', '-q', repo, other]);
    const edited = CONFIG_FILE('<agent-vault:db-password>', '<agent-vault:api-key>').replace('retries: 3', 'retries: 4 # my edit');
    write(other, 'config.yaml', edited);
    const inst = cli(sb, other, ['install']);
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.stderr).toContain('not re-checked-out because they have uncommitted changes (nothing was touched): config.yaml');
    expect(read(other, 'config.yaml')).toBe(edited);
  });
});

describe('uninstall after values were checked out', () => {
  it('puts the committed placeholders back in clean protected files, so no value can be staged without the filter', () => {
    const repo = protectedRepo();
    expect(read(repo, 'config.yaml')).toContain(DB);
    const un = cli(sb, repo, ['uninstall']);
    expect(un.code, un.stderr).toBe(0);
    expect(un.stdout).toContain('checked out 1 protected file again with placeholders');
    expect(read(repo, 'config.yaml')).toBe(CONFIG_FILE('<agent-vault:db-password>', '<agent-vault:api-key>'));
    // .gitattributes did not exist before install, so uninstall removes it; config.yaml is unchanged.
    expect(gitOk(sb, repo, ['status', '--porcelain'])).toBe(' D .gitattributes\n');
    expect(git(sb, repo, ['config', 'filter.agent-vault.process']).code).toBe(1);
  });
});
