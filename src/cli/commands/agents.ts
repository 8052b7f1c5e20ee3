import { Option, type Command } from 'commander';
import { CLIENTS, runGuard, type Client } from '../../agents/guard/hook.js';
import { hookStatus, installHooks, uninstallHooks } from '../../agents/guard/install.js';
import { parseRunKey, runWithSecrets } from '../../agents/run.js';
import { openSession } from '../../session/local.js';
import { VERSION } from '../../platform/version.js';
import { CONFIG_DISCOVERY } from '../../config/config.js';
import { usageError } from '../../errors.js';
import { GUARD_MSG } from '../../messages.js';
import { repoRoot } from '../../platform/exec.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { requireTerminal } from '../prompt.js';
import { configFor, selfInvocation, withSession } from '../shared.js';

/** The agent integrations: run (values into a command's environment, its output redacted), the guard hooks. */
export function registerAgents(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description("Start a command with vault values in its environment; its output is shown as the agent view (safe: never prints a value). Exits with the command's status.")
    .option('-k, --key <spec>', 'KEY or KEY=ENVNAME: put the value of KEY in ENVNAME (default: KEY upper-cased, - as _); repeatable', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--env-file <file>', 'a dotenv file whose <agent-vault:KEY> placeholders are resolved into the environment (read, never written)')
    .option('--no-pty', 'give the command pipes even when this is a terminal')
    .option('-c, --config <file>', `configuration file (decides what the output view treats as suspect); looked up in order: ${CONFIG_DISCOVERY.join(', then ')}`)
    .argument('<command...>', 'the command and its arguments (after --)')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
A key's value goes only to commands a person allowed for it, in a terminal:
  agent-vault bind KEY --command 'npm run migrate*'
The command's standard output and error are shown with every vaulted value (raw, base64,
URL- or JSON-encoded) as <agent-vault:KEY> or an UNVAULTED marker, and scanner findings on
complete lines as UNVAULTED markers. With a terminal, the command gets one (util-linux script).

Exit status: the command's own, or 128 + the signal that ended it; 127 command not found;
1 refused (a key not in the vault or not allowed for this command), 2 usage error.`,
    )
    .action(async (command: string[], opts: { key: string[]; envFile?: string; pty: boolean; config?: string }) => {
      const keys = opts.key.map(parseRunKey);
      const result = await withSession(ctx, (session) =>
        runWithSecrets(session, {
          argv: command,
          keys,
          ...(opts.envFile !== undefined ? { envFile: opts.envFile } : {}),
          cwd: ctx.cwd,
          env: ctx.env,
          stdin: ctx.stdin,
          stdout: ctx.stdout,
          stderr: ctx.stderr,
          settings: () => configFor(ctx, opts.config),
          ...(opts.pty ? {} : { pty: false }),
        }),
      );
      ctx.exitCode = result.status;
    });

  program
    .command('mcp')
    .description('Serve the MCP tools (list_secrets, read_file, write_file, run_with_secrets, scan, ...) over stdio for an agent client; no tool returns a value (safe).')
    .action(async () => {
      // Loaded only here: the MCP SDK (and its schema libraries) is not evaluated by other commands.
      const { startMcpServer } = await import('../../agents/mcp/server.js');
      await startMcpServer({ cwd: ctx.cwd, env: ctx.env, openSession: () => openSession(ctx.env, ctx.cwd), settings: () => configFor(ctx, undefined) }, VERSION);
    });

  program
    .command('guard')
    .description("The agent hooks' runtime: reads one hook event of the client as JSON on standard input and answers in its format (installed by agent-hooks install; safe: never prints a value).")
    .addOption(new Option('--client <client>', 'the agent client whose wire format this is').choices(CLIENTS).makeOptionMandatory())
    .action(async (opts: { client: Client }) => {
      let input: unknown;
      try {
        input = JSON.parse((await readAll(ctx.stdin)).toString('utf8'));
      } catch {
        input = undefined;
      }
      let answer;
      try {
        if (input === undefined) throw usageError('guard: standard input is not JSON', 'The client passes its hook event as JSON.');
        answer = await withSession(ctx, (session) => runGuard(opts.client, input, { session, env: ctx.env, cwd: ctx.cwd, settings: () => configFor(ctx, undefined) }));
      } catch {
        // Fail closed in the client's own terms: Cursor reads a deny, the others block on exit 2.
        answer = opts.client === 'cursor' ? { stdout: JSON.stringify({ permission: 'deny', user_message: GUARD_MSG.failed, agent_message: GUARD_MSG.failed }) + '\n', stderr: '', exitCode: 0 } : { stdout: '', stderr: GUARD_MSG.failed + '\n', exitCode: 2 };
      }
      await writeOut(ctx.stdout, answer.stdout);
      await writeOut(ctx.stderr, answer.stderr);
      ctx.exitCode = answer.exitCode;
    });

  const hooks = program.command('agent-hooks').description('Install, remove or show the guard hooks of AI coding agents (Claude Code, Cursor, Codex) in this project.');
  const clientsOf = (opts: Partial<Record<Client, boolean>>): Client[] => {
    const chosen = CLIENTS.filter((c) => opts[c]);
    if (!chosen.length) throw usageError('name at least one client', 'agent-vault agent-hooks install --claude (or --cursor, --codex)');
    return chosen;
  };
  const rootOf = () => repoRoot(ctx.cwd) ?? ctx.cwd;
  const withClients = (c: Command) => c.option('--claude', 'Claude Code (.claude/settings.json)').option('--cursor', 'Cursor (.cursor/hooks.json)').option('--codex', 'Codex (.codex/hooks.json)');
  withClients(hooks.command('install').description('Merge the guard hooks into the clients\' project settings, keeping every other hook.')).action(async (opts: Partial<Record<Client, boolean>>) => {
    const lines: string[] = [];
    for (const client of clientsOf(opts)) {
      const r = installHooks(rootOf(), client, selfInvocation());
      lines.push(`✓ ${client}: guard hooks on ${r.events.join(', ')} in ${r.file}`);
    }
    await writeOut(ctx.stdout, lines.join('\n') + '\n');
  });
  withClients(hooks.command('uninstall').description("Remove exactly the guard hooks install added. Sensitive: needs a terminal (an agent does not remove its own guard).")).action(async (opts: Partial<Record<Client, boolean>>) => {
    const clients = clientsOf(opts);
    requireTerminal(ctx, `agent-hooks uninstall ${clients.map((c) => '--' + c).join(' ')}`);
    const lines = clients.map((client) => {
      const r = uninstallHooks(rootOf(), client);
      return r.events.length ? `✓ ${client}: guard hooks removed from ${r.file}` : `  ${client}: no guard hooks in ${r.file}`;
    });
    await writeOut(ctx.stdout, lines.join('\n') + '\n');
  });
  hooks
    .command('status')
    .description('Which clients have the guard hooks in this project (exit 1 when a named client lacks any).')
    .option('--claude')
    .option('--cursor')
    .option('--codex')
    .action(async (opts: Partial<Record<Client, boolean>>) => {
      const chosen = CLIENTS.filter((c) => opts[c]);
      const lines: string[] = [];
      let missing = false;
      for (const client of chosen.length ? chosen : CLIENTS) {
        const s = hookStatus(rootOf(), client);
        if (s.missing.length && chosen.length) missing = true;
        lines.push(s.installed.length ? `${s.missing.length ? '!' : '✓'} ${client}: ${s.installed.join(', ')}${s.missing.length ? ` (missing: ${s.missing.join(', ')})` : ''} in ${s.file}` : `  ${client}: not installed`);
      }
      await writeOut(ctx.stdout, lines.join('\n') + '\n');
      if (missing) ctx.exitCode = 1;
    });
}
