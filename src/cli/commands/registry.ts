import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { usageError } from '../../errors.js';
import { REGISTRY_MSG } from '../../messages.js';
import { splitTools } from '../../skill/model.js';
import { DEFAULT_REVOCATION_DAYS } from '../../skill/revocations.js';
import { DEFAULT_INTO, DEFAULT_MAX_BUNDLE, installLocked, installSkill } from '../../registry/install.js';
import { skillLedger } from '../../registry/ledger.js';
import { parseSpec } from '../../registry/model.js';
import { publishSkill, unpublishSkill } from '../../registry/publish.js';
import { createRegistryServer } from '../../registry/serve.js';
import { DEFAULT_TIMEOUT_MS } from '../../registry/source.js';
import { SKILL_CSV_FIELDS, toCsv, toText } from '../../audit/query.js';
import { writeOut, type CliContext } from '../context.js';
import { parseSizeOption } from '../shared.js';
import { EXIT_HELP, gateFor, requireTerminal, SENSITIVE_NOTE, withKeys } from './skill-trust.js';

/**
 * The registry commands (issue 18): publish and unpublish (trust decisions, terminal only),
 * install (safe: it only ever installs what verifies), serve (read-only), ledger (safe).
 * The work is in src/registry/.
 */

const LAYOUT_HELP = `
A registry is a folder of static files (docs/registry.md): index.json, keys.json (JWKS),
revocations.json (signed), skills/<id>/<version>/{bundle.tar,SKILL.sig,envelope.json}.
Put it in a git repository, on any static web server, or serve it with agent-vault skill serve.`;

const timeoutOption = () => new Option('--timeout <ms>', 'per-request timeout for http(s) registries').default(String(DEFAULT_TIMEOUT_MS));
const timeoutOf = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 600_000) throw usageError('--timeout must be a whole number of milliseconds from 1 to 600000');
  return n;
};

