import { agentViewConfig, buildRuleset, type AgentVaultConfig } from '../config/config.js';
import type { AgentView } from '../core/redact.js';
import { isDecoded, looksBinary } from '../core/scan.js';
import { SECRET } from '../core/types.js';
import { highEntropySpans, ruleSpans, spansOfFindings, suspectSpans, type LocatedSecret, type SuspectSpan } from '../core/suspects.js';
import type { VaultSession } from '../session/session.js';
import type { FileEntry } from '../sources/files.js';
import { scanInWorkers, workerScript, type ScanSettings } from '../sources/scan-run.js';

/**
 * What an agent sees of a file's bytes: vaulted values (and their encodings) as placeholders,
 * everything else the scanner or the entropy test suspects as UNVAULTED markers. `read`
 * shows it; `write` recomputes it on the file's current bytes to resolve the markers.
 */

/** Where the bytes come from: the path the configuration's allowlists see, and the real file. */
export interface ViewedFile {
  /** Repository-relative (or cwd-relative) path, POSIX separators. */
  display: string;
  /** Absolute path with symlinks resolved; undefined when it cannot be resolved. */
  abs: string | undefined;
}

/**
 * The agent edits the files it reads: an allow comment or an allowlisted path must not
 * unmask a secret in its view. (Baselines do not apply here either.)
 */
const AGENT_VIEW_SUPPRESSIONS = { inline: false, paths: false } as const;
const AGENT_VIEW_SCAN = { inlineSuppressions: AGENT_VIEW_SUPPRESSIONS.inline, pathAllowlists: AGENT_VIEW_SUPPRESSIONS.paths };

/** Below this size a worker thread costs more (~30 ms to start) than it saves. */
const PARALLEL_SCAN_BYTES = 8 * 1024 * 1024;

export async function agentViewOf(session: VaultSession, bytes: Buffer, file: ViewedFile, config: AgentVaultConfig): Promise<AgentView> {
  // Configuration may add to what the view hides, never narrow it (issue 10, item 6).
  return session.agentView(bytes, await suspectsOf(bytes, file, agentViewConfig(config)));
}

/**
 * The suspects of a stream's pieces (`run`'s output), with the rules built once: the agent
 * view's configuration, which may add to what is hidden and never narrow it.
 */
export function streamSuspects(config: AgentVaultConfig, display: string): (bytes: Uint8Array) => SuspectSpan[] {
  const ruleset = buildRuleset(agentViewConfig(config));
  return (bytes) => suspectSpans(bytes, display, ruleset, AGENT_VIEW_SCAN);
}

/**
 * The suspects of a file's bytes. A large file's rules run in the scan worker thread while
 * this thread looks for entropy suspects. Bytes in shared memory (a large file's read, see
 * platform/safe-path.ts) are scanned there as they are; otherwise the worker reads the file
 * again. Either way its findings are used only if they sit on these bytes.
 */
export async function suspectsOf(bytes: Buffer, file: ViewedFile, config: AgentVaultConfig): Promise<SuspectSpan[]> {
  const shared = bytes.buffer instanceof SharedArrayBuffer;
  const parallel = (shared || file.abs) && bytes.length >= PARALLEL_SCAN_BYTES && !looksBinary(bytes) ? scanInWorker(config, { abs: file.abs ?? '', display: file.display, ...(shared ? { bytes } : {}) }) : undefined;
  if (!parallel) return suspectSpans(bytes, file.display, buildRuleset(config), AGENT_VIEW_SCAN);
  const entropy = highEntropySpans(bytes);
  const fromWorker = await parallel;
  const spans = (fromWorker && spansOfFindings(bytes, fromWorker)) ?? ruleSpans(bytes, file.display, buildRuleset(config), AGENT_VIEW_SCAN);
  for (const e of entropy) spans.push(e);
  return spans;
}

/**
 * Run the scanner's rules over a large file in the scan worker thread (the one `scan` uses,
 * through its own protocol). Undefined when there is no worker (running from source) or it
 * failed: the caller scans in this thread.
 */
async function scanInWorker(config: AgentVaultConfig, file: FileEntry): Promise<LocatedSecret[] | undefined> {
  const script = workerScript();
  if (!script) return undefined;
  const settings: ScanSettings = { config: { ...config, maxFileSize: Number.MAX_SAFE_INTEGER }, suppressions: AGENT_VIEW_SUPPRESSIONS };
  try {
    const result = await scanInWorkers([file], settings, script, 1);
    if (result.filesScanned !== 1) return undefined;
    return result.findings.map((f) => ({ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, secret: f[SECRET], encoded: isDecoded(f) }));
  } catch {
    return undefined;
  }
}
