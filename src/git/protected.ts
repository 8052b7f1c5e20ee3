import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { gitSync } from '../platform/exec.js';
import { RECIPIENTS_FILE, TEAM_FILE } from '../team/format.js';

export const FILTER_DRIVER = 'agent-vault';
/** git's merge driver for the team vault's two files (agent-vault merge-team). */
export const MERGE_DRIVER = 'agent-vault-team';
export const TEAM_MERGE_PATHS = [TEAM_FILE, RECIPIENTS_FILE];

/**
 * Matcher for the config's `protected:` globs with gitattributes semantics: a pattern
 * without a slash matches the file name at any depth (`*.env`), one with a slash is anchored
 * at the repository root. The same globs are written to .gitattributes verbatim, and
 * `git check-attr` stays the source of truth for what git will actually filter.
 */
export function protectedMatcher(globs: string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  // Two matchers instead of picomatch's `basename` option, which calls path.basename on every
  // path: the gate runs this over every file in the index (20,000 in the benchmark).
  const anchored = globs.filter((g) => g.includes('/')).map((g) => (g.startsWith('/') ? g.slice(1) : g));
  const anyDepth = globs.filter((g) => !g.includes('/'));
  // `dir/**` in gitattributes matches what is inside dir, never a file named dir itself;
  // picomatch alone would match both.
  const anchoredMatchers = anchored.map((g) => {
    const m = picomatch(g, { dot: true });
    if (!g.endsWith('/**')) return m;
    const dirItself = picomatch(g.slice(0, -3), { dot: true });
    return (p: string) => m(p) && !dirItself(p);
  });
  const full = anchoredMatchers.length ? (p: string) => anchoredMatchers.some((m) => m(p)) : undefined;
  const name = anyDepth.length ? picomatch(anyDepth, { dot: true }) : undefined;
  return (path) => (full?.(path) ?? false) || (name?.(path.slice(path.lastIndexOf('/') + 1)) ?? false);
}

/** Every path in the index (honours GIT_INDEX_FILE through env). */
export function indexPaths(repo: string, env: NodeJS.ProcessEnv): string[] {
  const out = gitSync(['ls-files', '-z', '--cached'], { cwd: repo, env }).toString('utf8');
  return out.split('\0').filter(Boolean);
}

/**
 * The `filter` attribute of each path as git sees it from the index's .gitattributes
 * (`--cached`): what the next commit records, not what the working tree says.
 * Values are git's: `unspecified`, `unset`, `set` or the driver name.
 */
export function filterAttributes(repo: string, env: NodeJS.ProcessEnv, paths: string[], cached = true): Map<string, string> {
  const result = new Map<string, string>();
  if (paths.length === 0) return result;
  const args = ['check-attr', '-z', '--stdin', ...(cached ? ['--cached'] : []), 'filter'];
  const out = gitSync(args, { cwd: repo, env, input: paths.join('\0') + '\0' }).toString('utf8');
  const parts = out.split('\0');
  for (let i = 0; i + 2 < parts.length; i += 3) result.set(parts[i]!, parts[i + 2]!);
  return result;
}

/**
 * Run `use` against a throwaway index holding the tree of `commit`, so index-reading git
 * commands (ls-files, check-attr --cached) see that commit: git 2.39's check-attr has no
 * --source. The environment passed to `use` points GIT_INDEX_FILE at it.
 */
export async function withCommitIndex<T>(repo: string, commit: string, use: (env: NodeJS.ProcessEnv) => T | Promise<T>, baseEnv: NodeJS.ProcessEnv = process.env): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-vault-index-'));
  try {
    const env = { ...baseEnv, GIT_INDEX_FILE: join(dir, 'index') };
    gitSync(['read-tree', commit], { cwd: repo, env });
    return await use(env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
