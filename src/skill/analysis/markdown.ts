/**
 * Markdown as an agent reads it: fenced code blocks and inline commands are code the agent
 * is told to run, unless the text around them says they are an example of what not to do.
 *
 * How a warning is told from an instruction (documented in the README): a block or inline
 * command is *quoted as a bad example* when the prose just before it (same sentence for
 * inline code; the two lines above a fence, or a heading of its section) carries a negative
 * directive ("never run", "do not paste", "avoid"), a bad-example label ("Bad:", "insecure
 * example", "anti-pattern", ❌), or when the block's own first line is such a comment
 * (`# BAD`, `// don't do this`), and no positive run directive ("instead run", "run the
 * following") comes after that marker. Quoted blocks are not followed by the dataflow
 * analysis, and pattern findings inside them are kept at `info` so reviewers still see them.
 */
import type { Lang } from './context.js';
import { allMatches } from './matches.js';

export interface CodeBlock {
  lang: Lang | undefined;
  /** Info string as written. */
  info: string;
  text: string;
  /** Line of the first content line (1-based). */
  line: number;
  endLine: number;
  quoted: boolean;
  inline: boolean;
  /** The prose around the block tells the agent to hand its output on (paste, show, send). */
  shares: boolean;
}

export interface MarkdownView {
  blocks: CodeBlock[];
  /** Line ranges (inclusive) that are quoted bad examples. */
  quotedRanges: [number, number][];
  /** Line ranges (inclusive) of Dockerfile blocks: their commands run in an image build, not on this machine. */
  containerRanges: [number, number][];
}

