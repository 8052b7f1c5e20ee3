import type { Command } from 'commander';
import { resolve } from 'node:path';
import { readAgentFile } from '../../agents/files.js';
import { isValidKey } from '../../core/placeholder.js';
import { MIN_VALUE_BYTES } from '../../core/redact.js';
import { refusal, usageError } from '../../errors.js';
import { placeholderUses } from '../../git/bind-from-repo.js';
import { MSG, shellWord } from '../../messages.js';
import { repoRoot } from '../../platform/exec.js';
import type { VaultSession } from '../../session/session.js';
import { COMMAND_BINDING_PREFIX, commandBinding, isCommandBinding, literalGlob, normalizeBinding } from '../../vault/bindings.js';
import { vaultDoctor } from '../../vault/doctor.js';
import { guardDoctor } from '../../agents/guard/doctor.js';
import { parseDotenv, planImport } from '../../vault/dotenv.js';
import { vaultMissing, vaultPaths, vaultProvider, type KeyMeta } from '../../vault/index.js';
import { initPassphraseVault } from '../../vault/migrate.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { requireTerminal, withTerminal } from '../prompt.js';
import { configFor, withSession } from '../shared.js';
import { asPerson } from '../person.js';
import { checkKey, ensureVault, metaOf } from './vault-keys.js';


/**
 * Where a key's value may go (bind, unbind), its earlier values (prune), and the vault's
 * health (doctor, recover). Sensitive ones need a terminal; doctor is safe.
 */
export function registerBindings(program: Command, ctx: CliContext): void {
  const run = <A extends unknown[]>(fn: (session: VaultSession, ...args: A) => Promise<void>) => (...args: A) => withSession(ctx, (session) => fn(session, ...args));

  program
    .command('doctor')
    .description('Check the vault: folder and key file permissions, integrity and rollback, keys with no binding, bindings that match no file (safe). Exit 1 if anything needs attention.')
    .action(run((session) => runDoctor(ctx, session)));

  program
    .command('bind')
    .description('Allow a key\'s value in these files (write, smudge and checkouts put it nowhere else). Sensitive: needs a terminal.')
    .argument('[key]', 'key name')
    .argument('[globs...]', 'file paths or globs; relative ones are taken from this folder')
    .option('--from-repo', 'bind every key used as a placeholder in this repository\'s protected files to those files (the migration for keys stored before bindings)')
    .option('--command <patterns...>', "allow commands agent-vault run may start with the value in their environment: a command line where * matches anything, e.g. 'npm run migrate*'")
    .action(run((session, key: string | undefined, globs: string[], opts: { fromRepo?: boolean; command?: string[] }) => runBind(ctx, session, key, globs, opts)));

  program
    .command('unbind')
    .description("Withdraw some or all of a key's bindings. Sensitive: needs a terminal.")
    .argument('<key>', 'key name')
    .argument('[globs...]', 'bindings to remove (as bind took them); none: all of them')
    .action(run((session, key: string, globs: string[]) => runUnbind(ctx, session, key, globs)));

  program
    .command('prune')
    .description("Drop a key's earlier values, which redaction still hides until then (asks first). Sensitive: needs a terminal.")
    .argument('<key>', 'key name')
    .action(run((session, key: string) => runPrune(ctx, session, key)));

  program
    .command('recover')
    .description('Accept the vault file as it is after a refused rollback (VAULT_ROLLBACK), e.g. once you restored vault.json.bak on purpose. Sensitive: needs a terminal.')
    .option('--accept-rollback', 'accept a vault.json older than the generation recorded for it')
    .action(run((session, opts: { acceptRollback?: boolean }) => runRecover(ctx, session, opts)));
}

