import type { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { AgentVaultError, refusal, usageError } from '../../errors.js';
import { LOCK_MSG } from '../../messages.js';
import { vaultHome } from '../../platform/home.js';
import { AgentSession } from '../../session/agent-client.js';
import { runSessionAgent } from '../../session/agent-server.js';
import { appendAudit } from '../../audit/log.js';
import { receiveKey, startAgent } from '../../session/agent-start.js';
import { openSession } from '../../session/local.js';
import type { VaultSession, VaultState } from '../../session/session.js';
import { openVault, vaultLocked, vaultMissing, vaultProvider, type Vault } from '../../vault/index.js';
import { envKeyProvider } from '../../vault/key-provider.js';
import { migrateVault } from '../../vault/migrate.js';
import { PASSPHRASE_WARN_BELOW } from '../../vault/passphrase.js';
import { codeStep, newTotpSecret, totpBase32, totpUri } from '../../vault/totp.js';
import { authenticate, passphraseHeader, wantsCode, type Authenticated } from '../../vault/unlock.js';
import { writeOut, type CliContext } from '../context.js';
import { requireTerminal, withTerminal, type TerminalInput } from '../prompt.js';
import { selfInvocation } from '../shared.js';
import { formatDuration, parseDuration } from '../duration.js';
import { askNewPassphrase, authenticateAtTerminal } from '../person.js';

/**
 * The locked vault's commands: unlock and lock (the session agent), totp enable/disable,
 * key migrate, and the internal session-agent command that unlock starts. Everything that
 * proves the person (passphrase, code) needs a terminal; lock and status are safe.
 */
export function registerLocking(program: Command, ctx: CliContext): void {
  program
    .command('unlock')
    .description('Unlock a passphrase vault for a while: asks for the passphrase (and TOTP code) and starts the session agent that holds the key. Sensitive: needs a terminal.')
    .option('--ttl <duration>', 'lock after this long without use (e.g. 15m, 1h)', '15m')
    .option('--max <duration>', 'lock after this long in any case (e.g. 8h)', '8h')
    .action((opts: { ttl: string; max: string }) => runUnlock(ctx, opts));

  program
    .command('lock')
    .description('Lock the vault now: the session agent zeroes the key and exits (safe: anyone may lock).')
    .action(async () => {
      const session = openSession(ctx.env, ctx.cwd);
      try {
        // A checkpoint of the audit log while the key is still there, then the lock itself.
        if (session instanceof AgentSession && !(await session.state()).locked) {
          appendAudit(session.home, { event: 'lock', actor: 'terminal', outcome: 'locked' });
          await session.anchorAudit().catch(() => undefined);
        }
        const locked = session instanceof AgentSession && (await session.lock());
        await writeOut(ctx.stdout, (locked ? LOCK_MSG.locked : LOCK_MSG.alreadyLocked) + '\n');
      } finally {
        await session.close();
      }
    });

  const totp = program.command('totp').description('The second factor for unlock: a TOTP code from an authenticator app.');
  totp
    .command('enable')
    .description('Turn on TOTP for a passphrase vault: shows a QR code and asks for the current code. Sensitive: needs a terminal.')
    .action(() => runTotpEnable(ctx));
  totp
    .command('disable')
    .description('Turn TOTP off (needs the passphrase and a current code). Sensitive: needs a terminal.')
    .action(() => runTotpDisable(ctx));

  program
    .command('key')
    .description('The vault master key.')
    .command('migrate')
    .description('Move the vault to another key provider under a NEW master key: every value re-encrypted, verified, then the old key material destroyed. Sensitive: needs a terminal.')
    .requiredOption('--to <provider>', 'passphrase or keyfile')
    .action((opts: { to: string }) => runMigrate(ctx, opts.to));

  program
    .command('session-agent', { hidden: true })
    .description('Internal: the background process agent-vault unlock starts (refuses to run without a key on file descriptor 3).')
    .requiredOption('--home <dir>')
    .requiredOption('--socket <path>')
    .requiredOption('--ttl <ms>')
    .requiredOption('--max <ms>')
    .action(async (opts: { home: string; socket: string; ttl: string; max: string }) => {
      const { key, ready } = await receiveKey();
      await runSessionAgent(
        { home: opts.home, endpoint: { dir: dirname(opts.socket), socket: opts.socket, lock: '' }, key, idleMs: Number(opts.ttl), maxMs: Number(opts.max) },
        () => {
          // Nobody reads our output once unlock has returned: a write must never kill the agent.
          process.stdout.on('error', () => undefined);
          process.stderr.on('error', () => undefined);
          ready();
        },
      );
    });
}

// ---------------------------------------------------------------------------------------

/** The vault home as openSession resolves it. */
function homeOf(ctx: CliContext): string {
  return resolve(ctx.cwd, vaultHome(ctx.env));
}


/** The agent's time left, for people. */
function ttlText(state: VaultState): [string, string] {
  return [formatDuration(state.expires?.idleMs ?? 0), formatDuration(state.expires?.absoluteMs ?? 0)];
}

async function runUnlock(ctx: CliContext, opts: { ttl: string; max: string }): Promise<void> {
  const idleMs = parseDuration(opts.ttl, '--ttl');
  const maxMs = parseDuration(opts.max, '--max');
  if (idleMs > maxMs) throw usageError('--ttl is longer than --max', 'The idle limit must fit inside the absolute one (e.g. --ttl 15m --max 8h).');
  requireTerminal(ctx, 'unlock');
  const home = homeOf(ctx);
  passphraseHeader(home);
  const client = new AgentSession(home, ctx.env);
  try {
    const before = await client.state();
    if (!before.locked) return void (await writeOut(ctx.stdout, LOCK_MSG.alreadyUnlocked(...ttlText(before)) + '\n'));
    const { master, vault } = await withTerminal(ctx, (input) => authenticateAtTerminal(ctx, input, home));
    vault.close();
    const started = await startAgent({ home, env: ctx.env, key: master, idleMs, maxMs, command: selfInvocation() });
    if (started.started) {
      appendAudit(home, { event: 'unlock', actor: 'terminal', outcome: 'unlocked', detail: `idle ${formatDuration(idleMs)}, max ${formatDuration(maxMs)}` });
      // The checkpoint a locked vault could not record: now, with the key available.
      await client.anchorAudit().catch(() => undefined);
    }
    const after = await client.state();
    const text = started.started ? LOCK_MSG.unlocked(formatDuration(idleMs), formatDuration(maxMs)) : LOCK_MSG.alreadyUnlocked(...ttlText(after));
    await writeOut(ctx.stdout, text + '\n');
  } finally {
    await client.close();
  }
}

/** Lock a running agent before the vault changes under it (it would lock itself anyway). */
async function lockAgent(ctx: CliContext, home: string): Promise<void> {
  const client = new AgentSession(home, ctx.env);
  try {
    await client.lock();
  } finally {
    await client.close();
  }
}

async function runTotpEnable(ctx: CliContext): Promise<void> {
  requireTerminal(ctx, 'totp enable');
  const home = homeOf(ctx);
  if (passphraseHeader(home).totp) throw refusal(LOCK_MSG.totpAlreadyOn, LOCK_MSG.totpAlreadyOnHint, 'TOTP_ALREADY_ON');
  await withTerminal(ctx, async (input) => {
    const { master, vault } = await authenticateAtTerminal(ctx, input, home);
    master.fill(0);
    try {
      const secret = newTotpSecret();
      const uri = totpUri(secret, `vault@${home}`);
      const { terminalQr } = await import('../qr.js'); // the QR encoder loads only here
      const qr = terminalQr(uri);
      await writeOut(ctx.stderr, `${LOCK_MSG.totpScan}\n\n${qr}\n  secret: ${totpBase32(secret)}\n  (SHA-1, 6 digits, 30 seconds)\n\n`);
      const code = await input.question('Current code from the app: ', 'plain');
      const step = codeStep(secret, code, Date.now());
      if (step === undefined) throw refusal(LOCK_MSG.totpCodeWrong, LOCK_MSG.totpCodeWrongHint, 'TOTP_CODE_WRONG');
      vault.setTotp({ secret, step });
      secret.fill(0);
    } finally {
      vault.close();
    }
  });
  await writeOut(ctx.stdout, LOCK_MSG.totpEnabled + '\n');
}

async function runTotpDisable(ctx: CliContext): Promise<void> {
  requireTerminal(ctx, 'totp disable');
  const home = homeOf(ctx);
  if (!passphraseHeader(home).totp) throw refusal(LOCK_MSG.totpNotOn, LOCK_MSG.nothingChanged, 'TOTP_NOT_ON');
  await withTerminal(ctx, async (input) => {
    const { master, vault } = await authenticateAtTerminal(ctx, input, home);
    master.fill(0);
    try {
      vault.setTotp(undefined);
    } finally {
      vault.close();
    }
  });
  await writeOut(ctx.stdout, LOCK_MSG.totpDisabled + '\n');
}

async function runMigrate(ctx: CliContext, to: string): Promise<void> {
  if (to !== 'passphrase' && to !== 'keyfile') throw usageError(`--to ${to}: use passphrase or keyfile`);
  requireTerminal(ctx, `key migrate --to ${to}`);
  const home = homeOf(ctx);
  const found = vaultProvider(home);
  if (!found) throw vaultMissing(home);
  const count = await withTerminal(ctx, async (input) => {
    // Open the vault with the key it has today: the person proves it for a passphrase vault.
    let vault: Vault;
    const fromEnv = envKeyProvider(ctx.env);
    if (fromEnv) vault = openVault(home, { keyProvider: fromEnv });
    else if (found.provider === 'passphrase') {
      const auth = await authenticateAtTerminal(ctx, input, home);
      auth.master.fill(0);
      vault = auth.vault;
    } else vault = openVault(home);
    try {
      const target = to === 'passphrase' ? ({ provider: 'passphrase', passphrase: await askNewPassphrase(ctx, input) } as const) : ({ provider: 'keyfile' } as const);
      await lockAgent(ctx, home);
      const next = await migrateVault(vault, target);
      const keys = next.list().length;
      next.close();
      return keys;
    } catch (e) {
      vault.close();
      throw e instanceof AgentVaultError ? e : new AgentVaultError('vault', `the migration failed (${(e as NodeJS.ErrnoException).code ?? 'error'}); the vault opens with its old key or its new one`, { hint: 'Run agent-vault key migrate again.' });
    }
  });
  await writeOut(ctx.stdout, `${LOCK_MSG.migrated(to, count)}\n${LOCK_MSG.migratedNext(to)}\n`);
}
