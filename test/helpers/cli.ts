/**
 * Running the built CLI (`bin/agent-vault.mjs`) as a real child process inside a sandbox: without
 * a terminal (as an agent or CI would), or inside a real pseudo-terminal (util-linux `script`)
 * as a person would.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BIN, runResult, shellQuote, type Run, type RunOptions, type WithEnv } from './sandbox.js';

export type { Run } from './sandbox.js';

export interface CliOptions extends RunOptions {
  /** Another build of the CLI to run (default: the one `npm test` builds). */
  bin?: string;
}

/** Run the CLI without a terminal; stdin is `input` (empty by default). */
export function cli(sb: WithEnv, cwd: string, args: string[], opts: CliOptions = {}): Run {
  return runResult(
    spawnSync(process.execPath, [opts.bin ?? BIN, ...args], { cwd, env: { ...sb.env, ...opts.env }, input: opts.input ?? '', maxBuffer: 256 * 1024 * 1024, ...(opts.timeout ? { timeout: opts.timeout } : {}) }),
  );
}

export interface AsyncRun extends Run {
  stdoutBytes: Buffer;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
}

/**
 * The same without blocking, so that several can run at once. `input: 'ignore'` gives the
 * process /dev/null instead of a pipe.
 */
export function cliAsync(sb: WithEnv, cwd: string, args: string[], opts: Omit<CliOptions, 'input'> & { input?: string | Buffer | 'ignore' } = {}): Promise<AsyncRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? BIN, ...args], {
      cwd,
      env: { ...sb.env, ...opts.env },
      stdio: [opts.input === 'ignore' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({ code: code ?? -1, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
    if (opts.input !== 'ignore') child.stdin!.end(opts.input ?? '');
  });
}

/** The CLI in a pseudo-terminal, nothing typed; `stdout` is what the terminal showed (LF line ends). */
export function cliInTerminal(sb: WithEnv, cwd: string, args: string[], opts: Omit<CliOptions, 'input'> = {}): Run {
  const command = [process.execPath, opts.bin ?? BIN, ...args].map(shellQuote).join(' ');
  const r = runResult(spawnSync('script', ['-qec', command, '/dev/null'], { cwd, env: { ...sb.env, ...opts.env } }));
  return { ...r, stdout: r.stdout.replace(/\r\n/g, '\n') };
}

export interface TerminalStep {
  /** Wait until the screen shows this (after what earlier steps waited for)... */
  after: string | RegExp;
  /** ...then type this; a function gets the screen so far (e.g. to read a code shown). */
  keys: string | ((screen: string) => string);
}

/**
 * The CLI in a pseudo-terminal driven by a person. `commandLine` is shell syntax after the
 * program (`get x --reveal | cat`). Each step waits until the screen shows `after` (typing
 * earlier would be echoed by the terminal before the program switches echo off, as on any real
 * terminal), then types `keys`. The result is what the terminal showed (stdout and stderr
 * together); a session still running after 20 s is killed.
 */
export function cliInTerminalSteps(
  sb: WithEnv,
  cwd: string,
  commandLine: string,
  steps: TerminalStep[] = [],
  opts: Omit<CliOptions, 'input'> = {},
): Promise<{ code: number | null; screen: string }> {
  const inner = `${shellQuote(process.execPath)} ${shellQuote(opts.bin ?? BIN)} ${commandLine}`;
  return driveTerminal(inner, cwd, { ...sb.env, ...opts.env }, steps, 20_000);
}

/**
 * Run the shell command `inner` in a real pseudo-terminal (util-linux `script`), typing each
 * step's keys once the screen shows its prompt; killed after `timeoutMs`.
 */
export function driveTerminal(inner: string, cwd: string, env: NodeJS.ProcessEnv, steps: TerminalStep[], timeoutMs: number): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('script', ['-qec', inner, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let step = 0;
    let searchFrom = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const find = (after: string | RegExp): { at: number; length: number } | undefined => {
      if (typeof after === 'string') {
        const at = screen.indexOf(after, searchFrom);
        return at === -1 ? undefined : { at, length: after.length };
      }
      const m = after.exec(screen.slice(searchFrom));
      return m ? { at: searchFrom + m.index, length: m[0].length } : undefined;
    };
    const advance = () => {
      while (step < steps.length) {
        const { after, keys } = steps[step]!;
        const m = find(after);
        if (!m) return;
        searchFrom = m.at + m.length;
        child.stdin.write(typeof keys === 'function' ? keys(screen) : keys);
        step++;
      }
    };
    const onData = (c: Buffer) => {
      screen += c.toString('utf8');
      advance();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, screen });
    });
  });
}

// Older call shapes (see legacy.ts).
export { REPO, BIN } from './sandbox.js';
export { gitIn as git, isolatedEnv, removeDir, runCli, scratch, tempDir, tempRepo, type RunResult } from './legacy.js';
export { write } from './sandbox.js';