async function runBind(ctx: CliContext, session: VaultSession, key: string | undefined, globs: string[], opts: { fromRepo?: boolean; command?: string[] }): Promise<void> {
  if (opts.fromRepo) {
    if (key !== undefined) throw usageError('bind --from-repo takes no key or globs', 'Run agent-vault bind --from-repo in the repository, or agent-vault bind KEY GLOB for one key.');
    requireTerminal(ctx, 'bind --from-repo');
    await asPerson(ctx, session);
    return bindFromRepo(ctx, session);
  }
  const commands = opts.command ?? [];
  if (key === undefined || globs.length + commands.length === 0) throw usageError('bind needs a key and at least one file, glob or --command pattern', "agent-vault bind KEY FILE... or agent-vault bind KEY --command 'npm run migrate*' (or agent-vault bind --from-repo in a repository)");
  checkKey(key);
  requireTerminal(ctx, `bind ${key} ${[...globs.map(shellWord), ...commands.map((c) => `--command ${shellWord(c)}`)].join(' ')}`);
  await asPerson(ctx, session);
  if (!(await metaOf(session, key))) throw refusal(MSG.secretNotFound([key]), MSG.secretNotFoundHint([key]), 'SECRET_NOT_FOUND');
  const normalized = [...globs.map((g) => normalizeBinding(g, ctx.cwd)), ...commands.map(commandBinding)];
  const added = await session.bind(key, normalized);
  const already = normalized.filter((g) => !added.includes(g));
  const what = (g: string) => (isCommandBinding(g) ? `run may now start ${g.slice(COMMAND_BINDING_PREFIX.length)} with it` : `may now be written to ${g}`);
  await writeOut(ctx.stdout, [...added.map((g) => `✓ "${key}" ${what(g)}`), ...already.map((g) => `  "${key}" was already bound to ${g}`)].join('\n') + '\n');
}
async function bindFromRepo(ctx: CliContext, session: VaultSession): Promise<void> {
  const repo = repoRoot(ctx.cwd);
  if (!repo) throw usageError(MSG.notAGitRepo(ctx.cwd), 'Run bind --from-repo inside the repository whose protected files use the keys.');
  const { config } = configFor(ctx, undefined);
  const uses = placeholderUses(repo, ctx.env, config.protected);
  const metas = new Map((await session.list()).map((m) => [m.key, m]));
  const plan: { key: string; globs: string[] }[] = [];
  const lines = [`Placeholders in the protected files of ${repo}:`];
  for (const [key, paths] of uses) {
    const meta = metas.get(key);
    const globs = paths.map((p) => literalGlob(p)).filter((g) => !meta?.bindings.includes(g));
    const why = !meta ? 'not in the vault' : meta.internal ? 'internal key, never bound' : globs.length === 0 ? 'already bound' : undefined;
    lines.push(`  ${key} → ${why ? `(skip: ${why})` : globs.join(', ')}`);
    if (!why) plan.push({ key, globs });
  }
  if (uses.size === 0) lines.push('  (none)');
  await writeOut(ctx.stdout, lines.join('\n') + '\n');
  if (!plan.length) {
    await writeOut(ctx.stdout, 'Nothing to bind.\n');
    return;
  }
  await withTerminal(ctx, async (input) => {
    if (!(await input.confirm(`Bind ${plan.length} ${plan.length === 1 ? 'key' : 'keys'}?`, true))) throw refusal('not bound', 'Nothing was changed.', 'CANCELLED');
  });
  for (const p of plan) await session.bind(p.key, p.globs);
  await writeOut(ctx.stdout, `✓ Bound ${plan.length} ${plan.length === 1 ? 'key' : 'keys'}. Files checked out before still hold placeholders: run agent-vault install again to check them out through the filter.\n`);
}
async function runUnbind(ctx: CliContext, session: VaultSession, key: string, globs: string[]): Promise<void> {
  checkKey(key);
  requireTerminal(ctx, `unbind ${key}${globs.length ? ' ' + globs.map(shellWord).join(' ') : ''}`);
  await asPerson(ctx, session);
  const meta = await metaOf(session, key);
  if (!meta) throw refusal(MSG.secretNotFound([key]), 'Nothing to unbind; agent-vault list shows the keys there are.', 'SECRET_NOT_FOUND');
  // A glob as it was typed, or as bind stored it.
  const wanted = globs.length ? globs.flatMap((g) => [g, normalizeBinding(g, ctx.cwd)]) : undefined;
  const removed = await session.unbind(key, wanted);
  if (!removed.length) throw refusal(`"${key}" has no ${globs.length ? 'such binding' : 'bindings'}`, `Nothing was changed. Its bindings: ${meta.bindings.join(', ') || 'none'}`, 'NOT_BOUND');
  await writeOut(ctx.stdout, removed.map((g) => `✓ "${key}" may no longer be written to ${g}`).join('\n') + '\n');
}
async function runPrune(ctx: CliContext, session: VaultSession, key: string): Promise<void> {
  checkKey(key);
  requireTerminal(ctx, `prune ${key}`);
  await asPerson(ctx, session);
  const meta = await metaOf(session, key);
  if (!meta) throw refusal(MSG.secretNotFound([key]), 'Nothing to prune; agent-vault list shows the keys there are.', 'SECRET_NOT_FOUND');
  if (meta.earlierValues === 0) {
    await writeOut(ctx.stdout, `"${key}" keeps no earlier values; nothing to prune\n`);
    return;
  }
  await withTerminal(ctx, async (input) => {
    await writeOut(ctx.stderr, `"${key}" keeps ${meta.earlierValues} earlier value${meta.earlierValues === 1 ? '' : 's'}; once pruned, read and the filter no longer hide ${meta.earlierValues === 1 ? 'it' : 'them'} where ${meta.earlierValues === 1 ? 'it' : 'they'} still appear.\n`);
    if (!(await input.confirm('Prune?', false))) throw refusal('not pruned', 'Nothing was changed.', 'CANCELLED');
  });
  const dropped = await session.prune(key);
  await writeOut(ctx.stdout, `✓ Pruned ${dropped} earlier value${dropped === 1 ? '' : 's'} of "${key}"\n`);
}
async function runRecover(ctx: CliContext, session: VaultSession, opts: { acceptRollback?: boolean }): Promise<void> {
  if (!opts.acceptRollback) throw usageError('recover needs --accept-rollback', 'agent-vault recover --accept-rollback accepts vault.json as it is after a VAULT_ROLLBACK refusal.');
  requireTerminal(ctx, 'recover --accept-rollback');
  await asPerson(ctx, session);
  if (!(await session.state()).exists) throw vaultMissing(session.home);
  await withTerminal(ctx, async (input) => {
    await writeOut(ctx.stderr, `This accepts ${vaultPaths(session.home).file} as the current state of the vault, although an newer one was written before. Values stored since then are not in it.\n`);
    if (!(await input.confirm('Accept it?', false))) throw refusal('not accepted', 'Nothing was changed.', 'CANCELLED');
  });
  const { generation } = await session.acceptRollback();
  await writeOut(ctx.stdout, `✓ Accepted the vault at generation ${generation}\n`);
}
async function runDoctor(ctx: CliContext, session: VaultSession): Promise<void> {
  const report = [...(await vaultDoctor(session.home, vaultPaths(session.home).key, () => session.list(), (await session.state()).exists)), ...guardDoctor(repoRoot(ctx.cwd) ?? ctx.cwd, session.home, ctx.env)];
  const lines = report.map((i) => `${i.ok ? '✓' : '✗'} ${i.what}: ${i.detail}${i.fix ? `\n    fix: ${i.fix}` : ''}`);
  await writeOut(ctx.stdout, lines.join('\n') + '\n');
  const attention = report.filter((i) => !i.ok).length;
  if (attention) await writeOut(ctx.stderr, `${attention} ${attention === 1 ? 'item needs' : 'items need'} attention.\n`);
  ctx.exitCode = attention ? 1 : 0;
}
