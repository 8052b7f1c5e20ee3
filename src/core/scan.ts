import { shannonEntropy } from './entropy.js';
import { fingerprint, maskSecret } from './mask.js';
import { fileLine, Lines } from './lines.js';
import { insidePlaceholder, PLACEHOLDER_PREFIX } from './placeholder.js';
import type { Ruleset } from './rules.js';
import { SECRET, type CompiledAllowlist, type CompiledRule, type Finding, type Origin } from './types.js';

export interface ScanOptions {
  /**
   * Honour inline allow comments in the text (default true). Skill scans turn this off:
   * a skill must not be able to silence the scanner from inside itself.
   */
  inlineSuppressions?: boolean;
  /**
   * Honour path allowlists, global and per rule (default true). The agent's view of a file
   * (`read`) turns this off, with inline comments: whoever edits the file must not be able to
   * unmask a secret in it by adding a comment or naming the file in an allowlist.
   */
  pathAllowlists?: boolean;
}

/** Inline suppressions, in the syntaxes of agent-vault, gitleaks and detect-secrets. */
const ALLOW_SAME_LINE = /agent-vault:allow(?!-next-line)|gitleaks:allow|pragma: ?allowlist secret/;
const ALLOW_NEXT_LINE = /agent-vault:allow-next-line|pragma: ?allowlist nextline secret/;

function allowedBy(list: CompiledAllowlist, secret: string, lineText: () => string): boolean {
  if (list.stopwords.length) {
    const lower = secret.toLowerCase();
    if (list.stopwords.some((w) => lower.includes(w))) return true;
  }
  if (list.regexes.some((r) => r.test(secret))) return true;
  if (list.lineRegexes.length) {
    const line = lineText();
    if (list.lineRegexes.some((r) => r.test(line))) return true;
  }
  return false;
}

interface Candidate {
  rule: CompiledRule;
  start: number;
  end: number;
  secret: string;
}

const isGeneric = (rule: CompiledRule) => rule.tags.includes('generic');

/**
 * Scan one piece of text (a file, a blob or a diff fragment) with a ruleset.
 * Pure: no I/O. Text is one char per byte (latin1) so offsets are byte offsets.
 */
export function scanText(text: string, origin: Origin, ruleset: Ruleset, options: ScanOptions = {}): Finding[] {
  const path = origin.path;
  const byPath = options.pathAllowlists !== false;
  if (byPath && ruleset.globalAllowlist.pathMatcher?.(path)) return [];
  const indices = ruleset.candidates(text);
  if (indices.length === 0) return [];
  const lines = new Lines(text);
  const candidates: Candidate[] = [];

  for (const ri of indices) {
    const rule = ruleset.rules[ri]!;
    if (byPath && rule.allowlist.pathMatcher?.(path)) continue;
    const re = rule.regex;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const span = m.indices?.[rule.secretGroup];
      const secret = m[rule.secretGroup];
      if (!span || !secret) continue;
      const [start, end] = span;
      if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) continue;
      if (secret.includes(PLACEHOLDER_PREFIX) || insidePlaceholder(text, start, end)) continue;
      const lineIndex = lines.lineOf(start);
      const lineText = () => lines.text0(lineIndex);
      if (allowedBy(rule.allowlist, secret, lineText)) continue;
      if (allowedBy(ruleset.globalAllowlist, secret, lineText)) continue;
      candidates.push({ rule, start, end, secret });
    }
  }
  if (candidates.length === 0) return [];

  // One finding per secret span: a provider rule beats a generic one, and the first rule
  // (in pack order) wins between equals.
  candidates.sort((a, b) => a.start - b.start || Number(isGeneric(a.rule)) - Number(isGeneric(b.rule)) || b.end - a.end);
  // Kept spans never overlap and candidates come by start, so only the last kept span can
  // clash with the next candidate (a search over all of them was quadratic in findings).
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const last = kept[kept.length - 1];
    if (!last || c.start >= last.end) kept.push(c);
    else if (isGeneric(last.rule) && !isGeneric(c.rule)) kept[kept.length - 1] = c;
  }

  const findings: Finding[] = [];
  for (let k = 0; k < kept.length; k++) {
    const c = kept[k]!;
    const line0 = lines.lineOf(c.start);
    const lineText = lines.text0(line0);
    if (options.inlineSuppressions !== false) {
      if (ALLOW_SAME_LINE.test(lineText)) continue;
      if (line0 > 0 && ALLOW_NEXT_LINE.test(lines.text0(line0 - 1))) continue;
    }
    const endLine0 = lines.lineOf(Math.max(c.start, c.end - 1));
    const fp = fingerprint(c.rule.id, path, contextOf(text, lines, kept, k, line0, endLine0));
    const finding: Finding = {
      ruleId: c.rule.id,
      description: c.rule.description,
      severity: c.rule.severity,
      tags: c.rule.tags,
      path,
      line: fileLine(origin, line0),
      column: c.start - lines.start(line0) + 1,
      endLine: fileLine(origin, endLine0),
      endColumn: c.end - lines.start(endLine0) + 1,
      masked: maskSecret(c.secret),
      fingerprint: fp,
      secretLength: c.secret.length,
      [SECRET]: c.secret,
    };
    if (origin.commit) finding.commit = origin.commit;
    if (origin.author) finding.author = origin.author;
    if (origin.date) finding.date = origin.date;
    findings.push(finding);
  }
  return findings;
}

/**
 * The lines of kept[k] with its span as \x01 and every other kept span on them as \x00 (kept
 * spans are sorted and disjoint, so the neighbours on these lines sit next to k).
 */
function contextOf(text: string, lines: Lines, kept: readonly Candidate[], k: number, line0: number, endLine0: number): string {
  const from = lines.start(line0);
  const to = lines.end(endLine0);
  let first = k;
  while (first > 0 && kept[first - 1]!.end > from) first--;
  let last = k;
  while (last + 1 < kept.length && kept[last + 1]!.start < to) last++;
  let out = '';
  let at = from;
  for (let i = first; i <= last; i++) {
    const span = kept[i]!;
    const start = Math.max(span.start, from);
    out += text.slice(at, start) + (i === k ? '\x01' : '\x00');
    at = Math.min(Math.max(span.end, start), to);
  }
  return out + text.slice(at, to);
}

/** Content sniffing as git does it: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
