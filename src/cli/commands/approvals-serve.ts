import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ApprovalPage, LINK_TTL_MS, PAGE_DEFAULT_PORT } from '../../approvals/page.js';
import { listRequests, statusOf } from '../../approvals/requests.js';
import { appendAudit } from '../../audit/log.js';
import { AgentVaultError, refusal, usageError } from '../../errors.js';
import { APPROVAL_MSG, PAGE_MSG } from '../../messages.js';
import { vaultHome } from '../../platform/home.js';
import { AgentSession } from '../../session/agent-client.js';
import { openSession } from '../../session/local.js';
import { vaultLocked, vaultProvider } from '../../vault/index.js';
import { authenticate, wantsCode } from '../../vault/unlock.js';
import { writeOut, type CliContext } from '../context.js';
import { windowOf } from '../duration.js';
import { askFactors } from '../person.js';
import { requireTerminal, withTerminal } from '../prompt.js';
import { selfInvocation } from '../shared.js';

/**
 * `agent-vault approvals serve`: the local approval page (src/approvals/page.ts). A person
 * starts it in a terminal; on a passphrase vault with TOTP it asks for the passphrase and
 * the current code once (proving the person now, and keeping the passphrase in this
 * process's memory so each decision on the page is checked with a fresh code). Without TOTP
 * the page only shows requests. It prints a link for each pending request and stops on Ctrl-C.
 */
export function registerApprovalPage(program: Command, ctx: CliContext): void {
  const approvals = program.command('approvals').description('The local approval page.');
  approvals
    .command('serve')
    .description('Serve a page on 127.0.0.1 where a person approves or denies requests with the current TOTP code. Sensitive: needs a terminal.')
    .option('--port <port>', 'the port on 127.0.0.1 (0: any free port)', String(PAGE_DEFAULT_PORT))
    .option('--link-ttl <duration>', 'how long a link to a request works (e.g. 5m)', '5m')
    .action((opts: { port: string; linkTtl: string }) => serve(ctx, opts));
}

async function serve(ctx: CliContext, opts: { port: string; linkTtl: string }): Promise<void> {
  if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw usageError(`--port ${opts.port} is not a port number`, 'Give a number from 1 to 65535, or 0 for any free port.');
  const linkTtlMs = windowOf(opts.linkTtl, '--link-ttl');
  if (linkTtlMs <= 0 || linkTtlMs > LINK_TTL_MS * 12) throw usageError(`--link-ttl ${opts.linkTtl} is not between 1 s and 1 h`);
  requireTerminal(ctx, 'approvals serve');
  const home = resolve(ctx.cwd, vaultHome(ctx.env));
  const found = vaultProvider(home);
  if (!found) throw refusal(APPROVAL_MSG.noVault(home), APPROVAL_MSG.noVaultHint, 'VAULT_MISSING');
  let passphrase: string | undefined;
  if (found.provider === 'passphrase' && wantsCode(home)) passphrase = await provePerson(ctx, home);
  const page = new ApprovalPage({ home, env: ctx.env, cwd: ctx.cwd, self: selfInvocation(), linkTtlMs, ...(passphrase !== undefined ? { passphrase } : {}), log: (line) => void writeOut(ctx.stdout, line + '\n') });
  let port: number;
  try {
    port = await page.start(Number(opts.port));
  } catch (e) {
    throw new AgentVaultError('usage', `cannot listen on 127.0.0.1:${opts.port} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { code: 'PORT_BUSY', hint: 'Choose another port: agent-vault approvals serve --port N' });
  }
  const base = `http://127.0.0.1:${port}`;
  await writeOut(ctx.stdout, PAGE_MSG.serving(`${base}/`, passphrase !== undefined));
  // A link for each request as it comes in (the agent's pending message names the same URL).
  const shown = new Set<string>();
  const announce = async () => {
    for (const r of listRequests(home)) {
      if (shown.has(r.id) || statusOf(r) !== 'pending') continue;
      shown.add(r.id);
      await writeOut(ctx.stdout, PAGE_MSG.newRequest(r.id, `${base}/r/${r.id}`) + '\n');
    }
  };
  await announce();
  const timer = setInterval(() => void announce().catch(() => undefined), 1000);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    process.once('SIGHUP', done);
  });
  clearInterval(timer);
  await page.close();
}

/** The passphrase and the current code, proved now against the unlocked session; the passphrase is kept for the page. */
async function provePerson(ctx: CliContext, home: string): Promise<string> {
  const session = openSession(ctx.env, ctx.cwd);
  try {
    if (session instanceof AgentSession && (await session.state()).locked) throw vaultLocked(home);
    const factors = await withTerminal(ctx, (input) => askFactors(input, home));
    try {
      if (session instanceof AgentSession) await session.authenticate(factors);
      else {
        const proved = await authenticate(home, factors);
        proved.vault.close();
        proved.master.fill(0);
      }
    } catch (e) {
      appendAudit(home, { event: 'approvals-serve', outcome: 'refused', actor: 'terminal', detail: `the person was not proved (${e instanceof AgentVaultError && e.code ? e.code : 'error'})` });
      throw e;
    }
    return factors.passphrase;
  } finally {
    await session.close();
  }
}
