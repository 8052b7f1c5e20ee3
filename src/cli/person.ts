import { refusal } from '../errors.js';
import { LOCK_MSG } from '../messages.js';
import { AgentSession } from '../session/agent-client.js';
import type { VaultSession } from '../session/session.js';
import { vaultLocked } from '../vault/index.js';
import { PASSPHRASE_WARN_BELOW } from '../vault/passphrase.js';
import { authenticate, passphraseHeader, wantsCode, type Authenticated } from '../vault/unlock.js';
import { writeOut, type CliContext } from './context.js';
import { withTerminal, type TerminalInput } from './prompt.js';

/** How a person proves themselves at a terminal: the passphrase (and TOTP code) a session agent asks for. */

/** The passphrase, and the code when the vault wants one: asked before either is checked. */
export async function askFactors(input: TerminalInput, home: string): Promise<{ passphrase: string; code?: string }> {
  const passphrase = await input.question('Passphrase: ', 'hidden');
  if (!wantsCode(home)) return { passphrase };
  return { passphrase, code: await input.question('TOTP code: ', 'plain') };
}

/** Prove the person (terminal): the master key and the verified vault, or a refusal naming neither factor. */
export async function authenticateAtTerminal(ctx: CliContext, input: TerminalInput, home: string): Promise<Authenticated> {
  passphraseHeader(home); // say "not a passphrase vault" before asking anything
  return authenticate(home, await askFactors(input, home));
}

/**
 * Before a person's decision (set at the prompt, rm, import, bind, unbind, prune, recover,
 * get --reveal, skill keygen/sign/revoke/purge): with a passphrase vault, the person proves
 * it to the session agent with the passphrase (and TOTP code) on this session's connection;
 * the agent refuses those operations otherwise. A key-file vault has only the terminal check.
 */
export async function asPerson(ctx: CliContext, session: VaultSession): Promise<void> {
  if (!(session instanceof AgentSession)) return;
  if ((await session.state()).locked) throw vaultLocked(session.home);
  const factors = await withTerminal(ctx, (input) => askFactors(input, session.home));
  await session.authenticate(factors);
}

/** A new passphrase, typed twice; a warning (and a question) when it is short. */
export async function askNewPassphrase(ctx: CliContext, input: TerminalInput): Promise<string> {
  const first = await input.question('New passphrase: ', 'hidden');
  if (first === '') throw refusal(LOCK_MSG.passphraseEmpty, LOCK_MSG.nothingChanged, 'PASSPHRASE_EMPTY');
  const again = await input.question('Repeat the passphrase: ', 'hidden');
  if (again !== first) throw refusal(LOCK_MSG.passphrasesDiffer, LOCK_MSG.nothingChanged, 'PASSPHRASE_MISMATCH');
  const length = [...first].length;
  if (length < PASSPHRASE_WARN_BELOW) {
    await writeOut(ctx.stderr, LOCK_MSG.weakPassphrase(length, PASSPHRASE_WARN_BELOW) + '\n');
    if (!(await input.confirm('Use it anyway?', false))) throw refusal('passphrase not accepted', LOCK_MSG.nothingChanged, 'CANCELLED');
  }
  return first;
}
