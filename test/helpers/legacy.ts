/**
 * Older call shapes of the test helpers, kept so that tests written against them (on branches
 * that predate the one sandbox helper) keep working. Every folder they make is a scratch folder
 * of `sandbox.ts`, so it is removed like any other. New tests use `sandbox.ts` and `cli.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sandbox as newSandbox, scratchDir, shellQuote, type Sandbox } from './sandbox.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A scratch folder (removed when the test or file ends). */
export function tempDir(prefix = 'av-test-'): string {
  return scratchDir(prefix);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Environment isolated from the developer's git config, home and CI variables. */
export function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  const gitconfig = join(home, '.gitconfig');
  writeFileSync(gitconfig, '[user]\n\tname = Test User\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n');
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    AGENT_VAULT_HOME: join(home, '.agent-vault'),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    ...extra,
  };
}

/** Run the built CLI as a real child process. */
export function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string | Buffer }): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: opts.env, input: opts.input ?? '', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** git with an environment; throws with git's stderr on failure. */
export function gitIn(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8');
}

/** A fresh repository with isolated config. */
export function tempRepo(): { dir: string; env: NodeJS.ProcessEnv; home: string } {
  const base = tempDir('av-repo-');
  const home = join(base, 'home');
  const dir = join(base, 'repo');
  mkdirSync(dir);
  const env = isolatedEnv(home);
  gitIn(dir, env, 'init', '-q');
  return { dir, env, home };
}

/** Temporary folders of a test file (scratch folders, removed when the file ends). */
export function scratch(_afterAll: (fn: () => void) => void) {
  return {
    repo: () => tempRepo(),
    dir: () => tempDir(),
  };
}

/** The skill tests' sandbox: `dir` to work in, `env` isolated. */
export function skillSandbox(_prefix = 'av-skill-'): Sandbox {
  return newSandbox();
}

export interface StatusRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** The built CLI without a terminal. */
export function av(sb: { env: NodeJS.ProcessEnv }, cwd: string, ...args: string[]): StatusRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: sb.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The built CLI inside a real pseudo-terminal (util-linux script). */
export function avTty(sb: { env: NodeJS.ProcessEnv }, cwd: string, ...args: string[]): StatusRun {
  const cmd = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd, env: sb.env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout.replace(/\r\n/g, '\n'), stderr: r.stderr };
}

export function gitText(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' });
}
