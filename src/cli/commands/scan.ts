import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { CONFIG_DISCOVERY } from '../../config/config.js';
import { usageError } from '../../errors.js';
import { MSG } from '../../messages.js';
import { render, FORMATS, type Format } from '../../report/index.js';
import { baselineText, configBaseline, readBaseline } from '../../sources/baseline.js';
import { runScanJob, wasNotRead, type ScanSource } from '../../sources/scan-job.js';
import { agentVaultHome } from '../../platform/home.js';
import { classifyTarget, ProtectedFolders } from '../../platform/safe-path.js';
import { nameVaultedValues } from '../../session/name-vaulted.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { configFor, outputPath, parseSizeOption, showProgress, useColor, withSession, writeOutputFile } from '../shared.js';

interface ScanOptions {
  staged?: boolean;
  range?: string;
  history?: boolean;
  stdin?: boolean;
  format: Format;
  output?: string;
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  maxFileSize?: string;
  threads?: string;
  progress: boolean;
}

export function registerScan(program: Command, ctx: CliContext): void {
  program
    .command('scan')
    .description('Scan files, staged changes, a commit range or the whole history for secrets.')
    .argument('[paths...]', 'files or folders to scan (default: the current folder)')
    .option('--staged', 'scan the blobs staged in the index (what the next commit records)')
    .option('--range <A..B>', 'scan the lines added by the commits in a range; each finding names its commit')
    .option('--history', 'scan the lines added by every reachable commit, streamed')
    .option('--stdin', 'scan standard input')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('-c, --config <file>', `configuration file; looked up in order: ${CONFIG_DISCOVERY.join(', then ')}`)
    .option('--baseline <file>', 'ignore findings whose fingerprints are in this baseline file (default: baseline: in the config)')
    .option('--write-baseline <file>', 'write the fingerprints of all current findings to a baseline file')
    .option('--max-file-size <size>', 'scan files larger than this in windows (default 10MB, or maxFileSize in the config)')
    .option('--no-progress', 'never show a progress bar (it shows only on a terminal, never in CI)')
    .option('--threads <n>', 'threads that scan paths, this one included (default: one per core for large scans, 1 = no worker threads)')
    .addHelpText(
      'after',
      `
Sources: without --staged/--range/--history/--stdin, paths are scanned. In a git work tree that
means tracked files plus untracked files that are not ignored; elsewhere every file except
dependency and VCS folders (node_modules, .git, ...). Binary files are skipped by content,
except key containers (PKCS#12 .p12/.pfx, JKS/JCEKS keystores, DER private keys): those are reported.

Suppressing findings: add an "agent-vault:allow" comment on the line (or
"agent-vault:allow-next-line" on the line before; "gitleaks:allow", "pragma: allowlist secret" and
secretlint's disable comments also work), list the fingerprint in a --baseline file, or add
allowlists to the config. Encoded text (base64, hex, percent-encoding) is decoded and scanned.

Files larger than maxFileSize are scanned in overlapping windows, in bounded memory.

Exit status:
  0  no findings
  1  findings
  2  usage, configuration or runtime error, or a file that could not be read (named on stderr)`,
    )
    .action(async (paths: string[], opts: ScanOptions) => {
      await runScan(ctx, paths, opts);
    });
}

