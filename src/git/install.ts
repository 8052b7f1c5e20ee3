import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { gitError, refusal, usageError } from '../errors.js';
import { GIT_MSG, shQuote } from '../messages.js';
import { gitSync, gitText } from '../platform/exec.js';
import { FILTER_DRIVER, filterAttributes, indexPaths, MERGE_DRIVER, protectedMatcher, TEAM_MERGE_PATHS } from './protected.js';
import { VAULT_HOME_KEY, VAULT_ID_KEY, type RecordedVault } from './repo-vault.js';

const HOOKS = ['pre-commit', 'pre-push'] as const;
export type HookName = (typeof HOOKS)[number];
/** An existing hook is renamed to this and run first by our shim. */
const CHAINED_SUFFIX = '.agent-vault-chained';
/** Present in every shim we write, so install and status recognise their own hooks. */
const SHIM_MARKER = 'agent-vault hook shim';
/** The one line added to a husky hook file. */
const HUSKY_MARKER = '# agent-vault secret gate';
const ATTR_HEADER = '# agent-vault: protected paths go through the clean/smudge filter (agent-vault install)';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** What install changed, so uninstall can put back exactly what was there. */
interface Manifest {
  version: 1;
  /** Git config keys we set, with the value they had before (null: unset). */
  config: Record<string, string | null>;
  files: ManifestFile[];
}
interface ManifestFile {
  path: string; // absolute
  /** created: did not exist; modified: original kept in backup; chained: original renamed to path+CHAINED_SUFFIX. */
  action: 'created' | 'modified' | 'chained';
  backup?: string;
  /** sha256 of what we left there, to notice later edits. */
  written: string;
}

export interface GitLayout {
  repo: string;
  commonDir: string;
  stateDir: string;
  manifestPath: string;
}

function gitLayout(repo: string): GitLayout {
  const commonDir = resolve(repo, gitText(['rev-parse', '--git-common-dir'], { cwd: repo }).trim());
  const stateDir = join(commonDir, 'agent-vault');
  return { repo, commonDir, stateDir, manifestPath: join(stateDir, 'install.json') };
}

function readManifest(layout: GitLayout): Manifest | undefined {
  if (!existsSync(layout.manifestPath)) return undefined;
  try {
    return JSON.parse(readFileSync(layout.manifestPath, 'utf8')) as Manifest;
  } catch {
    throw gitError(`the install record ${layout.manifestPath} is damaged`, 'Inspect it; uninstall needs it to restore what install changed.');
  }
}

function writeManifest(layout: GitLayout, m: Manifest): void {
  mkdirSync(layout.stateDir, { recursive: true });
  writeFileSync(layout.manifestPath, JSON.stringify(m, null, 2) + '\n');
}

function configGet(repo: string, key: string): string | null {
  const out = gitSync(['config', '--local', '--get', key], { cwd: repo, okCodes: [1] }).toString('utf8');
  return out === '' ? null : out.replace(/\n$/, '');
}

/** Where hooks go, and how: git's hook folder, a husky folder, or a refusal. */
export type HookTarget =
  | { kind: 'dir'; dir: string; reason: string }
  | { kind: 'husky'; dir: string }
  | { kind: 'refused'; message: string; hint: string };

