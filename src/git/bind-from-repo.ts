import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { parseToken, PREFIX } from '../core/placeholder.js';
import { AgentVaultError } from '../errors.js';
import { gitSync } from '../platform/exec.js';
import type { VaultSession } from '../session/session.js';
import { readBlobs } from '../sources/git-sources.js';
import { bindingMatcher } from '../vault/bindings.js';
import type { KeyMeta } from '../vault/index.js';
import { FILTER_DRIVER, filterAttributes, protectedMatcher } from './protected.js';

/**
 * Which keys the repository's protected files use, and where: the placeholders in the index
 * blobs of every file the filter serves (a `protected:` glob, or `filter=agent-vault` in the
 * committed attributes). `agent-vault bind --from-repo` binds each key to exactly those
 * files, the one-line migration for keys stored before bindings existed.
 */
export function placeholderUses(repo: string, env: NodeJS.ProcessEnv, protectedGlobs: string[]): Map<string, string[]> {
  const entries = gitSync(['ls-files', '-s', '-z'], { cwd: repo, env })
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, oid] = line.slice(0, tab).split(' ');
      return { mode: mode!, oid: oid!, path: line.slice(tab + 1) };
    })
    .filter((e) => e.mode !== '120000' && e.mode !== '160000'); // symlinks and submodules hold no placeholders
  const isProtected = protectedMatcher(protectedGlobs);
  const attrs = filterAttributes(repo, env, entries.map((e) => e.path));
  const served = entries.filter((e) => isProtected(e.path) || attrs.get(e.path) === FILTER_DRIVER);
  const blobs = readBlobs(repo, [...new Set(served.map((e) => e.oid))]);
  const root = realpathSync(repo);
  const uses = new Map<string, string[]>();
  for (const e of served) {
    const bytes = blobs.get(e.oid);
    if (!bytes) continue;
    for (const key of placeholderKeys(bytes)) {
      const paths = uses.get(key) ?? [];
      paths.push(join(root, e.path));
      uses.set(key, paths);
    }
  }
  return new Map([...uses].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The keys of the `<agent-vault:KEY>` placeholders in content (not LITERAL text, not UNVAULTED markers). */
function placeholderKeys(bytes: Buffer): Set<string> {
  const keys = new Set<string>();
  for (let at = bytes.indexOf(PREFIX); at !== -1; at = bytes.indexOf(PREFIX, at + 1)) {
    const t = parseToken(bytes, at);
    if (t && t.literals === 0 && t.key !== undefined) keys.add(t.key);
  }
  return keys;
}

/**
 * The keys the protected files use that the vault holds but has not bound to the file using
 * them: checkouts leave those placeholders in place. Empty when there is no vault, or it
 * cannot be opened (install and status report that separately).
 */
export async function unboundUses(repo: string, env: NodeJS.ProcessEnv, protectedGlobs: string[], session: VaultSession): Promise<string[]> {
  let metas: KeyMeta[];
  try {
    if (!(await session.state()).exists) return [];
    metas = await session.list();
  } catch (e) {
    if (e instanceof AgentVaultError && e.kind === 'vault') return [];
    throw e;
  }
  const byKey = new Map(metas.map((m) => [m.key, m]));
  const unbound: string[] = [];
  for (const [key, paths] of placeholderUses(repo, env, protectedGlobs)) {
    const meta = byKey.get(key);
    if (!meta || meta.internal) continue;
    const allows = bindingMatcher(meta.bindings);
    if (paths.some((p) => !allows(p))) unbound.push(key);
  }
  return unbound;
}
