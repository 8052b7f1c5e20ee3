import { existsSync } from 'node:fs';
import fg from 'fast-glob';
import picomatch from 'picomatch';
import { AgentVaultError } from '../errors.js';
import { shellWord } from '../messages.js';
import { isCommandBinding } from './bindings.js';
import type { KeyMeta } from './index.js';
import { permissionProblem } from './state.js';

/** One line of `agent-vault doctor`. Names paths, keys and globs; never a value. */
export interface DoctorItem {
  ok: boolean;
  what: string;
  detail: string;
  fix?: string;
}

/** Whether any file matches an absolute binding glob (stops at the first). */
async function matchesAFile(glob: string): Promise<boolean> {
  const scan = picomatch.scan(glob);
  if (!scan.isGlob) return existsSync(glob.replace(/\\(.)/g, '$1'));
  const stream = fg.stream(glob, { dot: true, onlyFiles: true, suppressErrors: true, followSymbolicLinks: false });
  for await (const _ of stream) {
    (stream as unknown as { destroy?: () => void }).destroy?.();
    return true;
  }
  return false;
}

/**
 * The vault's health, for people and agents alike (a safe command): the folder and key file
 * permissions, whether the vault opens (integrity, rollback), keys bound to no file (nothing
 * materialises them: the migration is `agent-vault bind --from-repo`), bindings that match
 * no file (stale), and internal keys.
 */
export async function vaultDoctor(home: string, keyFile: string, list: () => Promise<KeyMeta[]>, exists: boolean): Promise<DoctorItem[]> {
  const items: DoctorItem[] = [];
  if (!exists) {
    items.push({ ok: true, what: 'vault', detail: `none at ${home} (the user creates it with: agent-vault init)` });
    return items;
  }
  for (const [path, kind, want] of [[home, 'folder', '0700'], [keyFile, 'key', '0600']] as const) {
    if (kind === 'key' && !existsSync(path)) continue;
    const problem = permissionProblem(path, kind);
    items.push(problem ? { ok: false, what: kind === 'folder' ? 'vault folder' : 'key file', detail: problem.message, fix: problem.fix } : { ok: true, what: kind === 'folder' ? 'vault folder' : 'key file', detail: `${path}, private to you (${want})` });
  }
  let metas: KeyMeta[];
  try {
    metas = await list();
  } catch (e) {
    if (!(e instanceof AgentVaultError)) throw e;
    items.push({ ok: false, what: 'vault', detail: `${e.code ?? 'cannot be opened'}: ${e.message}`, ...(e.hint ? { fix: e.hint } : {}) });
    return items;
  }
  items.push({ ok: true, what: 'vault', detail: `opens, integrity and generation checked, ${metas.length} key${metas.length === 1 ? '' : 's'}` });
  const internal = metas.filter((m) => m.internal);
  const unbound = metas.filter((m) => !m.internal && m.bindings.length === 0);
  if (unbound.length) {
    items.push({
      ok: false,
      what: 'keys with no binding',
      detail: `${unbound.map((m) => m.key).join(', ')}: write and checkouts leave ${unbound.length === 1 ? 'its placeholder' : 'their placeholders'} in place`,
      fix: 'in each repository that uses them, in your terminal: agent-vault bind --from-repo (or agent-vault bind KEY FILE)',
    });
  } else items.push({ ok: true, what: 'bindings', detail: 'every key is bound to at least one file' });
  for (const m of metas) {
    for (const glob of m.bindings.filter((b) => !isCommandBinding(b))) {
      if (!(await matchesAFile(glob))) items.push({ ok: false, what: `binding of ${m.key}`, detail: `${glob} matches no existing file`, fix: `agent-vault unbind ${m.key} ${shellWord(glob)} (if the file is gone for good)` });
    }
  }
  if (internal.length) items.push({ ok: true, what: 'internal keys', detail: `${internal.map((m) => m.key).join(', ')}: used by agent-vault itself, never written anywhere` });
  return items;
}
