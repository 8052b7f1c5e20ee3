/**
 * The one way a test gets an isolated environment and a scratch folder.
 *
 * A sandbox is a scratch folder holding a home (`HOME`, with its own git config), a vault
 * home (`AGENT_VAULT_HOME`), a `bin` folder on PATH with an `agent-vault` wrapper (as a package
 * install gives), a `tmp` folder (`TMPDIR`, so what the CLI and git create there goes too) and a
 * work folder (`dir`) where the test writes files and runs commands. The environment starts
 * from nothing but PATH: no git config, locale, colour or CI variable of the machine leaks in.
 *
 * Every scratch folder is removed, whatever happens to the test:
 * - made inside a test (or its beforeEach): when that test finishes, passed or failed;
 * - made elsewhere (module level, describe, beforeAll): when the test file finishes
 *   (test/setup.ts registers the sweep for every file);
 * - when the worker process exits;
 * - and all of them live under one folder per run that the global setup removes at the end
 *   (test/global-setup.ts), so even a worker killed outright leaves nothing in /tmp.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { inject, onTestFinished, TestRunner } from 'vitest';

export const REPO = resolve(import.meta.dirname, '..', '..');
/** The built CLI (npm test and the global setup run `node scripts/build.mjs` first). */
export const BIN = join(REPO, 'bin', 'agent-vault.mjs');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder under which every scratch folder of this run is made; removed at the end. */
    scratchRoot: string;
  }
}

/** Anything that carries the environment commands run with (a Sandbox, a PullRequestRepo). */
export interface WithEnv {
  env: NodeJS.ProcessEnv;
}

export interface Sandbox extends WithEnv {
  /** The scratch folder; everything below is removed automatically. */
  readonly root: string;
  /** `HOME`, holding `.gitconfig`. */
  readonly home: string;
  /** `AGENT_VAULT_HOME` (`home/.agent-vault`). */
  readonly vaultHome: string;
  /** On PATH first: holds an `agent-vault` wrapper around the built CLI. */
  readonly binDir: string;
  /** The work folder: where a test writes its files and runs commands by default. */
  readonly dir: string;
  /** Remove the scratch folder now (it is removed automatically otherwise). Idempotent. */
  cleanup(): void;
}

export interface SandboxOptions {
  /** Start from a copy of another sandbox's folders (its repositories, home and vault). */
  from?: Sandbox;
  /**
   * `test` removes the folder when the current test ends, `file` when the test file ends.
   * Default: `test` inside a test or its beforeEach, `file` anywhere else. Use `file` for a
   * fixture built lazily inside one test and shared by later ones.
   */
  lifetime?: 'test' | 'file';
  /** More variables for the environment. */
  env?: NodeJS.ProcessEnv;
}

const GITCONFIG = [
  '[user]',
  '\tname = Test User',
  '\temail = test@example.invalid',
  '[init]',
  '\tdefaultBranch = main',
  '[commit]',
  '\tgpgsign = false',
  '[tag]',
  '\tgpgsign = false',
  '[advice]',
  '\tdetachedHead = false',
  '',
].join('\n');

// -- scratch folders and their removal ---------------------------------------------------

interface Registry {
  live: Set<string>;
  exitHook: boolean;
}

