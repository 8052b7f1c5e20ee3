import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { cli } from './helpers/cli.js';
import { git, gitOk, newRepo, sandbox, write, type Sandbox } from './helpers/sandbox.js';
import { storeValues } from './helpers/vault.js';

let sb: Sandbox;
let DB: string;
let repo: string;
beforeEach(() => {
  sb = sandbox();
  DB = expandTemplate('fakedbpw-{{alnum:20}}', rng(42));
  storeValues(sb.env.AGENT_VAULT_HOME!, { 'db-password': DB });
  repo = newRepo(sb, 'repo', { '.agent-vault.yaml': 'protected:\n  - config.yaml\n', 'config.yaml': 'db: <agent-vault:db-password>\n' });
  expect(cli(sb, repo, ['install']).code).toBe(0);
  gitOk(sb, repo, ['add', '.gitattributes']);
  expect(git(sb, repo, ['commit', '-qm', 'attributes']).code).toBe(0);
});

function commit(msg: string, env: NodeJS.ProcessEnv = {}) {
  return git(sb, repo, ['commit', '-m', msg], { env });
}

describe('the pre-commit gate', () => {
  it('blocks a new unprotected file holding a vaulted value, naming file:line, rule, the key (no character of the value) and the fix', () => {
    write(repo, 'notes/setup.md', `# setup\n\nThe password is ${DB}\n`);
    gitOk(sb, repo, ['add', 'notes/setup.md']);
    const r = commit('notes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('agent-vault pre-commit: blocked, 1 problem');
    expect(r.stderr).toMatch(/notes\/setup\.md:3 {2}vaulted-value {2}<agent-vault:db-password>\n/);
    expect(r.stderr).toContain('replace the value with <agent-vault:db-password>');
    expect(r.stderr + r.stdout).not.toContain(DB);
    expect(gitOk(sb, repo, ['rev-list', '--count', 'HEAD']).trim()).toBe('2');
  });

  it('blocks a vaulted value even when it is JSON-escaped or base64-encoded', () => {
    write(repo, 'blob.txt', `b64: ${Buffer.from(`x:${DB}`).toString('base64')}\n`);
    gitOk(sb, repo, ['add', 'blob.txt']);
    const r = commit('encoded');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('blob.txt:1  vaulted-value-base64');
  });

  it('blocks a fresh GitHub token in any file', () => {
    const token = expandTemplate('ghp_{{alnum:36}}', rng(3));
    write(repo, 'src/client.js', `const a = 1;\nconst token = "${token}";\n`);
    gitOk(sb, repo, ['add', 'src/client.js']);
    const r = commit('client');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/src\/client\.js:2 {2}github-pat-classic {2}ghp_\*{8}/);
    expect(r.stderr).toContain('fix: remove the secret');
    expect(r.stderr).not.toContain(token);
  });

  it('blocks an unvaulted token in a protected path, even in a file the filter cleaned', () => {
    const token = expandTemplate('ghp_{{alnum:36}}', rng(4));
    write(repo, 'config.yaml', `db: ${DB}\ntoken: ${token}\n`);
    gitOk(sb, repo, ['add', 'config.yaml']);
    // The filter redacted the vaulted value; the token is not in the vault.
    expect(gitOk(sb, repo, ['show', ':config.yaml'])).toContain('db: <agent-vault:db-password>');
    const r = commit('token in protected');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('config.yaml:2  github-pat-classic');
    expect(r.stderr).toContain('store the value with agent-vault set KEY');
    expect(r.stderr).not.toContain(token);
  });

  it('blocks a commit after filter=agent-vault was removed from .gitattributes', () => {
    write(repo, '.gitattributes', '# nothing here any more\n');
    gitOk(sb, repo, ['add', '.gitattributes']);
    const r = commit('drop the filter');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('config.yaml  protected-path-unfiltered');
    expect(r.stderr).toContain('restore the filter=agent-vault line in .gitattributes');
  });

  it('lets a clean commit through', () => {
    write(repo, 'config.yaml', `db: ${DB}\nport: 5432\n`);
    write(repo, 'docs.md', 'Use <agent-vault:db-password> in config.yaml.\n');
    gitOk(sb, repo, ['add', '-A']);
    const r = commit('clean');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('agent-vault pre-commit: 2 files checked, no secrets.');
    expect(gitOk(sb, repo, ['show', 'HEAD:config.yaml'])).toBe('db: <agent-vault:db-password>\nport: 5432\n');
  });

  it('checks the index being committed, not the working tree (commit with paths uses its own GIT_INDEX_FILE)', () => {
    write(repo, 'a.txt', 'harmless\n');
    gitOk(sb, repo, ['add', 'a.txt']);
    gitOk(sb, repo, ['commit', '-qm', 'a']);
    write(repo, 'a.txt', `harmless\nleak ${DB}\n`);
    // Not staged, but `git commit a.txt` commits the working file through a temporary index.
    const r = git(sb, repo, ['commit', '-m', 'path commit', 'a.txt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('a.txt:2  vaulted-value');
    // A staged clean version with a dirty working tree passes: only the index counts.
    write(repo, 'b.txt', 'fine\n');
    gitOk(sb, repo, ['add', 'b.txt']);
    write(repo, 'b.txt', `fine\n${DB}\n`);
    const ok = commit('staged b');
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('honours AGENT_VAULT_SKIP=1 but says so', () => {
    write(repo, 'leak.txt', `${DB}\n`);
    gitOk(sb, repo, ['add', 'leak.txt']);
    const r = commit('skip', { AGENT_VAULT_SKIP: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('AGENT_VAULT_SKIP=1 is set: the pre-commit secret gate was NOT run');
  });

  it('fails closed when the check cannot run', () => {
    write(repo, '.agent-vault.yaml', 'protected: [config.yaml]\npolicy:\n  block: severe\n');
    write(repo, 'x.txt', 'x\n');
    gitOk(sb, repo, ['add', 'x.txt']);
    const r = commit('broken policy');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('blocked because the check could not run');
    expect(r.stderr).toContain('policy.block: must be one of');
  });

  it('blocks when a vault exists but cannot be opened', () => {
    write(join(sb.env.AGENT_VAULT_HOME!), 'vault.json', '{ damaged');
    write(repo, 'x.txt', 'x\n');
    gitOk(sb, repo, ['add', 'x.txt']);
    const r = commit('damaged vault');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('blocked because the check could not run');
    expect(r.stderr).toMatch(/vault\.json/);
  });
});
