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
import { checkKey, ensureVault, metaOf } from './vault-keys.js';
import { runSetTeam } from './team.js';


/** `set`: a person at the prompt, or a script handing over a new key (never replacing one). */

function checkValue(key: string, value: Buffer): void {
  if (value.length === 0) throw refusal(`no value given for "${key}"`, 'Nothing was changed.', 'EMPTY_VALUE');
  if (value.length < MIN_VALUE_BYTES) throw refusal(MSG.valueTooShort(key, MIN_VALUE_BYTES), MSG.valueTooShortHint, 'VALUE_TOO_SHORT');
}

const describeExisting = (m: KeyMeta) => `"${m.key}" already exists (${m.length} chars, set ${m.updated})`;

export interface SetOpts {
  desc?: string;
  stdin?: boolean;
  fromEnv?: string;
  path?: string[];
  team?: boolean;
}

export async function runSet(ctx: CliContext, session: VaultSession, key: string, opts: SetOpts): Promise<void> {
  checkKey(key);
  if (opts.stdin && opts.fromEnv !== undefined) throw usageError('choose one of --stdin and --from-env');
  if (opts.team) return runSetTeam(ctx, session, key, opts);
  const description = opts.desc !== undefined ? { description: opts.desc } : {};
  const nonInteractive = (opts.stdin && !ctx.stdin.isTTY) || opts.fromEnv !== undefined;
  if (nonInteractive) {
    // Where a value may go is a person's decision; a script only hands a value over.
    if (opts.path?.length) {
      requireTerminal(ctx, `set ${key} --path ${opts.path.map(shellWord).join(' ')}`);
      throw usageError('--path binds a value typed at the prompt, not one from --stdin or --from-env', `Bind it afterwards in your terminal: agent-vault bind ${key} ${opts.path.map(shellWord).join(' ')}`);
    }
    let value: Buffer;
    if (opts.fromEnv !== undefined) {
      const v = ctx.env[opts.fromEnv];
      if (v === undefined || v === '') throw usageError(`the environment variable ${opts.fromEnv} is not set or is empty`, 'Export it first, or use --stdin.');
      value = Buffer.from(v, 'utf8');
    } else {
      value = await readAll(ctx.stdin);
      // One trailing newline is how echo and most clipboards end a value; it is not part of it.
      if (value.at(-1) === 10) value = value.subarray(0, value.at(-2) === 13 ? -2 : -1);
    }
    checkValue(key, value);
    const notes = await ensureVault(session);
    const existing = await metaOf(session, key);
    if (existing) throw refusal(`${describeExisting(existing)}; a value set without a terminal may create a key, never replace one`, MSG.vaultNeedsTerminalHint(`set ${key}`), 'KEY_EXISTS');
    for (const n of notes) await writeOut(ctx.stderr, n + '\n');
    await session.set([{ key, value, ...description }], { interactive: false });
    await writeOut(ctx.stdout, `✓ Saved "${key}"${opts.fromEnv !== undefined ? ` (from $${opts.fromEnv})` : ''}\n`);
    return;
  }
  requireTerminal(ctx, `set ${key}`);
  await asPerson(ctx, session);
  const bindings = (opts.path ?? []).map((g) => normalizeBinding(g, ctx.cwd));
  for (const n of await ensureVault(session)) await writeOut(ctx.stderr, n + '\n');
  await withTerminal(ctx, async (input) => {
    const existing = await metaOf(session, key);
    if (existing) {
      await writeOut(ctx.stderr, `⚠ ${describeExisting(existing)}\n`);
      if (!(await input.confirm('Overwrite?', false))) throw refusal('not overwritten', 'Nothing was changed.', 'CANCELLED');
    }
    const value = Buffer.from(await input.question(`Enter value for "${key}": `, 'mask'), 'utf8');
    checkValue(key, value);
    await session.set([{ key, value, ...description, ...(bindings.length ? { bindings } : {}) }], { interactive: true });
  });
  await writeOut(ctx.stdout, `✓ Saved "${key}"${bindings.length ? `, bound to ${bindings.join(', ')}` : ''}\n`);
  if (!bindings.length && !(await metaOf(session, key))?.bindings.length) await writeOut(ctx.stderr, MSG.unboundNote(key) + '\n');
}