const NEGATIVE = /(?:\b(?:never|do\s+not|don['’]t|must\s+not|mustn['’]t|should\s+not|shouldn['’]t|avoid|refuse\s+to|stop\s+(?:any|agents?)\b)[^.!?\n]{0,80}\b(?:run|running|execute|executing|use|using|paste|pasting|pipe|piping|type|typing|copy|call|invoke|trust|follow|install|set|do\s+this|like\s+this|commands?\s+like)\b|\b(?:bad|wrong|insecure|unsafe|dangerous|malicious|vulnerable|incorrect|harmful|risky|suspicious|forbidden|prohibited)\s*(?:example|pattern|practice|code|usage|commands?|snippet|skill|input)?\s*[:(]|\banti-?patterns?\b|\bred\s+flags?\b|\bwhat\s+not\s+to\s+do\b|\bdon['’]t\s+do\s+this\b|\bexamples?\s+of\s+(?:an?\s+)?(?:malicious|dangerous|insecure|unsafe|attack|injection|exfiltration)|\b(?:attackers?|malware|adversar(?:y|ies))\s+(?:may|might|could|can|often|will|would|use|try)|\b(?:detect|flag|block|reject|catch|warn\s+about|look\s+for)s?\b[^.\n]{0,60}\b(?:patterns?|commands?|payloads?|attempts?|like)\b|[❌🚫⛔✗✘])/i;
const POSITIVE = /\b(?:instead,?\s+(?:run|use|execute|do)|(?:now|then|first|next|please|always)\s+(?:run|execute)|run\s+(?:the\s+)?following|(?:you|the\s+agent|claude|assistant)\s+(?:must|should|will|need\s+to)\s+(?:run|execute)|(?:good|correct|safe|secure|recommended)\s*(?:example|pattern|practice|way|version|alternative)?\s*:|[✅✔])/i;
export const HEADING_NEGATIVE = /^#{1,6}\s.*\b(?:anti-?patterns?|what\s+not\s+to\s+do|red\s+flags?|bad\s+examples?|don['’]ts|never\s+do|malicious|attacks?|threats?|dangerous\s+patterns?|insecure|pitfalls|common\s+mistakes)\b/i;
const HEADING_POSITIVE = /^#{1,6}\s/;

const LANGS: [RegExp, Lang][] = [
  [/^(?:bash|sh|shell|zsh|ksh|console|terminal|shell-session|shellsession|sh-session|fish|command|commands|cli|cmd)$/i, 'shell'],
  [/^(?:python|py|python3|py3|ipython|pycon)$/i, 'python'],
  [/^(?:javascript|js|node|nodejs|mjs|cjs|jsx|typescript|ts|tsx|mts|deno)$/i, 'javascript'],
  [/^(?:powershell|ps1|pwsh|ps)$/i, 'powershell'],
];

const COMMANDS = /^(?:\$\s+)?(?:sudo\s+)?(?:curl|wget|bash|sh|zsh|python[0-9.]*|pip[0-9]?|pipx|uv|uvx|npm|npx|pnpm|yarn|node|bun|deno|git|gh|docker|kubectl|aws|gcloud|az|terraform|make|cd|ls|cat|echo|printf|export|source|chmod|chown|mkdir|rm|mv|cp|tar|unzip|ssh|scp|rsync|nc|ncat|socat|zip|gzip|7z|dd|tee|eval|env|printenv|base64|xxd|openssl|brew|apt|apt-get|yum|dnf|go|cargo|rustc|java|mvn|gradle|dotnet|ruby|gem|perl|php|composer|psql|mysql|sqlite3|redis-cli|jq|sed|awk|grep|find|xargs|tee|dig|nslookup|ping|history|crontab|systemctl|launchctl|security|open|pbpaste|xclip|claude|codex|cursor|code|[.~]?\/[\w./-]+)\b/;

export function langOf(info: string): Lang | undefined {
  const word = info.trim().split(/[\s{,]/)[0]?.replace(/^\./, '') ?? '';
  for (const [re, lang] of LANGS) if (re.test(word)) return lang;
  return undefined;
}

/** Guess the language of an unlabelled block from its first lines. */
export function guessBlockLang(text: string): Lang | undefined {
  const first = text.split('\n').find((l) => l.trim() && !l.trim().startsWith('#'))?.trim() ?? '';
  if (/^(?:import\s+\w+(?:\s*,\s*\w+)*\s*$|from\s+[\w.]+\s+import\b|def\s+\w+\(|print\()/.test(first)) return 'python';
  if (/^(?:const|let|var)\s+[\w{[]|^(?:import\s+.*\s+from\s+['"]|require\(|await\s+fetch\(|fetch\()/.test(first)) return 'javascript';
  if (COMMANDS.test(first)) return 'shell';
  return undefined;
}

/** Prompted sessions: keep the commands (lines after `$ `), drop the printed output. */
function stripPrompts(text: string): string {
  const lines = text.split('\n');
  const prompted = lines.filter((l) => /^\s*(?:\$|%|❯|>)\s/.test(l)).length;
  if (prompted === 0 || prompted < lines.filter((l) => l.trim()).length / 3) return text;
  return lines.map((l) => (/^\s*(?:\$|%|❯|>)\s/.test(l) ? l.replace(/^\s*(?:\$|%|❯|>)\s/, '') : '')).join('\n');
}

export function isNegativeContext(context: string): boolean {
  const neg = lastMatch(NEGATIVE, context);
  if (neg < 0) return false;
  const pos = lastMatch(POSITIVE, context);
  return pos < neg;
}

function lastMatch(re: RegExp, text: string): number {
  const all = allMatches(re, text);
  return all.length ? all[all.length - 1]!.index : -1;
}

export function readMarkdown(text: string): MarkdownView {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  const quotedRanges: [number, number][] = [];
  const containerRanges: [number, number][] = [];
  let i = 0;
  // Skip frontmatter: it is YAML, read by the frontmatter parser and the pattern rules.
  if (/^---\s*$/.test(lines[0] ?? '')) {
    const end = lines.findIndex((l, k) => k > 0 && /^---\s*$/.test(l));
    if (end > 0) i = end + 1;
  }
  let sectionNegative = false;
  let inComment = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (inComment) {
      if (line.includes('-->')) inComment = false;
      continue;
    }
    const fence = /^(\s{0,3})(`{3,}|~{3,})\s*([^`\n]*)$/.exec(line);
    if (fence) {
      const marker = fence[2]!;
      const info = fence[3]!.trim();
      let j = i + 1;
      while (j < lines.length && !new RegExp(`^\\s{0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(lines[j]!)) j++;
      const body = lines.slice(i + 1, j).map((l) => l.replace(new RegExp(`^\\s{0,${fence[1]!.length}}`), ''));
      const raw = body.join('\n');
      const lang = langOf(info) ?? (info ? undefined : guessBlockLang(raw));
      const before = contextBefore(lines, i);
      const firstComment = body.find((l) => l.trim())?.trim() ?? '';
      const selfMarked = /^(?:#|\/\/|--|<!--|REM\b|::)\s*(?:❌|🚫|⛔|bad\b|wrong\b|don['’]t\b|do\s+not\b|never\b|insecure\b|unsafe\b|dangerous\b|vulnerable\b|malicious\b|avoid\b|anti-?pattern|example\s+of\s+(?:a\s+)?(?:malicious|dangerous|bad))/i.test(firstComment);
      const quoted = selfMarked || sectionNegative || isNegativeContext(before);
      blocks.push({ lang, info, text: lang === 'shell' ? stripPrompts(raw) : raw, line: i + 2, endLine: j, quoted, inline: false, shares: SHARE.test(`${before}\n${contextAfter(lines, j)}`) });
      if (quoted) quotedRanges.push([i + 1, Math.min(j + 1, lines.length)]);
      if (/^(?:dockerfile|docker|containerfile)$/i.test(info.split(/[\s{,]/)[0] ?? '')) containerRanges.push([i + 1, Math.min(j + 1, lines.length)]);
      i = j;
      continue;
    }
    if (line.includes('<!--') && !line.includes('-->')) {
      inComment = true;
      continue;
    }
    if (HEADING_POSITIVE.test(line)) {
      sectionNegative = HEADING_NEGATIVE.test(line);
      continue;
    }
    // Prose under a heading that names attacks or red flags describes them: quoted like its code.
    if (sectionNegative && line.trim()) quotedRanges.push([i + 1, i + 1]);
    // Indented code blocks (after a blank line, not a list continuation) and bare command
    // lines after "run:" are instructions too.
    if (/^(?: {4}|\t)\S/.test(line) && !(lines[i - 1] ?? '').trim() && !/^\s*(?:[-*+]|\d+[.)])\s/.test(lines[i - 2] ?? '')) {
      let j = i;
      while (j < lines.length && (/^(?: {4}|\t)/.test(lines[j]!) || !lines[j]!.trim())) j++;
      const raw = lines.slice(i, j).map((l) => l.replace(/^(?: {4}|\t)/, '')).join('\n');
      if (guessBlockLang(raw) === 'shell') {
        const quoted = sectionNegative || isNegativeContext(contextBefore(lines, i));
        blocks.push({ lang: 'shell', info: 'indented', text: stripPrompts(raw), line: i + 1, endLine: j, quoted, inline: false, shares: SHARE.test(`${contextBefore(lines, i)}\n${contextAfter(lines, j - 1)}`) });
        if (quoted) quotedRanges.push([i + 1, j]);
        i = j - 1;
        continue;
      }
    }
    const runLine = line.includes(':') && /\b(?:run|execute|type|enter|paste|call)\b/i.test(line) && /\b(?:run|execute|type|enter|paste|call)(?:\s+(?:this|the\s+following|it|now|these\s+commands?|this\s+command))?\s*:\s*([^`\n]{6,400})$/i.exec(line);
    if (runLine && guessBlockLang(runLine[1]!.trim()) === 'shell') {
      const before = line.slice(0, runLine.index);
      const quoted = sectionNegative || isNegativeContext(before);
      blocks.push({ lang: 'shell', info: 'prose', text: runLine[1]!.trim(), line: i + 1, endLine: i + 1, quoted, inline: true, shares: SHARE.test(`${line}\n${contextAfter(lines, i)}`) });
      if (quoted) quotedRanges.push([i + 1, i + 1]);
    }
    // Inline code that the sentence tells the agent to run.
    if (line.includes('`')) for (const m of line.matchAll(/(`{1,2})([^`\n]{3,400}?)\1/g)) {
      const code = m[2]!.trim();
      const lang = guessBlockLang(code);
      if (lang !== 'shell' && !/[|;&]|\$\(/.test(code)) continue;
      const sentenceStart = Math.max(line.lastIndexOf('. ', m.index ?? 0), 0);
      const sentence = line.slice(sentenceStart, m.index ?? 0);
      // A command in another syntax (a Dockerfile `RUN …`, a Makefile line) is not followed, but
      // a sentence that forbids it ("Do not `RUN curl … | sh`") still quotes it for the rules.
      if (lang === undefined) {
        if (sectionNegative || isNegativeContext(`${sentence}${code}`)) quotedRanges.push([i + 1, i + 1]);
        continue;
      }
      const prev = (lines[i - 1] ?? '').trim();
      const quoted = sectionNegative || isNegativeContext(sentence) || (!sentence.trim() && /:\s*$/.test(prev) && isNegativeContext(prev));
      blocks.push({ lang: 'shell', info: 'inline', text: code, line: i + 1, endLine: i + 1, quoted, inline: true, shares: SHARE.test(line.replace(m[0], ' ')) });
      if (quoted) quotedRanges.push([i + 1, i + 1]);
    }
  }
  return { blocks, quotedRanges, containerRanges };
}

/**
 * Prose that tells the agent to hand a command's output on: a verb of passing it along and what
 * it goes into or to (the reply, the user, an issue), or the same in the common languages.
 */
const SHARE = /\b(?:paste|share|send|include|report|relay|show|display|print|post|forward|tell|give|copy|return|reply|echo|upload)\b[^.\n]{0,80}\b(?:repl(?:y|ies)|response|answer|chat|summary|conversation|message|user|issue|comment|verbatim|back|it|them|values?|output|result|tokens?|keys?|passwords?|secrets?)\b|\b(?:muestra|pega|comparte|env[ií]a|incluye|montre[zr]?|colle[zr]?|partage[zr]?|envoie[zr]?|inclu(?:s|ez)|zeige|teile|sende|füge|mostra|incolla|condividi|invia|mostre|cole|envie)\b|粘贴|发送|分享|显示给|告诉用户|貼り付け|送信|共有/i;

/** The prose just below a block: the two nearest non-blank lines that are not code. */
function contextAfter(lines: string[], endAt: number): string {
  const out: string[] = [];
  for (let k = endAt + 1; k < lines.length && out.length < 2 && k - endAt <= 6; k++) {
    const l = lines[k]!.trim();
    if (!l) continue;
    if (/^(?:`{3,}|~{3,}|#{1,6}\s)/.test(l)) break;
    out.push(l);
  }
  return out.join('\n');
}

/** The prose just above a fence: the two nearest non-blank lines that are not code. */
function contextBefore(lines: string[], fenceAt: number): string {
  const out: string[] = [];
  for (let k = fenceAt - 1; k >= 0 && out.length < 2 && fenceAt - k <= 6; k--) {
    const l = lines[k]!.trim();
    if (!l) continue;
    if (/^(?:`{3,}|~{3,})/.test(l)) break;
    out.unshift(l);
    if (/^#{1,6}\s/.test(l)) break;
  }
  return out.join('\n');
}
