/**
 * What a skill's code and prose *do*: every code file and every code block its Markdown tells
 * the agent to run is parsed (shell, Python, JavaScript/TypeScript) and followed from sources
 * (environment, credentials, clipboard) to sinks (network, DNS, execution, agent settings,
 * traces), across files; encoded layers are decoded and read again.
 */
import { envSource, FlowContext, type FlowFinding, type Lang, type Unit } from './context.js';
import { bruteForce, bruteForceText, CODE_HINT } from './decode.js';
import { readMarkdown } from './markdown.js';
import { proseFlows } from './steps.js';
import { UNKNOWN, val, weakensSettings, type Value } from './model.js';
import { analysePython } from './python.js';
import { analyseJavaScript } from './javascript.js';
import { newShellEnv, ShellEvaluator } from './shell-eval.js';

export { type FlowFinding } from './context.js';

export interface SkillText {
  path: string;
  text: string;
}

export interface SkillAnalysis {
  findings: FlowFinding[];
  /** Per file, line ranges quoted as examples of what not to do. */
  quoted: Map<string, [number, number][]>;
  /** Per file, line ranges that are Dockerfiles (a whole Dockerfile: [1, Infinity]). */
  container: Map<string, [number, number][]>;
  /** Content recovered from encodings and ciphers, for the pattern rules. */
  decoded: { file: string; line: number; how: string; text: string }[];
}

const MAX_FILE = 2 * 1024 * 1024;

