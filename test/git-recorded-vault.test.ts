/**
 * Issue 11 item 3: with AGENT_VAULT_HOME pointing nowhere, `git add` and `git commit` of a
 * vaulted value stored it raw ("no vault here ... the scanner still ran"). `install` now
 * records which vault the repository uses (home and id, not its key); the hooks and the clean
 * filter refuse when that vault cannot be opened, naming it and the fix. A repository
 * installed with no vault keeps scan-only gates.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { git, gitOk, newRepo, sandbox, write } from './helpers/sandbox.js';
import { storeValues } from './helpers/vault.js';

const next = rng(0x3a17);

function installedWithVault() {
  const sb = sandbox();
  const DB = expandTemplate('fakedbpw-{{alnum:20}}', next);
  storeValues(sb.env.AGENT_VAULT_HOME!, { 'db-password': DB });
  const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': 'protected:\n  - config.yaml\n', 'config.yaml': 'db: <agent-vault:db-password>\n' });
  const r = cli(sb, repo, ['install']);
  expect(r.code, r.stderr).toBe(0);
  gitOk(sb, repo, ['add', '.gitattributes']);
  gitOk(sb, repo, ['commit', '-qm', 'attributes']);
  return { sb, repo, DB };
}

describe('a repository installed with a vault', () => {
  it('records the vault (home and id, never the key) in its git config', () => {
    const { sb, repo } = installedWithVault();
    const config = gitOk(sb, repo, ['config', '--local', '--get-regexp', '^agent-vault\\.']);
    expect(config).toContain(`agent-vault.vaulthome ${sb.env.AGENT_VAULT_HOME}`);
    expect(config).toMatch(/agent-vault\.vaultid kc-[0-9a-f]{8,}/);
    expect(cli(sb, repo, ['uninstall']).code).toBe(0);
    expect(git(sb, repo, ['config', '--local', '--get-regexp', '^agent-vault\\.']).stdout).toBe('');
  });

  it('refuses git add of a protected file and a commit when the vault is not there, naming it and the fix', () => {
    const { sb, repo, DB } = installedWithVault();
    const nowhere = { AGENT_VAULT_HOME: join(sb.root, 'nope') };
    write(repo, 'config.yaml', `db: ${DB}\n`);
    const add = git(sb, repo, ['add', 'config.yaml'], { env: nowhere });
    expect(add.code).not.toBe(0);
    expect(add.stderr).toContain(`installed with the vault at ${sb.env.AGENT_VAULT_HOME}`);
    expect(add.stderr).not.toContain(DB);
    write(repo, 'notes.txt', `pw ${DB}\n`);
    gitOk(sb, repo, ['add', 'notes.txt'], { env: nowhere });
    const commit = git(sb, repo, ['commit', '-qm', 'leak'], { env: nowhere });
    expect(commit.code).not.toBe(0);
    expect(commit.stderr).toMatch(/installed with the vault at/);
    expect(commit.stderr).toMatch(/AGENT_VAULT_HOME/);
    expect(commit.stderr).not.toContain(DB);
  });

  it('refuses a commit with another vault in its place', () => {
    const { sb, repo, DB } = installedWithVault();
    const other = join(sb.root, 'other-vault');
    storeValues(other, { 'something-else': expandTemplate('otherpw-{{alnum:20}}', next) });
    write(repo, 'notes.txt', `pw ${DB}\n`);
    gitOk(sb, repo, ['add', 'notes.txt'], { env: { AGENT_VAULT_HOME: other } });
    const commit = git(sb, repo, ['commit', '-qm', 'leak'], { env: { AGENT_VAULT_HOME: other } });
    expect(commit.code).not.toBe(0);
    expect(commit.stderr).toMatch(/is another one/);
  });
});

describe('a repository installed without a vault', () => {
  it('keeps scan-only gates: a commit without any vault goes through with the note', () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { 'README.md': 'hello\n' });
    expect(cli(sb, repo, ['install']).code).toBe(0);
    expect(git(sb, repo, ['config', '--local', '--get', 'agent-vault.vaultid']).stdout).toBe('');
    write(repo, 'a.txt', 'plain text\n');
    gitOk(sb, repo, ['add', '-A']);
    const commit = git(sb, repo, ['commit', '-qm', 'plain']);
    expect(commit.code, commit.stderr).toBe(0);
    expect(commit.stderr).toContain('no vault here');
  });
});
