import type { Ruleset } from '../core/rules.js';
import { fileLine, Lines } from '../core/lines.js';
import { placeholderFor, placeholderRegex } from '../core/placeholder.js';
import { scanText } from '../core/scan.js';
import type { Finding, Skipped } from '../core/types.js';
import { gitError } from '../errors.js';
import { GIT_MSG, MSG } from '../messages.js';
import type { ValueOccurrence } from '../core/redact.js';
import type { VaultSession } from '../session/session.js';
import { withoutBaselined, type Baseline } from '../sources/baseline.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { decodeFragment, scanInWindows, textOffset, WINDOW_CHARS, WINDOW_OVERLAP, type Decoded, type Fragment, type SourceRead, type SpilledBlob } from '../sources/fragment.js';
import { scanFileInWindows } from '../sources/scan-run.js';
import { addedFragments, blobFragments, changedPaths, stagedChanges, treeEntries } from '../sources/git-sources.js';
import type { GateTarget, Problem } from './model.js';

/** An `<agent-vault:UNVAULTED:sha256:...>` marker in content about to enter history. */
export interface UnvaultedMarker {
  path: string;
  line: number;
  commit: string | undefined;
}

/**
 * One pass over what a target adds, shared by every check: scanner findings, raw vaulted
 * values, unvaulted markers, and the paths touched. Built once because reading the content
 * (a range's diffs, the index's blobs) is the expensive part.
 */
export interface ContentPass {
  findings: Finding[];
  vaulted: Problem[];
  unvaulted: UnvaultedMarker[];
  /** Paths with content, plus every path the change deletes or re-modes: what skills care about. */
  touchedPaths: Set<string>;
  skipped: Skipped[];
  files: Set<string>;
  bytes: number;
}

export interface ContentContext {
  repo: string;
  env: NodeJS.ProcessEnv;
  ruleset: Ruleset;
  maxFileSize: number;
  isProtected: (path: string) => boolean;
  /** With a session, raw vaulted values (in any common encoding) are looked for too. */
  session: VaultSession | undefined;
  /** Findings a baseline accepts. */
  baseline: Baseline | undefined;
}

const UNVAULTED_MARK = '<agent-vault:UNVAULTED:';

function markers(text: string, fragment: Fragment, into: UnvaultedMarker[]): void {
  if (!text.includes(UNVAULTED_MARK)) return;
  const lines = new Lines(text);
  const re = placeholderRegex();
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[2] !== undefined) into.push({ path: fragment.path, line: fileLine(fragment, lines.lineOf(m.index)), commit: fragment.commit });
  }
}

/** The problem a raw vaulted value is: the key names it; no character of it is ever shown (issue 10, item 8). */
function vaultedProblem(ctx: ContentContext, path: string, commit: string | undefined, hit: ValueOccurrence, line: number): Problem {
  return {
    check: 'secrets',
    ruleId: hit.encoding === 'raw' ? 'vaulted-value' : `vaulted-value-${hit.encoding}`,
    description: 'Raw value of a vaulted secret',
    severity: 'critical',
    path,
    line,
    commit,
    masked: placeholderFor(hit.key),
    message: MSG.vaultedValueCommitted(hit.key, hit.encoding),
    hint: GIT_MSG.fixVaultedValue(hit.key, path, ctx.isProtected(path)),
  };
}

async function vaultedValues(ctx: ContentContext, fragment: Fragment, decoded: Decoded): Promise<Problem[]> {
  const hits = ctx.session ? await ctx.session.findValues(fragment.bytes) : [];
  if (hits.length === 0) return [];
  // Values are found in the stored bytes; lines are counted in the text the scanner read.
  const lines = new Lines(decoded.ok ? decoded.text : fragment.bytes.toString('latin1'));
  const at = (offset: number) => (decoded.ok ? textOffset(decoded, fragment.bytes, offset) : offset);
  return hits.map((hit) => vaultedProblem(ctx, fragment.path, fragment.commit, hit, fileLine(fragment, lines.lineOf(at(hit.offset)))));
}

/**
 * Raw vaulted values in a spilled blob, read a window at a time; windows overlap by
 * WINDOW_OVERLAP bytes (far longer than any value), and a hit counts in the window it starts
 * in unless the next window holds it whole. Lines are counted in bytes (newline = 0x0A).
 */
