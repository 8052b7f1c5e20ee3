import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { refusal, usageError } from '../../errors.js';
import { GIT_MSG, MSG } from '../../messages.js';
import { unboundUses } from '../../git/bind-from-repo.js';
import { createFilterEngine, NO_PATHNAME } from '../../git/filter-engine.js';
import { serveFilterProcess } from '../../git/filter-process.js';
import { indexMatcher } from '../../git/index-blobs.js';
import { hookBlocked, hookPassed, runHookGate } from '../../gate/hooks.js';
import { gateStatus, install, uninstall, type HookName, type Runtime } from '../../git/install.js';
import { repoRoot } from '../../platform/exec.js';
import { classifyTarget, ProtectedFolders } from '../../platform/safe-path.js';
import { resolve } from 'node:path';
import { vaultReady, type VaultSession, type VaultState } from '../../session/session.js';
import { formatDuration } from './locking.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { configFor, selfInvocation, withSession } from '../shared.js';

/**
 * What git and hooks run: node itself and this package's bin, both absolute, so it works from
 * any folder and with any PATH (GUI clients and IDEs often have a minimal one).
 */
function selfRuntime(): Runtime {
  const [node, bin] = selfInvocation();
  return { node, bin };
}

function shimTemplate(hook: HookName): string {
  return readFileSync(fileURLToPath(new URL(`../hooks/${hook}`, import.meta.url)), 'utf8');
}

function needRepo(ctx: CliContext): string {
  const root = repoRoot(ctx.cwd);
  if (!root) throw usageError(MSG.notAGitRepo(ctx.cwd), 'Run this inside the git repository to protect.');
  return root;
}

/** git runs filters at the work tree root. */
function engineFor(ctx: CliContext, session: VaultSession) {
  return createFilterEngine({
    session,
    repo: ctx.cwd,
    loadConfig: () => configFor(ctx, undefined).config,
    warn: (line) => ctx.stderr.write(line + '\n'),
    matchesIndex: indexMatcher(ctx.cwd, ctx.env),
  });
}

