/**
 * Issue 11 item 4: local policy edited to pass. A commit that sets `protected: []` and
 * `allowlist.paths: ['**']`, drops the attributes line and adds a token went through both
 * hooks. The pre-push gate now also judges each pushed ref by the policy of what the remote
 * already has, names the loosening as a warning, and lets it take effect only once the
 * loosening is on the remote by itself.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { commitUnchecked as commitFiles, protectedRepoWithRemote } from './helpers/push-repo.js';
import { git, gitOk, read, sandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
const next = rng(4404);
const token = () => expandTemplate('ghp_{{alnum:36}}', next);

beforeEach(() => {
  sb = sandbox();
  repo = protectedRepoWithRemote(sb);
});

const commitUnchecked = (files: Record<string, string>, msg: string) => commitFiles(sb, repo, files, msg);

const LOOSE = "protected: []\nallowlist:\n  paths: ['**']\n";

describe('pre-push judges a push by the policy the remote has', () => {
  it('blocks a commit that loosens the policy and adds a token in one go, naming the loosening', () => {
    const t = token();
    const attributes = read(repo, '.gitattributes').split('\n').filter((l) => !l.includes('config.yaml')).join('\n');
    commitUnchecked({ '.agent-vault.yaml': LOOSE, '.gitattributes': attributes, 'app.js': `const t = "${t}";\n` }, 'loosen and leak');
    // The loosened policy alone would pass it (what happened before this change).
    expect(cli(sb, repo, ['scan', 'app.js']).code).toBe(0);
    const r = git(sb, repo, ['push', 'origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/policy-loosened: protected paths removed: config\.yaml/);
    expect(r.stderr).toMatch(/policy-loosened: allowlist entries added: paths:\*\*/);
    expect(r.stderr).toMatch(/app\.js:1 \(commit [0-9a-f]{12}\) {2}github-pat-classic/);
    expect(r.stderr).not.toContain(t);
    expect(git(sb, repo, ['ls-remote', 'origin', 'refs/heads/main']).stdout).not.toContain(gitOk(sb, repo, ['rev-parse', 'HEAD']).trim());
  });

  it('judges a new branch by the commit where it left the remote history', () => {
    gitOk(sb, repo, ['checkout', '-q', '-b', 'feature']);
    commitUnchecked({ '.agent-vault.yaml': LOOSE }, 'loosen');
    commitUnchecked({ 'app.js': `const t = "${token()}";\n` }, 'leak');
    const r = git(sb, repo, ['push', 'origin', 'feature']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/policy-loosened/);
    expect(r.stderr).toMatch(/github-pat-classic/);
  });

  it('a loosening pushed on its own passes with the warning, and then decides', () => {
    commitUnchecked({ '.agent-vault.yaml': "protected:\n  - config.yaml\nallowlist:\n  paths: ['fixtures/**']\n" }, 'allow fixtures');
    const first = git(sb, repo, ['push', 'origin', 'main']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/policy-loosened: allowlist entries added: paths:fixtures\/\*\*/);
    commitUnchecked({ 'fixtures/token.txt': `t=${token()}\n` }, 'fixture');
    const second = git(sb, repo, ['push', 'origin', 'main']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/policy-loosened/);
  });

  it('a stricter policy in the push is applied as well', () => {
    commitUnchecked({ '.agent-vault.yaml': 'protected:\n  - config.yaml\npolicy:\n  block: info\n', 'app.js': `const t = "${token()}";\n` }, 'leak');
    const r = git(sb, repo, ['push', 'origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toMatch(/policy-loosened/);
  });
});
