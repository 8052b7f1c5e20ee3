import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'bin', 'agent-vault.mjs');

/** A sandbox: temp HOME, AGENT_VAULT_HOME and isolated git config. */
export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
}

export function sandbox(prefix = 'av-skill-'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(join(dir, 'gitconfig'), '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AGENT_VAULT_HOME: join(dir, 'avh'),
    GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
  };
  return { dir, env };
}

export function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' });
}

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI without a terminal (as an agent or CI would). */
export function av(sb: Sandbox, cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: sb.env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run the built CLI inside a real pseudo-terminal (util-linux script), as a person would. */
export function avTty(sb: Sandbox, cwd: string, ...args: string[]): Run {
  const cmd = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd, env: sb.env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout.replace(/\r\n/g, '\n'), stderr: r.stderr };
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

export function skillMd(name: string, description: string, body = '\n# Title\n\nSome instructions.\n', extra = ''): string {
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n${body}`;
}
