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
import { literalGlob, normalizeBinding } from '../../vault/bindings.js';
import { vaultDoctor } from '../../vault/doctor.js';
import { parseDotenv, planImport } from '../../vault/dotenv.js';
import { vaultMissing, vaultPaths, vaultProvider, type KeyMeta } from '../../vault/index.js';
import { initPassphraseVault } from '../../vault/migrate.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { requireTerminal, withTerminal } from '../prompt.js';
import { configFor, withSession } from '../shared.js';
import { askNewPassphrase, asPerson } from '../person.js';

import { runSet, type SetOpts } from './set.js';
import { checkKey, ensureVault, metaOf } from './vault-keys.js';
/**
 * The vault commands. Safe ones (has, list) never print a value and run anywhere; sensitive
 * ones (init, set, get, rm, import) need an interactive terminal, except `set --stdin` /
 * `set --from-env` for scripts. Every one talks to the vault through its session.
 */
export function registerVault(program: Command, ctx: CliContext): void {
  const run = <A extends unknown[]>(fn: (session: VaultSession, ...args: A) => Promise<void>) => (...args: A) => withSession(ctx, (session) => fn(session, ...args));

  program
    .command('has')
    .description('Tell whether the vault holds each key (safe). Exit 0 only if all are present.')
    .argument('<keys...>', 'key names')
    .option('--json', 'print {"KEY": true|false, ...}')
    .action(run((session, keys: string[], opts: { json?: boolean }) => runHas(ctx, session, keys, opts)));

  program
    .command('list')
    .description('List key names and descriptions (safe: never values).')
    .option('--json', 'print {"keys": [{"key": ..., "desc": ..., "bindings": [...], "internal": ...}]}')
    .action(run((session, opts: { json?: boolean }) => runList(ctx, session, opts)));

  program
    .command('init')
    .description(`Create the vault in $AGENT_VAULT_HOME (default ~/.agent-vault). Sensitive: needs a terminal.`)
    .option('--passphrase', 'protect it with a passphrase (asked twice) instead of a key file; then agent-vault unlock opens it for a while')
    .action(
      run(async (session, opts: { passphrase?: boolean }) => {
        requireTerminal(ctx, opts.passphrase ? 'init --passphrase' : 'init');
        if (opts.passphrase) return runInitPassphrase(ctx, session.home);
        const { created } = await session.init();
        await writeOut(ctx.stdout, created ? `✓ Initialized vault at ${session.home}\n` : `Vault already initialized at ${session.home}; nothing changed\n`);
      }),
    );

  program
    .command('set')
    .description('Store a secret value (masked prompt; asks before overwriting). Sensitive: needs a terminal, except with --stdin or --from-env, which only create new keys.')
    .argument('<key>', 'key name: lower-case letters, digits, hyphens')
    .option('--desc <text>', 'a description shown by list and get')
    .option('--stdin', 'read the value from standard input (for scripts; one trailing newline is dropped; creates a key, never replaces one)')
    .option('--from-env <var>', 'take the value from an environment variable (for scripts; creates a key, never replaces one)')
    .option('--path <globs...>', 'bind the key to these files: where write and checkouts may put its value (terminal only; relative to this folder; with --team, to the repository root)')
    .option('--team', "store it in this repository's team vault (agent-vault team init), encrypted to every member")
    .action(run((session, key: string, opts: SetOpts) => runSet(ctx, session, key, opts)));

  program
    .command('get')
    .description("Show a key's metadata; with --reveal, its value. Sensitive: needs a terminal (--reveal: on stdout too).")
    .argument('<key>', 'key name')
    .option('--reveal', 'print the value itself')
    .action(run((session, key: string, opts: { reveal?: boolean }) => runGet(ctx, session, key, opts)));

  program
    .command('rm')
    .description('Remove a key and its earlier values (asks first). Sensitive: needs a terminal.')
    .argument('<key>', 'key name')
    .action(run((session, key: string) => runRm(ctx, session, key)));

  program
    .command('import')
    .description('Import the variables of a .env file (preview, then asks) and bind each imported key to that file. Sensitive: needs a terminal.')
    .argument('<file>', '.env file')
    .action(run((session, file: string) => runImport(ctx, session, file)));
}




