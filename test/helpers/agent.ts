import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedEnv, removeDir, tempDir } from './cli.js';
import { run, runInTerminal, type RunResult, type Sandbox } from './vault-cli.js';

/**
 * The attacker of issue 10: an agent with a shell in a repository, as the same OS user, no
 * terminal (stdin is a pipe), able to create files, links and repositories anywhere it can
 * write. Its home holds the vault home (~/.agent-vault, 0700) beside the repository.
 */
export interface AgentWorld {
  /** The user's home. */
  home: string;
  /** $AGENT_VAULT_HOME. */
  vault: string;
  /** The repository the agent works in (its cwd). */
  repo: string;
  env: NodeJS.ProcessEnv;
  /** The agent: the built CLI in the repository (or `cwd`), stdin a pipe. */
  agent(args: string[], input?: string | Buffer | 'ignore', opts?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** The person: the built CLI in a real pseudo-terminal (util-linux script), typing `steps`. */
  person(commandLine: string, steps?: { after: string; keys: string }[], opts?: { cwd?: string }): Promise<{ code: number | null; screen: string }>;
  git(args: string[], opts?: { cwd?: string }): { code: number | null; stdout: string; stderr: string };
}

export function agentWorld(dirs: string[]): AgentWorld {
  const root = tempDir('av-agent-');
  dirs.push(root);
  const home = join(root, 'home');
  const vault = join(home, '.agent-vault');
  const repo = join(home, 'work', 'repo');
  mkdirSync(repo, { recursive: true });
  const env = isolatedEnv(home); // AGENT_VAULT_HOME = ~/.agent-vault
  const sandboxAt = (cwd: string): Sandbox => ({ dir: cwd, home: vault, env });
  const git = (args: string[], opts: { cwd?: string } = {}) => {
    const r = spawnSync('git', args, { cwd: opts.cwd ?? repo, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
  };
  git(['init', '-q']);
  return {
    home,
    vault,
    repo,
    env,
    agent: (args, input = 'ignore', opts = {}) => run(sandboxAt(opts.cwd ?? repo), args, input, opts.env),
    person: (commandLine, steps = [], opts = {}) => runInTerminal(sandboxAt(opts.cwd ?? repo), commandLine, steps),
    git,
  };
}

/** A person stores a value at the terminal: `agent-vault set KEY` with the masked prompt. */
export async function personSets(world: AgentWorld, key: string, value: string, extra = '', cwd?: string): Promise<void> {
  const r = await world.person(`set ${key}${extra ? ' ' + extra : ''}`, [{ after: `Enter value for "${key}": `, keys: `${value}\r` }], cwd ? { cwd } : {});
  if (r.code !== 0) throw new Error(`set ${key} at the terminal failed (${r.code}): ${r.screen}`);
}

export const fileText = (path: string) => readFileSync(path, 'utf8');
export { removeDir };
