import { sha256Hex } from './avt1.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import { parseRulePack, rulesDir, type RulePackFile } from '../config/builtin-rules.js';
import { digestRules, ruleFromTable, Ruleset, type RuleTable } from '../core/rules.js';
import { threatTablesOf } from './threat-tables.js';
import { scanText } from '../core/scan.js';
import { SECRET, severityRank, type CompiledRule, type Finding, type Severity } from '../core/types.js';
import { AgentVaultError, configError } from '../errors.js';
import { parseSkillMd, SKILL_FILE, type SkillDefinition } from './model.js';
import type { SkillPolicy, SkillSuppression } from '../config/skills.js';
import { readSkillTree, type SkillFile, type SkillTree } from './tree.js';
import { readArchive } from './archive.js';
import { analyseSkill, type FlowFinding, type SkillText } from './analysis/index.js';
import { FLOW_CHECKS, STRUCTURAL_CHECKS, type StructuralCheck } from '../core/skill-checks.js';
import { printableText } from './analysis/decode.js';
import { ready } from './analysis/matches.js';
import { skillFailure } from './codes.js';
import { decodeCharacters } from '../sources/fragment.js';

// Embedded by scripts/build.mjs as JSON text (parsed when a skill is first scanned, not at
// every start); from source the packs are read from rules/skill-*.yaml. The tables are what
// threatTablesOf derives from the packs, derived by the build; the packs themselves are parsed
// only for a digest.
declare const __AGENT_VAULT_SKILL_RULE_PACKS__: string | undefined;
declare const __AGENT_VAULT_SKILL_RULE_TABLES__: string | undefined;

let tableCache: RuleTable[] | undefined;

/** The built-in threat packs' rule tables: embedded by the build, or derived from rules/ once per process. */
function builtinThreatTables(): RuleTable[] {
  if (tableCache) return tableCache;
  if (typeof __AGENT_VAULT_SKILL_RULE_TABLES__ !== 'undefined') return (tableCache = JSON.parse(__AGENT_VAULT_SKILL_RULE_TABLES__) as RuleTable[]);
  return (tableCache = threatTablesOf(skillRulePacks()));
}

let packCache: RulePackFile[] | undefined;

/** The skill threat rule packs (rules/skill-*.yaml). */
export function skillRulePacks(dir?: string): RulePackFile[] {
  if (dir) return loadSkillPacks(dir);
  if (packCache) return packCache;
  if (typeof __AGENT_VAULT_SKILL_RULE_PACKS__ !== 'undefined') return (packCache = JSON.parse(__AGENT_VAULT_SKILL_RULE_PACKS__) as RulePackFile[]);
  return (packCache = loadSkillPacks(rulesDir()));
}

function loadSkillPacks(dir: string): RulePackFile[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('skill-') && f.endsWith('.yaml'))
    .sort()
    .map((f) => parseRulePack(`rules/${f}`, readFileSync(join(dir, f), 'utf8')));
}


/** Compiled rules for skill scans: threat packs and the secret ruleset of the config. */
export interface SkillRules {
  threats: Ruleset;
  /** One ruleset per threat rule, same order: threat findings may overlap (a homoglyph inside a curl | sh line) and each must be kept. */
  singleThreats: Ruleset[];
  secrets: Ruleset;
  /** Digest over both rule packs: recorded in signatures as the rule pack that gave the verdict (computed on first read). */
  readonly digest: string;
}

export function buildSkillRules(config: AgentVaultConfig, packs?: RulePackFile[]): SkillRules {
  const rules = (packs ? threatTablesOf(packs) : builtinThreatTables()).map((t) => ruleFromTable(t));
  // Every rule of the packs compiled (threatTablesOf throws otherwise): the digest covers them all.
  const defs = () => (packs ?? skillRulePacks()).flatMap((p) => p.rules);
  const threats = new Ruleset(rules, { regexes: [], lineRegexes: [], stopwords: [], paths: [], pathMatcher: undefined }, () => digestRules(defs()));
  const secrets = buildRuleset(config);
  const empty = threats.globalAllowlist;
  const singleThreats = rules.map((r) => new Ruleset([r], empty, () => threats.digest));
  // The digest is computed when first read (a signature, a JSON report): the secret rules'
  // digest reads and hashes the definitions of every built-in rule, which a scan does not need.
  let digest: string | undefined;
  return {
    threats,
    singleThreats,
    secrets,
    get digest() {
      return (digest ??= 'sha256:' + sha256Hex(`${threats.digest}\n${secrets.digest}\n${JSON.stringify(STRUCTURAL_CHECKS)}\n${JSON.stringify(FLOW_CHECKS)}\n${ANALYSIS_VERSION}`));
    },
  };
}



