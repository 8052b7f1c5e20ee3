import { isTeamCiphertextLine, isTeamFilePath } from './team-lines.js';
import { valueFirstStarts } from './assignment.js';
import { decodedValue, findEncodedSegments, type EncodedSegment, type Encoding } from './decode.js';
import { shannonEntropy } from './entropy.js';
import { fingerprint, maskSecret } from './mask.js';
import { fileLine, Lines } from './lines.js';
import { findingIsPasswordHash } from './password-hash.js';
import { PUBLIC_BY_DESIGN_SEVERITY, publicByDesignReason } from './public-by-design.js';
import { insidePlaceholder, PLACEHOLDER_PREFIX } from './placeholder.js';
import type { Ruleset } from './rules.js';
import { SECRET, severityRank, type CompiledAllowlist, type CompiledRule, type Finding, type Origin } from './types.js';

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
  /**
   * Decode base64, hex and percent-encoded segments and scan what they hold (default true).
   * Findings inside them are reported at the encoded span with a `decoded:<encoding>` tag.
   */
  decode?: boolean;
  /**
   * The ruleset's keyword pass over this very text, when the caller already has it (a skill's
   * threat rules are picked by one pass over all of them, then each runs on its own). Decoded
   * segments inside the text still take their own pass.
   */
  candidates?: readonly number[];
}

/** Inline suppressions, in the syntaxes of agent-vault, gitleaks, detect-secrets and secretlint. */
const ALLOW_SAME_LINE = /agent-vault:allow(?!-next-line)|gitleaks:allow|pragma: ?allowlist secret|secretlint-disable-line/;
const ALLOW_NEXT_LINE = /agent-vault:allow-next-line|pragma: ?allowlist nextline secret|secretlint-disable-next-line/;

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
  /** Set when the secret was found in decoded text: the encodings, outermost first. */
  decoded?: Encoding[];
}

const isGeneric = (rule: CompiledRule) => rule.tags.includes('generic');

/** How deep encodings are unwrapped (base64 of hex of percent-encoding is three). */
const MAX_DECODE_DEPTH = 3;
/** Lines above an encoded segment kept as its context (a YAML key one line up names the value). */
const DECODE_CONTEXT_LINES = 2;
const DECODE_CONTEXT_CHARS = 512;

/**
 * Scan one piece of text (a file, a blob or a diff fragment) with a ruleset.
 * Pure: no I/O. Text is one char per byte (latin1) so offsets are byte offsets.
 */
