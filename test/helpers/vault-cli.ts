import { cliInTerminalSteps } from './cli.js';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './sandbox.js';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const BIN = join(REPO, 'bin', 'agent-vault.mjs');

export interface Sandbox {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/** A temp folder with an isolated HOME, git config and vault home. */
export function sandbox(): Sandbox {
  const dir = scratchDir('av-vault-'); // removed when the test (or file) ends
  const gitconfig = join(dir, '.gitconfig');
  writeFileSync(gitconfig, '');
  const home = join(dir, 'vault-home');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AGENT_VAULT_HOME: home,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
  };
  return { dir, home, env };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Run the built CLI with stdin from a string (a pipe) or /dev/null ('ignore'). */
export function run(sb: Sandbox, args: string[], input?: string | Buffer | 'ignore', extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: sb.dir,
      env: { ...sb.env, ...extraEnv },
      stdio: [input === 'ignore' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({ code, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
    if (input !== 'ignore') child.stdin!.end(input ?? '');
  });
}

/**
 * Run the CLI inside a real pseudo-terminal (util-linux `script`). Each step waits until the
 * screen shows `after` (typing earlier would be echoed by the terminal before the program
 * switches echo off, as on any real terminal), then types `keys`. The result is what the
 * terminal showed (stdout and stderr together).
 */
export function runInTerminal(
  sb: Sandbox,
  commandLine: string,
  steps: { after: string; keys: string }[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; screen: string }> {
  return cliInTerminalSteps(sb, sb.dir, commandLine, steps, { env: extraEnv });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** Every form of a value the no-leak tests look for. */
export function leakForms(value: string): string[] {
  const b = Buffer.from(value, 'utf8');
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), b.toString('base64').replace(/=+$/, ''), b.toString('base64url')];
}
