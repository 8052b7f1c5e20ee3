import type { Command } from 'commander';
import { approve, deny, requestStatus } from '../../approvals/decide.js';
import { checkRequestId, listRequests, loadRequest, statusOf, type ApprovalRequest } from '../../approvals/requests.js';
import { resolve } from 'node:path';
import { vaultHome } from '../../platform/home.js';
import { deliverAll, parseEvent } from '../../approvals/webhooks.js';
import { appendAudit } from '../../audit/log.js';
import { isValidKey } from '../../core/placeholder.js';
import { AgentVaultError, refusal, usageError } from '../../errors.js';
import { APPROVAL_MSG } from '../../messages.js';
import type { VaultSession } from '../../session/session.js';
import { ENV_REF, type ApprovalChange, type Scope } from '../../vault/approval-state.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { requireTerminal } from '../prompt.js';
import { selfInvocation, withSession } from '../shared.js';
import { asPerson } from '../person.js';
import { formatDuration, windowOf } from '../duration.js';

/**
 * Approvals, grants, policy, webhooks and the audit log (issue 13). Deciding (approve, deny,
 * revoke-grant, policy set, webhooks) is a person's: a terminal, and on a passphrase vault the
 * passphrase (and TOTP code). Looking (request status, grants, policy, audit) is safe: names
 * and times, never a value. The work is in src/approvals and src/audit.
 */