async function runScan(ctx: CliContext, paths: string[], opts: ScanOptions): Promise<void> {
  const modes = [opts.staged, opts.range !== undefined, opts.history, opts.stdin].filter(Boolean).length;
  if (modes > 1) throw usageError('choose one of --staged, --range, --history and --stdin');
  if (modes === 1 && paths.length) throw usageError('paths cannot be combined with --staged, --range, --history or --stdin');
  const { config, root } = configFor(ctx, opts.config);
  if (opts.maxFileSize) config.maxFileSize = parseSizeOption(opts.maxFileSize);
  // Writing a baseline accepts everything there today: the configured one (perhaps not written
  // yet, as its own hint says to do) must not hide findings from the new file.
  const baseline = opts.baseline ? readBaseline(resolve(ctx.cwd, opts.baseline)) : opts.writeBaseline ? undefined : configBaseline(config, ctx.cwd);
  // Where results go is checked before the scan: a mistyped folder must not cost a scan first.
  const output = opts.output ? outputPath(ctx, '--output', opts.output) : undefined;
  const baselineOut = opts.writeBaseline ? outputPath(ctx, '--write-baseline', opts.writeBaseline) : undefined;
  const progress = opts.progress && showProgress(ctx) ? new ProgressBar(ctx) : undefined;
  const report = await runScanJob({ source: await sourceFor(ctx, paths, opts, root), config, baseline, ...(progress ? { onProgress: (t: string) => progress.update(t) } : {}) });
  progress?.done();
  // A finding that is a vaulted value names its key, never characters of the value (issue 10, item 8).
  await withSession(ctx, (session) => nameVaultedValues(report.findings, session));

  if (opts.writeBaseline && baselineOut) writeOutputFile('--write-baseline', opts.writeBaseline, baselineOut, baselineText(report.findings), true);
  const unread = report.skipped.filter(wasNotRead);
  for (const s of unread) await writeOut(ctx.stderr, `${MSG.scanUnread(s.path, s.detail ?? s.reason)}\n`);
  const text = render(opts.format, report, { color: !opts.output && useColor(ctx, ctx.stdout) });
  if (opts.output && output) writeOutputFile('--output', opts.output, output, text);
  else await writeOut(ctx.stdout, text);
  if (opts.output && opts.format !== 'text') {
    await writeOut(ctx.stderr, render('text', { ...report, findings: [] }).replace(/^no secrets found/, `${report.findings.length} finding(s)`));
  }
  // A file that could not be read was not judged: the scan fails rather than pass it.
  ctx.exitCode = unread.length ? 2 : report.findings.length ? 1 : 0;
}

async function sourceFor(ctx: CliContext, paths: string[], opts: ScanOptions, root: string | undefined): Promise<ScanSource> {
  const repo = () => {
    if (!root) throw usageError(MSG.notAGitRepo(ctx.cwd), MSG.notAGitRepoHint);
    return root;
  };
  if (opts.stdin) return { kind: 'stdin', bytes: await readAll(ctx.stdin) };
  if (opts.staged) return { kind: 'staged', repo: repo(), env: ctx.env };
  if (opts.history) return { kind: 'history', repo: repo() };
  if (opts.range !== undefined) return { kind: 'range', repo: repo(), range: opts.range };
  const threads = opts.threads === undefined ? undefined : Number(opts.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) throw usageError(`invalid --threads "${opts.threads}"`, 'Give a whole number from 1 to 64.');
  // The vault home is never scanned: naming it (or a file of it) is a usage error; a walk
  // that passes through it skips its files.
  const vaultRoots = [agentVaultHome(ctx.env)];
  const folders = new ProtectedFolders(vaultRoots);
  for (const p of paths) {
    const refused = classifyTarget(resolve(ctx.cwd, p), folders, { folderOk: true });
    if (refused?.code === 'PATH_IN_VAULT_HOME') throw usageError(MSG.pathInVaultHome(p, refused.root), MSG.pathInVaultHomeHint);
  }
  return { kind: 'paths', paths, cwd: ctx.cwd, threads, protectedRoots: vaultRoots };
}

/** A one-line progress indicator on stderr, redrawn at most ten times a second. */
class ProgressBar {
  private last = 0;
  private shown = false;
  constructor(private readonly ctx: CliContext) {}
  update(text: string) {
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    this.ctx.stderr.write(`\r\x1b[2Kscanning: ${text}`);
  }
  done() {
    if (this.shown) this.ctx.stderr.write('\r\x1b[2K');
  }
}
