import { shannonEntropy } from './entropy.js';
import { Lines } from './lines.js';
import type { Ruleset } from './rules.js';
import { isDecoded, scanText, type ScanOptions } from './scan.js';
import { SECRET } from './types.js';

/**
 * Suspects: what `read` hides behind UNVAULTED markers besides vaulted values. The scanner's
 * rules decide most of it (the engine decides what is suspect); long random-looking tokens no
 * rule matched are added by entropy. Offsets are byte offsets: text is decoded one char per
 * byte, as the scanner reads it.
 */

/** A span that `read` hides behind an UNVAULTED marker (scanner finding or entropy suspect). */
export interface SuspectSpan {
  start: number;
  end: number;
}

/**
 * Long random-looking strings no rule matched ("entropy-only suspects"): runs of token
 * characters, at least 20 long, mixing character classes, with high Shannon entropy.
 * Over-redaction is safe here because `write` restores an UNVAULTED marker from the file's
 * current content; under-redaction would leak.
 */
export function highEntropySpans(text: string | Uint8Array): SuspectSpan[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const src = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = TOKEN_CHAR;
  const out: SuspectSpan[] = [];
  const n = src.length;
  // Any run of 20 or more token characters covers a multiple of 20, so only those bytes
  // are tested; a hit is widened to its whole run. Ordinary text is mostly skipped 20
  // bytes at a time, which is what makes this pass cheap on large files.
  for (let p = 0; p < n; p += MIN_TOKEN) {
    if (table[src[p]!] !== 1) continue;
    let s = p;
    while (s > 0 && table[src[s - 1]!] === 1) s--;
    let e = p + 1;
    while (e < n && table[src[e]!] === 1) e++;
    if (e - s >= MIN_TOKEN) {
      let ts = s;
      let te = e;
      // Trim punctuation that is rarely part of a token's body.
      while (ts < te && TRIM_START[src[ts]!] === 1) ts++;
      while (te > ts && TRIM_END[src[te - 1]!] === 1) te--;
      if (te - ts >= MIN_TOKEN) {
        const token = Buffer.from(src.buffer, src.byteOffset + ts, te - ts).toString('latin1');
        if (!token.startsWith('agent-vault')) {
          // `NAME=value` is one run ('=' is a token character for base64 padding): only the
          // value is hidden, so the agent still sees which setting a line holds (.env files).
          // The value is judged alone too, or a hex value behind a name never clears the bar.
          const eq = assignmentAt(token);
          if (eq > 0) {
            const value = token.slice(eq + 1);
            if (looksRandom(token) || (value.length >= MIN_TOKEN && looksRandom(value))) out.push({ start: ts + eq + 1, end: te });
          } else if (looksRandom(token)) out.push({ start: ts, end: te });
        }
      }
    }
    // Continue at the first sample after this run.
    p = Math.floor(e / MIN_TOKEN) * MIN_TOKEN;
  }
  return out;
}

const MIN_TOKEN = 20;

const byteClass = (chars: string) => {
  const t = new Uint8Array(256);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
};
const TOKEN_CHAR = byteClass('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-.=~');
const TRIM_START = byteClass('.-_~/');
const TRIM_END = byteClass('.-~/');

/**
 * Where `NAME=value` splits: the first '=' after a name (letters, digits, `_ . -`, not
 * starting with a digit) with a value behind it that is not base64 padding. -1 otherwise.
 */
function assignmentAt(token: string): number {
  const m = ASSIGNMENT.exec(token);
  return m ? m[1]!.length : -1;
}
const ASSIGNMENT = /^([A-Za-z_.-][A-Za-z0-9_.-]*)=(?!=*$)/;

function looksRandom(token: string): boolean {
  const lower = /[a-z]/.test(token);
  const upper = /[A-Z]/.test(token);
  const digit = /[0-9]/.test(token);
  const classes = Number(lower) + Number(upper) + Number(digit);
  if (!digit || classes < 2) return false;
  // Paths and dotted names (a/b/c, com.example.app) are words joined by separators.
  if (/^(?:[A-Za-z]{2,}[/._-])+[A-Za-z0-9]*$/.test(token)) return false;
  const h = shannonEntropy(token);
  const hexOnly = /^[0-9a-fA-F]+$/.test(token);
  if (hexOnly) return token.length >= 32 && h >= 3.3;
  // Entropy of n samples is at most log2(n): scale the bar for shorter tokens.
  const bar = Math.min(4.3, Math.log2(token.length) - 0.7);
  return classes === 3 ? h >= bar : h >= bar + 0.2;
}

/** Where a scanner finding sits; `secret` is its raw value (finding[SECRET]). */
export interface LocatedSecret {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  secret: string;
  /** The span holds an encoding of the secret (a finding inside base64, hex or percent-encoding). */
  encoded?: boolean;
}

/**
 * Byte spans of scanner findings in `input` (decoded one char per byte, as the scanner
 * reads it; `decoded`: that text, when the caller has it). Undefined when a finding does not sit where it says, i.e. the findings came
 * from other bytes (the file changed under a parallel scan): the caller scans again.
 */
export function spansOfFindings(input: Uint8Array, findings: LocatedSecret[], decoded?: string): SuspectSpan[] | undefined {
  if (!findings.length) return [];
  const text = decoded ?? Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const lines = new Lines(text);
  const spans: SuspectSpan[] = [];
  for (const f of findings) {
    // A line past the end starts at the end of the text, so its span fails the checks below.
    const start = lines.start(f.line - 1) + f.column - 1;
    const end = lines.start(f.endLine - 1) + f.endColumn - 1;
    if (end <= start || end > text.length || (!f.encoded && text.slice(start, end) !== f.secret)) return undefined;
    spans.push({ start, end });
  }
  return spans;
}

/** The byte spans of what the scanner's rules find in `input`, scanned in this thread. */
export function ruleSpans(input: Uint8Array, path: string, ruleset: Ruleset, options: ScanOptions = {}): SuspectSpan[] {
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const findings = scanText(text, { path }, ruleset, options).map((f) => ({ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, secret: f[SECRET], encoded: isDecoded(f) }));
  return spansOfFindings(input, findings, text) ?? [];
}

/** Every suspect of `input`: rule findings, then entropy-only suspects. */
export function suspectSpans(input: Uint8Array, path: string, ruleset: Ruleset, options: ScanOptions = {}): SuspectSpan[] {
  const spans = ruleSpans(input, path, ruleset, options);
  for (const span of highEntropySpans(input)) spans.push(span);
  return spans;
}
