import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildRuleset, CONFIG_DISCOVERY } from '../../config/config.js';
import { scanText } from '../../core/scan.js';
import type { Finding, Skipped } from '../../core/types.js';
import { usageError } from '../../errors.js';
import { MSG } from '../../messages.js';
import { render, FORMATS, type Format, type ScanReport } from '../../report/index.js';
import { decodeForScan, listFiles } from '../../sources/files.js';
import { checkRange, readBlobs, stagedBlobs, streamAddedLines } from '../../sources/git-sources.js';
import { scanFiles } from '../../sources/scan-run.js';
import { writeFileAtomicSync } from '../../platform/atomic.js';
import { VERSION } from '../../platform/version.js';
import { agentVaultHome } from '../../platform/home.js';
import { classifyTarget, ProtectedFolders } from '../../platform/safe-path.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { configFor, parseSizeOption, readBaseline, showProgress, useColor, withSession, type BaselineFile } from '../shared.js';
import { nameVaultedValues } from '../../session/name-vaulted.js';

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

/** push(...many) overflows the call stack past ~100k items (a scan of 200k binary files did). */
function append<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
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
    .option('--baseline <file>', 'ignore findings whose fingerprints are in this baseline file')
    .option('--write-baseline <file>', 'write the fingerprints of all current findings to a baseline file')
    .option('--max-file-size <size>', 'skip (and list) files larger than this (default 10MB, or maxFileSize in the config)')
    .option('--no-progress', 'never show a progress bar (it shows only on a terminal, never in CI)')
    .option('--threads <n>', 'worker threads for path scans (default: one per core for large scans, 1 = no workers)')
    .addHelpText(
      'after',
      `
Sources: without --staged/--range/--history/--stdin, paths are scanned. In a git work tree that
means tracked files plus untracked files that are not ignored; elsewhere every file except
dependency and VCS folders (node_modules, .git, ...). Binary files are skipped by content.

Suppressing findings: add an "agent-vault:allow" comment on the line (or
"agent-vault:allow-next-line" on the line before; "gitleaks:allow" and "pragma: allowlist secret"
also work), list the fingerprint in a --baseline file, or add allowlists to the config.

Exit status:
  0  no findings
  1  findings
  2  usage, configuration or runtime error`,
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
  const baseline = opts.baseline ? readBaseline(resolve(ctx.cwd, opts.baseline)) : [];
  const ruleset = buildRuleset(config);
  const baselineSet = new Set(baseline);
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  let filesScanned = 0;
  let bytesScanned = 0;
  let target = 'files';
  const needRepo = () => {
    if (!root) throw usageError(MSG.notAGitRepo(ctx.cwd), MSG.notAGitRepoHint);
    return root;
  };
  const progress = opts.progress && showProgress(ctx) ? new ProgressBar(ctx) : undefined;

  if (opts.stdin) {
    target = 'stdin';
    const read = decodeForScan(await readAll(ctx.stdin), '<stdin>', config.maxFileSize);
    if (read.ok) {
      filesScanned = 1;
      bytesScanned = read.text.length;
      append(findings, scanText(read.text, { path: '<stdin>' }, ruleset, { baseline: baselineSet }));
    } else skipped.push(read.skipped);
  } else if (opts.staged) {
    target = 'staged';
    const repo = needRepo();
    const blobs = stagedBlobs(repo, ctx.env);
    const contents = readBlobs(repo, blobs.map((b) => b.oid));
    for (const b of blobs) {
      if (b.mode === '120000') continue; // a symlink's blob is its target path
      const bytes = contents.get(b.oid);
      if (!bytes) continue;
      const read = decodeForScan(bytes, b.path, config.maxFileSize);
      if (!read.ok) {
        skipped.push(read.skipped);
        continue;
      }
      filesScanned++;
      bytesScanned += read.text.length;
      append(findings, scanText(read.text, { path: b.path }, ruleset, { baseline: baselineSet }));
    }
  } else if (opts.range !== undefined || opts.history) {
    const repo = needRepo();
    let revs: string[];
    if (opts.history) {
      target = 'history';
      revs = ['--all'];
    } else {
      const range = opts.range!;
      if (!range) throw usageError('--range needs a range such as main..HEAD');
      checkRange(repo, range);
      target = `range ${range}`;
      revs = [range];
    }
    const files = new Set<string>();
    let commits = 0;
    let lastCommit: string | undefined;
    await streamAddedLines(repo, revs, (frag) => {
      if (frag.commit !== lastCommit) {
        lastCommit = frag.commit;
        commits++;
        progress?.update(`${commits} commits`);
      }
      files.add(frag.path);
      bytesScanned += frag.text.length;
      if (frag.text.length > config.maxFileSize) {
        skipped.push({ path: frag.path, reason: 'too-large', detail: `${frag.text.length} bytes added in ${frag.commit?.slice(0, 12)}` });
        return;
      }
      const origin = { path: frag.path, lineMap: frag.lineMap, ...(frag.commit ? { commit: frag.commit } : {}), ...(frag.author ? { author: frag.author } : {}), ...(frag.date ? { date: frag.date } : {}) };
      append(findings, scanText(frag.text, origin, ruleset, { baseline: baselineSet }));
    });
    filesScanned = files.size;
  } else {
    // The vault home is never scanned: naming it (or a file of it) is a usage error; a walk
    // that passes through it skips its files.
    const vaultRoots = [agentVaultHome(ctx.env)];
    const folders = new ProtectedFolders(vaultRoots);
    for (const p of paths) {
      const refused = classifyTarget(resolve(ctx.cwd, p), folders, { folderOk: true });
      if (refused?.code === 'PATH_IN_VAULT_HOME') throw usageError(MSG.pathInVaultHome(p, refused.root), MSG.pathInVaultHomeHint);
    }
    const listed = listFiles(paths, ctx.cwd);
    append(skipped, listed.skipped);
    const threads = opts.threads === undefined ? undefined : Number(opts.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) throw usageError(`invalid --threads "${opts.threads}"`, 'Give a whole number from 1 to 64.');
    const onProgress = progress ? (d: number, t: number, b: number) => progress.update(`${d}/${t} files, ${(b / 1048576).toFixed(1)} MB`) : undefined;
    const result = await scanFiles(listed.files, { config, baseline, protectedRoots: vaultRoots }, onProgress, threads);
    append(findings, result.findings);
    append(skipped, result.skipped);
    filesScanned = result.filesScanned;
    bytesScanned = result.bytesScanned;
  }
  progress?.done();
  await withSession(ctx, (session) => nameVaultedValues(findings, session));

  const report: ScanReport = { findings, skipped, filesScanned, bytesScanned, rules: ruleset.rules, target, version: VERSION };
  if (opts.writeBaseline) {
    const data: BaselineFile = { version: 1, findings: findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, line: f.line })) };
    writeFileAtomicSync(resolve(ctx.cwd, opts.writeBaseline), JSON.stringify(data, null, 2) + '\n');
  }
  for (const s of skipped) {
    if (s.reason === 'unreadable' || s.reason === 'symlink-loop') await writeOut(ctx.stderr, `warning: cannot read ${s.path} (${s.detail ?? s.reason}); skipped\n`);
  }
  const text = render(opts.format, report, { color: !opts.output && useColor(ctx, ctx.stdout) });
  if (opts.output) writeFileSync(resolve(ctx.cwd, opts.output), text);
  else await writeOut(ctx.stdout, text);
  if (opts.output && opts.format !== 'text') {
    await writeOut(ctx.stderr, render('text', { ...report, findings: [] }).replace(/^no secrets found/, `${findings.length} finding(s)`));
  }
  ctx.exitCode = findings.length ? 1 : 0;
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
