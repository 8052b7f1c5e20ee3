import type { Command } from 'commander';
import { numberedChunks, readForAgent, writeForAgent, type AgentFiles } from '../../agents/files.js';
import { CONFIG_DISCOVERY } from '../../config/config.js';
import { refusal, usageError } from '../../errors.js';
import { MSG, shellWord } from '../../messages.js';
import type { VaultSession } from '../../session/session.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { configFor, selfInvocation, withSession } from '../shared.js';

/**
 * The agent's file commands, read and write: safe (they never print a value) and run
 * anywhere. The work is in agents/files.ts.
 */
export function registerFiles(program: Command, ctx: CliContext): void {
  const configHelp = `configuration file (decides what read treats as suspect); looked up in order: ${CONFIG_DISCOVERY.join(', then ')}`;

  program
    .command('read')
    .description('Print a file like cat -n with every vaulted value shown as <agent-vault:KEY> and unvaulted suspects as UNVAULTED markers (safe: never prints a value).')
    .argument('<file>', 'file to read')
    .option('-c, --config <file>', configHelp)
    .action(async (file: string, opts: { config?: string }) =>
      withSession(ctx, async (session) => {
        const view = await readForAgent(agentFiles(ctx, session, opts.config), file);
        // Each piece reuses one buffer: write it out before asking for the next.
        for (const piece of numberedChunks(view.view)) await new Promise<void>((res, rej) => ctx.stdout.write(piece, (err) => (err ? rej(err) : res())));
        if (view.unvaulted) await writeOut(ctx.stderr, MSG.unvaultedNote(view.unvaulted) + '\n');
        // Placeholders of keys that come from elsewhere than the local vault say where from.
        const sources = view.keys.length ? (await session.list()).filter((m) => m.source && m.source !== 'local' && view.keys.includes(m.key)) : [];
        if (sources.length) await writeOut(ctx.stderr, MSG.keySourcesNote(sources.map((m) => `${m.key} (${m.source})`)) + '\n');
      }),
    );

  program
    .command('write')
    .description('Write a file from content holding placeholders; the real values land on disk (safe: prints only a status line).')
    .argument('<file>', 'file to write (replaced atomically, keeping its mode)')
    .option('--content <text>', 'the new content (default: read standard input)')
    .option('--reason <text>', 'why the agent needs the value here: shown to the person asked to approve a use outside the bindings')
    .option('--wait <seconds>', 'wait this long for a person to approve (default 0: print pending ID and exit 1)', '0')
    .option('--outside-repo', 'allow a file outside the repository (outside git: outside the current folder); needs a terminal')
    .option('-c, --config <file>', configHelp)
    .addHelpText(
      'after',
      `
Placeholders <agent-vault:KEY> become the vault's values, but only in files the key is bound
to (agent-vault bind KEY FILE, set by a person in a terminal). An <agent-vault:UNVAULTED:sha256:...>
marker becomes the bytes it hides in the file as it is now (so editing one line never destroys a
secret you could not see); a marker that matches nothing refuses the write. The file must be in
the repository of the current folder (outside git: inside the current folder), never in the
vault home. A new file that receives a value is created with mode 0600.

Exit status:
  0  written
  1  refused, nothing written: a key is not in the vault, a marker matches nothing, the file
     is outside the repository or in the vault home; or a key is not bound to this file, in
     which case a person's approval is requested ("pending ID": agent-vault approve ID in
     their terminal; run the same write again after, or wait with --wait SECONDS)
  2  usage or runtime error`,
    )
    .action(async (file: string, opts: { content?: string; config?: string; outsideRepo?: boolean; reason?: string; wait: string }) => {
      const waitSeconds = Number(opts.wait);
      if (!/^\d{1,4}$/.test(opts.wait)) throw usageError(`--wait ${opts.wait} is not a number of seconds`, 'Use a whole number of seconds, e.g. --wait 60.');
      if (opts.outsideRepo && !ctx.stdin.isTTY) {
        throw refusal('write --outside-repo needs an interactive terminal', `Writing outside the repository is a person's decision. Ask the user to run it in their own terminal: agent-vault write ${shellWord(file)} --outside-repo`, 'TTY_REQUIRED');
      }
      let content: Buffer;
      if (opts.content !== undefined) content = Buffer.from(opts.content, 'utf8');
      else if (ctx.stdin.isTTY) throw usageError('write needs the new content', 'Pass it with --content TEXT or on standard input (e.g. a heredoc).');
      else content = await readAll(ctx.stdin);
      const { restored } = await withSession(ctx, (session) => writeForAgent({ ...agentFiles(ctx, session, opts.config), approvals: { ...(opts.reason ? { reason: opts.reason } : {}), waitSeconds, self: selfInvocation(), env: ctx.env } }, file, content, { outsideRepo: !!opts.outsideRepo }));
      await writeOut(ctx.stdout, MSG.written(file, restored) + '\n');
    });
}

function agentFiles(ctx: CliContext, session: VaultSession, configPath: string | undefined): AgentFiles {
  return { cwd: ctx.cwd, session, settings: () => configFor(ctx, configPath) };
}
