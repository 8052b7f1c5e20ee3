import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { agentEndpoints } from '../../src/session/agent-socket.js';
import { normalizeBinding } from '../../src/vault/bindings.js';
import { initVault, openVault } from '../../src/vault/index.js';
import { MemoryKeyProvider, newMasterKey } from '../../src/vault/key-provider.js';
import { wrapMasterKey, type KdfParams } from '../../src/vault/passphrase.js';
import { BIN, driveTerminal, git, isolatedEnv, tempDir, type TerminalStep } from './cli.js';

/**
 * Passphrase vaults and session agents for tests. A vault made here uses cheap KDF parameters
 * (tests of the agent do not need Argon2id's cost; the terminal tests go through the real
 * `init --passphrase` and `unlock`), and an agent started here is the real `agent-vault
 * session-agent` process, handed its key on file descriptor 3 exactly as unlock does.
 */

export const CHEAP_KDF: KdfParams = { m: 64, t: 1, p: 1 };

/** A passphrase vault at `home` holding `values`; returns its master key (the test's to keep). */
export async function passphraseVault(home: string, passphrase: string, values: Record<string, string | Buffer> = {}, kdf = CHEAP_KDF, bindings: Record<string, string[]> = {}): Promise<Buffer> {
  const master = newMasterKey();
  const { kdf: phc, wrapped } = await wrapMasterKey(master, passphrase, kdf);
  initVault(home, { keyProvider: new MemoryKeyProvider(master), header: { provider: 'passphrase', kdf: phc, wrappedKey: wrapped } });
  const vault = openVault(home, { keyProvider: new MemoryKeyProvider(master) });
  const entries = Object.entries(values).map(([key, v]) => ({ key, value: Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8'), origin: 'terminal' as const }));
  if (entries.length) vault.setMany(entries);
  // What a person does with `agent-vault bind KEY GLOB` (absolute globs).
  for (const [key, globs] of Object.entries(bindings)) vault.bind(key, globs.map((g) => normalizeBinding(g, '/')));
  return master;
}

export interface AgentProcess {
  child: ChildProcess;
  pid: number;
  socket: string;
  /** Resolves with the exit code (or signal) once the agent has exited. */
  exited: Promise<number | string | null>;
}

const started: ChildProcess[] = [];

/** Start the real session agent for `home` with `master` on fd 3; resolves once it listens. */
export function startAgentProcess(home: string, master: Buffer, opts: { idleMs?: number; maxMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<AgentProcess> {
  const env = opts.env ?? { PATH: process.env.PATH };
  const socket = agentEndpoints(home, env)[0]!.socket;
  const child = spawn(process.execPath, [BIN, 'session-agent', '--home', home, '--socket', socket, '--ttl', `${opts.idleMs ?? 60_000}`, '--max', `${opts.maxMs ?? 600_000}`], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env,
  });
  started.push(child);
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const channel = child.stdio[3] as Socket;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    channel.on('data', (d: Buffer) => {
      if (d.toString('utf8') === 'ready\n') resolve({ child, pid: child.pid!, socket, exited });
    });
    channel.on('error', () => undefined);
    void exited.then((code) => reject(new Error(`agent exited (${code}) before it was ready: ${stderr}`)));
    channel.write(Buffer.from(master));
  });
}

/** Stop every agent this test file started that is still running (by its pid, never by name). */
export function stopAgents(): void {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Wait until `check` holds, polling; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const socketGone = (socket: string) => () => !existsSync(socket);

export type Step = TerminalStep;

/**
 * Run the built CLI in a real pseudo-terminal (util-linux `script`), typing each step's keys
 * once the screen shows its prompt. The result is what the terminal showed.
 */
export function terminal(cwd: string, env: NodeJS.ProcessEnv, args: string, steps: Step[] = [], timeoutMs = 90_000): Promise<{ code: number | null; screen: string }> {
  return driveTerminal(`exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args}`, cwd, env, steps, timeoutMs);
}

export function agentPids(home: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('session-agent') && argv[argv.indexOf('--home') + 1] === home) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Stop agents found by `agentPids` (processes a test's `unlock` started), by pid. */
export function stopAgentsOf(home: string): void {
  for (const pid of agentPids(home)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
}

/**
 * A scratch folder (pushed on `dirs` for the caller to remove) with an isolated home whose
 * vault home is pushed on `homes` (for stopAgentsOf), and an empty repository with a conf/ folder.
 */
export function confRepo(prefix: string, dirs: string[], homes: string[]): { env: NodeJS.ProcessEnv; home: string; repo: string } {
  const base = tempDir(prefix);
  dirs.push(base);
  const env = isolatedEnv(join(base, 'home'));
  const home = env.AGENT_VAULT_HOME!;
  homes.push(home);
  const repo = join(base, 'repo');
  mkdirSync(join(repo, 'conf'), { recursive: true });
  git(repo, env, 'init', '-q');
  return { env, home, repo };
}