/** One registry per worker process, whatever module instances the test isolation makes. */
function registry(): Registry {
  const key = Symbol.for('agent-vault.test.scratch');
  const g = globalThis as typeof globalThis & { [k: symbol]: Registry | undefined };
  let r = g[key];
  if (!r) {
    r = { live: new Set(), exitHook: false };
    g[key] = r;
  }
  if (!r.exitHook) {
    r.exitHook = true;
    const live = r.live;
    process.on('exit', () => {
      for (const dir of live) removeDir(dir);
    });
  }
  return r;
}

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // A folder a test made unreadable: give it back its permissions and try once more.
    spawnSync('chmod', ['-R', 'u+rwx', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function scratchParent(): string {
  let root: string | undefined;
  try {
    root = inject('scratchRoot');
  } catch {
    /* outside vitest */
  }
  if (root) {
    mkdirSync(root, { recursive: true });
    return root;
  }
  return tmpdir();
}

function register(dir: string, lifetime: 'test' | 'file' | undefined): () => void {
  const { live } = registry();
  live.add(dir);
  const remove = () => {
    if (!live.delete(dir)) return;
    removeDir(dir);
  };
  // After the test's afterEach hooks, whether it passed or failed.
  if (lifetime !== 'file' && TestRunner.getCurrentTest()) onTestFinished(remove);
  return remove;
}

/** Remove every scratch folder still alive in this worker (test/setup.ts calls it after each file). */
export function removeAllScratch(): void {
  const { live } = registry();
  for (const dir of [...live]) {
    live.delete(dir);
    removeDir(dir);
  }
}

/** A bare scratch folder with the same lifetime rules as a sandbox. */
export function scratchDir(prefix = 'av-', lifetime?: 'test' | 'file'): string {
  const dir = mkdtempSync(join(scratchParent(), prefix));
  register(dir, lifetime);
  return dir;
}

/**
 * Copies a folder tree exactly: files, symlinks as they are, timestamps and every folder's mode.
 * Node 24's cpSync makes folders with the default mode (Node 20's kept the source's), and a
 * vault folder that comes out 0755 is one the tool rightly refuses to use.
 */
export function copyTree(from: string, to: string): void {
  cpSync(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  const walk = (src: string, dst: string) => {
    chmodSync(dst, statSync(src).mode & 0o7777);
    for (const e of readdirSync(src, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(src, e.name), join(dst, e.name));
    }
  };
  walk(from, to);
}

// -- the sandbox ----------------------------------------------------------------------------

/** A fresh isolated environment; see the top of this file. */
export function sandbox(options: SandboxOptions = {}): Sandbox {
  const root = mkdtempSync(join(scratchParent(), 'av-'));
  const remove = register(root, options.lifetime);
  if (options.from) copyTree(options.from.root, root);
  const home = join(root, 'home');
  const vaultHome = join(home, '.agent-vault');
  const binDir = join(root, 'bin');
  const dir = join(root, 'work');
  const tmp = join(root, 'tmp');
  for (const d of [home, binDir, dir, tmp]) mkdirSync(d, { recursive: true });
  const gitconfig = join(home, '.gitconfig');
  if (!options.from) {
    writeFileSync(gitconfig, GITCONFIG);
    writeFileSync(join(binDir, 'agent-vault'), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(BIN)} "$@"\n`);
    chmodSync(join(binDir, 'agent-vault'), 0o755);
  }
  const env: NodeJS.ProcessEnv = {
    PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    TMPDIR: tmp,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    AGENT_VAULT_HOME: vaultHome,
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    NO_COLOR: '1',
    ...options.env,
  };
  return { root, home, vaultHome, binDir, dir, env, cleanup: remove };
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// -- git ----------------------------------------------------------------------------------

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  /** Variables added to (or, set to undefined, removed from) the sandbox's environment. */
  env?: NodeJS.ProcessEnv;
  /** Kill the process after this many milliseconds (it then has exit code -1). */
  timeout?: number;
}

export function runResult(r: SpawnSyncReturns<Buffer>): Run {
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Run git in the sandbox's environment; the result whatever the exit code. */
export function git(sb: WithEnv, cwd: string, args: string[], opts: RunOptions = {}): Run {
  return runResult(spawnSync('git', args, { cwd, env: { ...sb.env, ...opts.env }, input: opts.input, maxBuffer: 256 * 1024 * 1024, ...(opts.timeout ? { timeout: opts.timeout } : {}) }));
}

/** git that must succeed; returns stdout, throws with git's stderr otherwise. */
export function gitOk(sb: WithEnv, cwd: string, args: string[], opts: RunOptions = {}): string {
  const r = git(sb, cwd, args, opts);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** An empty repository (no commit yet) at `root/<name>`. */
export function initRepo(sb: Sandbox, name = 'repo'): string {
  const dir = join(sb.root, name);
  mkdirSync(dir, { recursive: true });
  gitOk(sb, dir, ['init', '-q']);
  return dir;
}

/** A new repository with one commit (`initial`), at `root/<name>`. */
export function newRepo(sb: Sandbox, name = 'repo', files: Record<string, string | Buffer> = { 'README.md': 'hello\n' }): string {
  const dir = initRepo(sb, name);
  writeFiles(dir, files);
  gitOk(sb, dir, ['add', '-A']);
  gitOk(sb, dir, ['commit', '-qm', 'initial']);
  return dir;
}

// -- files --------------------------------------------------------------------------------

export function write(dir: string, path: string, content: string | Buffer): void {
  const p = join(dir, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) write(dir, path, content);
}

export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}
