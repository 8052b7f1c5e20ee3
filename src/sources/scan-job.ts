import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import type { Ruleset } from '../core/rules.js';
import type { Finding, Skipped } from '../core/types.js';
import { usageError } from '../errors.js';
import { VERSION } from '../platform/version.js';
import type { ScanReport } from '../report/model.js';
import { listFiles } from './files.js';
import { scanFragment, type SourceRead } from './fragment.js';
import { addedFragments, blobFragments, checkRange, stagedChanges } from './git-sources.js';
import { scanFileInWindows, scanFiles } from './scan-run.js';
import { withoutBaselined, type Baseline } from './baseline.js';

/** What `agent-vault scan` reads. */
export type ScanSource =
  /** Files and folders (a git work tree: tracked plus untracked, not ignored). */
  | { kind: 'paths'; paths: string[]; cwd: string; threads?: number | undefined; protectedRoots?: string[] }
  /** The blobs the next commit records (GIT_INDEX_FILE honoured through env). */
  | { kind: 'staged'; repo: string; env: NodeJS.ProcessEnv }
  /** The lines added by the commits of a range, or of every reachable commit. */
  | { kind: 'range'; repo: string; range: string }
  | { kind: 'history'; repo: string }
  | { kind: 'stdin'; bytes: Buffer };

export interface ScanJob {
  source: ScanSource;
  config: AgentVaultConfig;
  /** Accepted findings to leave out (a baseline file's). */
  baseline?: Baseline;
  /** What is done so far, for a progress line; called often (the caller throttles). */
  onProgress?: (done: string) => void;
}

/**
 * A skip that means the content was never judged: it could not be read (permissions, a
 * symlink loop, a device or other special file). Binary files, symbolic links (not followed)
 * and the vault home's files are left unread by design.
 */
export function wasNotRead(s: Skipped): boolean {
  if (s.reason === 'unreadable' || s.reason === 'symlink-loop') return true;
  return s.reason === 'not-a-file' && s.detail === undefined;
}

/** push(...many) overflows the call stack past ~100k items (a scan of 200k binary files did). */
function append<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
}

/** Findings and skips of fragments as they come, whatever their source. */
class Tally {
  readonly findings: Finding[] = [];
  readonly skipped: Skipped[] = [];
  private readonly paths = new Set<string>();
  bytes = 0;
  constructor(private readonly ruleset: Ruleset, private readonly maxFileSize: number) {}

  add(read: SourceRead): void {
    if (!read.ok) return void this.skipped.push(read.skipped);
    if (read.spilled) {
      const scanned = scanFileInWindows({ abs: read.spilled.file, display: read.spilled.path }, this.ruleset, {});
      if ('reason' in scanned) return void this.skipped.push(scanned);
      this.paths.add(read.spilled.path);
      this.bytes += scanned.chars;
      return append(this.findings, scanned.findings);
    }
    const { decoded, findings, chars } = scanFragment(read.fragment, this.ruleset, this.maxFileSize);
    if (!decoded.ok) return void this.skipped.push(decoded.skipped);
    this.paths.add(read.fragment.path);
    this.bytes += chars;
    append(this.findings, findings);
  }

  get files(): number {
    return this.paths.size;
  }
}

/** Scan one source and assemble the report every format renders. */
export async function runScanJob(job: ScanJob): Promise<ScanReport> {
  const { source, config } = job;
  const ruleset = buildRuleset(config);
  const tally = new Tally(ruleset, config.maxFileSize);
  const report = (target: string, files = tally.files, bytes = tally.bytes): ScanReport => ({
    findings: withoutBaselined(tally.findings, job.baseline),
    skipped: tally.skipped,
    filesScanned: files,
    bytesScanned: bytes,
    rules: ruleset.rules,
    target,
    version: VERSION,
  });

  switch (source.kind) {
    case 'stdin':
      tally.add({ ok: true, fragment: { path: '<stdin>', bytes: source.bytes } });
      return report('stdin');
    case 'staged':
      for (const read of blobFragments(source.repo, stagedChanges(source.repo, source.env).blobs)) tally.add(read);
      return report('staged');
    case 'range':
    case 'history': {
      let revs = ['--all'];
      if (source.kind === 'range') {
        if (!source.range) throw usageError('--range needs a range such as main..HEAD');
        checkRange(source.repo, source.range);
        revs = [source.range];
      }
      let commits = 0;
      let lastCommit: string | undefined;
      for await (const fragment of addedFragments(source.repo, revs)) {
        if (fragment.commit !== lastCommit) {
          lastCommit = fragment.commit;
          job.onProgress?.(`${++commits} commits`);
        }
        tally.add({ ok: true, fragment });
      }
      return report(source.kind === 'range' ? `range ${source.range}` : 'history');
    }
    case 'paths': {
      const listed = listFiles(source.paths, source.cwd);
      append(tally.skipped, listed.skipped);
      const progress = job.onProgress;
      const onProgress = progress ? (d: number, t: number, b: number) => progress(`${d}/${t} files, ${(b / 1048576).toFixed(1)} MB`) : undefined;
      const result = await scanFiles(listed.files, { config, ...(source.protectedRoots ? { protectedRoots: source.protectedRoots } : {}) }, onProgress, source.threads, ruleset);
      append(tally.findings, result.findings);
      append(tally.skipped, result.skipped);
      return report('files', result.filesScanned, result.bytesScanned);
    }
  }
}
