import { spawn, spawnSync } from 'node:child_process';
import { gitError } from '../errors.js';

export interface GitOptions {
  cwd: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are not failures (e.g. 1 for `git diff --quiet`). */
  okCodes?: number[];
}

/** Run git synchronously and return stdout as a Buffer. Fast path for small queries. */
export function gitSync(args: string[], opts: GitOptions): Buffer {
  const r = spawnSync('git', args, {
    cwd: opts.cwd,
    input: opts.input,
    env: opts.env ?? process.env,
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

/** The repository's top-level folder, or undefined outside a work tree. */
export function repoRoot(cwd: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.status !== 0) return undefined;
  return r.stdout.toString('utf8').trim() || undefined;
}

/** Stream git's stdout chunk by chunk; resolves when git exits successfully. */
export function gitStream(args: string[], opts: GitOptions, onData: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString('utf8');
    });
    child.on('error', (e) => reject(gitError(`cannot run git: ${e.message}`, 'Install git and make sure it is on PATH.')));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(gitError(`git ${args[0]} failed: ${stderr.trim().split('\n').slice(0, 5).join('\n') || `exit ${code}`}`));
    });
  });
}
