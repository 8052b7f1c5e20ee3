import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** A module of commands: the top-level names it registers, and how to load it. */
export interface CommandGroup {
  readonly names: readonly string[];
  readonly load: () => Promise<RegisterCommand>;
}

/**
 * Every command group, in the order `--help` lists them. Each module is loaded only when its
 * command runs: a hook, a filter process or a scan starts without parsing the skill analysis,
 * the team vault's cryptography, the MCP server or the approval page, which is most of the
 * code. `names` must list exactly what the module registers (test/cli-lazy-commands.test.ts).
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { names: ['scan'], load: async () => (await import('./scan.js')).registerScan },
  { names: ['filter-process', 'clean', 'smudge', 'install', 'uninstall', 'status', 'hook'], load: async () => (await import('./git.js')).registerGit },
  { names: ['read', 'write'], load: async () => (await import('./files.js')).registerFiles },
  { names: ['has', 'list', 'init', 'set', 'get', 'rm', 'import'], load: async () => (await import('./vault.js')).registerVault },
  { names: ['doctor', 'bind', 'unbind', 'prune', 'recover'], load: async () => (await import('./bindings.js')).registerBindings },
  { names: ['unlock', 'lock', 'totp', 'key', 'session-agent'], load: async () => (await import('./locking.js')).registerLocking },
  { names: ['request', 'approve', 'deny', 'grants', 'revoke-grant', 'policy', 'webhook-deliver'], load: async () => (await import('./approvals.js')).registerApprovals },
  { names: ['audit'], load: async () => (await import('./audit.js')).registerAudit },
  { names: ['approvals'], load: async () => (await import('./approvals-serve.js')).registerApprovalPage },
  { names: ['skill'], load: async () => (await import('./skill.js')).registerSkill },
  { names: ['run', 'mcp', 'guard', 'agent-hooks'], load: async () => (await import('./agents.js')).registerAgents },
  { names: ['team', 'merge-team'], load: async () => (await import('./team.js')).registerTeam },
];

/**
 * The groups a command line needs: the one(s) registering its command name (the first word
 * that is not an option), or every group for `--help`, `--version`, `help` and unknown names,
 * so help and "did you mean" see every command.
 */
export async function commandsFor(argv: readonly string[]): Promise<RegisterCommand[]> {
  const name = argv.find((a) => !a.startsWith('-'));
  // `--version` alone needs no command at all.
  if (name === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help')) return [];
  const named = name === undefined ? [] : COMMAND_GROUPS.filter((g) => g.names.includes(name));
  return Promise.all((named.length ? named : COMMAND_GROUPS).map((g) => g.load()));
}
