import type { AgentVaultConfig } from '../../src/config/config.js';
import { placeholderRegex } from '../../src/core/placeholder.js';
import type { Ruleset } from '../../src/core/rules.js';
import { Lines, scanText } from '../../src/core/scan.js';
import type { Finding, Origin, Skipped } from '../../src/core/types.js';
import { gitSync } from '../../src/platform/exec.js';
import { decodeForScan } from '../../src/sources/files.js';
import { readBlobs, streamAddedLines } from '../../src/sources/git-sources.js';
import type { ScanTarget } from './target.js';

/** An `<agent-vault:UNVAULTED:sha256:...>` marker found in added text. */
export interface UnvaultedMarker {
  path: string;
  line: number;
  commit: string | undefined;
}

/**
 * One pass over what the target adds, shared by every check: scanner findings, unvaulted
 * markers, and the paths touched. Built once because the range is the expensive part.
 */
export interface AddedContent {
  findings: Finding[];
  unvaulted: UnvaultedMarker[];
  /** Paths with added lines, plus (for commit ranges) every path the commits touched. */
  touchedPaths: Set<string>;
  skipped: Skipped[];
  filesScanned: number;
  bytesScanned: number;
}

export interface TreeEntry {
  mode: string;
  oid: string;
  path: string;
}

/** Every entry of a commit's tree (files, symlinks, submodules), in one git call. */
export function listTree(repo: string, commit: string): TreeEntry[] {
  const out = gitSync(['ls-tree', '-r', '-z', '--full-tree', commit], { cwd: repo }).toString('utf8');
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, , oid] = rec.slice(0, tab).split(' ') as [string, string, string];
    entries.push({ mode, oid, path: rec.slice(tab + 1) });
  }
  return entries;
}

const BLOB_BATCH = 2000;

/** Scan the regular files of a tree (or of some of its entries) blob by blob. */
export function scanTreeEntries(repo: string, entries: TreeEntry[], ruleset: Ruleset, config: AgentVaultConfig, onText?: (path: string, text: string) => void) {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  let filesScanned = 0;
  let bytesScanned = 0;
  const files = entries.filter((e) => e.mode === '100644' || e.mode === '100755');
  for (let i = 0; i < files.length; i += BLOB_BATCH) {
    const batch = files.slice(i, i + BLOB_BATCH);
    const blobs = readBlobs(repo, [...new Set(batch.map((e) => e.oid))]);
    for (const e of batch) {
      const bytes = blobs.get(e.oid);
      if (!bytes) {
        skipped.push({ path: e.path, reason: 'unreadable', detail: 'blob missing from the clone' });
        continue;
      }
      const read = decodeForScan(bytes, e.path, config.maxFileSize);
      if (!read.ok) {
        skipped.push(read.skipped);
        continue;
      }
      filesScanned++;
      bytesScanned += read.text.length;
      findings.push(...scanText(read.text, { path: e.path }, ruleset));
      onText?.(e.path, read.text);
    }
  }
  return { findings, skipped, filesScanned, bytesScanned };
}

function markersIn(text: string, origin: Origin, into: UnvaultedMarker[]) {
  if (!text.includes('<agent-vault:UNVAULTED:')) return;
  const re = placeholderRegex();
  let m: RegExpExecArray | null;
  const lines = new Lines(text);
  while ((m = re.exec(text)) !== null) {
    if (m[2] === undefined) continue;
    const line0 = lines.lineOf(m.index);
    into.push({ path: origin.path, line: origin.lineMap?.[line0] ?? line0 + 1, commit: origin.commit });
  }
}

export async function collectAdded(repo: string, target: ScanTarget, ruleset: Ruleset, config: AgentVaultConfig): Promise<AddedContent> {
  const added: AddedContent = { findings: [], unvaulted: [], touchedPaths: new Set(), skipped: [], filesScanned: 0, bytesScanned: 0 };
  if (target.kind === 'none') return added;
  if (target.kind === 'tree') {
    const entries = listTree(repo, target.head);
    for (const e of entries) added.touchedPaths.add(e.path);
    const r = scanTreeEntries(repo, entries, ruleset, config, (path, text) => markersIn(text, { path }, added.unvaulted));
    Object.assign(added, { findings: r.findings, skipped: r.skipped, filesScanned: r.filesScanned, bytesScanned: r.bytesScanned });
    return added;
  }
  const files = new Set<string>();
  await streamAddedLines(repo, target.revs, (raw) => {
    // The diff parser yields paths as latin1 (one char per byte); annotations need UTF-8.
    const frag = { ...raw, path: Buffer.from(raw.path, 'latin1').toString('utf8') };
    files.add(frag.path);
    added.touchedPaths.add(frag.path);
    added.bytesScanned += frag.text.length;
    if (frag.text.length > config.maxFileSize) {
      added.skipped.push({ path: frag.path, reason: 'too-large', detail: `${frag.text.length} bytes added in ${frag.commit?.slice(0, 12)}` });
      return;
    }
    const origin: Origin = { path: frag.path, lineMap: frag.lineMap, ...(frag.commit ? { commit: frag.commit } : {}), ...(frag.author ? { author: frag.author } : {}), ...(frag.date ? { date: frag.date } : {}) };
    added.findings.push(...scanText(frag.text, origin, ruleset));
    markersIn(frag.text, origin, added.unvaulted);
  });
  added.filesScanned = files.size;
  // Deleted, renamed-away and binary paths add no lines but still change skills.
  const names = gitSync(['log', '--format=', '--name-only', '-z', '--no-renames', ...target.revs, '--'], { cwd: repo }).toString('utf8');
  for (const p of names.split(/\0|\n/)) if (p) added.touchedPaths.add(p);
  return added;
}
