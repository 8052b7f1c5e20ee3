import type { Command } from 'commander';
import { parseRunKey, runWithSecrets } from '../../agents/run.js';
import { CONFIG_DISCOVERY } from '../../config/config.js';
import type { CliContext } from '../context.js';
import { configFor, withSession } from '../shared.js';

/** The agent integrations: run (values into a command's environment, its output redacted). */
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
}