export function scanText(text: string, origin: Origin, ruleset: Ruleset, options: ScanOptions = {}): Finding[] {
  const path = origin.path;
  const byPath = options.pathAllowlists !== false;
  if (byPath && ruleset.globalAllowlist.pathMatcher?.(path)) return [];
  const lines = new Lines(text);
  const kept = collect(text, lines, path, ruleset, byPath, options.decode === false ? MAX_DECODE_DEPTH : 0, options.candidates);
  if (kept.length === 0) return [];
  const suppressed = options.inlineSuppressions !== false ? inlineSuppressions(text, lines) : undefined;

  const teamFile = isTeamFilePath(path);
  const findings: Finding[] = [];
  for (let k = 0; k < kept.length; k++) {
    const c = kept[k]!;
    const line0 = lines.lineOf(c.start);
    if (suppressed?.(line0)) continue;
    // The team vault's ciphertext and public-key lines (core/team-lines.ts) hold no secret.
    if (teamFile && isTeamCiphertextLine(text.slice(lines.start(line0), lines.end(line0)))) continue;
    const endLine0 = lines.lineOf(Math.max(c.start, c.end - 1));
    const fp = fingerprint(c.rule.id, path, contextOf(text, lines, kept, k, line0, endLine0));
    let description = c.decoded ? `${c.rule.description} (found inside ${[...c.decoded].reverse().join(' inside ')})` : c.rule.description;
    let severity = c.rule.severity;
    let tags = c.decoded ? [...c.rule.tags, ...c.decoded.map((e) => `decoded:${e}`)] : c.rule.tags;
    // A key its provider says belongs in client code is reported low, with the reason.
    const isPublic = c.decoded ? undefined : publicByDesignReason(c.rule.id, c.secret, text, c.start, c.end);
    if (isPublic !== undefined) {
      description = `${description} (public by design: ${isPublic})`;
      if (severityRank(severity) > severityRank(PUBLIC_BY_DESIGN_SEVERITY)) severity = PUBLIC_BY_DESIGN_SEVERITY;
      tags = [...tags, 'public-by-design'];
    }
    const finding: Finding = {
      ruleId: c.rule.id,
      description,
      severity,
      tags,
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

/**
 * The secrets in `text`, one per span, in text order: every candidate rule's matches that pass
 * entropy and allowlists, then the secrets inside encoded segments (decoded and scanned in
 * place, `depth` levels deep at most), reported at the encoded span.
 */
function collect(text: string, lines: Lines, path: string, ruleset: Ruleset, byPath: boolean, depth: number, known?: readonly number[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (const ri of known ?? ruleset.candidates(text)) {
    const rule = ruleset.rules[ri]!;
    if (rule.firstChar !== undefined && text.charCodeAt(0) !== rule.firstChar) continue;
    if (byPath && rule.allowlist.pathMatcher?.(path)) continue;
    const consider = (secret: string | undefined, span: [number, number] | undefined): boolean => {
      if (!span || !secret) return false;
      const [start, end] = span;
      if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
      if (secret.includes(PLACEHOLDER_PREFIX) || insidePlaceholder(text, start, end)) return false;
      // A password hash under a password name is the stored form, not the credential.
      if (!isBinarySecret(secret) && findingIsPasswordHash(text, start, end, secret)) return false;
      const lineIndex = lines.lineOf(start);
      const lineText = () => lines.text0(lineIndex);
      // Allowlists describe text (template words, references, documented values); a binary
      // key container is none of those, whatever its certificates say (CN=example.com).
      if (!isBinarySecret(secret) && (allowedBy(rule.allowlist, secret, lineText) || allowedBy(ruleset.globalAllowlist, secret, lineText))) return false;
      candidates.push({ rule, start, end, secret });
      return true;
    };
    const re = rule.regex;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const span = m.indices?.[rule.secretGroup];
      // A value judged not a secret (a reference, code) may hold the next name: in
      // `password = process.env.DB_PASSWORD || "v"` the value of the first name is the second
      // name. Resume from the rejected value rather than past it.
      if (!consider(m[rule.secretGroup], span) && span && span[0] > m.index) re.lastIndex = span[0];
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
  let kept = oneSecretPerSpan(candidates);
  // A value that is an encoding of a placeholder is a placeholder: `password: Y2hhbmdlbWU=`
  // (changeme) is judged by what it says, not by how random its base64 looks.
  if (depth < MAX_DECODE_DEPTH && kept.length) {
    kept = kept.filter((k) => {
      // Basic credentials decode to user:password; the user name (admin, deploy) is no
      // template word, so only the password is judged.
      const said = decodedValue(k.secret)?.trim().replace(/^[^:\s]{1,64}:(?=\S)/, '');
      return said === undefined || !(allowedBy(k.rule.allowlist, said, () => said) || allowedBy(ruleset.globalAllowlist, said, () => said));
    });
  }
  if (depth >= MAX_DECODE_DEPTH) return kept;
  const segments = findEncodedSegments(text);
  if (segments.length === 0) return kept;
  return withDecoded(text, kept, segments, path, ruleset, byPath, depth);
}

/**
 * One finding per secret span: a provider rule beats a generic one, and the first rule (in
 * pack order) wins between equals.
 */
function oneSecretPerSpan(candidates: Candidate[]): Candidate[] {
  if (candidates.length < 2) return candidates;
  candidates.sort((a, b) => a.start - b.start || Number(isGeneric(a.rule)) - Number(isGeneric(b.rule)) || b.end - a.end);
  // Kept spans never overlap and candidates come by start, so only the last kept span can
  // clash with the next candidate (a search over all of them was quadratic in findings).
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const last = kept[kept.length - 1];
    if (!last || c.start >= last.end) kept.push(c);
    else if (isGeneric(last.rule) && !isGeneric(c.rule)) kept[kept.length - 1] = c;
  }
  return kept;
}

/**
 * Scan each encoded segment decoded in place, with the lines just above it as context (a YAML
 * or .env key names the value), and add what lies inside the decoded text at the segment's
 * span. A generic finding on the encoded text itself gives way to what was found inside it
 * (one secret, reported once, as what it is); a secret already found as written is not
 * reported twice.
 */
function withDecoded(text: string, kept: Candidate[], segments: EncodedSegment[], path: string, ruleset: Ruleset, byPath: boolean, depth: number): Candidate[] {
  const found: Candidate[] = [];
  for (const seg of segments) {
    // Context: the lines just above and the rest of the line, but never more than a few
    // hundred characters (a minified file is one long line with many encoded segments).
    let from = text.lastIndexOf('\n', seg.start - 1) + 1;
    for (let k = 0; k < DECODE_CONTEXT_LINES && from > 1 && seg.start - from < DECODE_CONTEXT_CHARS; k++) from = text.lastIndexOf('\n', from - 2) + 1;
    from = Math.max(from, seg.start - DECODE_CONTEXT_CHARS);
    let to = text.indexOf('\n', seg.end);
    if (to === -1) to = text.length;
    to = Math.min(to, seg.end + DECODE_CONTEXT_CHARS);
    const window = text.slice(from, seg.start) + seg.decoded + text.slice(seg.end, to);
    const inside = [seg.start - from, seg.start - from + seg.decoded.length];
    for (const c of collect(window, new Lines(window), path, ruleset, byPath, depth + 1)) {
      if (c.end <= inside[0]! || c.start >= inside[1]!) continue;
      // Found as written already: the same secret anywhere, or the same rule on part of this
      // segment (a URL whose password holds %40 is one finding, not one plain and one decoded).
      // When the rule took the whole encoded text for the secret, the decoded one replaces it.
      if (kept.some((k) => k.rule.id === c.rule.id && (k.secret === c.secret || (k.start < seg.end && seg.start < k.end && !(k.start === seg.start && k.end === seg.end))))) continue;
      if (found.some((f) => f.rule.id === c.rule.id && f.secret === c.secret && f.start === seg.start)) continue;
      found.push({ rule: c.rule, start: seg.start, end: seg.end, secret: c.secret, decoded: [seg.encoding, ...(c.decoded ?? [])] });
    }
  }
  if (found.length === 0) return kept;
  const overlaps = (k: Candidate, f: Candidate) => k.start < f.end && f.start < k.end;
  const replaced = (k: Candidate) => found.some((f) => overlaps(k, f) && (isGeneric(k.rule) || (f.rule.id === k.rule.id && f.start === k.start && f.end === k.end)));
  const merged = kept.filter((k) => !replaced(k));
  merged.push(...found);
  return merged.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Lines whose findings are suppressed by a comment: `agent-vault:allow`, `gitleaks:allow`,
 * detect-secrets' `pragma: allowlist secret` and `secretlint-disable-line` on the line;
 * `agent-vault:allow-next-line`, `pragma: allowlist nextline secret` and
 * `secretlint-disable-next-line` on the line above; and every line between
 * `secretlint-disable` and `secretlint-enable` (to the end of the text when not re-enabled).
 */
function inlineSuppressions(text: string, lines: Lines): (line0: number) => boolean {
  let blocks: [number, number][] | undefined;
  const hasBlocks = text.includes('secretlint-disable');
  return (line0) => {
    if (ALLOW_SAME_LINE.test(lines.text0(line0))) return true;
    if (line0 > 0 && ALLOW_NEXT_LINE.test(lines.text0(line0 - 1))) return true;
    if (!hasBlocks) return false;
    blocks ??= disabledBlocks(text, lines);
    return blocks.some(([a, b]) => line0 > a && line0 < b);
  };
}

const BLOCK_DIRECTIVE = /secretlint-(disable|enable)(?![\w-])/g;

/** [disable line, enable line] pairs (line indices, exclusive on both ends). */
function disabledBlocks(text: string, lines: Lines): [number, number][] {
  const blocks: [number, number][] = [];
  let open: number | undefined;
  BLOCK_DIRECTIVE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BLOCK_DIRECTIVE.exec(text)) !== null) {
    const line0 = lines.lineOf(m.index);
    if (m[1] === 'disable' && open === undefined) open = line0;
    else if (m[1] === 'enable' && open !== undefined) {
      blocks.push([open, line0]);
      open = undefined;
    }
  }
  if (open !== undefined) blocks.push([open, Number.MAX_SAFE_INTEGER]);
  return blocks;
}

/** Whether a finding was found inside decoded text (its span holds the encoded form). */
export const isDecoded = (f: { tags: readonly string[] }): boolean => f.tags.some((t) => t.startsWith('decoded:'));

/** Content sniffing as git does it: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).indexOf(0) !== -1;
}

/**
 * Binary content that may be a key container (a DER SEQUENCE: PKCS#12, PKCS#8, PKCS#1, SEC 1;
 * the JKS or JCEKS magic). Sources scan such files instead of skipping them as binary, and the
 * key-container rules (rules/private-keys.yaml) decide from their structure.
 */
export function mayBeKeyContainer(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const b0 = bytes[0];
  if (b0 === 0x30) return true;
  const magic = (b: number) => bytes[0] === b && bytes[2] === b && bytes[1] === bytes[3];
  return (magic(0xfe) && bytes[1] === 0xed) || (magic(0xce) && bytes[1] === 0xce);
}

/** A secret with control bytes (other than tab and line breaks) is binary, not text. */
const isBinarySecret = (secret: string): boolean => /[\x00-\x08\x0e-\x1f\x7f]/.test(secret);
