import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import type { Ruleset } from '../core/rules.js';
import { SECRET, type Finding, type Skipped } from '../core/types.js';
import { AgentVaultError, errorFromWire, type WireError } from '../errors.js';
import { foreignErrorDetail } from '../messages.js';
import { readFileFragment, type FileEntry } from './files.js';
import type { ScanOptions } from '../core/scan.js';
import { bytePieces, scanFragment, scanWindows, WINDOW_CHARS } from './fragment.js';

export interface ScanResult {
  findings: Finding[];
  skipped: Skipped[];
  filesScanned: number;
  bytesScanned: number;
}

export interface ScanSettings {
  /** Suppressions the engine honours (see ScanOptions); default: all of them. */
  suppressions?: { inline: boolean; paths: boolean };
  config: AgentVaultConfig;
  /** Folders whose files are never read (the vault home): skipped, by path or as the same file under another name. */
  protectedRoots?: string[];
}

/** A finding as it crosses a thread boundary: the secret travels in a named field. */
export type WireFinding = Omit<Finding, typeof SECRET> & { secret: string };

export const toWire = (f: Finding): WireFinding => ({ ...f, secret: f[SECRET] });
export function fromWire(w: WireFinding): Finding {
  const { secret, ...rest } = w;
  return { ...rest, [SECRET]: secret } as Finding;
}

function suppressionOptions(settings: ScanSettings) {
  const decode = { decode: settings.config.decode !== false };
  return settings.suppressions ? { ...decode, inlineSuppressions: settings.suppressions.inline, pathAllowlists: settings.suppressions.paths } : decode;
}

/** Scan a batch of files in this thread. */
export function scanBatch(files: FileEntry[], ruleset: Ruleset, settings: ScanSettings): ScanResult {
  const result: ScanResult = { findings: [], skipped: [], filesScanned: 0, bytesScanned: 0 };
  const options = suppressionOptions(settings);
  for (const file of files) {
    const read = readFileFragment(file, settings.config.maxFileSize, settings.protectedRoots);
    let scanned: { findings: Finding[]; chars: number } | Skipped;
    if (read.ok) {
      const { decoded, findings, chars } = scanFragment(read.fragment, ruleset, settings.config.maxFileSize, options);
      scanned = decoded.ok ? { findings, chars } : decoded.skipped;
    } else scanned = read.skipped.reason === 'too-large' ? scanFileInWindows(file, ruleset, options) : read.skipped;
    if ('reason' in scanned) {
      result.skipped.push(scanned);
      continue;
    }
    result.filesScanned++;
    result.bytesScanned += scanned.chars;
    for (const f of scanned.findings) result.findings.push(f);
  }
  return result;
}

/**
 * A file larger than maxFileSize, read and scanned a window at a time: memory stays bounded
 * by the window, whatever the file's size. Only a read that fails skips it.
 */