export interface SuppressedFinding {
  finding: Finding;
  reason: string;
}

export interface SkillScanReport {
  /** Folder as given. */
  dir: string;
  /** Skill id from the frontmatter; undefined when SKILL.md is invalid. */
  skill: SkillDefinition | undefined;
  tree: SkillTree | undefined;
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** A failure that stopped analysis (invalid SKILL.md, unsafe tree), if any. */
  error: AgentVaultError | undefined;
  /** True when the skill may be signed and loaded under the current rules. */
  passed: boolean;
  failOn: Severity;
  rulePackDigest: string;
}

const MEDIA_MAGIC: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'PNG'],
  [[0xff, 0xd8, 0xff], 'JPEG'],
  [[0x47, 0x49, 0x46, 0x38], 'GIF'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF'],
  [[0x00, 0x01, 0x00, 0x00], 'TrueType font'],
  [[0x4f, 0x54, 0x54, 0x4f], 'OpenType font'],
  [[0x77, 0x4f, 0x46, 0x46], 'WOFF font'],
  [[0x77, 0x4f, 0x46, 0x32], 'WOFF2 font'],
  [[0x74, 0x72, 0x75, 0x65], 'TrueType font'],
  [[0x00, 0x00, 0x01, 0x00], 'ICO image'],
];
const ARCHIVE_MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'zip'],
  [[0x50, 0x4b, 0x05, 0x06], 'zip'],
  [[0x1f, 0x8b], 'gzip'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '7z'],
  [[0x52, 0x61, 0x72, 0x21], 'rar'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
  [[0x42, 0x5a, 0x68], 'bzip2'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
];
const EXEC_MAGIC: [number[], string][] = [
  [[0x7f, 0x45, 0x4c, 0x46], 'ELF'],
  [[0x4d, 0x5a], 'PE'],
  [[0xcf, 0xfa, 0xed, 0xfe], 'Mach-O'],
  [[0xce, 0xfa, 0xed, 0xfe], 'Mach-O'],
  [[0xca, 0xfe, 0xba, 0xbe], 'Mach-O universal or Java class'],
  [[0x00, 0x61, 0x73, 0x6d], 'WebAssembly'],
];
const ARCHIVE_EXT = /\.(?:zip|jar|war|whl|egg|tar|tgz|tbz2?|txz|gz|bz2|xz|zst|7z|rar|apk|ipa|deb|rpm|dmg|pkg|msi|nupkg|vsix|crx|xpi)$/i;
const EXEC_EXT = /\.(?:exe|dll|so|dylib|bin|com|scr|node|wasm|pyc|class|o|a)$/i;

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Classify content that is not text; undefined means "text: scan it". */
function classifyBinary(path: string, bytes: Uint8Array): { check: StructuralCheck; kind: string } | undefined {
  for (const [m, kind] of EXEC_MAGIC) if (startsWith(bytes, m) && (kind !== 'PE' || bytes.indexOf(0) !== -1)) return { check: 'skill-binary-executable', kind };
  for (const [m, kind] of ARCHIVE_MAGIC) if (startsWith(bytes, m)) return { check: 'skill-binary-archive', kind };
  if (bytes.length > 262 && Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar') return { check: 'skill-binary-archive', kind: 'tar' };
  for (const [m, kind] of MEDIA_MAGIC) if (startsWith(bytes, m)) return { check: 'skill-binary-media', kind };
  if (bytes.length > 12 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return { check: 'skill-binary-media', kind: 'WebP' };
  if (EXEC_EXT.test(path) && bytes.indexOf(0) !== -1) return { check: 'skill-binary-executable', kind: 'binary by name' };
  if (ARCHIVE_EXT.test(path)) return { check: 'skill-binary-archive', kind: 'archive by name' };
  if (bytes.indexOf(0) !== -1) return { check: 'skill-binary-unknown', kind: 'contains NUL bytes' };
  return undefined;
}

function structural(check: StructuralCheck, path: string, detail: string, line = 1): Finding {
  const c = STRUCTURAL_CHECKS[check];
  return {
    ruleId: check,
    description: `${c.description} (${detail})`,
    severity: c.severity,
    tags: ['skill', 'structural'],
    path,
    line,
    column: 1,
    endLine: line,
    endColumn: 1,
    masked: '',
    fingerprint: sha256Hex(`${check}\0${path}\0${detail}`),
    secretLength: 0,
    [SECRET]: '',
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Character classes by code unit, for the walk below: [A-Za-z0-9+/] and [0-9A-Fa-f]. (A regex
// test per character, on a one-character string, was most of the walk's time.)
const BASE64_CHARS = new Uint8Array(128);
const HEX_CHARS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_CHARS[c.charCodeAt(0)] = 1;
for (const c of '0123456789ABCDEFabcdef') HEX_CHARS[c.charCodeAt(0)] = 1;
/** Code unit `at` of text is a base64 character (false past the end). */
const base64At = (text: string, at: number) => BASE64_CHARS[text.charCodeAt(at)] === 1;
/** Code unit `at` of text is a hex digit (false past the end). */
const hexAt = (text: string, at: number) => HEX_CHARS[text.charCodeAt(at)] === 1;

/**
 * Encoded blobs in a text, found by walking runs of characters once: base64 runs of 40 or more
 * (with up to two `=`, not inside a longer token), runs of an even number of 48 or more hex
 * digits, and 16 or more `\\xHH` escapes. A regex with an unbounded repeat did the same but
 * overflowed V8's backtracking stack on a long run (a 10 MB file of one letter), failing the
 * scan as an internal error.
 */
export function* encodedBlobs(text: string): Generator<[string] & { index: number }> {
  const blob = (from: number, to: number) => Object.assign([text.slice(from, to)] as [string], { index: from });
  // \xHH escapes, left to right without overlap.
  const escapes: [number, number][] = [];
  for (let i = text.indexOf('\\x'); i !== -1; ) {
    let j = i;
    while (text[j] === '\\' && text[j + 1] === 'x' && hexAt(text, j + 2) && hexAt(text, j + 3)) j += 4;
    if ((j - i) / 4 >= 16) {
      escapes.push([i, j]);
      yield blob(i, j);
    }
    i = text.indexOf('\\x', Math.max(j, i + 1));
  }
  const inEscape = (at: number) => escapes.some(([from, to]) => from <= at && at < to);
  let i = 0;
  while (i < text.length) {
    if (!base64At(text, i)) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && base64At(text, j)) j++;
    const before = i === 0 ? '' : text[i - 1]!;
    let end = j;
    while (end < text.length && end - j < 2 && text[end] === '=') end++;
    const after = text[end] ?? '';
    if (j - i >= 40 && !/[=_-]/.test(before) && !(after && (base64At(text, end) || after === '='))) yield blob(i, end);
    // Hex runs inside it (after a 0x, or next to other letters), bounded by non-hex.
    for (let h = i; h < j; ) {
      if (!hexAt(text, h)) {
        h++;
        continue;
      }
      let k = h;
      while (k < j && hexAt(text, k)) k++;
      if (k - h >= 48 && (k - h) % 2 === 0 && !inEscape(h)) yield blob(h, k);
      h = k;
    }
    i = j;
  }
}

/**
 * Lines ending in a backslash joined with the next (shell and Dockerfile continuation). The
 * newlines removed are put back after the joined line, so every other line keeps its number;
 * `spans` maps a joined line to how many lines it swallowed.
 */
export function joinContinuations(text: string): { text: string; spans: Map<number, number> } | undefined {
  if (!/\\\r?\n/.test(text)) return undefined;
  const lines = text.split('\n');
  const out: string[] = [];
  const spans = new Map<number, number>();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    let extra = 0;
    while (/\\\r?$/.test(line) && i + 1 < lines.length) {
      line = `${line.replace(/\\\r?$/, '')} ${lines[++i]!.replace(/^\s+/, '')}`;
      extra++;
    }
    if (extra) spans.set(out.length + 1, extra);
    out.push(line, ...Array<string>(extra).fill(''));
  }
  return { text: out.join('\n'), spans };
}

/** Decoded text if the blob decodes to mostly printable UTF-8, else undefined. */
function decodeBlob(blob: string): string | undefined {
  let bytes: Buffer;
  if (/^\\x/.test(blob)) bytes = Buffer.from(blob.replace(/\\x/g, ''), 'hex');
  else if (/^[0-9A-Fa-f]+$/.test(blob)) bytes = Buffer.from(blob, 'hex');
  else bytes = Buffer.from(blob, 'base64');
  return bytes.length < 16 ? undefined : printableText(bytes);
}

// Inline allow comments are ignored: a skill cannot silence its own scan.
const NO_INLINE = { inlineSuppressions: false };
const PICKED = { ...NO_INLINE, candidates: [0] };

/** Threat findings of one text: one keyword pass picks the rules, each then runs on its own. */
export function scanThreatText(text: string, path: string, rules: SkillRules): Finding[] {
  return rules.threats.candidates(text).flatMap((ri) => {
    const one = rules.singleThreats[ri]!;
    // Compiled straight to machine code on first use (see ready): threat patterns run on short
    // texts too (a joined command, a decoded blob, a small script).
    ready(one.rules[0]!.regex);
    // The pass over all threat rules picked this one for this text: its own pass would agree.
    return scanText(text, { path }, one, PICKED);
  });
}

/** Scan one text with threat and secret rules, then decode encoded blobs and rescan them. */
function scanFileText(text: string, path: string, rules: SkillRules, depth = 0): Finding[] {
  const findings = [...scanThreatText(text, path, rules), ...scanText(text, { path }, rules.secrets, NO_INLINE)];
  // A command continued over several lines (`docker run --privileged \` … `-v /:/host`) is read
  // whole: its lines are joined, and a finding only the whole command shows is added on its first line.
  const joined = depth === 0 ? joinContinuations(text) : undefined;
  if (joined) {
    for (const f of scanThreatText(joined.text, path, rules)) {
      const span = joined.spans.get(f.line) ?? 0;
      if (!findings.some((x) => x.ruleId === f.ruleId && x.line >= f.line && x.line <= f.line + span)) findings.push({ ...f, endLine: f.line + span });
    }
  }
  if (depth >= 2) return findings;
  {
    for (const m of encodedBlobs(text)) {
      const decoded = decodeBlob(m[0]);
      if (decoded === undefined) continue;
      const index = m.index;
      const line = text.slice(0, index).split('\n').length;
      const column = index - text.lastIndexOf('\n', index - 1);
      for (const inner of scanFileText(decoded, path, rules, depth + 1)) {
        findings.push({
          ...inner,
          ruleId: inner.ruleId,
          description: `${inner.description} (inside an encoded blob)`,
          tags: [...inner.tags, 'encoded'],
          line,
          column,
          endLine: line,
          endColumn: column + m[0].length,
          fingerprint: sha256Hex(`encoded\0${inner.fingerprint}`),
          [SECRET]: inner[SECRET],
        });
      }
    }
  }
  return findings;
}

function fileFindings(file: SkillFile, rules: SkillRules, maxFileSize: number, budget: ArchiveBudget): Finding[] {
  if (!file.bytes) return []; // symlinks: their targets are inside the skill and scanned there
  return bytesFindings(file.path, file.bytes, rules, maxFileSize, 0, budget);
}

const OPENABLE = new Set(['zip', 'gzip', 'tar']);

/**
 * What unpacking may cost for one whole skill, across every archive and nesting level: a
 * small zip of zips must not expand into gigabytes (each level's own limit multiplies with
 * depth). Past it the skill fails as a tree that cannot be analysed safely.
 */
export const ARCHIVE_LIMITS = { bytes: 64 * 1024 * 1024, members: 10_000, depth: 3 } as const;

interface ArchiveBudget {
  bytes: number;
  members: number;
  archives: number;
}

function spend(budget: ArchiveBudget, path: string, bytes: number, members: number): void {
  budget.bytes += bytes;
  budget.members += members;
  budget.archives++;
  if (budget.bytes > ARCHIVE_LIMITS.bytes || budget.members > ARCHIVE_LIMITS.members) {
    throw skillFailure(
      'SKILL_TREE_REJECTED',
      `the archives of this skill unpack to more than the limit (at ${path}: ${budget.archives} archive(s), ${budget.members} member(s), ${budget.bytes} bytes so far; limits ${ARCHIVE_LIMITS.members} members and ${ARCHIVE_LIMITS.bytes} bytes over all nesting levels)`,
      'Ship the files unpacked, or fewer and smaller archives: a reviewer and the scanner must be able to read every byte.',
    );
  }
}

/**
 * Findings of one file of the skill. Archives are unpacked first, every nesting level, within
 * the skill's budget, and only then is anything scanned: a bomb fails the skill before its
 * expanded bytes cost a scan.
 */
function bytesFindings(path: string, bytes: Buffer, rules: SkillRules, maxFileSize: number, depth: number, budget: ArchiveBudget): Finding[] {
  const leaves: [string, Buffer][] = [];
  const out = unpack(path, bytes, maxFileSize, depth, budget, leaves);
  for (const [leafPath, leaf] of leaves) {
    if (leaf.length > maxFileSize) out.push(structural('skill-file-too-large', leafPath, `${leaf.length} bytes > ${maxFileSize}`));
    else {
      const binary = classifyBinary(leafPath, leaf);
      if (binary) out.push(structural(binary.check, leafPath, binary.kind));
      else out.push(...scanFileText(decodeCharacters(leaf), leafPath, rules));
    }
  }
  return out;
}

/** Unpack archives (zip, gzip, tar) recursively into `leaves`; findings about the archives themselves. */
function unpack(path: string, bytes: Buffer, maxFileSize: number, depth: number, budget: ArchiveBudget, leaves: [string, Buffer][]): Finding[] {
  if (bytes.length > maxFileSize) return void leaves.push([path, bytes]), [];
  const binary = classifyBinary(path, bytes);
  if (!(binary?.check === 'skill-binary-archive' && OPENABLE.has(binary.kind) && depth < ARCHIVE_LIMITS.depth)) return void leaves.push([path, bytes]), [];
  // Archives are unpacked and every member scanned: "cannot be analysed" is kept for what
  // really cannot be opened. No level may unpack more than the skill has left.
  const left = ARCHIVE_LIMITS.bytes - budget.bytes;
  const listing = readArchive(bytes, Math.max(1, Math.min(maxFileSize, left)));
  if (!listing.ok) {
    if (left < maxFileSize && /more than/.test(listing.reason)) spend(budget, path, left + 1, 0);
    return [structural('skill-binary-archive', path, `${binary.kind}: ${listing.reason}`)];
  }
  spend(budget, path, listing.members.reduce((n, m) => n + ('bytes' in m ? m.bytes.length : 0), 0), listing.members.length);
  const out = [structural('skill-archive-contents', path, `${binary.kind}, ${listing.members.length} member(s)`)];
  for (const m of listing.members) {
    const memberPath = `${path}!/${m.path}`;
    if ('unreadable' in m) out.push(structural('skill-binary-archive', memberPath, m.unreadable));
    else out.push(...unpack(memberPath, m.bytes, maxFileSize, depth + 1, budget, leaves));
  }
  return out;
}

/** Bumped when the dataflow analysis changes what it reports, so signatures record it. */
const ANALYSIS_VERSION = 'flow-1';

/** Rule families whose findings describe a command to run (and so can be quoted as a bad example). */
const COMMAND_TAGS = new Set(['shell-payload', 'exfiltration', 'supply-chain', 'tool-escalation', 'destructive', 'persistence']);

const PROSE_TAGS = new Set(['prompt-injection', 'credentials']);
const EXAMPLE_MARKER = /\b(?:payloads?|inject(?:ion|ed|s)?|red[- ]?team(?:ing)?|attacks?|attackers?|e\.g\.|for\s+example|such\s+as|examples?|phrases?|patterns?|detect(?:s|ion)?|jailbreaks?)\b/i;

// Descriptions name variables, paths and hosts; anything long and token-like is cut, so a
// value written into a skill can never reach a report through them.
const TOKENISH = /[A-Za-z0-9_+/=-]{24,}/g;

/**
 * A table row or list item that quotes a phrase belongs to the paragraph that introduced it:
 * the lines above it (up to 12, stopping at its section heading) that say it lists examples,
 * attacks or patterns to look for.
 */
function exampleContext(lines: string[], at: number): boolean {
  if (!/^\s*(?:\||[-*+]\s|\d+[.)]\s)/.test(lines[at] ?? '')) return false;
  for (let k = at - 1; k >= 0 && at - k <= 12; k--) {
    const l = lines[k]!;
    if (EXAMPLE_MARKER.test(l)) return true;
    if (/^#{1,6}\s/.test(l)) return false;
  }
  return false;
}

function flowToFinding(f: FlowFinding): Finding {
  const c = FLOW_CHECKS[f.ruleId];
  // Unknown stretches of a value are U+0000 inside the analysis; never print them.
  const clean = (t: string) => t.replace(/\u0000+/g, '…').replace(/[\u0001-\u0008\u000b-\u001f\u007f]/g, ' ').replace(TOKENISH, '…');
  const detail = clean(f.detail);
  const via = f.trail.length > 1 ? ` [${f.trail.map((s) => `${s.file === f.file ? '' : `${clean(s.file)}:`}${s.line} ${clean(s.what)}`).join(' → ')}]` : '';
  return {
    ruleId: f.ruleId,
    description: `${c.description}: ${detail}${via}${f.decoded ? ` (inside content decoded by ${clean(f.decoded)})` : ''}`,
    severity: c.severity,
    tags: ['skill', 'dataflow', ...(f.decoded ? ['encoded'] : [])],
    path: f.file,
    line: f.line,
    column: 1,
    endLine: f.line,
    endColumn: 1,
    masked: '',
    fingerprint: sha256Hex(`${f.ruleId}\0${f.file}\0${detail}`),
    secretLength: 0,
    [SECRET]: '',
  };
}

/** Dataflow findings, pattern findings on decoded content, and bad-example quoting applied. */
function analysisFindings(files: SkillFile[], rules: SkillRules, maxFileSize: number, patternFindings: Finding[]): Finding[] {
  const texts: SkillText[] = [];
  for (const f of files) {
    if (!f.bytes || f.bytes.length > maxFileSize || classifyBinary(f.path, f.bytes)) continue;
    // The same characters the pattern rules read.
    texts.push({ path: f.path, text: decodeCharacters(f.bytes) });
  }
  const analysis = analyseSkill(texts);
  for (const finding of patternFindings) {
    const ranges = analysis.quoted.get(finding.path);
    if (!ranges || !finding.tags.some((t) => COMMAND_TAGS.has(t))) continue;
    if (ranges.some(([a, b]) => finding.line >= a && finding.line <= b)) {
      finding.severity = 'info';
      finding.description += ' (quoted as an example of what not to do; not counted)';
    }
  }
  // Commands in a Dockerfile run inside an image build (official installers piped into a
  // shell are the norm there): reported at medium for review, never a failure on their own.
  for (const finding of patternFindings) {
    const ranges = analysis.container.get(finding.path);
    if (!ranges || !finding.tags.some((t) => t === 'shell-payload' || t === 'supply-chain') || finding.tags.includes('exfiltration')) continue;
    if (severityRank(finding.severity) > severityRank('medium') && ranges.some(([a, b]) => finding.line >= a && finding.line <= b)) {
      finding.severity = 'medium';
      finding.description += ' (in a Dockerfile: runs in the image build, not on this machine)';
    }
  }
  // Prose patterns quoted as examples: an injection phrase inside `code` or "quotes" on a line
  // that says it is a payload, a test or an example is documentation about attacks.
  const lines = new Map<string, string[]>();
  for (const finding of patternFindings) {
    if (!finding.tags.some((t) => PROSE_TAGS.has(t)) || finding.tags.includes('hidden-text') || !/\.(?:md|markdown|mdx|txt)$/i.test(finding.path)) continue;
    const text = texts.find((t) => t.path === finding.path)?.text;
    if (text === undefined) continue;
    if (!lines.has(finding.path)) lines.set(finding.path, text.split('\n'));
    const all = lines.get(finding.path)!;
    const line = all[finding.line - 1] ?? '';
    if (!EXAMPLE_MARKER.test(line) && !exampleContext(all, finding.line - 1)) continue;
    const col = finding.column - 1;
    const quoted = [...line.matchAll(/`[^`]+`|"[^"]+"|“[^”]+”/g)].some((m) => (m.index ?? 0) < col && col < (m.index ?? 0) + m[0].length);
    if (quoted) {
      finding.severity = 'info';
      finding.description += ' (quoted as an example of an attack; not counted)';
    }
  }
  const out = analysis.findings.map(flowToFinding);
  const ctxDecoded = analysis.decoded;
  for (const d of ctxDecoded) {
    for (const inner of scanThreatText(d.text, d.file, rules)) {
      if (patternFindings.some((p) => p.ruleId === inner.ruleId && p.path === d.file && p.line === d.line && p.tags.includes('encoded'))) continue;
      if (out.some((p) => p.ruleId === inner.ruleId && p.path === d.file && p.line === d.line)) continue;
      out.push({ ...inner, description: `${inner.description} (inside content decoded by ${d.how})`, tags: [...inner.tags, 'encoded'], line: d.line, endLine: d.line, column: 1, endColumn: 1, fingerprint: sha256Hex(`decoded\0${inner.fingerprint}`) });
    }
  }
  return out;
}

function toolFindings(skill: SkillDefinition, skillMd: string): Finding[] {
  const out: Finding[] = [];
  const line = skillMd.split('\n').findIndex((l) => /^allowed-tools\s*:/.test(l)) + 1 || 1;
  for (const tool of skill.allowedTools) {
    const t = tool.replace(/\s+/g, '');
    // Every tool, or every MCP server's tools: more than any skill needs. `Bash(*)` is the same
    // grant as `Bash`, the shell a skill that runs commands needs: medium, never a failure alone.
    if (t === '*' || /^mcp__\*$/.test(t)) out.push(structural('skill-escalation-wildcard-tools', SKILL_FILE, tool, line));
    else if (/^(?:Bash|Shell|Terminal)(?:\(\*(?::\*)?\))?$/i.test(t)) out.push(structural('skill-escalation-unscoped-shell', SKILL_FILE, tool, line));
  }
  return out;
}

function suppressionFor(list: SkillSuppression[], skill: string | undefined, f: Finding): SkillSuppression | undefined {
  return list.find((s) => s.skill === skill && s.rule === f.ruleId && picomatch(s.path, { dot: true })(f.path));
}

/**
 * Scan every file of one skill folder. Never throws for a problem of the skill itself: an
 * invalid SKILL.md or an unsafe tree is recorded in `error` and fails the scan.
 */
export function scanSkill(dir: string, rules: SkillRules, policy: SkillPolicy, maxFileSize: number): SkillScanReport {
  const report: SkillScanReport = {
    dir,
    skill: undefined,
    tree: undefined,
    findings: [],
    suppressed: [],
    error: undefined,
    passed: false,
    failOn: policy.failOn,
    // Read when asked: a scan that reports no digest (text output) never computes it.
    get rulePackDigest() {
      return rules.digest;
    },
  };
  try {
    report.tree = readSkillTree(dir);
    const md = report.tree.files.find((f) => f.path === SKILL_FILE);
    if (!md || !md.bytes) throw new AgentVaultError('refused', `${dir}: no ${SKILL_FILE} (a skill is a folder with a SKILL.md file)`, { code: 'SKILL_INVALID' });
    const mdText = md.bytes.toString('utf8');
    report.skill = parseSkillMd(mdText, `${dir}/${SKILL_FILE}`);
    const all: Finding[] = toolFindings(report.skill, mdText);
    for (const w of report.skill.warnings) all.push(structural('skill-frontmatter-warning', SKILL_FILE, w));
    const budget: ArchiveBudget = { bytes: 0, members: 0, archives: 0 };
    for (const f of report.tree.files) all.push(...fileFindings(f, rules, maxFileSize, budget));
    all.push(...analysisFindings(report.tree.files, rules, maxFileSize, all));
    for (const f of all) {
      const s = suppressionFor(policy.suppressions, report.skill.name, f);
      if (s) report.suppressed.push({ finding: f, reason: s.reason });
      else report.findings.push(f);
    }
    report.findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.path.localeCompare(b.path) || a.line - b.line);
    report.passed = !report.findings.some((f) => severityRank(f.severity) >= severityRank(policy.failOn));
  } catch (e) {
    if (!(e instanceof AgentVaultError) || e.kind !== 'refused') throw e;
    report.error = e;
    report.passed = false;
  }
  return report;
}

/** The findings that fail a scan: those at or above its failOn (skills.failOn, default high). */
export function failingFindings(report: SkillScanReport): Finding[] {
  return report.findings.filter((f) => severityRank(f.severity) >= severityRank(report.failOn));
}

/** The failing findings for a message: the first few as `rule at path:line`, then how many more. */
export function describeFailing(report: SkillScanReport, shown = 3): string {
  const failing = failingFindings(report);
  const listed = failing.slice(0, shown).map((f) => `${f.ruleId} at ${f.path}:${f.line}`).join(', ');
  return failing.length > shown ? `${listed}, and ${failing.length - shown} more` : listed;
}
