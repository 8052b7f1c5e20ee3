import { beforeEach, describe, expect, it } from 'vitest';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { cli } from './helpers/cli.js';
import { git, gitOk, sandbox, type Sandbox } from './helpers/sandbox.js';
import { storeValues } from './helpers/vault.js';
import { commitUnchecked as commitFiles, protectedRepoWithRemote } from './helpers/push-repo.js';

let sb: Sandbox;
let repo: string;
let DB: string;
beforeEach(() => {
  sb = sandbox();
  DB = expandTemplate('fakedbpw-{{alnum:20}}', rng(77));
  storeValues(sb.env.AGENT_VAULT_HOME!, { 'db-password': DB });
  repo = protectedRepoWithRemote(sb);
});

/** A commit that bypasses the pre-commit hook, as --no-verify or another tool would. */
const commitUnchecked = (path: string, text: string, msg: string) => commitFiles(sb, repo, { [path]: text }, msg);

describe('the pre-push gate', () => {
  it('blocks a new branch whose earlier commit holds a token, even if a later commit removed it', () => {
    const token = expandTemplate('ghp_{{alnum:36}}', rng(5));
    gitOk(sb, repo, ['checkout', '-q', '-b', 'feature']);
    commitUnchecked('app.js', `x\nconst t = "${token}";\n`, 'add token');
    commitUnchecked('app.js', 'x\n', 'remove token');
    const r = git(sb, repo, ['push', 'origin', 'feature']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/app\.js:2 \(commit [0-9a-f]{12}\) {2}github-pat-classic {2}ghp_\*{8}/);
    expect(r.stderr).not.toContain(token);
    expect(git(sb, repo, ['ls-remote', '--exit-code', 'origin', 'refs/heads/feature']).code).toBe(2);
  });

  it('blocks an update of an existing branch that adds a raw vaulted value, checking only the new commits', () => {
    commitUnchecked('notes.txt', `pw ${DB}\n`, 'leak');
    const r = git(sb, repo, ['push', 'origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('notes.txt:1');
    expect(r.stderr).toContain('vaulted-value');
    expect(r.stderr).not.toContain(DB);
  });

  it('reports a problem once when a branch and its tag push the same commits', () => {
    const token = expandTemplate('ghp_{{alnum:36}}', rng(9));
    commitUnchecked('s.txt', `t=${token}\n`, 'leak');
    gitOk(sb, repo, ['tag', '-a', 'v1', '-m', 'v1']);
    const r = git(sb, repo, ['push', '--follow-tags', 'origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.match(/s\.txt:1 /g)).toHaveLength(1);
    expect(r.stderr).not.toContain(token);
  });

  it('lets clean pushes and branch deletions through', () => {
    commitUnchecked('ok.txt', 'fine\n', 'fine');
    const r = git(sb, repo, ['push', 'origin', 'main']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/agent-vault pre-push: 1 file checked, no secrets/);
    gitOk(sb, repo, ['push', '-q', 'origin', 'main:refs/heads/tmp']);
    const del = git(sb, repo, ['push', 'origin', ':refs/heads/tmp']);
    expect(del.code, del.stderr).toBe(0);
  });

  it('takes the range from PRE_COMMIT_FROM_REF/TO_REF when run by the pre-commit framework (no stdin)', () => {
    const from = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    commitUnchecked('notes.txt', `pw ${DB}\n`, 'leak');
    const to = gitOk(sb, repo, ['rev-parse', 'HEAD']).trim();
    const r = cli(sb, repo, ['hook', 'pre-push', 'origin'], { input: '', env: { PRE_COMMIT_FROM_REF: from, PRE_COMMIT_TO_REF: to } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('notes.txt:1');
    expect(r.stderr).not.toContain(DB);
  });

  it('blocks a pushed tip whose .gitattributes no longer filters a protected path', () => {
    commitUnchecked('.gitattributes', '\n', 'drop filter');
    const r = git(sb, repo, ['push', 'origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('config.yaml (commit');
    expect(r.stderr).toContain('protected-path-unfiltered');
  });
});
