import type { Command } from 'commander';
import { resolve } from 'node:path';
import { openSkillGate, signSkill, type SkillGate } from '../../skill/attest.js';
import { exitTable } from '../../skill/codes.js';
import { KID, SigningKeyStore } from '../../skill/key-store.js';
import { splitTools } from '../../skill/model.js';
import { createSigningKey, purgeQuarantined, revoke, type Revocation } from '../../skill/keys.js';
import { DEFAULT_REVOCATION_DAYS } from '../../skill/revocations.js';
import { refusal, usageError } from '../../errors.js';
import { MSG } from '../../messages.js';
import { writeOut, type CliContext } from '../context.js';
import { configFor, withSession } from '../shared.js';
import { recordSkillEvent } from '../../registry/ledger.js';

/**
 * The skill commands that make trust decisions (keygen, sign, revoke, purge): a person at a
 * terminal, never an agent or a script. The work is in skill/keys.ts and skill/attest.ts.
 */

export const EXIT_HELP = `
Exit status (every failure has its own code; 2 is kept for usage and configuration errors):
${exitTable()}
When several skills fail, the status is that of the first failing one; --format json lists all.`;

export const SENSITIVE_NOTE = `
Sensitive: needs an interactive terminal (key generation, signing, revocation and purge are
trust decisions a person makes; an agent or script is refused). There is no --yes.`;

export function gateFor(ctx: CliContext, configPath: string | undefined): SkillGate {
  const { config, root } = configFor(ctx, configPath);
  return openSkillGate(root ?? ctx.cwd, config, ctx.env);
}

/** Sensitive commands refuse without a terminal on both ends. */
export function requireTerminal(ctx: CliContext, command: string): void {
  if (!ctx.stdin.isTTY || !ctx.stdout.isTTY) throw refusal(MSG.skillNeedsTerminal(command), MSG.skillNeedsTerminalHint, 'TTY_REQUIRED');
}

/** Run a trust decision with the signing keys of this environment's vault. */
/** The signing keys, after the person proved it when the vault is passphrase-protected (these are trust decisions). */
export function withKeys<T>(ctx: CliContext, fn: (store: SigningKeyStore) => Promise<T>): Promise<T> {
  return withSession(ctx, async (session) => {
    // The person check (and its TOTP and prompt code) loads only for a trust decision.
    const { asPerson } = await import('../person.js');
    await asPerson(ctx, session);
    return fn(new SigningKeyStore(session));
  });
}

