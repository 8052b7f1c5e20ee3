import { spawn } from 'node:child_process';
import { fstatSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { AgentVaultError } from '../errors.js';
import { privateDir } from '../platform/home.js';
import { withLockAsync } from '../vault/lock.js';
import { probeSocket } from './agent-server.js';
import { preferredEndpoint, type AgentEndpoint } from './agent-socket.js';

/**
 * Starting a session agent (unlock) and receiving its key (the agent's side). The key goes
 * from the unlocking process to the agent through an inherited pipe on file descriptor 3:
 * never in argv (visible in the process list), never in the environment (readable in
 * /proc/PID/environ), never in a file. The parent zeroes its copy once written.
 */

const KEY_BYTES = 32;
const READY = 'ready\n';

export interface StartOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  /** The unwrapped master key; zeroed by the time this returns. */
  key: Buffer;
  idleMs: number;
  maxMs: number;
  /** How to run agent-vault itself: [node, bin]. */
  command: [string, string];
}

export type StartResult = { started: true; pid: number; endpoint: AgentEndpoint } | { started: false; endpoint: AgentEndpoint };

/**
 * Start the agent unless one already answers. Two unlocks at once end with one agent: the
 * start-up lock serialises them and each re-checks for a live socket once it holds it.
 */
export async function startAgent(options: StartOptions): Promise<StartResult> {
  const endpoint = preferredEndpoint(options.home, options.env);
  privateDir(endpoint.dir);
  try {
    return await withLockAsync(endpoint.lock, async () => {
      const state = await probeSocket(endpoint.socket);
      if (state === 'live') return { started: false, endpoint } as const;
      if (state === 'stale') unlinkSync(endpoint.socket); // a crashed agent's leftover
      const pid = await spawnAgent(options, endpoint);
      return { started: true, pid, endpoint } as const;
    }, { timeoutMs: 30_000 });
  } finally {
    options.key.fill(0);
  }
}

function spawnAgent(options: StartOptions, endpoint: AgentEndpoint): Promise<number> {
  const [node, bin] = options.command;
  const args = [bin, 'session-agent', '--home', options.home, '--socket', endpoint.socket, '--ttl', `${options.idleMs}`, '--max', `${options.maxMs}`];
  // A new session (detached: no terminal to hang up on it), no inherited environment beyond
  // what node needs, and the root folder as its working directory so it pins no mount.
  const child = spawn(node, args, {
    detached: true,
    cwd: '/',
    env: { PATH: options.env.PATH ?? '/usr/bin:/bin', LANG: options.env.LANG ?? 'C.UTF-8' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const channel = child.stdio[3] as Socket;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 2000) stderr += d.toString('utf8');
  });
  return new Promise<number>((resolve, reject) => {
    let answer = '';
    const timer = setTimeout(() => finish(new Error('timed out')), 20_000);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      channel.removeAllListeners();
      channel.destroy();
      child.stderr!.destroy();
      child.unref();
      if (!error) return resolve(child.pid!);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(new AgentVaultError('vault', `the session agent did not start: ${stderr.trim().split('\n').pop() || error.message}`, { code: 'VAULT_AGENT_START', hint: 'Nothing stays unlocked. Run agent-vault unlock again; if it keeps failing, run agent-vault lock first.' }));
    };
    channel.on('data', (d: Buffer) => {
      answer += d.toString('utf8');
      if (answer === READY) finish();
      else if (!READY.startsWith(answer)) finish(new Error('unexpected answer'));
    });
    channel.on('error', (e) => finish(e));
    child.once('exit', (code) => finish(new Error(`exit ${code}`)));
    child.once('error', (e) => finish(e));
    channel.write(options.key);
  });
}

/**
 * The agent's side: read the key from file descriptor 3, which must be a pipe or socket
 * handed over by `agent-vault unlock`. Returns the key and a function that reports
 * readiness back over the same channel (then closes it).
 */
export async function receiveKey(): Promise<{ key: Buffer; ready: () => void }> {
  const refuse = (why: string) =>
    new AgentVaultError('usage', `session-agent is started by agent-vault unlock, not by hand (${why})`, { hint: 'Run agent-vault unlock in your terminal.' });
  try {
    const st = fstatSync(3);
    if (!st.isSocket() && !st.isFIFO()) throw refuse('file descriptor 3 is not a pipe');
  } catch (e) {
    if (e instanceof AgentVaultError) throw e;
    throw refuse('no key on file descriptor 3');
  }
  const channel = new Socket({ fd: 3, readable: true, writable: true });
  const key = Buffer.alloc(KEY_BYTES);
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(refuse('no key arrived')), 10_000);
    channel.on('data', (d: Buffer) => {
      const n = Math.min(d.length, KEY_BYTES - got);
      d.copy(key, got, 0, n);
      d.fill(0);
      got += n;
      if (got === KEY_BYTES) {
        clearTimeout(timer);
        channel.pause();
        resolve();
      }
    });
    channel.on('end', () => {
      clearTimeout(timer);
      reject(refuse('the key was incomplete'));
    });
    channel.on('error', () => {
      clearTimeout(timer);
      reject(refuse('the key channel failed'));
    });
  });
  channel.removeAllListeners();
  channel.on('error', () => undefined);
  return { key, ready: () => channel.end(READY) };
}