async function vaultedInFile(ctx: ContentContext, blob: SpilledBlob): Promise<Problem[]> {
  const session = ctx.session;
  if (!session) return [];
  const out: Problem[] = [];
  const fd = openSync(blob.file, 'r');
  try {
    const buf = Buffer.allocUnsafe(WINDOW_CHARS + WINDOW_OVERLAP);
    let start = 0; // file offset of buf[0]
    let held = 0; // bytes of the previous window kept at the front
    let linesBefore = 0; // newlines before `start`
    for (;;) {
      const n = readSync(fd, buf, held, buf.length - held, start + held);
      const len = held + n;
      if (len === 0) break;
      const last = n === 0 || start + len >= blob.size;
      if (!last && len < buf.length) {
        held = len; // a short read: fill the window before judging it
        continue;
      }
      const window = buf.subarray(0, len);
      const keepBefore = last ? len : len - WINDOW_OVERLAP; // hits starting at or after this are the next window's
      const hits = (await session.findValues(window)).filter((h) => h.offset < keepBefore).sort((a, b) => a.offset - b.offset);
      let counted = 0;
      let line = linesBefore;
      for (const h of hits) {
        for (; counted < h.offset; counted++) if (window[counted] === 0x0a) line++;
        out.push(vaultedProblem(ctx, blob.path, undefined, h, line + 1));
      }
      if (last) break;
      for (let i = 0; i < keepBefore; i++) if (window[i] === 0x0a) linesBefore++;
      buf.copy(buf, 0, keepBefore, len);
      held = len - keepBefore;
      start += keepBefore;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

async function takeSpilled(ctx: ContentContext, pass: ContentPass, blob: SpilledBlob): Promise<void> {
  pass.files.add(blob.path);
  pass.touchedPaths.add(blob.path);
  const vaulted = await vaultedInFile(ctx, blob);
  for (const v of vaulted) pass.vaulted.push(v);
  const vaultedLines = new Set(vaulted.map((v) => v.line));
  const scanned = scanFileInWindows({ abs: blob.file, display: blob.path }, ctx.ruleset, {});
  if ('reason' in scanned) {
    // A blob git just wrote that cannot be read back is a failure; binary content is noted, as for any binary file.
    if (scanned.reason !== 'binary') throw gitError(`cannot read ${blob.path}: ${scanned.detail ?? scanned.reason}`);
    return void pass.skipped.push({ path: blob.path, reason: 'binary' });
  }
  pass.bytes += scanned.chars;
  for (const f of withoutBaselined(scanned.findings, ctx.baseline)) if (!vaultedLines.has(f.line)) pass.findings.push(f);
}

async function take(ctx: ContentContext, pass: ContentPass, read: SourceRead): Promise<void> {
  // A gate that could not read what it judges must not pass it.
  if (!read.ok) throw gitError(`cannot read ${read.skipped.path}: ${read.skipped.detail ?? read.skipped.reason}`);
  if (read.spilled) return takeSpilled(ctx, pass, read.spilled);
  const { fragment } = read;
  pass.files.add(fragment.path);
  pass.touchedPaths.add(fragment.path);
  const decoded = decodeFragment(fragment, ctx.maxFileSize);
  // Raw vaulted values are looked for in every fragment, binary or too large to scan too.
  const vaulted = await vaultedValues(ctx, fragment, decoded);
  for (const v of vaulted) pass.vaulted.push(v);
  const vaultedLines = new Set(vaulted.map((v) => v.line));
  const keep = (findings: Finding[]) => {
    for (const f of withoutBaselined(findings, ctx.baseline)) if (!vaultedLines.has(f.line)) pass.findings.push(f); // else already reported as a vaulted value
  };
  if (!decoded.ok) {
    // Larger than maxFileSize: scanned in windows, never passed unread.
    const windows = decoded.skipped.reason === 'too-large' ? scanInWindows(fragment, ctx.ruleset) : undefined;
    if (!windows) return void pass.skipped.push(decoded.skipped.reason === 'too-large' ? { path: fragment.path, reason: 'binary' } : decoded.skipped);
    pass.bytes += windows.chars;
    return keep(windows.findings);
  }
  pass.bytes += decoded.text.length;
  keep(scanText(decoded.text, fragment, ctx.ruleset));
  markers(decoded.text, fragment, pass.unvaulted);
}

/** Read what a target adds, once, for every check. */
export async function readContent(ctx: ContentContext, target: GateTarget): Promise<ContentPass> {
  const pass: ContentPass = { findings: [], vaulted: [], unvaulted: [], touchedPaths: new Set(), skipped: [], files: new Set(), bytes: 0 };
  switch (target.kind) {
    case 'none':
      return pass;
    case 'staged': {
      const staged = stagedChanges(ctx.repo, ctx.env);
      for (const read of blobFragments(ctx.repo, staged.blobs)) await take(ctx, pass, read);
      // Every change counts for skills: a deleted or re-moded file makes a signature stale too.
      for (const p of [...staged.blobs.map((b) => b.path), ...staged.deleted]) pass.touchedPaths.add(p);
      return pass;
    }
    case 'tree': {
      const entries = treeEntries(ctx.repo, target.head);
      for (const read of blobFragments(ctx.repo, entries)) await take(ctx, pass, read);
      for (const e of entries) pass.touchedPaths.add(e.path);
      return pass;
    }
    case 'commits': {
      for await (const fragment of addedFragments(ctx.repo, target.revs)) await take(ctx, pass, { ok: true, fragment });
      // Deleted, renamed-away and binary paths add no lines but still change skills.
      for (const p of changedPaths(ctx.repo, target.revs)) pass.touchedPaths.add(p);
      return pass;
    }
  }
}
