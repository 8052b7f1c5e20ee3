import { valueFirstStarts } from './assignment.js';
import { shannonEntropy } from './entropy.js';
import { fingerprint, maskSecret } from './mask.js';
import { insidePlaceholder, PLACEHOLDER_PREFIX } from './placeholder.js';
import type { Ruleset } from './rules.js';
import { SECRET, type CompiledAllowlist, type CompiledRule, type Finding, type Origin } from './types.js';

export interface ScanOptions {
  /** Fingerprints to suppress (a baseline). */
  baseline?: ReadonlySet<string>;
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

/** Lazily built index of line starts, for offset -> line/column. */
export class Lines {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}
  private index(): number[] {
    if (!this.starts) {
      const starts = [0];
      let i = -1;
      while ((i = this.text.indexOf('\n', i + 1)) !== -1) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }
  /** 0-based line index containing offset. */
  lineOf(offset: number): number {
    const s = this.index();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  start(line: number): number {
    return this.index()[line] ?? this.text.length;
  }
  text0(line: number): string {
    const s = this.index();
    const from = s[line];
    if (from === undefined) return '';
    const next = s[line + 1];
    return this.text.slice(from, next === undefined ? this.text.length : next - 1);
  }
}

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
    const consider = (secret: string | undefined, span: [number, number] | undefined) => {
      if (!span || !secret) return;
      const [start, end] = span;
      if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return;
      if (secret.includes(PLACEHOLDER_PREFIX) || insidePlaceholder(text, start, end)) return;
      const lineIndex = lines.lineOf(start);
      const lineText = () => lines.text0(lineIndex);
      if (allowedBy(rule.allowlist, secret, lineText)) return;
      if (allowedBy(ruleset.globalAllowlist, secret, lineText)) return;
      candidates.push({ rule, start, end, secret });
    };
    const re = rule.regex;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      consider(m[rule.secretGroup], m.indices?.[rule.secretGroup]);
    }
    if (rule.valueFirst) {
      // Value first, name after on the same line: look only at the line before each name.
      const names = rule.valueFirst.names;
      names.lastIndex = 0;
      let searched = 0;
      let n: RegExpExecArray | null;
      while ((n = names.exec(text)) !== null) {
        const from = Math.max(searched, text.lastIndexOf('\n', n.index - 1) + 1);
        searched = names.lastIndex;
        if (from >= n.index) continue;
        for (const { form, regex } of rule.valueFirst.forms) {
          for (const at of valueFirstStarts(text, form, from, n.index)) {
            regex.lastIndex = at;
            const v = regex.exec(text);
            if (v) consider(v[1], v.indices?.[1]);
          }
        }
      }
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
  for (const c of kept) {
    const line0 = lines.lineOf(c.start);
    const lineText = lines.text0(line0);
    if (options.inlineSuppressions !== false) {
      if (ALLOW_SAME_LINE.test(lineText)) continue;
      if (line0 > 0 && ALLOW_NEXT_LINE.test(lines.text0(line0 - 1))) continue;
    }
    const fp = fingerprint(c.rule.id, c.secret);
    if (options.baseline?.has(fp)) continue;
    const endLine0 = lines.lineOf(Math.max(c.start, c.end - 1));
    const mapLine = (l0: number) => origin.lineMap?.[l0] ?? l0 + 1;
    const finding: Finding = {
      ruleId: c.rule.id,
      description: c.rule.description,
      severity: c.rule.severity,
      tags: c.rule.tags,
      path,
      line: mapLine(line0),
      column: c.start - lines.start(line0) + 1,
      endLine: mapLine(endLine0),
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

/** Content sniffing as git does it: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