export function registerApprovals(program: Command, ctx: CliContext): void {
  const request = program.command('request').description('Approval requests an agent made (safe).');
  request
    .command('status')
    .description('Print a request\'s status: pending, approved, denied, expired or used (safe).')
    .argument('<id>')
    .option('--json', 'print the request as JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withSession(ctx, async (session) => {
        const { request: r, status } = await requestStatus(session, checkRequestId(id));
        await writeOut(ctx.stdout, opts.json ? JSON.stringify({ ...r, status }) + '\n' : `${status}\n${APPROVAL_MSG.describe(r)}`);
        if (status !== 'approved') ctx.exitCode = 1;
      }),
    );
  request
    .command('list')
    .description('List requests, newest last (safe).')
    .action(() =>
      withSession(ctx, async (session) => {
        const rows = listRequests(session.home).map((r) => `${r.id}  ${statusOf(r).padEnd(8)}  ${r.op}  ${r.keys.join(',')}  ${r.destination}\n`);
        await writeOut(ctx.stdout, rows.join('') || 'no requests\n');
      }),
    );

  for (const decision of ['approve', 'deny'] as const) {
    const cmd = program
      .command(decision)
      .description(decision === 'approve' ? "Approve an agent's request: shows keys, destination, reason and repository. Sensitive: needs a terminal (and on a passphrase vault the passphrase and TOTP code)." : "Deny an agent's request. Sensitive: needs a terminal.")
      .argument('<id>', 'the request id (pending ID)');
    if (decision === 'approve') {
      cmd.option('--window <duration>', 'also allow the same kind of use in the same repository for this long (e.g. 15m; 0: this use only); default: the policy ttl');
      cmd.option('--scope <scope>', 'secret (the window covers these keys) or vault (every key)');
    }
    cmd.action((id: string, opts: { window?: string; scope?: string }) => decide(ctx, decision, checkRequestId(id), opts));
  }

  program
    .command('grants')
    .description('List live grants (approvals and windows) kept in the vault (safe).')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withSession(ctx, async (session) => {
        const now = Date.now();
        const grants = (await session.approvals()).grants.filter((g) => Date.parse(g.expires) > now);
        if (opts.json) return writeOut(ctx.stdout, JSON.stringify({ grants }) + '\n');
        const rows = grants.map((g) => `${g.id}  ${g.op}  ${g.keys.join(',')}  ${g.destination ?? `window in ${g.repo}`}  ${formatDuration(Date.parse(g.expires) - now)} left${g.usesLeft === null ? '' : `, ${g.usesLeft} use${g.usesLeft === 1 ? '' : 's'}`}\n`);
        return writeOut(ctx.stdout, rows.join('') || 'no grants\n');
      }),
    );

  program
    .command('revoke-grant')
    .description('Withdraw a grant, or all of them. Sensitive: needs a terminal.')
    .argument('[id]')
    .option('--all', 'every grant')
    .action((id: string | undefined, opts: { all?: boolean }) => {
      if (!id === !opts.all) throw usageError('give a grant id or --all', 'agent-vault grants lists them.');
      return change(ctx, `revoke-grant ${id ?? '--all'}`, { kind: 'revoke', id: id ?? '*' }, async (session, n) => {
        appendAudit(session.home, { event: 'grant-revoke', keys: [], outcome: 'revoked', actor: 'terminal', ...(id ? { grant: id } : { detail: 'all grants' }) });
        await writeOut(ctx.stdout, `revoked ${String(n)} grant${n === 1 ? '' : 's'}\n`);
      });
    });

  const policy = program
    .command('policy')
    .description('Show the approval policy and webhooks kept in the vault (safe; webhook tokens are environment variable names only).')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withSession(ctx, async (session) => {
        const { policy: p, webhooks } = await session.approvals();
        if (opts.json) return writeOut(ctx.stdout, JSON.stringify({ policy: p, webhooks }) + '\n');
        const line = (who: string, x: { ttlMs?: number; scope?: string; capMs?: number }) =>
          `${who}: ttl ${x.ttlMs === undefined ? '(vault)' : x.ttlMs === 0 ? '0 (ask every time)' : formatDuration(x.ttlMs)}, scope ${x.scope ?? '(vault)'}, cap ${x.capMs === undefined ? '(vault)' : formatDuration(x.capMs)}\n`;
        let out = line('vault', p.vault);
        for (const [k, x] of Object.entries(p.keys)) out += line(k, x);
        for (const h of webhooks) out += `webhook ${h.url} events ${h.events.join(',')}${h.authorization ? ` authorization ${h.authorization}` : ''}${h.secret ? ` secret ${h.secret}` : ''}\n`;
        return writeOut(ctx.stdout, out);
      }),
    );
  policy
    .command('set')
    .description('Set the approval window policy for the vault, or for one key. Sensitive: needs a terminal.')
    .argument('[key]')
    .option('--ttl <duration>', 'window a person approves by default (0: ask every time)')
    .option('--scope <scope>', 'secret or vault')
    .option('--cap <duration>', 'the longest window anyone may approve')
    .action((key: string | undefined, opts: { ttl?: string; scope?: string; cap?: string }) => {
      if (key !== undefined && !isValidKey(key)) throw usageError(`"${key}" is not a valid key name`);
      if (opts.ttl === undefined && opts.scope === undefined && opts.cap === undefined) throw usageError('nothing to set', 'Give --ttl, --scope or --cap.');
      const c: ApprovalChange = { kind: 'policy', ...(key ? { key } : {}) };
      if (opts.ttl !== undefined) c.ttlMs = windowOf(opts.ttl, '--ttl');
      if (opts.cap !== undefined) c.capMs = windowOf(opts.cap, '--cap');
      if (opts.scope !== undefined) c.scope = scopeOf(opts.scope);
      return change(ctx, `policy set${key ? ` ${key}` : ''}`, c, async (session) => {
        appendAudit(session.home, { event: 'policy-change', keys: key ? [key] : ['*'], outcome: 'changed', actor: 'terminal', detail: JSON.stringify({ ttlMs: c.ttlMs, scope: c.scope, capMs: c.capMs }) });
        await writeOut(ctx.stdout, `policy for ${key ?? 'the vault'} updated\n`);
      });
    });
  const webhook = policy.command('webhook').description('Webhooks for approval events (kept in the vault).');
  webhook
    .command('add')
    .description('Send events to URL. Sensitive: needs a terminal.')
    .argument('<url>')
    .option('--auth <ref>', 'env:NAME: send that environment variable as the Authorization header')
    .option('--secret <ref>', 'env:NAME: sign each body with that environment variable (HMAC-SHA256, X-Agent-Vault-Signature)')
    .option('--events <list>', 'comma-separated events (request,approve,deny,refused) or all', 'all')
    .action((url: string, opts: { auth?: string; secret?: string; events: string }) => {
      if (!/^https?:\/\/[^\s]+$/.test(url)) throw usageError(`"${url}" is not an http(s) URL`);
      for (const r of [opts.auth, opts.secret]) if (r !== undefined && !ENV_REF.test(r)) throw usageError(`"${r}" is not an environment variable reference`, 'Use env:NAME; the token itself is never stored.');
      const hook = { url, events: opts.events.split(',').map((e) => e.trim()).filter(Boolean), ...(opts.auth ? { authorization: opts.auth } : {}), ...(opts.secret ? { secret: opts.secret } : {}) };
      return change(ctx, 'policy webhook add', { kind: 'webhook-add', hook }, async () => writeOut(ctx.stdout, `webhook added\n`));
    });
  webhook
    .command('remove')
    .description('Stop sending events to URL. Sensitive: needs a terminal.')
    .argument('<url>')
    .action((url: string) => change(ctx, 'policy webhook remove', { kind: 'webhook-remove', url }, async () => writeOut(ctx.stdout, 'webhook removed\n')));

  program
    .command('webhook-deliver', { hidden: true })
    .description('internal: deliver one event (JSON on stdin) to the webhooks in the vault')
    .action(async () => {
      const event = parseEvent((await readAll(ctx.stdin)).toString('utf8'));
      if (!event) throw usageError('webhook-deliver reads one event as JSON on standard input');
      await withSession(ctx, async (session) => {
        const hooks = (await session.approvals()).webhooks;
        await deliverAll(session.home, hooks, event, ctx.env);
      });
    });
}