export function scanFileInWindows(file: FileEntry, ruleset: Ruleset, options: ScanOptions): { findings: Finding[]; chars: number } | Skipped {
  let fd: number | undefined;
  try {
    // As readFileFragment opens: no symlink followed, no FIFO waited on, a regular file only.
    fd = openSync(file.abs, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    if (!fstatSync(fd).isFile()) return { path: file.display, reason: 'not-a-file' };
    const handle = fd;
    const pieces = bytePieces(() => {
      const chunk = Buffer.allocUnsafe(WINDOW_CHARS);
      const n = readSync(handle, chunk, 0, chunk.length, null);
      return n === 0 ? undefined : chunk.subarray(0, n);
    });
    if (!pieces) return { path: file.display, reason: 'binary' };
    return scanWindows(pieces, { path: file.display }, ruleset, options);
  } catch (e) {
    return { path: file.display, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? foreignErrorDetail(e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Worker threads pay off only when there is real work: ~30 ms to start each. */
const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;
const BATCH_FILES = 64;

/** The built worker (dist/scan-worker.mjs), or undefined when running from source. */
export function workerScript(): string | undefined {
  try {
    const p = fileURLToPath(new URL('./scan-worker.mjs', import.meta.url));
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The total size of the files, estimated from at most 256 of them spread over the list: a stat
 * per file just to decide whether to start workers cost thousands of system calls on a tree
 * of small files.
 */
function totalSize(files: FileEntry[], limit: number): number {
  const step = Math.max(1, Math.floor(files.length / 256));
  let sampled = 0;
  let total = 0;
  for (let i = 0; i < files.length; i += step) {
    try {
      total += statSync(files[i]!.abs).size;
    } catch {
      /* reported when read */
    }
    sampled++;
    if (step === 1 && total >= limit) break;
  }
  return step === 1 ? total : (total / sampled) * files.length;
}

export interface Progress {
  (done: number, total: number, bytes: number): void;
}

/**
 * Scan files on every core when the job is big enough, inline otherwise. Findings keep file
 * order either way. `threads` overrides the choice (1 = inline; >= 2 forces workers). `inlineRuleset`,
 * built from `settings.config`, is used when the scan runs in this thread.
 */
export async function scanFiles(files: FileEntry[], settings: ScanSettings, onProgress?: Progress, threads?: number, inlineRuleset?: Ruleset): Promise<ScanResult> {
  const script = workerScript();
  const forced = threads !== undefined;
  const count = threads ?? Math.min(availableParallelism(), 8);
  const small = !forced && (files.length < 2 * BATCH_FILES || totalSize(files, PARALLEL_MIN_BYTES) < PARALLEL_MIN_BYTES);
  if (!script || count < 2 || small) {
    // The caller's ruleset when it built one for these settings: compiling 500 rules twice
    // was a third of a small scan's start-up.
    const ruleset = inlineRuleset ?? buildRuleset(settings.config);
    const out: ScanResult = { findings: [], skipped: [], filesScanned: 0, bytesScanned: 0 };
    for (let i = 0; i < files.length; i += BATCH_FILES) {
      const r = scanBatch(files.slice(i, i + BATCH_FILES), ruleset, settings);
      merge(out, r);
      onProgress?.(Math.min(i + BATCH_FILES, files.length), files.length, out.bytesScanned);
    }
    return out;
  }
  // This thread scans too, beside count - 1 workers: it has its ruleset already, and on a
  // machine of two cores a second worker only added its start (a thread, the bundle, the rules).
  return scanInWorkers(files, settings, script, count - 1, onProgress, inlineRuleset ?? buildRuleset(settings.config));
}

function merge(into: ScanResult, r: ScanResult) {
  for (const f of r.findings) into.findings.push(f);
  for (const k of r.skipped) into.skipped.push(k);
  into.filesScanned += r.filesScanned;
  into.bytesScanned += r.bytesScanned;
}

/**
 * The one worker protocol. The parent posts `{ type: 'scan', batch, files }` (FileEntry[]);
 * the worker answers each batch with a result, or with the error that stopped it, as the
 * error family's wire form so the parent rethrows what the worker threw.
 */
export type WorkerRequest = { type: 'scan'; batch: number; files: FileEntry[] };
export type WorkerReply =
  | { type: 'result'; batch: number; findings: WireFinding[]; skipped: Skipped[]; filesScanned: number; bytesScanned: number }
  | { type: 'error'; error: WireError };

/** An error the worker thread itself raised (it failed to start, or crashed), as one of ours. */
const workerFailure = (e: unknown) => new AgentVaultError('internal', `the scan worker failed: ${foreignErrorDetail(e)}`);

/**
 * Scan files on `threads` worker threads running `script`, and in this thread too when given
 * its ruleset (`here`), a batch at a time between the workers' messages; findings keep file
 * order. Each worker holds a second batch in its queue, so it never waits for this thread.
 */
export function scanInWorkers(files: FileEntry[], settings: ScanSettings, script: string, threads: number, onProgress?: Progress, here?: Ruleset): Promise<ScanResult> {
  const batches: FileEntry[][] = [];
  for (let i = 0; i < files.length; i += BATCH_FILES) batches.push(files.slice(i, i + BATCH_FILES));
  const results: (ScanResult | undefined)[] = new Array(batches.length);
  let next = 0;
  let done = 0;
  let doneFiles = 0;
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let failed = false;
    const fail = (error: AgentVaultError) => {
      if (failed) return;
      failed = true;
      for (const x of workers) void x.terminate();
      reject(error);
    };
    const record = (batch: number, r: ScanResult) => {
      results[batch] = r;
      done++;
      doneFiles += batches[batch]!.length;
      bytes += r.bytesScanned;
      onProgress?.(doneFiles, files.length, bytes);
      if (done === batches.length) finish();
    };
    const finish = () => {
      for (const w of workers) void w.terminate();
      const out: ScanResult = { findings: [], skipped: [], filesScanned: 0, bytesScanned: 0 };
      for (const r of results) if (r) merge(out, r);
      resolve(out);
    };
    const feed = (w: Worker) => {
      if (next < batches.length) {
        const batch = next++;
        w.postMessage({ type: 'scan', batch, files: batches[batch]! } satisfies WorkerRequest);
      }
    };
    if (batches.length === 0) return finish();
    const workerCount = Math.min(threads, here ? batches.length - 1 : batches.length);
    for (let t = 0; t < workerCount; t++) {
      const w = new Worker(script, { workerData: settings });
      workers.push(w);
      w.on('message', (msg: WorkerReply) => {
        if (failed) return;
        if (msg.type === 'error') return fail(errorFromWire(msg.error));
        record(msg.batch, { findings: msg.findings.map(fromWire), skipped: msg.skipped, filesScanned: msg.filesScanned, bytesScanned: msg.bytesScanned });
        if (!failed && done < batches.length) feed(w);
      });
      w.on('error', (e) => fail(workerFailure(e)));
      feed(w);
      if (here) feed(w);
    }
    if (!here) return;
    const ruleset = here;
    const scanHere = () => {
      if (failed || next >= batches.length) return;
      const batch = next++;
      let r: ScanResult;
      try {
        r = scanBatch(batches[batch]!, ruleset, settings);
      } catch (e) {
        // As a worker answers: ours as it is, anything else as an internal error made safe to print.
        return fail(e instanceof AgentVaultError ? e : new AgentVaultError('internal', foreignErrorDetail(e)));
      }
      record(batch, r);
      // Let the workers' answers in (and feed them) before the next batch here.
      setImmediate(scanHere);
    };
    setImmediate(scanHere);
  });
}
