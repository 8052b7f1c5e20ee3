import type { Command } from 'commander';
import { parseAuditKey } from '../../audit/chain.js';
import { listAudit, toCsv, toText, verifyAudit } from '../../audit/query.js';
import { usageError } from '../../errors.js';
import { APPROVAL_MSG } from '../../messages.js';
import { writeOut, type CliContext } from '../context.js';
import { sinceOf } from '../duration.js';
import { withSession } from '../shared.js';

/**
 * The audit log (issue 13): list, verify, and the public keys its checkpoints are signed with.
 * All safe: key names, destinations and times, never a value. The work is in src/audit.
 */
export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program
    .command('audit')
    .description('List the audit log: every request, decision and use of a value, with key names, never values (safe).')
    .option('--since <time>', 'entries at or after this ISO time, or this long ago (e.g. 1h)')
    .option('--key <key>', 'entries naming this key')
    .option('--event <event>', 'entries of this event (request, approve, deny, materialise-write, checkpoint, …)')
    .option('--repo <path>', 'entries in this repository')
    .option('--json', 'one JSON object per line')
    .option('--format <format>', 'text, json or csv', 'text')
    .action((opts: { since?: string; key?: string; event?: string; repo?: string; json?: boolean; format: string }) =>
      withSession(ctx, async (session) => {
        const format = opts.json ? 'json' : opts.format;
        if (!['text', 'json', 'csv'].includes(format)) throw usageError(`--format ${format} is not one of text, json, csv`);
        const entries = listAudit(session.home, { ...(opts.since ? { since: sinceOf(opts.since) } : {}), ...(opts.key ? { key: opts.key } : {}), ...(opts.event ? { event: opts.event } : {}), ...(opts.repo ? { repo: opts.repo } : {}) });
        await writeOut(ctx.stdout, format === 'json' ? entries.map((e) => JSON.stringify(e) + '\n').join('') : format === 'csv' ? toCsv(entries) : toText(entries));
      }),
    );
  audit
    .command('verify')
    .description('Check the audit log: the chain of hashes, the signed checkpoints and the checkpoint the vault holds (safe).')
    .option('--public-key <key...>', 'check the checkpoints\' signatures with these keys (ed25519:…, from `audit public-key`) instead of the vault\'s: for a copy of the log, or a locked vault')
    .addHelpText(
      'after',
      '\nExit status:\n  0  valid\n  1  tampered: an entry edited, removed or moved, or a damaged line (named)\n  2  usage or runtime error\n  3  truncated: the log ends before the checkpoint the vault recorded\n  4  rewritten: the entry at the vault\'s checkpoint is not the one recorded\n  5  forged: a checkpoint\'s signature does not verify with the vault\'s audit key (or the keys given)\n',
    )
    .action((opts: { publicKey?: string[] }) =>
      withSession(ctx, async (session) => {
        const given = opts.publicKey?.map((k) => {
          if (!parseAuditKey(k)) throw usageError(`--public-key ${JSON.stringify(k)} is not an audit public key`, 'Use the ed25519:… line `agent-vault audit public-key` prints.');
          return k;
        });
        let anchor;
        let keys: string[] | undefined;
        let checked = false;
        try {
          const state = await session.approvals();
          anchor = state.anchor;
          keys = state.auditKeys;
          checked = (await session.state()).exists;
        } catch {
          checked = false; // a locked vault: the chain (and the keys given) alone
        }
        const report = verifyAudit(session.home, anchor, checked, given ?? (checked ? (keys ?? []) : undefined));
        await writeOut(ctx.stdout, APPROVAL_MSG.auditValid(report));
      }),
    );
  audit
    .command('public-key')
    .description('Print the public keys the audit log\'s checkpoints are signed with, to verify a copy of the log elsewhere (safe).')
    .action(() =>
      withSession(ctx, async (session) => {
        const keys = (await session.approvals()).auditKeys ?? [];
        if (keys.length === 0) {
          await writeOut(ctx.stderr, APPROVAL_MSG.noAuditKey);
          ctx.exitCode = 1;
          return;
        }
        await writeOut(ctx.stdout, keys.map((k) => `${k}\n`).join(''));
      }),
    );
}