export function registerRegistry(skill: Command, ctx: CliContext): void {
  skill
    .command('publish')
    .description('Publish a skill folder to a registry folder: verify (scan, signature; signs with --kid when unsigned or changed), write its bundle, update index.json atomically.')
    .argument('<dir>', 'skill folder')
    .requiredOption('--registry <path>', 'registry folder (created when missing)')
    .option('--kid <id>', 'sign with this key when the skill is unsigned or changed since signing')
    .option('--version <v>', 'version to publish as (re-signs with --kid)')
    .option('--scope-tools <list>', 'signed scope: the tools the skill may ask for in allowed-tools (comma-separated; * for any)')
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', `${SENSITIVE_NOTE}\nA published id@version never changes: the same content again is a no-op, other content is\nrefused (REGISTRY_VERSION_EXISTS).${LAYOUT_HELP}${EXIT_HELP}`)
    .action(async (dir: string, opts: { registry: string; kid?: string; version?: string; scopeTools?: string; config?: string }) => {
      requireTerminal(ctx, 'skill publish');
      const gate = gateFor(ctx, opts.config);
      const scope = opts.scopeTools !== undefined ? { tools: splitTools(opts.scopeTools) } : undefined;
      const r = await withKeys(ctx, (store) => publishSkill(gate, store, resolve(ctx.cwd, dir), resolve(ctx.cwd, opts.registry), { ...(opts.kid ? { kid: opts.kid } : {}), ...(opts.version ? { version: opts.version } : {}), ...(scope ? { scope } : {}) }));
      await writeOut(ctx.stdout, REGISTRY_MSG.published(r.id, r.version, r.contentHash, r.registry, r.written));
    });

  skill
    .command('unpublish')
    .description('Unpublish ID@VERSION: revoke its content hash in the signed revocation list and copy the list into the registry. Nothing is deleted.')
    .argument('<spec>', 'ID@VERSION')
    .requiredOption('--registry <path>', 'registry folder')
    .requiredOption('--reason <text>', 'why (recorded in the revocation list)')
    .option('--signer <id>', 'key that signs the revocation list')
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', `${SENSITIVE_NOTE}\nEvery consumer refuses the version on its next install, and its next session-start check\nquarantines an installed copy.`)
    .action(async (spec: string, opts: { registry: string; reason: string; signer?: string; config?: string }) => {
      requireTerminal(ctx, 'skill unpublish');
      const { id, version } = parseSpec(spec);
      if (!version) throw usageError('give ID@VERSION: unpublishing names one version');
      if (!opts.reason.trim()) throw usageError('--reason must say why');
      const gate = gateFor(ctx, opts.config);
      const r = await withKeys(ctx, (store) => unpublishSkill(gate, store, resolve(ctx.cwd, opts.registry), id, version, { reason: opts.reason, signer: opts.signer, days: DEFAULT_REVOCATION_DAYS }));
      await writeOut(ctx.stdout, `unpublished ${id}@${version}: ${r.contentHash} revoked in revocation list version ${r.listVersion}, copied into ${opts.registry}\n`);
    });

  skill
    .command('install')
    .description('Install a skill from a registry (folder or http(s) URL) after verifying it: revocation list, keyring and JWKS, bundle hash, tar safety, signature, content hash, rescan, scope (safe).')
    .argument('[spec]', 'ID or ID@VERSION (default version: the latest published)')
    .option('--registry <path|url>', 'registry folder or http(s) URL')
    .option('--into <dir>', 'folder that receives <id>/', DEFAULT_INTO)
    .option('--locked', 'install exactly what .agent-vault/skills.lock records')
    .option('--max-size <size>', 'largest bundle accepted', String(DEFAULT_MAX_BUNDLE))
    .addOption(timeoutOption())
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', `
The skill is unpacked into a temporary folder beside the target and renamed into place only
after every check passed. Each failure has the code skill verify uses (below).
Network: only this command (and the session-start check, for revocation lists of the
registries in skills.lock) reaches a registry URL; redirects to another origin are refused.${LAYOUT_HELP}${EXIT_HELP}`)
    .action(async (spec: string | undefined, opts: { registry?: string; into: string; locked?: boolean; maxSize: string; timeout: string; config?: string }) => {
      const gate = gateFor(ctx, opts.config);
      const root = gate.base;
      const common = { maxBytes: parseSizeOption(opts.maxSize), timeoutMs: timeoutOf(opts.timeout) };
      if (opts.locked) {
        if (spec !== undefined || opts.registry !== undefined) throw usageError('--locked installs the lock file: give no ID and no --registry');
        const done = await installLocked(gate, root, common);
        await writeOut(ctx.stdout, done.map((r) => REGISTRY_MSG.installed(r.id, r.version, r.contentHash, r.path)).join(''));
        return;
      }
      if (spec === undefined || opts.registry === undefined) throw usageError('give ID[@VERSION] and --registry PATH|URL (or --locked)');
      const r = await installSkill(gate, root, parseSpec(spec), opts.registry, { ...common, into: opts.into, writeLock: true });
      await writeOut(ctx.stdout, REGISTRY_MSG.installed(r.id, r.version, r.contentHash, r.path) + REGISTRY_MSG.lockNote);
    });

  skill
    .command('serve')
    .description('Serve a registry folder over HTTP, read-only (GET/HEAD; ETags; 127.0.0.1 by default).')
    .requiredOption('--registry <path>', 'registry folder')
    .option('--port <n>', 'port (0: any free one)', '8787')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .addHelpText('after', `
Routes: GET /v1/skills/:id[@version] (the signed envelope), /v1/revocations,
/.well-known/jwks.json, and the static layout (/index.json, /skills/:id/:version/...).
Other methods get 405, malformed URLs 400. Stops on SIGINT or SIGTERM.`)
    .action(async (opts: { registry: string; port: string; host: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('--port must be a whole number from 0 to 65535');
      let srv;
      try {
        srv = createRegistryServer(resolve(ctx.cwd, opts.registry));
      } catch {
        throw usageError(`registry folder ${opts.registry} does not exist`);
      }
      await new Promise<void>((done, fail) => {
        srv.server.once('error', (e: NodeJS.ErrnoException) => fail(usageError(`cannot listen on ${opts.host}:${port} (${e.code ?? 'error'})`)));
        srv.server.listen(port, opts.host, () => done());
      });
      const addr = srv.server.address() as { port: number };
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      await writeOut(ctx.stdout, REGISTRY_MSG.serving(`http://${host}:${addr.port}/`, opts.registry));
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void srv.close().then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

  skill
    .command('ledger')
    .description('List the skill events of the audit log: publish, install, verification at session start, quarantine, revocation (safe). agent-vault audit verify checks the chain.')
    .option('--skill <id>', 'only this skill')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'csv']).default('text'))
    .action(async (opts: { skill?: string; format: string }) => {
      const entries = skillLedger(ctx.env, opts.skill ? { skill: opts.skill } : {});
      if (opts.format === 'json') return writeOut(ctx.stdout, JSON.stringify({ entries }, null, 2) + '\n');
      if (opts.format === 'csv') return writeOut(ctx.stdout, toCsv(entries, SKILL_CSV_FIELDS));
      await writeOut(ctx.stdout, entries.length ? toText(entries) : 'no skill events in the ledger\n');
    });
}
