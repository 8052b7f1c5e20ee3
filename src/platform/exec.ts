import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gitError } from '../errors.js';

export interface GitOptions {
  cwd: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are not failures (e.g. 1 for `git diff --quiet`). */
  okCodes?: number[];
}

/**
 * The environment git runs with: the caller's, without the variables that change how git
 * reads a pathspec (GIT_LITERAL_PATHSPECS, which editors such as Magit set for the git they
 * run, and its kin). Every pathspec agent-vault passes says what it means (`:(literal)`,
 * `:(glob)`); read literally, `:(glob)**\/SKILL.md` matches nothing and a gate would pass
 * what it never listed.
 */
export function gitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!env.GIT_LITERAL_PATHSPECS && !env.GIT_GLOB_PATHSPECS && !env.GIT_NOGLOB_PATHSPECS && !env.GIT_ICASE_PATHSPECS) return env;
  const { GIT_LITERAL_PATHSPECS: _l, GIT_GLOB_PATHSPECS: _g, GIT_NOGLOB_PATHSPECS: _n, GIT_ICASE_PATHSPECS: _i, ...rest } = env;
  return rest;
}

/**
 * Run git with its standard output going straight to the open file `fd` (nothing buffered in
 * this process): for blobs too large to hold in memory.
 */
export function gitToFile(args: string[], opts: GitOptions, fd: number): void {
  const r = spawnSync('git', args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['ignore', fd, 'pipe'], maxBuffer: 1024 * 1024 });
  if (r.error) throw gitError(`cannot run git: ${r.error.message}`, 'Install git and make sure it is on PATH.');
  if (r.status !== 0) {
    const stderr = r.stderr.toString('utf8').trim().split('\n').slice(0, 5).join('\n');
    throw gitError(`git ${args[0]} failed: ${stderr || `exit ${r.status}`}`);
  }
}

/** Run git synchronously and return stdout as a Buffer. Fast path for small queries. */
export function gitSync(args: string[], opts: GitOptions): Buffer {
  const r = spawnSync('git', args, {
    cwd: opts.cwd,
    input: opts.input,
    env: gitEnv(opts.env),
    maxBuffer: 1024 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (r.error) throw gitError(`cannot run git: ${r.error.message}`, 'Install git and make sure it is on PATH.');
  if (r.status !== 0 && !(opts.okCodes ?? []).includes(r.status ?? -1)) {
    const stderr = r.stderr.toString('utf8').trim().split('\n').slice(0, 5).join('\n');
    throw gitError(`git ${args[0]} failed: ${stderr || `exit ${r.status}`}`);
  }
  return r.stdout;
}

export function gitText(args: string[], opts: GitOptions): string {
  return gitSync(args, opts).toString('utf8');
}

const roots = new Map<string, string>();

/** A kept answer still holds: the root has its .git, and no folder between it and `cwd` has one (a repository made inside since). */
function stillRoot(cwd: string, root: string): boolean {
  if (!existsSync(join(root, '.git'))) return false;
  for (let dir = resolve(cwd); dir !== root && dir.startsWith(`${root}/`); dir = dirname(dir)) if (existsSync(join(dir, '.git'))) return false;
  return true;
}

/**
 * The repository's top-level folder, or undefined outside a work tree. A folder's answer is
 * kept for the life of the process (a scan asks it for its configuration, its vault and its
 * providers, and every git start costs a hook ~10 ms), checked with a few stats each time
 * (a long-lived process may see a repository made inside the one it knew); "not a
 * repository" is not kept, so a repository made later is found.
 */
export function repoRoot(cwd: string): string | undefined {
  const key = `${cwd}\0${process.env.GIT_DIR ?? ''}\0${process.env.GIT_WORK_TREE ?? ''}`;
  const known = roots.get(key);
  if (known !== undefined && stillRoot(cwd, known)) return known;
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.status !== 0) return undefined;
  const root = r.stdout.toString('utf8').trim() || undefined;
  if (root !== undefined) roots.set(key, root);
  return root;
}

/**
 * git's stdout chunk by chunk, read as the consumer asks (a paused pipe holds git back, so
 * memory stays bounded by what the consumer keeps). Throws a git error when git fails; a
 * consumer that stops early stops git.
 */
export async function* gitChunks(args: string[], opts: GitOptions): AsyncGenerator<Buffer> {
  const child = spawn('git', args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(gitError(`cannot run git: ${e.message}`, 'Install git and make sure it is on PATH.')));
    child.on('close', resolve);
  });
  exited.catch(() => undefined); // awaited below; a consumer that stops early never asks
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exited;
    if (code !== 0) throw gitError(`git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} failed: ${stderr.trim().split('\n').slice(0, 5).join('\n') || `exit ${code}`}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}
