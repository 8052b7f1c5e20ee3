/**
 * The blind skill corpus is stored as one text file per skill, never as real skill folders:
 * a real `SKILL.md` in this repository could be loaded by an agent working here, and the
 * repository's own gates scan skill folders. A `.skill.txt` file is a small header followed by
 * the skill's files (format described in test/blind-skills/README.md):
 *
 *   verdict: malicious
 *   classes: exfiltration, credential-harvesting
 *   summary: one line for the reviewer
 *   === FILE: SKILL.md ===
 *   ---
 *   name: ...
 *   === FILE: scripts/run.sh (executable) ===
 *   ...
 *
 * File attributes: `executable` (mode 0755), `base64` (binary content), `escaped` (`\u{HEX}`
 * escapes decoded, for invisible characters that a reviewer must be able to see in the
 * committed file) and `template` (`{{class:length}}` fake-secret templates expanded at load
 * time, seeded by the skill name, so no realistic token is ever committed).
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { expandTemplate, rng } from '../helpers/fake-secrets.js';

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

/** The classes of issue 16 ("Classes missed today"), plus the two the corpus brief adds. */
export const CLASSES = {
  exfiltration: 'Exfiltration without curl',
  'download-and-run': 'Download and run in steps',
  'decoded-payload': 'Decoded payloads without a shell pipe',
  'credential-harvesting': 'Credential harvesting as instructions or tool calls',
  injection: 'Injection phrasing',
  tampering: 'Tampering without a shell',
  'hidden-text': 'Hidden text (tag characters, zero-width, bidi, hidden HTML)',
  'committed-secret': 'Secrets committed in the skill',
} as const;

export type SkillClass = keyof typeof CLASSES;
export type Verdict = 'malicious' | 'benign';

export interface CorpusFile {
  path: string;
  executable: boolean;
  content: Buffer;
}

export interface CorpusSkill {
  name: string;
  verdict: Verdict;
  classes: SkillClass[];
  near: string[];
  summary: string;
  source: string;
  files: CorpusFile[];
}

const MARKER = /^=== FILE: (.+?)(?: \(([a-z0-9, ]+)\))? ===$/;
const ATTRIBUTES = new Set(['executable', 'base64', 'escaped', 'template']);
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export class CorpusFormatError extends Error {
  constructor(source: string, line: number, message: string) {
    super(`${source}:${line}: ${message}`);
  }
}

function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(name)) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}

function unescape(text: string, source: string, line: number): string {
  return text.replace(/\\u\{([0-9A-Fa-f]{1,6})\}/g, (_, hex: string) => {
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) throw new CorpusFormatError(source, line, `escape \\u{${hex}} is not a code point`);
    return String.fromCodePoint(cp);
  });
}