function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}

// ---------------------------------------------------------------------------------------
// Safe commands

/** Exit status 1 when a key is missing is the answer to the question asked, not a failure. */
async function runHas(ctx: CliContext, session: VaultSession, keys: string[], opts: { json?: boolean }): Promise<void> {
  keys.forEach(checkKey);
  const found = await session.has(keys);
  const present = keys.map((k, i) => [k, found[i]!] as const);
  // Where a key resolved from, when not this machine's vault (the team vault, a provider).
  const sources = new Map((await session.list()).map((m) => [m.key, m.source]));
  const from = (k: string, p: boolean) => (p && sources.get(k) && sources.get(k) !== 'local' ? ` (${sources.get(k)})` : '');
  if (opts.json) await writeOut(ctx.stdout, JSON.stringify(Object.fromEntries(present), null, 2) + '\n');
  else if (keys.length === 1) await writeOut(ctx.stdout, `${present[0]![1]}${from(keys[0]!, present[0]![1])}\n`);
  else await writeOut(ctx.stdout, present.map(([k, p]) => `${k}: ${p}${from(k, p)}`).join('\n') + '\n');
  ctx.exitCode = present.every(([, p]) => p) ? 0 : 1;
}

async function runList(ctx: CliContext, session: VaultSession, opts: { json?: boolean }): Promise<void> {
  const metas = await session.list();
  if (opts.json) {
    await writeOut(ctx.stdout, JSON.stringify({ keys: metas.map((m) => ({ key: m.key, desc: m.description, bindings: m.bindings, internal: m.internal, source: m.source ?? 'local' })) }, null, 2) + '\n');
    return;
  }
  const width = Math.max(0, ...metas.map((m) => m.key.length));
  const label = (m: KeyMeta) => (m.source && m.source !== 'local' ? `[${m.source}]` : '');
  await writeOut(ctx.stdout, metas.map((m) => (m.description || label(m) ? `${m.key.padEnd(width)}  ${[label(m), m.description ? oneLine(m.description) : ''].filter(Boolean).join(' ')}` : m.key) + '\n').join(''));
  if (!(await session.state()).exists) await writeOut(ctx.stderr, `no vault yet at ${session.home} (the user creates it with: agent-vault init)\n`);
}

// ---------------------------------------------------------------------------------------
// Sensitive commands


async function runGet(ctx: CliContext, session: VaultSession, key: string, opts: { reveal?: boolean }): Promise<void> {
  checkKey(key);
  requireTerminal(ctx, `get ${key}${opts.reveal ? ' --reveal' : ''}`);
  if (opts.reveal && !ctx.stdout.isTTY) throw refusal(MSG.revealNeedsTerminal, MSG.revealNeedsTerminalHint, 'TTY_REQUIRED');
  // The value leaves the vault for the person only: with a passphrase vault they prove it.
  if (opts.reveal) await asPerson(ctx, session);
  const meta = await metaOf(session, key);
  if (!meta) throw refusal(MSG.secretNotFound([key]), MSG.secretNotFoundHint([key]), 'SECRET_NOT_FOUND');
  if (opts.reveal) {
    // The stored bytes as they are (a value need not be UTF-8), then a newline.
    const value = Buffer.concat([(await session.valueFor(key, { kind: 'terminal' }))!, Buffer.from('\n')]);
    await new Promise<void>((res, rej) => ctx.stdout.write(value, (err) => (err ? rej(err) : res())));
    return;
  }
  const lines = [
    `Key:      ${meta.key}`,
    `Desc:     ${meta.description ? oneLine(meta.description) : '-'}`,
    `Created:  ${meta.created}`,
    `Set at:   ${meta.updated}`,
    `Length:   ${meta.length} chars`,
    `Earlier:  ${meta.earlierValues} value${meta.earlierValues === 1 ? '' : 's'} kept for redaction`,
    `Bound to: ${meta.internal ? '- (internal: never written anywhere)' : meta.bindings.length ? meta.bindings.join(', ') : '- (nowhere: agent-vault bind ' + key + ' FILE)'}`,
  ];
  await writeOut(ctx.stdout, lines.join('\n') + '\n');
}

