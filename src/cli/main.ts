import { Command, CommanderError } from 'commander';
import { exitCodeFor } from '../errors.js';
import { commandsFor, type RegisterCommand } from './commands/index.js';
import { processContext, type CliContext } from './context.js';
import { formatError } from '../messages.js';
import { BROKEN_PIPE_STATUS, isBrokenPipe } from '../platform/streams.js';

import { VERSION } from '../platform/version.js';

function buildProgram(ctx: CliContext, commands: readonly RegisterCommand[]): Command {
  const program = new Command('agent-vault')
    .description('A secret gate for repositories where AI coding agents work.')
    .version(VERSION, '-V, --version')
    // Program options only before the command name, so a command may have its own
    // --version (skill sign --version V records the skill's version).
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride();
  program.addHelpText(
    'after',
    '\nExit status:\n  0  clean: nothing found, the command succeeded\n  1  findings, or a check or sensitive command refused\n  2  usage, configuration or runtime error\n',
  );
  for (const register of commands) register(program, ctx);
  return program;
}

/** The one place that turns errors into exit codes (each error's own, see exitCodeFor). */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  let program: Command;
  try {
    program = buildProgram(ctx, await commandsFor(argv));
  } catch (error) {
    ctx.stderr.write(formatError(error));
    return exitCodeFor(error);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      if (error.exitCode === 0) return 0;
      return 2;
    }
    // The reader of our output went away: nothing to tell it (see bin.ts).
    if (isBrokenPipe(error)) return BROKEN_PIPE_STATUS;
    ctx.stderr.write(formatError(error));
    return exitCodeFor(error);
  }
}

