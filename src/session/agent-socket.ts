import { createHash } from 'node:crypto';
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { AgentVaultError } from '../errors.js';

/**
 * Where a vault's session agent listens. Preferred: the per-user runtime folder
 * ($XDG_RUNTIME_DIR, a tmpfs that the system empties at logout) when it is set and private;
 * otherwise a 0700 folder in the vault home. The socket file is 0600 and its folder 0700, so
 * only this OS user can connect; clients refuse anything else (see checkPrivate).
 *
 * Unix socket paths are limited to about 107 bytes: a vault home so deep that its socket path
 * does not fit gets a clear error naming XDG_RUNTIME_DIR as the way out.
 */
export interface AgentEndpoint {
  /** The folder (0700) that holds the socket and the start-up lock. */
  dir: string;
  socket: string;
  /** Held while an unlock starts an agent, so two unlocks end with one agent. */
  lock: string;
}

const SUN_PATH_MAX = 107;

function privateRuntimeDir(env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.XDG_RUNTIME_DIR;
  if (!dir || !dir.startsWith('/')) return undefined;
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && ownedPrivately(st) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const ownedPrivately = (st: Stats) => st.uid === process.getuid?.() && (st.mode & 0o077) === 0;

/** The places a client looks, preferred first; an unlock starts its agent at the first. */
export function agentEndpoints(home: string, env: NodeJS.ProcessEnv): AgentEndpoint[] {
  const out: AgentEndpoint[] = [];
  const runtime = privateRuntimeDir(env);
  if (runtime) {
    const id = createHash('sha256').update(home).digest('hex').slice(0, 16);
    const dir = join(runtime, 'agent-vault');
    out.push({ dir, socket: join(dir, `${id}.sock`), lock: join(dir, `${id}.lock`) });
  }
  const dir = join(home, 'run');
  out.push({ dir, socket: join(dir, 'agent.sock'), lock: join(dir, 'agent.lock') });
  return out.filter((e) => Buffer.byteLength(e.socket) <= SUN_PATH_MAX);
}

/** The endpoint an unlock starts its agent at. */
export function preferredEndpoint(home: string, env: NodeJS.ProcessEnv): AgentEndpoint {
  const endpoint = agentEndpoints(home, env)[0];
  if (!endpoint) {
    throw new AgentVaultError('vault', `the session agent's socket path under ${home} is longer than a Unix socket path may be (${SUN_PATH_MAX} bytes)`, {
      code: 'VAULT_SOCKET_PATH',
      hint: 'Set XDG_RUNTIME_DIR to a private folder with a short path (most Linux desktops set it to /run/user/<uid>), or use a shorter AGENT_VAULT_HOME.',
    });
  }
  return endpoint;
}

function unsafe(path: string, why: string): AgentVaultError {
  return new AgentVaultError('vault', `refusing the session agent socket ${path}: ${why}`, {
    code: 'VAULT_SOCKET_UNSAFE',
    hint: `Only a socket and folder owned by you with no group or other permissions are used. If you did not make it so, someone else may be impersonating the agent: remove ${path} and run agent-vault unlock.`,
  });
}

/**
 * Before a client talks to a socket: its folder and the socket itself must be owned by this
 * user with no group or other permission bits, and be what they claim (no symlinks).
 * Returns false when there is no socket there.
 */
export function checkPrivate(endpoint: AgentEndpoint): boolean {
  let sock: Stats;
  try {
    sock = lstatSync(endpoint.socket);
  } catch {
    return false;
  }
  const dir = lstatSync(endpoint.dir);
  if (!dir.isDirectory()) throw unsafe(endpoint.socket, 'its folder is not a folder (a symbolic link?)');
  if (!ownedPrivately(dir)) throw unsafe(endpoint.socket, `its folder ${endpoint.dir} is not private to you (owner uid ${dir.uid}, mode ${(dir.mode & 0o777).toString(8)})`);
  if (!sock.isSocket()) throw unsafe(endpoint.socket, 'it is not a socket');
  if (!ownedPrivately(sock)) throw unsafe(endpoint.socket, `it is not private to you (owner uid ${sock.uid}, mode ${(sock.mode & 0o777).toString(8)})`);
  return true;
}