function hookTarget(layout: GitLayout, explicitHooksPath?: string): HookTarget {
  if (explicitHooksPath) return { kind: 'dir', dir: resolve(layout.repo, explicitHooksPath), reason: '--hooks-path' };
  const hooksPath = gitSync(['config', '--get', 'core.hooksPath'], { cwd: layout.repo, okCodes: [1] }).toString('utf8').trim();
  if (!hooksPath) return { kind: 'dir', dir: join(layout.commonDir, 'hooks'), reason: 'git hooks folder' };
  const abs = resolve(layout.repo, hooksPath.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
  const rel = relative(layout.repo, abs).split('\\').join('/');
  // husky 9 sets core.hooksPath=.husky/_ (generated, overwritten by husky); husky 5-8 used .husky.
  // Its user-editable hook files are .husky/<hook>, so that is where our one line goes.
  if (rel === '.husky/_' || rel === '.husky') return { kind: 'husky', dir: join(layout.repo, '.husky') };
  if (rel.startsWith('..') || isAbsolute(rel)) return { kind: 'refused', message: GIT_MSG.hooksPathOutsideRepo(hooksPath), hint: GIT_MSG.hooksPathOutsideRepoHint };
  return { kind: 'dir', dir: abs, reason: `core.hooksPath ${hooksPath}` };
}

export interface InstallOptions {
  repo: string;
  protectedGlobs: string[];
  /** What runs this CLI: absolute paths, so git, hooks and IDEs reach it from any folder and PATH. */
  runtime: Runtime;
  /** The hook shim template (hooks/<name> from the package). */
  shimTemplate: (hook: HookName) => string;
  hooksPath?: string;
  /** false: filter and attributes only (a hook manager runs `agent-vault hook ...`). */
  hooks?: boolean;
  env: NodeJS.ProcessEnv;
  /** The vault this repository uses (home and id), recorded so the gates fail closed without it. */
  vault?: RecordedVault;
}

export interface InstallReport {
  actions: string[];
  warnings: string[];
}

/** The node binary and this package's bin script, absolute. */
export interface Runtime {
  node: string;
  bin: string;
}

/** The launcher install writes into the repository's git folder (see launcherScript). */
export const LAUNCHER = 'agent-vault';

/**
 * git and the hook shims run agent-vault through a small POSIX launcher kept in
 * .git/agent-vault/, not through `node …/bin/agent-vault.mjs` directly. When the package moves
 * or is uninstalled (node_modules deleted, a global package removed, another node selected),
 * node would die with a MODULE_NOT_FOUND stack trace and git with "the remote end hung up";
 * the launcher says in one sentence what is missing and the two ways out instead.
 */
export function launcherScript(runtime: Runtime): string {
  return [
    '#!/bin/sh',
    '# agent-vault launcher: written by `agent-vault install`, removed by `agent-vault uninstall`.',
    '# git runs the clean/smudge filter and the hook shims run the gate through it.',
    `node=${shQuote(runtime.node)}`,
    `bin=${shQuote(runtime.bin)}`,
    'if [ ! -f "$bin" ] || [ ! -x "$node" ]; then',
    `  [ -f "$bin" ] && missing="$node" || missing="$bin"`,
    `  echo "agent-vault: cannot run: $missing is gone (agent-vault or node was moved or uninstalled after 'agent-vault install'). Reinstall it (npm install), or remove agent-vault from this repository with: npx agent-vault uninstall" >&2`,
    '  exit 1',
    'fi',
    'exec "$node" "$bin" "$@"',
    '',
  ].join('\n');
}

export function install(opts: InstallOptions): InstallReport {
  const layout = gitLayout(opts.repo);
  for (const g of opts.protectedGlobs) {
    if (/\s/.test(g) || g.startsWith('!') || g.startsWith('#')) throw usageError(`protected glob "${g}" cannot be written to .gitattributes (no spaces, no leading ! or #)`, 'Adjust protected: in .agent-vault.yaml.');
  }
  const target = hookTarget(layout, opts.hooksPath);
  if (target.kind === 'refused' && opts.hooks !== false) throw refusal(target.message, target.hint, 'HOOKS_PATH_FOREIGN');

  const manifest: Manifest = readManifest(layout) ?? { version: 1, config: {}, files: [] };
  const report: InstallReport = { actions: [], warnings: [] };
  const save = () => writeManifest(layout, manifest);
  const recordFile = (path: string, action: ManifestFile['action'], written: Buffer | string, backup?: string) => {
    const existing = manifest.files.find((f) => f.path === path);
    if (existing) existing.written = sha256(written);
    else manifest.files.push({ path, action, written: sha256(written), ...(backup ? { backup } : {}) });
  };

  // Which protected files are checked out clean, decided before the filter is configured so
  // the comparison is with the bytes git stored, not with a freshly cleaned version.
  const isProtected = protectedMatcher(opts.protectedGlobs);
  const protectedTracked = indexPaths(opts.repo, opts.env).filter(isProtected);
  const dirty = dirtyAmong(opts.repo, opts.env, protectedTracked);
  const staged = stagedAmong(opts.repo, opts.env, protectedTracked);

  // 0. The launcher every git-run command goes through (see launcherScript).
  const launcher = join(layout.stateDir, LAUNCHER);
  const launcherText = launcherScript(opts.runtime);
  mkdirSync(layout.stateDir, { recursive: true });
  if (!existsSync(launcher) || readFileSync(launcher, 'utf8') !== launcherText) {
    writeFileSync(launcher, launcherText, { mode: 0o755 });
    chmodSync(launcher, 0o755);
  }
  const command = shQuote(launcher);
  const team = existsSync(join(opts.repo, TEAM_MERGE_PATHS[0]!));

  // 1. The filter driver. Absolute paths: git runs the process from the work tree root,
  //    hooks and IDEs from anywhere, with whatever PATH they have.
  const wanted: Record<string, string> = {
    [`filter.${FILTER_DRIVER}.process`]: `${command} filter-process`,
    [`filter.${FILTER_DRIVER}.required`]: 'true',
    // The team vault's merge driver, when the repository has one: per-key merges of the
    // encrypted file (README, "Sharing with a team").
    ...(team ? { [`merge.${MERGE_DRIVER}.name`]: 'agent-vault team vault (per-key merge)', [`merge.${MERGE_DRIVER}.driver`]: `${command} merge-team %O %A %B` } : {}),
    ...(opts.vault ? { [VAULT_HOME_KEY]: opts.vault.home, [VAULT_ID_KEY]: opts.vault.id } : {}),
  };
  for (const [key, value] of Object.entries(wanted)) {
    const before = configGet(opts.repo, key);
    if (before === value) continue;
    if (!(key in manifest.config)) manifest.config[key] = before;
    gitSync(['config', '--local', key, value], { cwd: opts.repo });
    report.actions.push(`set git config ${key}`);
  }
  save();

  // 2. .gitattributes: one line per protected glob that is not mapped yet.
  const attrPath = join(opts.repo, '.gitattributes');
  const attrBefore = existsSync(attrPath) ? readFileSync(attrPath) : undefined;
  const attrText = attrBefore?.toString('utf8') ?? '';
  const present = new Set(attrText.split(/\r?\n/).map((l) => l.trim().replace(/\s+/g, ' ')));
  const missing = opts.protectedGlobs.filter((g) => !present.has(`${g} filter=${FILTER_DRIVER}`));
  const mergeLines = (team ? TEAM_MERGE_PATHS : []).map((p) => `${p} merge=${MERGE_DRIVER}`).filter((l) => !present.has(l));
  if (missing.length || mergeLines.length) {
    let text = attrText;
    if (text && !text.endsWith('\n')) text += '\n';
    if (!present.has(ATTR_HEADER)) text += `${ATTR_HEADER}\n`;
    for (const g of missing) text += `${g} filter=${FILTER_DRIVER}\n`;
    for (const l of mergeLines) text += `${l}\n`;
    const backup = attrBefore !== undefined && !manifest.files.some((f) => f.path === attrPath) ? backupFile(layout, attrPath, attrBefore) : undefined;
    writeFileSync(attrPath, text);
    recordFile(attrPath, attrBefore === undefined ? 'created' : 'modified', text, backup);
    save();
    if (missing.length) report.actions.push(`.gitattributes: filter=${FILTER_DRIVER} for ${missing.join(', ')}`);
    if (mergeLines.length) report.actions.push(`.gitattributes: merge=${MERGE_DRIVER} for the team vault`);
  }

  // 3. Hooks, never clobbering what is there. Skipped when a hook manager (lefthook, the
  //    pre-commit framework) already calls the gate, so it does not run twice.
  for (const hook of opts.hooks === false ? [] : HOOKS) {
    if (target.kind === 'husky') {
      const file = join(target.dir, hook);
      const before = existsSync(file) ? readFileSync(file) : undefined;
      if (before?.toString('utf8').includes(HUSKY_MARKER)) continue;
      let text = before?.toString('utf8') ?? '';
      if (text && !text.endsWith('\n')) text += '\n';
      text += `agent-vault hook ${hook} ${HUSKY_MARKER}\n`;
      const backup = before !== undefined && !manifest.files.some((f) => f.path === file) ? backupFile(layout, file, before) : undefined;
      writeFileSync(file, text, { mode: 0o755 });
      recordFile(file, before === undefined ? 'created' : 'modified', text, backup);
      save();
      report.actions.push(`husky: added one line to ${relative(opts.repo, file)}`);
      continue;
    }
    if (target.kind === 'refused') continue;
    mkdirSync(target.dir, { recursive: true });
    const file = join(target.dir, hook);
    const shim = opts.shimTemplate(hook).replace(/^AGENT_VAULT_COMMAND=.*$/m, `AGENT_VAULT_COMMAND=${shQuote(command)}`);
    const before = existsSync(file) ? readFileSync(file) : undefined;
    if (before?.toString('utf8').includes(SHIM_MARKER)) {
      if (before.toString('utf8') !== shim) {
        writeFileSync(file, shim, { mode: 0o755 });
        recordFile(file, manifest.files.find((f) => f.path === file)?.action ?? 'created', shim);
        save();
        report.actions.push(`${hook}: refreshed the hook shim`);
      }
      continue;
    }
    let action: ManifestFile['action'] = 'created';
    if (before !== undefined) {
      if (existsSync(file + CHAINED_SUFFIX)) throw refusal(`${file + CHAINED_SUFFIX} already exists and ${file} is not ours`, 'Move one of them away, then run agent-vault install again.');
      renameSync(file, file + CHAINED_SUFFIX); // keeps bytes and mode
      action = 'chained';
      if (!(statSync(file + CHAINED_SUFFIX).mode & 0o111)) report.warnings.push(`${hook}: the existing hook was not executable, so git was not running it; it stays that way`);
    }
    writeFileSync(file, shim, { mode: 0o755 });
    chmodSync(file, 0o755);
    recordFile(file, action, shim);
    save();
    report.actions.push(action === 'chained' ? `${hook}: installed, running the existing hook first (${hook}${CHAINED_SUFFIX})` : `${hook}: installed in ${target.dir}`);
  }

  // 4. Re-checkout protected files so the filter runs on them (a clone made before install
  //    holds placeholders). Only files with no uncommitted changes: nothing is ever lost.
  const clean = protectedTracked.filter((p) => !dirty.has(p) && existsSync(join(opts.repo, p)));
  if (clean.length) {
    for (const p of clean) unlinkSync(join(opts.repo, p));
    gitSync(['checkout', '--', ...clean.map((p) => `:(literal)${p}`)], { cwd: opts.repo, env: opts.env });
    report.actions.push(`re-checked-out ${clean.length} protected file${clean.length === 1 ? '' : 's'} through the filter`);
  }

  // 5. Protected files staged before the filter existed hold raw bytes in the index, and a
  //    plain `git add` would not fix that: git's stat cache sees an unchanged file and skips
  //    the filter. Renormalise the ones whose working file is exactly what is staged (so
  //    nothing the person staged changes but its cleaning); name the command for the rest.
  const renormalize = staged.filter((p) => !staged.unstaged.has(p));
  if (renormalize.length) {
    gitSync(['add', '--renormalize', '--', ...renormalize.map((p) => `:(literal)${p}`)], { cwd: opts.repo, env: opts.env });
    report.actions.push(`renormalised ${renormalize.length} staged protected file${renormalize.length === 1 ? '' : 's'} through the filter: ${renormalize.join(', ')}`);
  }
  const partly = staged.filter((p) => staged.unstaged.has(p));
  if (partly.length) report.warnings.push(GIT_MSG.stagedRawRemain(partly));

  // 6. Files git just wrote can be "racily clean" (modified in the same second the index was
  //    written), which makes the next `git status` run the filter on them. Refresh the index
  //    once the clock has moved on, so a clean tree never needs the filter to show as clean
  //    (and keeps working if agent-vault later goes missing).
  if (clean.length || renormalize.length) refreshIndex(opts.repo, opts.env, [...clean, ...renormalize]);
  if (dirty.size) report.warnings.push(GIT_MSG.dirtyProtectedSkipped([...dirty].filter((p) => !staged.includes(p))));
  return report;
}

/** Wait for the next second after these files' mtimes, then let git rewrite the index. */
function refreshIndex(repo: string, env: NodeJS.ProcessEnv, paths: string[]): void {
  let newest = 0;
  for (const p of paths) {
    try {
      newest = Math.max(newest, statSync(join(repo, p)).mtimeMs);
    } catch {
      /* gone: nothing to be racy */
    }
  }
  const waitUntil = (Math.floor(newest / 1000) + 1) * 1000 + 5;
  const delay = waitUntil - Date.now();
  if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  gitSync(['update-index', '-q', '--refresh'], { cwd: repo, env, okCodes: [1] });
}

function backupFile(layout: GitLayout, path: string, bytes: Buffer): string {
  const dir = join(layout.stateDir, 'backup');
  mkdirSync(dir, { recursive: true });
  const name = `${sha256(path).slice(0, 16)}-${path.split('/').pop()}`;
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
}

/** Put back exactly what install changed; files edited since are kept and reported. */
export function uninstall(repo: string): InstallReport {
  const layout = gitLayout(repo);
  const manifest = readManifest(layout);
  const report: InstallReport = { actions: [], warnings: [] };
  if (!manifest) {
    report.warnings.push('agent-vault is not installed here (no install record); nothing to undo');
    return report;
  }
  for (const f of [...manifest.files].reverse()) {
    const current = existsSync(f.path) ? readFileSync(f.path) : undefined;
    const untouched = current !== undefined && sha256(current) === f.written;
    const name = relative(repo, f.path) || f.path;
    if (f.action === 'chained') {
      if (current !== undefined && !current.toString('utf8').includes(SHIM_MARKER)) {
        report.warnings.push(`${name} is no longer our shim; left it and ${name}${CHAINED_SUFFIX} as they are`);
        continue;
      }
      if (existsSync(f.path + CHAINED_SUFFIX)) renameSync(f.path + CHAINED_SUFFIX, f.path);
      report.actions.push(`${name}: restored the original hook`);
    } else if (f.action === 'created') {
      if (current === undefined) continue;
      if (untouched) {
        unlinkSync(f.path);
        report.actions.push(`${name}: removed`);
      } else {
        writeFileSync(f.path, withoutOurLines(current.toString('utf8')));
        report.warnings.push(`${name} was edited after install; removed only the agent-vault lines`);
      }
    } else {
      if (untouched && f.backup && existsSync(f.backup)) {
        writeFileSync(f.path, readFileSync(f.backup));
        report.actions.push(`${name}: restored`);
      } else if (current !== undefined) {
        writeFileSync(f.path, withoutOurLines(current.toString('utf8')));
        report.warnings.push(`${name} was edited after install; removed only the agent-vault lines`);
      }
    }
  }
  // Files checked out through the filter hold real values. Once the driver is gone git would
  // stage those bytes as they are, so put the committed placeholders back, again only for
  // files with no uncommitted changes.
  const filtered = checkedOutThroughFilter(repo);
  const dirty = dirtyAmong(repo, process.env, filtered);
  for (const [key, before] of Object.entries(manifest.config)) {
    if (before === null) gitSync(['config', '--local', '--unset', key], { cwd: repo, okCodes: [5] });
    else gitSync(['config', '--local', key, before], { cwd: repo });
    report.actions.push(before === null ? `unset git config ${key}` : `restored git config ${key}`);
  }
  // git leaves an empty [filter "agent-vault"] section behind after --unset.
  gitSync(['config', '--local', '--remove-section', `filter.${FILTER_DRIVER}`], { cwd: repo, okCodes: [128] });
  gitSync(['config', '--local', '--remove-section', `merge.${MERGE_DRIVER}`], { cwd: repo, okCodes: [128] });
  gitSync(['config', '--local', '--remove-section', 'agent-vault'], { cwd: repo, okCodes: [128] });
  rmSync(layout.stateDir, { recursive: true, force: true });
  const clean = filtered.filter((p) => !dirty.has(p) && existsSync(join(repo, p)));
  if (clean.length) {
    for (const p of clean) unlinkSync(join(repo, p));
    gitSync(['-c', `filter.${FILTER_DRIVER}.required=false`, 'checkout', '--', ...clean.map((p) => `:(literal)${p}`)], { cwd: repo });
    report.actions.push(`checked out ${clean.length} protected file${clean.length === 1 ? '' : 's'} again with placeholders`);
  }
  if (dirty.size) report.warnings.push(GIT_MSG.dirtyValuesRemain([...dirty]));
  return report;
}

/** Tracked files whose working-tree attributes route them through our filter. */
function checkedOutThroughFilter(repo: string): string[] {
  const paths = indexPaths(repo, process.env);
  const attrs = filterAttributes(repo, process.env, paths, false);
  return paths.filter((p) => attrs.get(p) === FILTER_DRIVER);
}

/** Which of these tracked paths are staged (index differs from HEAD), and which of those also have unstaged changes. */
function stagedAmong(repo: string, env: NodeJS.ProcessEnv, paths: string[]): string[] & { unstaged: Set<string> } {
  const out = Object.assign([] as string[], { unstaged: new Set<string>() });
  if (paths.length === 0) return out;
  const status = gitSync(['status', '--porcelain=v1', '-z', '--untracked-files=no', '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: repo, env }).toString('utf8');
  for (const entry of status.split('\0')) {
    if (entry.length <= 3) continue;
    const [x, y] = [entry[0], entry[1]];
    if (x === 'M' || x === 'A') {
      out.push(entry.slice(3));
      if (y !== ' ') out.unstaged.add(entry.slice(3));
    }
  }
  return out;
}

/** Which of these tracked paths have uncommitted changes (in the index or the work tree). */
function dirtyAmong(repo: string, env: NodeJS.ProcessEnv, paths: string[]): Set<string> {
  const dirty = new Set<string>();
  if (paths.length === 0) return dirty;
  const status = gitSync(['status', '--porcelain=v1', '-z', '--untracked-files=no', '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: repo, env }).toString('utf8');
  for (const entry of status.split('\0')) if (entry.length > 3) dirty.add(entry.slice(3));
  return dirty;
}

function withoutOurLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => l !== ATTR_HEADER && !l.includes(HUSKY_MARKER) && !/\sfilter=agent-vault\s*$/.test(l) && !/\smerge=agent-vault-team\s*$/.test(l))
    .join('\n');
}

export interface StatusItem {
  ok: boolean;
  what: string;
  detail: string;
}

/** What is installed and what is missing; never touches the vault's values. */
export function gateStatus(repo: string, protectedGlobs: string[], env: NodeJS.ProcessEnv): StatusItem[] {
  const layout = gitLayout(repo);
  const items: StatusItem[] = [];
  const processCmd = gitSync(['config', '--get', `filter.${FILTER_DRIVER}.process`], { cwd: repo, okCodes: [1] }).toString('utf8').trim();
  items.push({ ok: !!processCmd, what: `filter.${FILTER_DRIVER}.process`, detail: processCmd || 'missing' });
  const required = gitSync(['config', '--get', `filter.${FILTER_DRIVER}.required`], { cwd: repo, okCodes: [1] }).toString('utf8').trim();
  items.push({ ok: required === 'true', what: `filter.${FILTER_DRIVER}.required`, detail: required || 'missing (a failing clean would store raw bytes)' });

  const attrText = existsSync(join(repo, '.gitattributes')) ? readFileSync(join(repo, '.gitattributes'), 'utf8') : '';
  const present = new Set(attrText.split(/\r?\n/).map((l) => l.trim().replace(/\s+/g, ' ')));
  if (protectedGlobs.length === 0) items.push({ ok: true, what: 'protected paths', detail: 'none configured (protected: in .agent-vault.yaml)' });
  for (const g of protectedGlobs) {
    const ok = present.has(`${g} filter=${FILTER_DRIVER}`);
    items.push({ ok, what: `.gitattributes ${g}`, detail: ok ? `filter=${FILTER_DRIVER}` : 'missing' });
  }
  const tracked = indexPaths(repo, env).filter(protectedMatcher(protectedGlobs));
  const attrs = filterAttributes(repo, env, tracked, false);
  const unmapped = tracked.filter((p) => attrs.get(p) !== FILTER_DRIVER);
  items.push({ ok: unmapped.length === 0, what: 'protected files', detail: unmapped.length ? `not filtered: ${unmapped.slice(0, 10).join(', ')}${unmapped.length > 10 ? ' ...' : ''}` : `${tracked.length} tracked, all filtered` });

  const target = hookTarget(layout);
  const manager = hookManagerCalling(repo, env);
  for (const hook of HOOKS) {
    const managed = manager.get(hook);
    if (managed) {
      items.push({ ok: managed.resolves.ok, what: `hook ${hook}`, detail: `run by ${managed.file}${managed.resolves.ok ? '' : ', but '}${managed.resolves.detail ? (managed.resolves.ok ? ` (${managed.resolves.detail})` : managed.resolves.detail) : ''}` });
      continue;
    }
    if (target.kind === 'refused') {
      items.push({ ok: false, what: `hook ${hook}`, detail: target.message });
      continue;
    }
    const file = join(target.dir, hook);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const ours = target.kind === 'husky' ? text.includes(HUSKY_MARKER) : text.includes(SHIM_MARKER);
    const chained = existsSync(file + CHAINED_SUFFIX) ? ` (runs ${hook}${CHAINED_SUFFIX} first)` : '';
    items.push({ ok: ours, what: `hook ${hook}`, detail: ours ? `${target.kind === 'husky' ? 'husky line in' : 'installed in'} ${relative(repo, dirname(file)) || dirname(file)}${chained}` : 'missing' });
  }
  const launcher = join(layout.stateDir, LAUNCHER);
  if (processCmd.includes(launcher)) {
    const runtime = launcherRuntime(launcher);
    const gone = runtime && [runtime.bin, runtime.node].find((p) => !existsSync(p));
    if (gone) items.push({ ok: false, what: 'filter command', detail: `${gone} is gone: reinstall agent-vault, then run agent-vault install again` });
  }
  return items;
}

/** The node and bin a launcher script runs (see launcherScript). */
function launcherRuntime(path: string): Runtime | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const unquote = (name: string) => {
    const m = new RegExp(`^${name}=('(?:[^']|'\\\\'')*')$`, 'm').exec(text);
    return m ? m[1]!.slice(1, -1).replace(/'\\''/g, "'") : undefined;
  };
  const node = unquote('node');
  const bin = unquote('bin');
  return node && bin ? { node, bin } : undefined;
}

interface ManagedHook {
  file: string;
  resolves: { ok: boolean; detail: string };
}

/**
 * Hooks a hook manager's committed config runs through agent-vault: lefthook
 * (`run: <command> hook <name>`) or the pre-commit framework (`id: agent-vault[-pre-push]`).
 * A textual check on purpose: status must not need either tool installed. For lefthook the
 * command is also resolved the way the hook will run it, from the repository root with
 * this PATH: a snippet that names a command nobody can find runs nothing.
 */
function hookManagerCalling(repo: string, env: NodeJS.ProcessEnv): Map<HookName, ManagedHook> {
  const found = new Map<HookName, ManagedHook>();
  for (const name of ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook.yaml']) {
    const file = join(repo, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const hook of HOOKS) {
      const m = new RegExp(`^\\s*run:\\s*['"]?(.*?)\\s+hook\\s+${hook}\\b`, 'm').exec(text);
      if (m) found.set(hook, { file: name, resolves: resolveCommand(repo, env, m[1]!.trim()) });
    }
  }
  const pc = join(repo, '.pre-commit-config.yaml');
  if (existsSync(pc)) {
    const text = readFileSync(pc, 'utf8');
    // The framework installs the hook's own environment from the repository it names.
    const framework = { ok: true, detail: '' };
    if (/id:\s*agent-vault\s*$/m.test(text)) found.set('pre-commit', { file: '.pre-commit-config.yaml', resolves: framework });
    if (/id:\s*agent-vault-pre-push\s*$/m.test(text)) found.set('pre-push', { file: '.pre-commit-config.yaml', resolves: framework });
  }
  return found;
}

/** Whether the command in front of `hook <name>` in a hook manager's config can run here. */
export function resolveCommand(repo: string, env: NodeJS.ProcessEnv, command: string): { ok: boolean; detail: string } {
  const words = command.split(/\s+/).filter(Boolean);
  const last = words.at(-1) ?? '';
  const localBin = () => {
    for (let dir = repo; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', '.bin', 'agent-vault');
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) return undefined;
    }
  };
  if (words[0] === 'npx' || (words[0] === 'pnpm' && words[1] === 'exec') || words[0] === 'yarn' || words[0] === 'bunx') {
    if (words.some((w) => w === '--yes' || w === '-y' || w.startsWith('--package') || w.startsWith('-p'))) return { ok: true, detail: `${words[0]} fetches agent-vault when the hook runs (network needed the first time)` };
    const bin = localBin();
    return bin ? { ok: true, detail: `${words[0]} finds ${relative(repo, bin)}` } : { ok: false, detail: `${command} finds no node_modules/.bin/agent-vault here: add it as a devDependency (npm install --save-dev agent-vault)` };
  }
  if (last.includes('/')) {
    const abs = resolve(repo, last);
    return existsSync(abs) ? { ok: true, detail: '' } : { ok: false, detail: `${last} does not exist: install agent-vault (npm install --save-dev agent-vault), or change the command` };
  }
  if (last === 'agent-vault' && words.length === 1) {
    for (const dir of (env.PATH ?? '').split(':')) {
      if (dir && existsSync(join(dir, 'agent-vault'))) return { ok: true, detail: '' };
    }
    return { ok: false, detail: 'agent-vault is not on PATH, so the hook would fail with "agent-vault: not found": install it globally (npm install -g agent-vault) or use the devDependency snippet from the README (./node_modules/.bin/agent-vault)' };
  }
  return { ok: true, detail: `cannot check "${command}"` };
}
