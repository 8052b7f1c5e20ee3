import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The built CLI (tests run `node scripts/build.mjs` first via npm test). */
export const CLI = resolve(__dirname, '../../bin/agent-vault.mjs');

export interface Sandbox {
  root: string;
  env: NodeJS.ProcessEnv;
  /** A folder on PATH holding an `agent-vault` wrapper, as a package install would give. */
  binDir: string;
  cleanup(): void;
}

/**
 * A temporary home with isolated git configuration: nothing from the machine's global or
 * system config leaks in, and nothing the tests do leaks out.
 */
export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'av-git-'));
  const home = join(root, 'home');
  const binDir = join(root, 'bin');
  mkdirSync(home, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  const globalConfig = join(home, '.gitconfig');
  writeFileSync(globalConfig, '[user]\n\tname = Test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
  writeFileSync(join(binDir, 'agent-vault'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(binDir, 'agent-vault'), 0o755);
  const env: NodeJS.ProcessEnv = {
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    HOME: home,
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    AGENT_VAULT_HOME: join(home, '.agent-vault'),
    LANG: 'C',
    TZ: 'UTC',
  };
  return { root, env, binDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function result(r: SpawnSyncReturns<Buffer>): Run {
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

export function git(sb: Sandbox, cwd: string, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Run {
  return result(spawnSync('git', args, { cwd, env: { ...sb.env, ...opts.env }, input: opts.input, maxBuffer: 256 * 1024 * 1024 }));
}

/** git that must succeed; returns stdout. */
export function gitOk(sb: Sandbox, cwd: string, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): string {
  const r = git(sb, cwd, args, opts);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export function cli(sb: Sandbox, cwd: string, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Run {
  return result(spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...sb.env, ...opts.env }, input: opts.input ?? '' }));
}

/** A new repository with one commit, under the sandbox. */
export function newRepo(sb: Sandbox, name = 'repo', files: Record<string, string> = { 'README.md': 'hello\n' }): string {
  const dir = join(sb.root, name);
  mkdirSync(dir, { recursive: true });
  gitOk(sb, dir, ['init', '-q']);
  for (const [p, text] of Object.entries(files)) write(dir, p, text);
  gitOk(sb, dir, ['add', '-A']);
  gitOk(sb, dir, ['commit', '-qm', 'initial']);
  return dir;
}

export function write(dir: string, path: string, text: string | Buffer): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}