async function runRm(ctx: CliContext, session: VaultSession, key: string): Promise<void> {
  checkKey(key);
  requireTerminal(ctx, `rm ${key}`);
  await asPerson(ctx, session);
  if (!(await metaOf(session, key))) throw refusal(MSG.secretNotFound([key]), 'Nothing to remove; agent-vault list shows the keys there are.', 'SECRET_NOT_FOUND');
  await withTerminal(ctx, async (input) => {
    if (!(await input.confirm(`Remove "${key}"?`, false))) throw refusal('not removed', 'Nothing was changed.', 'CANCELLED');
  });
  await session.remove(key);
  await writeOut(ctx.stdout, `✓ Removed "${key}"\n`);
}

async function runInitPassphrase(ctx: CliContext, home: string): Promise<void> {
  const existing = vaultProvider(home);
  if (existing) {
    await writeOut(ctx.stdout, `Vault already initialized at ${home} (${existing.provider === 'passphrase' ? 'passphrase' : 'key file'}); nothing changed${existing.provider === 'keyfile' ? '. To protect it with a passphrase: agent-vault key migrate --to passphrase' : ''}\n`);
    return;
  }
  const passphrase = await withTerminal(ctx, (input) => askNewPassphrase(ctx, input));
  await initPassphraseVault(home, passphrase);
  await writeOut(ctx.stdout, `✓ Initialized vault at ${home}, protected by a passphrase. Run agent-vault unlock to use it (agent-vault totp enable adds a second factor).\n`);
}

async function runImport(ctx: CliContext, session: VaultSession, file: string): Promise<void> {
  requireTerminal(ctx, `import ${file}`);
  await asPerson(ctx, session);
  const entries = parseDotenv(readAgentFile({ cwd: ctx.cwd, session }, file).toString('utf8'));
  // Every imported key may be materialised in the file it came from, and nowhere else yet.
  const binding = normalizeBinding(literalGlob(resolve(ctx.cwd, file)), ctx.cwd);
  const notes = await ensureVault(session);
  const { rows, values } = planImport(entries, new Set((await session.list()).map((m) => m.key)));
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  const lines = [`Found ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} in ${file}:`];
  // The preview names the reason, never the value (it may be a secret after all).
  for (const r of rows) lines.push(`  ${r.name.padEnd(width)} → ${r.skip ? `(skip: ${r.skip})` : `${r.key}${r.replaces ? ' (replaces the stored value; the earlier one is kept for redaction)' : ''}`}`);
  for (const n of notes) await writeOut(ctx.stderr, n + '\n');
  await writeOut(ctx.stdout, lines.join('\n') + '\n');
  if (!values.length) {
    await writeOut(ctx.stdout, 'Nothing to import.\n');
    return;
  }
  await withTerminal(ctx, async (input) => {
    if (!(await input.confirm(`Import ${values.length} ${values.length === 1 ? 'secret' : 'secrets'}?`, true))) throw refusal('not imported', 'Nothing was changed.', 'CANCELLED');
  });
  await session.set(values.map((v) => ({ ...v, bindings: [binding] })), { interactive: true });
  await writeOut(ctx.stdout, `✓ Imported ${values.length} ${values.length === 1 ? 'secret' : 'secrets'}, bound to ${binding}\n`);
}