export function registerGit(program: Command, ctx: CliContext): void {
  program
    .command('filter-process')
    .description("Serve git's long-running clean/smudge filter protocol on stdin/stdout (run by git, set up by install).")
    .action(() =>
      withSession(ctx, async (session) => {
        const engine = engineFor(ctx, session);
        await serveFilterProcess(ctx.stdin as AsyncIterable<Buffer>, ctx.stdout, () => engine, (line) => ctx.stderr.write(line + '\n'));
      }),
    );

  for (const direction of ['clean', 'smudge'] as const) {
    program
      .command(direction)
      .description(direction === 'clean'
        ? 'Single-file clean filter: stdin with vaulted values replaced by placeholders, on stdout.'
        : 'Single-file smudge filter: stdin with placeholders replaced by vault values, on stdout.')
      .argument('[path]', direction === 'clean'
        ? 'the path git is filtering (%f), for messages and the scanner'
        : 'the path git is checking out (%f): values are restored only for keys bound to it (none without a path)')
      .action(async (path: string | undefined) => {
        const input = await readAll(ctx.stdin);
        const out = await withSession(ctx, (session) => {
          // The path names the file the output is for; it is never read, but never one of the vault's own either.
          if (path !== undefined) {
            const refused = classifyTarget(resolve(ctx.cwd, path), new ProtectedFolders([session.home]), { folderOk: true });
            if (refused?.code === 'PATH_IN_VAULT_HOME') throw refusal(MSG.pathInVaultHome(path, refused.root), MSG.pathInVaultHomeHint, refused.code);
          }
          // Without a path there is no destination any binding can allow: placeholders stay.
          return engineFor(ctx, session)[direction](input, path ?? NO_PATHNAME);
        });
        await new Promise<void>((resolve, reject) => ctx.stdout.write(out, (e) => (e ? reject(e) : resolve())));
      });
  }

  program
    .command('install')
    .description('Protect this repository: filter driver, .gitattributes lines for protected paths, pre-commit and pre-push hooks.')
    .option('--hooks-path <dir>', 'install the hook shims in this folder (e.g. a shared core.hooksPath you manage)')
    .option('--no-hooks', 'only the filter and .gitattributes: lefthook or the pre-commit framework runs the gate (README, "Git gate")')
    .addHelpText('after', `
Never clobbers: an existing hook is renamed to <hook>.agent-vault-chained and run first;
husky's .husky/<hook> gets one line; a core.hooksPath outside the repository is refused
(use --hooks-path to choose it deliberately). Idempotent. Protected files already checked
out are checked out again through the filter, except files with uncommitted changes.
Undo everything with agent-vault uninstall.`)
    .action(async (opts: { hooksPath?: string; hooks: boolean }) => {
      const repo = needRepo(ctx);
      const { config } = configFor(ctx, undefined);
      const report = install({ repo, protectedGlobs: config.protected, runtime: selfRuntime(), shimTemplate, env: ctx.env, hooks: opts.hooks, ...(opts.hooksPath ? { hooksPath: opts.hooksPath } : {}) });
      const lines = report.actions.length ? report.actions.map((a) => `✓ ${a}`) : ['✓ already installed; nothing to change'];
      if (report.actions.some((a) => a.startsWith('.gitattributes'))) lines.push('→ commit .gitattributes so every clone filters the protected paths (the pre-commit gate checks the committed attributes)');
      if (config.protected.length === 0) lines.push('! no protected paths yet: list globs under protected: in .agent-vault.yaml and run install again');
      await writeOut(ctx.stdout, lines.join('\n') + '\n');
      for (const w of report.warnings) await writeOut(ctx.stderr, `! ${w}\n`);
      const unbound = await withSession(ctx, (session) => unboundUses(repo, ctx.env, config.protected, session));
      if (unbound.length) await writeOut(ctx.stderr, `! ${GIT_MSG.unboundHere(unbound)}\n`);
    });

  program
    .command('uninstall')
    .description('Undo install: restore hooks, .gitattributes and git config exactly as they were.')
    .action(async () => {
      const repo = needRepo(ctx);
      const report = uninstall(repo);
      await writeOut(ctx.stdout, report.actions.map((a) => `✓ ${a}\n`).join(''));
      for (const w of report.warnings) await writeOut(ctx.stderr, `! ${w}\n`);
    });

  program
    .command('status')
    .description('Report what of the git gate is installed in this repository and what is missing (exit 1 if anything is); with --vault, the vault: key provider, locked or unlocked, time left (safe).')
    .option('--vault', 'report the vault instead: key provider, locked or unlocked, and the time before it locks itself')
    .action(async (opts: { vault?: boolean }) => {
      if (opts.vault) return withSession(ctx, async (session) => writeOut(ctx.stdout, vaultStatusText(await session.state(), session.home)));
      const repo = needRepo(ctx);
      const { config } = configFor(ctx, undefined);
      const items = gateStatus(repo, config.protected, ctx.env);
      const vaultLine = await withSession(ctx, (session) =>
        vaultReady(session).then(
          () => '✓ vault: available',
          (e: Error) => `! vault: unavailable (${e.message}); smudge leaves placeholders`,
        ),
      );
      const unbound = await withSession(ctx, (session) => unboundUses(repo, ctx.env, config.protected, session));
      const bindLine = unbound.length ? `! bindings: ${GIT_MSG.unboundHere(unbound)}\n` : '';
      const text = items.map((i) => `${i.ok ? '✓' : '✗'} ${i.what}: ${i.detail}`).join('\n') + `\n${vaultLine}\n${bindLine}`;
      await writeOut(ctx.stdout, text);
      const missing = items.filter((i) => !i.ok).length;
      if (missing) await writeOut(ctx.stderr, `${missing} missing. ${GIT_MSG.notInstalledHint}\n`);
      ctx.exitCode = missing ? 1 : 0;
    });

  program
    .command('hook')
    .description('Run a git hook gate (called by the shims in hooks/): pre-commit or pre-push.')
    .argument('<name>', 'pre-commit or pre-push')
    .argument('[args...]', 'what git passed to the hook (pre-push: remote name and URL)')
    .action(async (name: string) => {
      if (name !== 'pre-commit' && name !== 'pre-push') throw usageError(`unknown hook "${name}"`, 'Use agent-vault hook pre-commit or agent-vault hook pre-push.');
      if (ctx.env.AGENT_VAULT_SKIP === '1') {
        await writeOut(ctx.stderr, GIT_MSG.skipAnnounced(name) + '\n');
        return;
      }
      const stdin = name === 'pre-push' ? (await readAll(ctx.stdin)).toString('utf8') : '';
      const result = await runHookGate(name, { cwd: ctx.cwd, env: ctx.env, stdin });
      for (const n of result.notes) await writeOut(ctx.stderr, n + '\n');
      if (result.failing) throw hookBlocked(name, result);
      await writeOut(ctx.stderr, hookPassed(name, result));
    });
}

/** `status --vault`: what a person (or an agent) may know about the vault: never a value. */
function vaultStatusText(state: VaultState, home: string): string {
  const lines = [`vault:     ${home}${state.exists ? '' : ' (none yet: agent-vault init creates it)'}`, `provider:  ${state.provider}`];
  if (state.exists) {
    if (state.locked) lines.push('state:     locked (agent-vault unlock, in your terminal, unlocks it)');
    else if (state.expires) lines.push(`state:     unlocked; locks in ${formatDuration(state.expires.idleMs)} without use, in ${formatDuration(state.expires.absoluteMs)} at most`);
    else lines.push('state:     open (its key is always available to agent-vault)');
  }
  return lines.join('\n') + '\n';
}