export function keygenCommand(skill: Command, ctx: CliContext): void {
  skill
    .command('keygen')
    .description('Create an Ed25519 signing key: the private key goes to the vault, the public key (JWK) to the keyring.')
    .requiredOption('--kid <id>', 'key id (lower-case letters, digits, hyphens)')
    .option('--valid-days <n>', 'validity window in days', '730')
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', `${SENSITIVE_NOTE}
Also creates an empty signed revocation list when none exists, so verification (which
requires one by default) works from the first signature.`)
    .action(async (opts: { kid: string; validDays: string; config?: string }) => {
      requireTerminal(ctx, 'skill keygen');
      if (!KID.test(opts.kid)) throw usageError(`invalid key id ${JSON.stringify(opts.kid)}`, 'Use lower-case letters, digits and hyphens, e.g. org-skills-2026.');
      const days = Number(opts.validDays);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw usageError('--valid-days must be a whole number from 1 to 3650');
      const gate = gateFor(ctx, opts.config);
      const { key, location } = await withKeys(ctx, async (store) => ({ key: await createSigningKey(gate, store, opts.kid, days), location: store.location }));
      const note = key.createdList ? `created the revocation list ${gate.revocationsPath} (version 1, expires ${key.createdList.expiresAt})\n` : '';
      await writeOut(ctx.stdout, `created key ${opts.kid} (Ed25519), valid until ${key.notAfter}\nprivate key stored in ${location}; public key added to ${gate.keyringPath}\n${note}Commit the keyring and the revocation list.\n`);
    });
}

export function signCommand(skill: Command, ctx: CliContext): void {
  skill
    .command('sign')
    .description('Scan a skill and, if it passes, write SKILL.sig: a DSSE envelope around an in-toto Statement v1 for its content hash.')
    .argument('<dir>', 'skill folder')
    .requiredOption('--kid <id>', 'signing key id (from skill keygen)')
    .option('--version <v>', 'skill version to record (default: frontmatter version, else today as YYYY.MM.DD)')
    .option('--scope-tools <list>', 'signed scope: the tools the skill may ask for in allowed-tools (comma-separated; * for any)')
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', SENSITIVE_NOTE + EXIT_HELP)
    .action(async (dir: string, opts: { kid: string; version?: string; scopeTools?: string; config?: string }) => {
      requireTerminal(ctx, 'skill sign');
      const gate = gateFor(ctx, opts.config);
      const scope = opts.scopeTools !== undefined ? { tools: splitTools(opts.scopeTools) } : undefined;
      const { statement, sigPath } = await withKeys(ctx, (store) => signSkill(gate, resolve(ctx.cwd, dir), opts.kid, store, opts.version, scope));
      await writeOut(ctx.stdout, `signed ${statement.predicate.skill.id}@${statement.predicate.skill.version} (${statement.predicate.contentHash}) with ${opts.kid}\nwrote ${sigPath}\n`);
    });
}

export function revokeCommand(skill: Command, ctx: CliContext): void {
  skill
    .command('revoke')
    .description('Revoke a skill (folder or content hash) or a key, in the signed revocation list; the version rises by one.')
    .argument('[target]', 'skill folder or sha256:HASH')
    .option('--kid <id>', 'revoke this signing key instead')
    .option('--reason <text>', 'why (recorded in the list)')
    .option('--renew', 're-issue the list with a new version and expiry, revoking nothing new')
    .option('--signer <id>', 'key that signs the list (default: the only active key whose private key is here)')
    .option('--expires-in <days>', 'days until the list expires', String(DEFAULT_REVOCATION_DAYS))
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', SENSITIVE_NOTE)
    .action(async (target: string | undefined, opts: { kid?: string; reason?: string; renew?: boolean; signer?: string; expiresIn: string; config?: string }) => {
      requireTerminal(ctx, 'skill revoke');
      const chosen = [target !== undefined, opts.kid !== undefined, !!opts.renew].filter(Boolean).length;
      if (chosen !== 1) throw usageError('give exactly one of: a skill folder or sha256:HASH, --kid ID, --renew');
      const reason = opts.reason?.trim() ? opts.reason : undefined;
      if (!opts.renew && !reason) throw usageError('--reason is required', 'Say why, e.g. --reason "prompt injection found in references/setup.md".');
      const days = Number(opts.expiresIn);
      if (!Number.isFinite(days) || days <= 0 || days > 3650) throw usageError('--expires-in must be a number of days from 1 to 3650');
      const what: Revocation = opts.kid !== undefined ? { kid: opts.kid, reason: reason! } : target !== undefined ? { content: target, reason: reason!, cwd: ctx.cwd } : { renew: true };
      const gate = gateFor(ctx, opts.config);
      const { list, signer, revoked } = await withKeys(ctx, (store) => revoke(gate, store, what, { days, signer: opts.signer }));
      if (!opts.renew) recordSkillEvent(ctx.env, { event: 'skill-revoke', skill: undefined, ...(revoked.startsWith('content ') ? { contentHash: revoked.slice('content '.length) } : {}), outcome: 'revoked', actor: 'terminal', destination: gate.revocationsPath, detail: `${revoked}; list version ${list.version}` });
      await writeOut(ctx.stdout, `revocation list ${gate.revocationsPath}: version ${list.version}, ${revoked}${opts.renew ? '' : ' revoked'}, expires ${list.expiresAt}, signed by ${signer}\nCommit the list${opts.kid ? ' and the keyring' : ''}.\n`);
    });
}

export function purgeCommand(parent: Command, ctx: CliContext): void {
  parent
    .command('purge')
    .description('Delete a quarantined skill and block its content hash for good, under any name.')
    .argument('<id>', 'quarantine id (skill quarantine list)')
    .option('--reason <text>', 'why (recorded)')
    .option('--signer <id>', 'key that signs the revocation list entry (default: the only usable key)')
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', SENSITIVE_NOTE)
    .action(async (id: string, opts: { reason?: string; signer?: string; config?: string }) => {
      requireTerminal(ctx, 'skill purge');
      const gate = gateFor(ctx, opts.config);
      const note = await withKeys(ctx, (store) => purgeQuarantined(gate, store, id, { reason: opts.reason, signer: opts.signer }));
      await writeOut(ctx.stdout, `purged ${id}: ${note}\n`);
    });
}