function safeRelative(path: string): boolean {
  if (path.startsWith('/') || /[\\\0\s()]/.test(path)) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** Parse one `.skill.txt` text; `name` comes from the file name. Throws CorpusFormatError. */
export function parseSkill(text: string, name: string, verdict: Verdict, source = `${verdict}/${name}.skill.txt`): CorpusSkill {
  if (!NAME.test(name)) throw new CorpusFormatError(source, 1, `name "${name}" must be lowercase letters, digits and hyphens`);
  const lines = text.split('\n');
  const header = new Map<string, string>();
  let i = 0;
  for (; i < lines.length && !MARKER.test(lines[i]!); i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z]+):\s*(.*)$/.exec(line);
    if (!m) throw new CorpusFormatError(source, i + 1, `header line must be "key: value", got "${line}"`);
    if (header.has(m[1]!)) throw new CorpusFormatError(source, i + 1, `header "${m[1]}" given twice`);
    header.set(m[1]!, m[2]!.trim());
  }
  for (const key of header.keys()) {
    if (!['verdict', 'classes', 'near', 'summary'].includes(key)) throw new CorpusFormatError(source, 1, `unknown header "${key}"`);
  }
  if (header.get('verdict') !== verdict) throw new CorpusFormatError(source, 1, `header "verdict: ${verdict}" expected (the folder says so)`);
  const summary = header.get('summary') ?? '';
  if (summary === '') throw new CorpusFormatError(source, 1, 'header "summary" is missing');
  const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none');
  const classes = list(header.get('classes'));
  for (const c of classes) if (!(c in CLASSES)) throw new CorpusFormatError(source, 1, `unknown class "${c}" (known: ${Object.keys(CLASSES).join(', ')})`);
  if (verdict === 'malicious' && classes.length === 0) throw new CorpusFormatError(source, 1, 'a malicious skill names at least one class');
  if (verdict === 'benign' && classes.length > 0) throw new CorpusFormatError(source, 1, 'a benign skill names no class (use "near:" for what it resembles)');

  const files: CorpusFile[] = [];
  const next = rng(seedOf(name));
  while (i < lines.length) {
    const m = MARKER.exec(lines[i]!)!;
    const start = i + 1;
    const path = m[1]!;
    const attrs = (m[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const a of attrs) if (!ATTRIBUTES.has(a)) throw new CorpusFormatError(source, start, `unknown file attribute "${a}"`);
    if (!safeRelative(path)) throw new CorpusFormatError(source, start, `file path "${path}" must be relative, without "." or ".." parts, spaces or parentheses`);
    if (files.some((f) => f.path === path)) throw new CorpusFormatError(source, start, `file "${path}" given twice`);
    let j = start;
    while (j < lines.length && !MARKER.test(lines[j]!)) j++;
    // The newline before the next marker belongs to the file; at the end of the corpus file
    // the text is taken as it is.
    let body = lines.slice(start, j).join('\n') + (j < lines.length ? '\n' : '');
    if (j < lines.length && start === j) body = '';
    let content: Buffer;
    if (attrs.includes('base64')) {
      if (attrs.includes('escaped') || attrs.includes('template')) throw new CorpusFormatError(source, start, 'base64 files take no other text attribute');
      const b64 = body.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new CorpusFormatError(source, start, `"${path}" is not valid base64`);
      content = Buffer.from(b64, 'base64');
    } else {
      if (attrs.includes('escaped')) body = unescape(body, source, start);
      if (attrs.includes('template')) body = expandTemplate(body, next);
      content = Buffer.from(body, 'utf8');
    }
    files.push({ path, executable: attrs.includes('executable'), content });
    i = j;
  }

  const manifest = files.find((f) => f.path === 'SKILL.md');
  if (!manifest) throw new CorpusFormatError(source, 1, 'no "=== FILE: SKILL.md ===" section');
  const fm = /^---\n([\s\S]*?)\n---\n/.exec(manifest.content.toString('utf8'));
  if (!fm) throw new CorpusFormatError(source, 1, 'SKILL.md does not start with a "---" frontmatter block');
  let meta: unknown;
  try {
    meta = parseYaml(fm[1]!);
  } catch (e) {
    throw new CorpusFormatError(source, 1, `SKILL.md frontmatter is not YAML: ${(e as Error).message}`);
  }
  const rec = (meta ?? {}) as Record<string, unknown>;
  if (rec.name !== name) throw new CorpusFormatError(source, 1, `SKILL.md frontmatter name must be "${name}", got ${JSON.stringify(rec.name)}`);
  if (typeof rec.description !== 'string' || rec.description.trim() === '') throw new CorpusFormatError(source, 1, 'SKILL.md frontmatter needs a description');

  return { name, verdict, classes: classes as SkillClass[], near: list(header.get('near')), summary, source, files };
}

/** Every skill of the corpus, malicious then benign, each sorted by name. */
export function loadCorpus(root = CORPUS_DIR): CorpusSkill[] {
  const out: CorpusSkill[] = [];
  for (const verdict of ['malicious', 'benign'] as const) {
    const dir = join(root, verdict);
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.skill.txt')) throw new Error(`${verdict}/${file}: the corpus holds only .skill.txt files`);
      const name = file.slice(0, -'.skill.txt'.length);
      out.push(parseSkill(readFileSync(join(dir, file), 'utf8'), name, verdict));
    }
  }
  return out;
}

/** Write a skill's files into `<parent>/<name>/` and return that folder. */
export function materialise(skill: CorpusSkill, parent: string): string {
  const dir = resolve(parent, skill.name);
  for (const f of skill.files) {
    const target = resolve(dir, f.path);
    if (!target.startsWith(dir + sep)) throw new Error(`${skill.source}: "${f.path}" leaves the skill folder`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    if (f.executable) chmodSync(target, 0o755);
  }
  return dir;
}
