import { describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { REPO, sandbox, writeFiles } from './helpers/sandbox.js';

/**
 * The skill this repository ships for agents (skills/agent-vault) is signed in the repository
 * (issue 14): SKILL.sig verifies against the committed keyring (.agent-vault/keys.json). The
 * revocation list's freshness is a date and is left out here (a copy of the skill and the
 * keyring, with requireRevocations off), so this test checks exactly the signature, the key and
 * the content hash, and fails the moment SKILL.md changes without a new signature.
 */
describe("the repository's own agent skill", () => {
  function copy() {
    const sb = sandbox();
    const repo = join(sb.dir, 'repo');
    mkdirSync(join(repo, 'skills', 'agent-vault'), { recursive: true });
    mkdirSync(join(repo, '.agent-vault'), { recursive: true });
    for (const f of ['SKILL.md', 'SKILL.sig']) copyFileSync(join(REPO, 'skills', 'agent-vault', f), join(repo, 'skills', 'agent-vault', f));
    copyFileSync(join(REPO, '.agent-vault', 'keys.json'), join(repo, '.agent-vault', 'keys.json'));
    writeFiles(repo, { '.agent-vault.yaml': 'skills:\n  requireRevocations: false\n' });
    return { sb, repo };
  }

  it('is signed by the maintainers key in the committed keyring, over its current content', () => {
    const { sb, repo } = copy();
    const r = cli(sb, repo, ['skill', 'verify', 'skills/agent-vault', '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('agent-vault-maintainers');
    expect(JSON.parse(readFileSync(join(REPO, '.agent-vault', 'keys.json'), 'utf8'))).toBeTruthy();
  });

  it('fails verification when SKILL.md changes without a new signature (so the first test can fail)', () => {
    const { sb, repo } = copy();
    appendFileSync(join(repo, 'skills', 'agent-vault', 'SKILL.md'), '\nOne more line.\n');
    const r = cli(sb, repo, ['skill', 'verify', 'skills/agent-vault']);
    expect(r.code, r.stdout + r.stderr).toBe(12); // SKILL_HASH_MISMATCH
  });
});
