/** A repository whose pushes go through the pre-push gate: the pre-push tests start from it. */
import { join } from 'node:path';
import { expect } from 'vitest';
import { cli } from './cli.js';
import { git, gitOk, newRepo, write, type Sandbox } from './sandbox.js';

/**
 * `repo` protecting config.yaml (which holds a placeholder), agent-vault installed, its
 * attributes committed, and `main` pushed to a bare `origin` beside it.
 */
export function protectedRepoWithRemote(sb: Sandbox): string {
  const remote = join(sb.root, 'remote.git');
  gitOk(sb, sb.root, ['init', '-q', '--bare', remote]);
  const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': 'protected:\n  - config.yaml\n', 'config.yaml': 'db: <agent-vault:db-password>\n' });
  expect(cli(sb, repo, ['install']).code).toBe(0);
  gitOk(sb, repo, ['add', '.gitattributes']);
  gitOk(sb, repo, ['commit', '-qm', 'attributes']);
  gitOk(sb, repo, ['remote', 'add', 'origin', remote]);
  const first = git(sb, repo, ['push', '-q', 'origin', 'main']);
  expect(first.code, first.stderr).toBe(0);
  return repo;
}

/** A commit that bypasses the pre-commit hook, as --no-verify or another tool would. */
export function commitUnchecked(sb: Sandbox, repo: string, files: Record<string, string>, msg: string): void {
  for (const [path, text] of Object.entries(files)) write(repo, path, text);
  gitOk(sb, repo, ['add', '--', ...Object.keys(files)]);
  gitOk(sb, repo, ['commit', '-q', '--no-verify', '-m', msg]);
}
