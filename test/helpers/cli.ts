import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO, 'bin', 'agent-vault.mjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary folder that the test suite removes at the end. */
export function tempDir(prefix = 'av-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}

/** Environment isolated from the developer's git config, home and CI variables. */
export function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  const gitconfig = join(home, '.gitconfig');
  writeFileSync(gitconfig, '[user]\n\tname = Test User\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    AGENT_VAULT_HOME: join(home, '.agent-vault'),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    ...extra,
  };
  return env;
}

/** Run the built CLI as a real child process. */
export function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string | Buffer }): RunResult {
  const r: SpawnSyncReturns<Buffer> = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: opts.env,
    input: opts.input ?? '',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Run git with the isolated environment; throws with git's stderr on failure. */
export function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8');
}

/** A fresh repository with isolated config; returns its path and environment. */
export function tempRepo(): { dir: string; env: NodeJS.ProcessEnv; home: string } {
  const base = tempDir('av-repo-');
  const home = join(base, 'home');
  const dir = join(base, 'repo');
  mkdirSync(dir);
  const env = isolatedEnv(home);
  git(dir, env, 'init', '-q');
  return { dir, env, home };
}

/** Temporary folders a test file creates, removed together when the file's tests end. */
export function scratch(afterAll: (fn: () => void) => void) {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));
  return {
    /** A fresh repository (see tempRepo) removed at the end. */
    repo() {
      const r = tempRepo();
      dirs.push(join(r.dir, '..'));
      return r;
    },
    /** A fresh folder removed at the end. */
    dir() {
      const d = tempDir();
      dirs.push(d);
      return d;
    },
  };
}

export function write(dir: string, rel: string, content: string | Buffer) {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}
