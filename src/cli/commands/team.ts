import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MIN_VALUE_BYTES } from '../../core/redact.js';
import { refusal, usageError } from '../../errors.js';
import { MSG, TEAM_MSG } from '../../messages.js';
import { repoRoot } from '../../platform/exec.js';
import type { VaultSession } from '../../session/session.js';
import { memberFromToken, teamAdd, teamHas, teamInit, teamJoin, teamMembers, teamMerge, teamRemove, teamSet, teamTrust } from '../../session/team-ops.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { requireTerminal, withTerminal } from '../prompt.js';
import { withSession } from '../shared.js';
import { asPerson } from '../person.js';
import { checkKey } from './vault-keys.js';

/**
 * The team vault commands (README, "Sharing with a team"). Everything that changes trust or
 * values needs a terminal (init, join, add, remove, trust, set --team); `team keys` is safe;
 * `merge-team` is git's merge driver.
 */

function needRepo(ctx: CliContext): string {
  const root = repoRoot(ctx.cwd);
  if (!root) throw usageError(MSG.notAGitRepo(ctx.cwd), 'Run this inside the repository that holds (or will hold) the team vault.');
  return root;
}

export function registerTeam(program: Command, ctx: CliContext): void {
  const run = <A extends unknown[]>(fn: (session: VaultSession, ...args: A) => Promise<void>) => (...args: A) => withSession(ctx, (session) => fn(session, ...args));
  const team = program.command('team').description("A team vault in this repository: values encrypted to each member's age identity, signed by the member who wrote them.");

  team
    .command('init')
    .description('Create .agent-vault/team.vault with you as its first member. Needs a terminal.')
    .argument('<name>', 'your member name (lower-case letters, digits, . _ -)')
    .action(
      run(async (session, name: string) => {
        requireTerminal(ctx, `team init ${name}`);
        await asPerson(ctx, session);
        await teamInit(session, needRepo(ctx), name);
        await writeOut(ctx.stdout, `✓ Created .agent-vault/team.vault and .agent-vault/recipients with "${name}" as the only member.\n→ run agent-vault install (it registers the team vault's merge driver), commit .agent-vault/ and .gitattributes; add teammates with agent-vault team add NAME TOKEN (they get it from agent-vault team join)\n`);
      }),
    );

  team
    .command('join')
    .description("Make this machine's team identity (or import an age-keygen identity) and print the token a member adds you with. Needs a terminal.")
    .option('--identity <file>', 'import this age identity file instead of making one')
    .action(
      run(async (session, opts: { identity?: string }) => {
        requireTerminal(ctx, 'team join');
        await asPerson(ctx, session);
        const r = await teamJoin(session, repoRoot(ctx.cwd), opts.identity === undefined ? undefined : resolve(ctx.cwd, opts.identity));
        const lines = [r.created ? '✓ Your team identity is in your local vault (it never leaves it).' : 'Your team identity is already in your local vault.'];
        if (r.pinned) lines.push(`✓ Trusting this repository's team vault as signed by its members: ${r.pinned.join(', ')}`);
        lines.push('Send this token to a member (it holds public keys only):', `  ${r.token}`, 'They run: agent-vault team add YOUR-NAME TOKEN');
        await writeOut(ctx.stdout, lines.join('\n') + '\n');
      }),
    );

  team
    .command('add')
    .description('Add a member: wrap the data key to their age recipient and sign. Needs a terminal.')
    .argument('<name>', 'their member name')
    .argument('<token>', 'the token agent-vault team join printed for them, or an age1… recipient (with --signing-key; without: a read-only member such as CI)')
    .option('--signing-key <key>', 'their Ed25519 signing key (base64url), with a bare age1… recipient')
    .action(
      run(async (session, name: string, token: string, opts: { signingKey?: string }) => {
        requireTerminal(ctx, `team add ${name}`);
        await asPerson(ctx, session);
        const member = memberFromToken(name, token, opts.signingKey);
        await teamAdd(session, needRepo(ctx), member);
        await writeOut(ctx.stdout, `✓ Added "${name}"; they can read every team value once you commit .agent-vault/ and they pull.\n`);
      }),
    );

  team
    .command('remove')
    .description('Remove a member: rotate the data key and re-encrypt every value to the others; lists what they could read. Needs a terminal.')
    .argument('<name>', 'the member to remove')
    .action(
      run(async (session, name: string) => {
        requireTerminal(ctx, `team remove ${name}`);
        await asPerson(ctx, session);
        await withTerminal(ctx, async (input) => {
          if (!(await input.confirm(`Remove "${name}" and rotate the team data key?`, false))) throw refusal('not removed', 'Nothing was changed.', 'CANCELLED');
        });
        const exposed = await teamRemove(session, needRepo(ctx), name);
        await writeOut(ctx.stdout, TEAM_MSG.removed(name, exposed));
      }),
    );

  team
    .command('trust')
    .description("Accept the team vault's current members as the signers this machine trusts (after checking git log -- .agent-vault with your team). Needs a terminal.")
    .action(
      run(async (session) => {
        requireTerminal(ctx, 'team trust');
        await asPerson(ctx, session);
        const names = await teamTrust(session, needRepo(ctx));
        await writeOut(ctx.stdout, `✓ Trusting the team vault as signed by its members: ${names.join(', ')}\n`);
      }),
    );

  team
    .command('keys')
    .description('List the members and their fingerprints (safe: public keys only).')
    .option('--json', 'print {"members": [...], "signedBy": ..., "trusted": ...}')
    .action(
      run(async (session, opts: { json?: boolean }) => {
        const r = await teamMembers(session, needRepo(ctx));
        if (opts.json) return writeOut(ctx.stdout, JSON.stringify(r, null, 2) + '\n');
        const width = Math.max(...r.members.map((m) => m.name.length));
        const rows = r.members.map((m) => `${m.me ? '*' : ' '} ${m.name.padEnd(width)}  ${m.fingerprint}  ${m.recipient}`);
        const trust = r.trusted === undefined ? 'not yet trusted on this machine (agent-vault team join)' : r.trusted ? 'trusted here' : 'NOT trusted here: signed by a key this machine has not accepted';
        await writeOut(ctx.stdout, `${rows.join('\n')}\n${r.keys} team value${r.keys === 1 ? '' : 's'}; last signed by ${r.signedBy}, ${trust}${r.members.some((m) => m.me) ? '; * = you' : ''}\n`);
      }),
    );

  program
    .command('merge-team')
    .description("git's merge driver for .agent-vault/team.vault and recipients (set up by install): merges key by key, re-encrypts, signs.")
    .argument('<base>', '%O')
    .argument('<ours>', '%A (the result is written here)')
    .argument('<theirs>', '%B')
    .action(
      run(async (session, base: string, ours: string, theirs: string) => {
        const read = (f: string) => readFileSync(resolve(ctx.cwd, f), 'utf8');
        const outcome = await teamMerge(session, needRepo(ctx), { base: read(base), ours: read(ours), theirs: read(theirs) });
        if (!outcome.ok) throw refusal(TEAM_MSG.mergeConflict(outcome.conflicts), TEAM_MSG.mergeConflictHint, 'TEAM_MERGE_CONFLICT');
        writeFileSync(resolve(ctx.cwd, ours), outcome.text);
      }),
    );
}