function langOfPath(path: string, text: string): Lang | 'markdown' | undefined {
  const p = path.toLowerCase();
  if (/\.(?:md|markdown|mdx|mdc)$/.test(p)) return 'markdown';
  if (/\.(?:sh|bash|zsh|ksh|command)$/.test(p)) return 'shell';
  if (/\.(?:py|pyw)$/.test(p)) return 'python';
  if (/\.(?:js|mjs|cjs|ts|mts|cts|jsx|tsx)$/.test(p)) return 'javascript';
  const first = text.slice(0, 120);
  if (/^#!.*\b(?:ba|z|k|da)?sh\b/.test(first)) return 'shell';
  if (/^#!.*\bpython/.test(first)) return 'python';
  if (/^#!.*\b(?:node|deno|bun)\b/.test(first)) return 'javascript';
  if (/\.(?:txt)$/.test(p)) return 'markdown';
  return undefined;
}

export function runUnit(ctx: FlowContext, unit: Unit, args: Value[] = [], stdin?: Value): Value {
  switch (unit.lang) {
    case 'shell':
      return new ShellEvaluator(ctx, unit, newShellEnv(args)).run(stdin);
    case 'python':
      return analysePython(ctx, unit, args, stdin);
    case 'javascript':
      return analyseJavaScript(ctx, unit, args, stdin);
    default:
      return val(UNKNOWN);
  }
}

export function analyseSkill(files: SkillText[]): SkillAnalysis {
  const skillFiles = new Map(files.map((f) => [f.path, f.text]));
  const ctx = new FlowContext(skillFiles);
  ctx.analyse = (unit, args, stdin) => runUnit(ctx, unit, args, stdin);
  const quoted = new Map<string, [number, number][]>();
  const container = new Map<string, [number, number][]>();
  const markdown: Unit[] = [];
  const code: Unit[] = [];
  for (const f of files) {
    if (f.text.length > MAX_FILE) continue;
    const lang = langOfPath(f.path, f.text);
    if (lang === 'markdown') {
      const view = readMarkdown(f.text);
      if (view.quotedRanges.length) quoted.set(f.path, view.quotedRanges);
      if (view.containerRanges.length) container.set(f.path, view.containerRanges);
      for (const b of view.blocks) if (!b.quoted && b.lang && b.lang !== 'powershell') markdown.push({ file: f.path, lang: b.lang, text: b.text, line: b.line, decoded: undefined, shares: b.shares });
      // The frontmatter is read by the agent too: commands in its values are instructions.
      for (const v of frontmatterValues(f.text)) {
        const inner = readMarkdown(v.text);
        for (const b of inner.blocks) {
          if (b.quoted) {
            const list = quoted.get(f.path) ?? [];
            list.push([v.line, v.endLine]);
            quoted.set(f.path, list);
          } else if (b.lang && b.lang !== 'powershell') markdown.push({ file: f.path, lang: b.lang, text: b.text, line: v.line, decoded: undefined, shares: b.shares });
        }
      }
      markdown.push(...toolCallCommands(f));
      urlsWithSecrets(ctx, f);
      for (const p of proseFlows(f.text, view.quotedRanges)) ctx.report(p.ruleId, { file: f.path, lang: 'shell', text: '', line: p.line, decoded: undefined }, p.line, p.detail, p.trail.map((t) => ({ file: f.path, ...t })));
    } else if (/(?:^|\/)(?:Dockerfile|Containerfile)(?:\.[\w.-]+)?$|\.dockerfile$/i.test(f.path)) container.set(f.path, [[1, Number.POSITIVE_INFINITY]]);
    else if (lang) code.push({ file: f.path, lang, text: f.text, line: 1, decoded: undefined });
  }
  // Scripts first, so files they write are known when the instructions use them.
  for (const unit of [...code, ...markdown]) {
    try {
      runUnit(ctx, unit);
    } catch (e) {
      if (e instanceof RangeError) ctx.report('skill-flow-unreadable', unit, unit.line, 'too deeply nested to analyse');
      else throw e;
    }
  }
  for (const unit of code) writtenLiterals(ctx, unit);
  decodeLiterals(ctx, files);
  return { findings: ctx.findings, quoted, container, decoded: ctx.decodedUnits };
}

/**
 * The string values of a Markdown file's YAML frontmatter, unquoted, with their lines: plain,
 * single- and double-quoted scalars and folded or literal blocks (`>`, `|`), so inline commands
 * in a description are read like those in the body.
 */
export function frontmatterValues(text: string): { text: string; line: number; endLine: number }[] {
  const lines = text.split('\n');
  if (!/^---\s*$/.test(lines[0] ?? '')) return [];
  const end = lines.findIndex((l, k) => k > 0 && /^---\s*$/.test(l));
  if (end < 0) return [];
  const out: { text: string; line: number; endLine: number }[] = [];
  for (let k = 1; k < end; k++) {
    const m = /^\s*[\w.-]{1,64}\s*:\s*(.*)$/.exec(lines[k]!);
    if (!m) continue;
    const raw = m[1]!.trim();
    if (/^[>|][+-]?\d?\s*$/.test(raw)) {
      let j = k + 1;
      const body: string[] = [];
      while (j < end && (/^\s+\S/.test(lines[j]!) || !lines[j]!.trim())) body.push(lines[j++]!.trim());
      out.push({ text: body.join(raw.startsWith('>') ? ' ' : '\n'), line: k + 1, endLine: j });
      k = j - 1;
    } else if (raw.startsWith('"')) {
      const body = raw.replace(/^"|"\s*$/g, '').replace(/\\(["\\/])/g, '$1').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
      out.push({ text: body, line: k + 1, endLine: k + 1 });
    } else if (raw.startsWith("'")) {
      out.push({ text: raw.replace(/^'|'\s*$/g, '').replace(/''/g, "'"), line: k + 1, endLine: k + 1 });
    } else if (raw.includes('`')) out.push({ text: raw, line: k + 1, endLine: k + 1 });
  }
  return out;
}

/** Commands inside tool-call shaped text (`"command": "…"`, `<parameter name="command">…`) are read as shell. */
function toolCallCommands(f: SkillText): Unit[] {
  const out: Unit[] = [];
  const re = /"(?:command|cmd|script|shell_command|bash_command)"\s*:\s*"((?:[^"\\\n]|\\.){1,2000})"|<parameter\s+name=["']?(?:command|cmd|script)["']?\s*>([\s\S]{1,2000}?)<\/parameter>/g;
  for (const m of f.text.matchAll(re)) {
    let text = m[2] ?? m[1]!;
    if (m[1] !== undefined) {
      try {
        text = JSON.parse(`"${m[1]}"`) as string;
      } catch {
        text = m[1];
      }
    }
    out.push({ file: f.path, lang: 'shell', text, line: f.text.slice(0, m.index ?? 0).split('\n').length, decoded: undefined });
  }
  return out;
}

/** URLs in the instructions that carry a secret variable (`?key=$OPENAI_API_KEY`) go through the same host checks as code. */
function urlsWithSecrets(ctx: FlowContext, f: SkillText): void {
  // A command substitution inside the URL (`?repo=$(basename $PWD)&k=$KEY`) is part of it.
  const re = /https?:\/\/(?:\$\([^()\n]{0,200}\)|\$(?!\()|[^\s"'<>`)\]$]){1,400}/g;
  for (const m of f.text.matchAll(re)) {
    const url = m[0];
    const vars = [...url.matchAll(/\$\{?\(?([A-Za-z_][A-Za-z0-9_]{2,63})\)?\}?|\{\{\s*([A-Za-z_][A-Za-z0-9_.]{2,63})\s*\}\}|%([A-Za-z_][A-Za-z0-9_]{2,63})%/g)].map((v) => (v[1] ?? v[2] ?? v[3])!.replace(/^(?:env|secrets)\./i, ''));
    if (!vars.length) continue;
    const line = f.text.slice(0, m.index ?? 0).split('\n').length;
    const unit: Unit = { file: f.path, lang: 'shell', text: '', line, decoded: undefined };
    const labels = vars.map((v) => envSource(v, unit, line)).filter((l): l is NonNullable<typeof l> => !!l);
    if (labels.length) ctx.network(unit, line, val(url), [val(UNKNOWN, labels)], 'a URL in the instructions');
  }
}

/**
 * Long string literals that are not readable text are tried against the simple ciphers; a
 * decoding that reads like code is analysed as code in its own right.
 */
function decodeLiterals(ctx: FlowContext, files: SkillText[]): void {
  let budget = 200;
  const found = (f: SkillText, d: { text: string; how: string }, index: number) => {
    if (ctx.decodedBytes > 1024 * 1024) return;
    ctx.decodedBytes += d.text.length;
    const line = f.text.slice(0, index).split('\n').length;
    const lang: Lang = /\b(?:import\s+\w|def\s|os\.|subprocess|exec\(|print\()/.test(d.text) ? 'python' : /\b(?:require\(|const\s|=>|child_process|process\.env|fetch\()/.test(d.text) ? 'javascript' : 'shell';
    ctx.nested({ file: f.path, lang, text: d.text, line, decoded: d.how });
    ctx.decodedUnits.push({ file: f.path, line, how: d.how, text: d.text });
  };
  for (const f of files) {
    const lang = langOfPath(f.path, f.text);
    if (f.text.length > MAX_FILE || !lang) continue;
    const keys = [...f.text.matchAll(/\b(?:key|k|xor_key|secret|KEY|XOR_KEY)\s*[:=]\s*(?:(\d{1,3})\b|["']([^"'\n]{1,32})["'])/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!));
    for (const m of f.text.matchAll(/["'`]([A-Za-z0-9+/=_-]{24,16384}|(?:\\x[0-9a-fA-F]{2}){12,4096}|[^\s"'`]{24,1024})["'`]|\[((?:\s*(?:0x[0-9a-fA-F]{1,2}|\d{1,3})\s*,){12,4096}\s*(?:0x[0-9a-fA-F]{1,2}|\d{1,3})\s*)\]/g)) {
      const literal = m[1];
      let candidate: string | Uint8Array;
      if (literal !== undefined) {
        if (CODE_HINT.test(literal)) continue; // readable as it is
        if (/^\\x/.test(literal)) candidate = Buffer.from(literal.replace(/\\x/g, ''), 'hex');
        else if (/^[A-Za-z0-9+/=_-]+$/.test(literal)) {
          // identifiers, paths and words are not blobs
          if (/^[a-z_-]+$|^[A-Z_-]+$|^[a-z]+(?:[A-Z][a-z]+)+$/.test(literal) || (!/\d/.test(literal) && !/[A-Z]/.test(literal))) continue;
          candidate = literal;
        } else {
          // symbol soup: enough non-alphanumerics, not a URL, path or expression
          const symbols = literal.replace(/[A-Za-z0-9]/g, '').length;
          if (symbols < literal.length * 0.25 || /:\/\/|^[./~]|[{}()]\s*$|^[<#]/.test(literal)) continue;
          candidate = literal;
        }
      } else {
        candidate = Uint8Array.from(m[2]!.split(',').map((n) => Number(n.trim()) & 0xff));
      }
      if (budget-- <= 0) return;
      const d = bruteForce(candidate, keys);
      if (d) found(f, d, m.index ?? 0);
    }
    // In Markdown, bare blobs in the prose; in code, shifted or reversed commands keep their
    // spaces: try string literals with spaces too.
    if (lang === 'markdown') {
      // One cheap character class finds the runs; the shape is checked after.
      for (const m of f.text.matchAll(/[A-Za-z0-9+/=_-]{40,}/g)) {
        const t = m[0];
        if (t.length > 16384 || !(/^[A-Za-z0-9+/]+={0,2}$/.test(t) || /^(?:[0-9a-fA-F]{2})+$/.test(t))) continue;
        if (budget-- <= 0) return;
        const d = bruteForce(m[0], keys);
        if (d) found(f, d, m.index ?? 0);
      }
      continue;
    }
    for (const m of f.text.matchAll(/(["'`])([^"'`\n\\]{24,1024})\1/g)) {
      const literal = m[2]!;
      if (!/\s/.test(literal) || CODE_HINT.test(literal)) continue;
      if (budget-- <= 0) return;
      const d = bruteForceText(literal);
      if (d) found(f, d, m.index ?? 0);
    }
  }
}

/** A call that writes or appends a file, in any of the languages the skill may ship. */
const WRITE_API = /\bopen\((?:[^()\n]|\([^()\n]*\)){0,200},\s*["'](?:w|a|wt|at|a\+|w\+)b?["']|\.write_text\(|\.write_bytes\(|\b(?:writeFileSync|appendFileSync|writeFile|appendFile)\(|\b(?:Set-Content|Add-Content|Out-File)\b|>>?\s*["']?(?:~|\$HOME|\.)?\/?[\w./-]*(?:\.env|authorized_keys|sudoers)\b/;

/**
 * Code that builds a path the readers cannot follow (`Path.home() / ".ssh" / "authorized_keys"`,
 * lines appended to a list and joined) still names what it writes in its literals: a file that
 * writes files, names `authorized_keys` and carries a public key (or names sudoers and carries
 * NOPASSWD) grants someone access; one that names `.env` and carries a line switching a
 * protection off weakens the settings.
 */
function writtenLiterals(ctx: FlowContext, unit: Unit): void {
  if (unit.lang === 'markdown' as string || !WRITE_API.test(unit.text)) return;
  const literals = [...unit.text.matchAll(/(["'`])((?:(?!\1)[^\\\n]|\\.){1,400})\1/g)].map((m) => ({ text: m[2]!, index: m.index ?? 0 }));
  const lineOf = (index: number) => unit.line + unit.text.slice(0, index).split('\n').length - 1;
  const names = (re: RegExp) => literals.find((l) => re.test(l.text));
  const keys = names(/authorized_keys/);
  const key = names(/^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-\S+|sk-ssh-\S+)\s+AAAA/);
  if (keys && key) ctx.report('skill-flow-access-grant', unit, lineOf(key.index), 'a public key written to authorized_keys');
  const sudoers = names(/sudoers/);
  const nopasswd = names(/NOPASSWD/);
  if (sudoers && nopasswd) ctx.report('skill-flow-access-grant', unit, lineOf(nopasswd.index), 'a NOPASSWD rule written to sudoers');
  if (names(/(?:^|[/\\])\.env(?:\.[\w-]+)?$/)) {
    // Whole lines in one literal, or settings given as key/value pairs (a dict, an object, a
    // list of tuples, keyword arguments) and joined into `KEY=value` lines by the code.
    const pairs = [...unit.text.matchAll(/(?:(["'`])([A-Z][A-Z0-9_]{1,63})\1|\b([A-Z][A-Z0-9_]{1,63}))\s*[:,=]\s*(["'`])([^"'`\n\\]{0,80})\4/g)].map((m) => ({ text: `${m[2] ?? m[3]}=${m[5]}`, index: m.index ?? 0 }));
    for (const l of [...literals.map((x) => ({ text: x.text.replace(/\\n/g, '\n'), index: x.index })), ...pairs]) {
      const weak = weakensSettings(l.text);
      if (weak) {
        ctx.report('skill-flow-weaken-settings', unit, lineOf(l.index), `${weak} written into .env`);
        break;
      }
    }
  }
}