function scopeOf(text: string): Scope {
  if (text !== 'secret' && text !== 'vault') throw usageError(`--scope ${text} is not secret or vault`);
  return text;
}


/**
 * Run a person's decision: a terminal; a passphrase vault also asks for the passphrase (and
 * TOTP code) and decides in this process with the person's own session.
 */
async function byPerson<T>(ctx: CliContext, commandLine: string, fn: (session: VaultSession) => Promise<T>, requestId?: string): Promise<T> {
  requireTerminal(ctx, commandLine);
  return withSession(ctx, async (session) => {
    if (!(await session.state()).exists) throw refusal(APPROVAL_MSG.noVault(session.home), APPROVAL_MSG.noVaultHint, 'VAULT_MISSING');
    // The session agent serves a person's decisions only to a connection that proved the person.
    try {
      await asPerson(ctx, session);
    } catch (e) {
      // A wrong passphrase or code on a decision is audited (the request, if any, stays as it was).
      appendAudit(session.home, { event: commandLine.split(' ')[0]!, outcome: 'refused', actor: 'terminal', detail: `the person was not proved (${e instanceof AgentVaultError && e.code ? e.code : 'error'})`, ...(requestId ? { request: requestId } : {}) });
      throw e;
    }
    return fn(session);
  });
}

async function change(ctx: CliContext, commandLine: string, c: ApprovalChange, after: (session: VaultSession, result: unknown) => Promise<unknown>): Promise<void> {
  await byPerson(ctx, commandLine, async (session) => {
    const result = await session.changeApprovals(c);
    await after(session, result);
  });
}

async function decide(ctx: CliContext, decision: 'approve' | 'deny', id: string, opts: { window?: string; scope?: string }): Promise<void> {
  const windowMs = opts.window !== undefined ? windowOf(opts.window, '--window') : undefined;
  const scope = opts.scope !== undefined ? scopeOf(opts.scope) : undefined;
  // What is being decided, before anything is asked (the passphrase, the code).
  if (ctx.stdin.isTTY) {
    try {
      await writeOut(ctx.stderr, `${decision === 'approve' ? 'Approving' : 'Denying'} request\n${APPROVAL_MSG.describe(loadRequest(resolve(ctx.cwd, vaultHome(ctx.env)), id))}`);
    } catch {
      /* decide() reports a missing or damaged request */
    }
  }
  await byPerson(ctx, `${decision} ${id}`, async (session) => {
    const options = { actor: 'terminal' as const, self: selfInvocation(), env: ctx.env, ...(windowMs !== undefined ? { windowMs } : {}), ...(scope ? { scope } : {}) };
    if (decision === 'deny') {
      const r = await deny(session, id, options);
      await writeOut(ctx.stdout, `denied ${r.id}\n${APPROVAL_MSG.describe(r)}`);
      return;
    }
    const { request: r, grant } = await approve(session, id, options);
    await writeOut(ctx.stdout, `approved ${r.id} (${grant.usesLeft === 1 ? 'this use once' : `window until ${grant.expires}, keys ${grant.keys.join(',')}`})\n${APPROVAL_MSG.describe(r)}`);
  }, id);
}