/** `set KEY --team`: the same terminal and --stdin rules as set, into the team vault. */
export async function runSetTeam(ctx: CliContext, session: VaultSession, key: string, opts: { stdin?: boolean; fromEnv?: string; path?: string[] }): Promise<void> {
  checkKey(key);
  const root = needRepo(ctx);
  const check = (value: Buffer) => {
    if (value.length < MIN_VALUE_BYTES) throw refusal(MSG.valueTooShort(key, MIN_VALUE_BYTES), MSG.valueTooShortHint, 'VALUE_TOO_SHORT');
  };
  for (const p of opts.path ?? []) {
    if (p.startsWith('/') || p.split('/').includes('..')) throw usageError(`--path ${p}: with --team, paths are globs relative to the repository root (no leading /, no ..)`, 'They bind the value in every clone, wherever it lives.');
  }
  const paths = opts.path?.length ? { paths: opts.path } : {};
  if ((opts.stdin && !ctx.stdin.isTTY) || opts.fromEnv !== undefined) {
    if (opts.path?.length) throw usageError('--path with --team is a person\'s decision: run set KEY --team --path … in your terminal');
    let value = opts.fromEnv !== undefined ? Buffer.from(ctx.env[opts.fromEnv] ?? '', 'utf8') : await readAll(ctx.stdin);
    if (opts.fromEnv === undefined && value.at(-1) === 10) value = value.subarray(0, value.at(-2) === 13 ? -2 : -1);
    check(value);
    if (await teamHas(session, root, key)) throw refusal(`"${key}" already exists in the team vault; a value set without a terminal may create a key, never replace one`, MSG.vaultNeedsTerminalHint(`set ${key} --team`), 'KEY_EXISTS');
    await teamSet(session, root, [{ key, value }], { createOnly: true });
    await writeOut(ctx.stdout, `✓ Saved "${key}" in the team vault\n`);
    return;
  }
  requireTerminal(ctx, `set ${key} --team`);
  await asPerson(ctx, session);
  await withTerminal(ctx, async (input) => {
    if (await teamHas(session, root, key)) {
      if (!(await input.confirm(`"${key}" already exists in the team vault. Overwrite?`, false))) throw refusal('not overwritten', 'Nothing was changed.', 'CANCELLED');
    }
    const value = Buffer.from(await input.question(`Enter value for "${key}" (team): `, 'mask'), 'utf8');
    check(value);
    await teamSet(session, root, [{ key, value, ...paths }]);
  });
  await writeOut(ctx.stdout, `✓ Saved "${key}" in the team vault${opts.path?.length ? `, bound to ${opts.path.join(', ')} in every clone` : ''}; commit .agent-vault/team.vault\n`);
}
