import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBlocks, readmeText, type ReadmeBlock } from './helpers/readme.js';
import { REPO } from './helpers/sandbox.js';

/**
 * Every code block of the README says which tests run it, and they do (issue 11: "every snippet
 * in it is exercised by a test"). Pure file reading: the tests named do the running.
 *
 * - Each fenced block has `<!-- snippet: test/x.test.ts [test/y.test.ts …] -->` on the line
 *   above its opening fence (a name before the files is allowed: `<!-- snippet: NAME
 *   (test/x.test.ts) -->`), or `<!-- snippet: none (diagram) -->` / `none (sample output)`.
 * - Every file named exists.
 * - Every command of an sh/bash block that runs agent-vault (`agent-vault …`, `npx [flags]
 *   agent-vault[@version] …`, `node bin/agent-vault.mjs …`, also after `&&`, `|` or `;`) is
 *   found in one of the block's files: its subcommand words in a row, then each of its flags
 *   within the next WINDOW words (quotes, commas and brackets count as spaces, so
 *   `cli(sb, dir, ['scan', '--staged'])` and `'scan --staged'` both match).
 * - The Development section's table names every file the tags name.
 */
const WINDOW = 40;
/** Commands whose next word is a subcommand (`skill scan`, `key migrate`, `policy webhook add`). */
const GROUPS = new Set(['skill', 'key', 'totp', 'agent-hooks', 'request', 'policy', 'audit', 'hook', 'quarantine', 'webhook']);
const NONE = /^none \((diagram|sample output)\)$/;
const TEST_FILE = /\btest\/[\w./-]+\.test\.ts\b/g;

interface Command {
  /** 1-based README line. */
  line: number;
  text: string;
  sub: string[];
  /** Each entry: flags of which one must be there (`[--json | --format csv]` gives two). */
  flags: string[][];
}

/** Split a shell line into commands at `&&`, `||`, `|` and `;` outside `[…]` (usage synopses use `[a | b]`). */
function segments(line: string): string[] {
  const s = line.replace(/(^|\s)#.*$/, '');
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (depth === 0 && (c === '|' || c === ';' || (c === '&' && s[i + 1] === '&'))) {
      if (s[i + 1] === c) i++;
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/** The agent-vault command a shell segment runs, or undefined. */
function parseCommand(segment: string, line: number): Command | undefined {
  // A bracket group whose every alternative is a flag (`[--json | --format csv]`) needs one of them;
  // in any other group (`[--since 1h|ISO]`) the `|` is between values and its flags are all needed.
  const choices: string[][] = [];
  const text = segment.replace(/\[([^\]]*)\]/g, (whole, inner: string) => {
    const alternatives = inner.split('|').map((a) => a.trim());
    if (alternatives.length < 2 || !alternatives.every((a) => /^--?[a-zA-Z]/.test(a))) return ` ${inner.replace(/\|/g, ' ')} `;
    choices.push(alternatives.map((a) => a.split(/[\s=]/)[0]!));
    return ' ';
  });
  let t = text.split(/\s+/).filter(Boolean);
  if (t[0] === 'npx') {
    t = t.slice(1);
    while (t[0]?.startsWith('-')) t.shift();
  } else if (t[0] === 'node' && /(^|\/)agent-vault\.mjs$/.test(t[1] ?? '')) t = t.slice(1);
  if (!t[0] || !/^(agent-vault(@\S+)?|\S*\/agent-vault(\.mjs)?)$/.test(t[0])) return undefined;
  t = t.slice(1);
  const sub: string[] = [];
  if (t[0] && /^[a-z][a-z-]*$/.test(t[0])) {
    sub.push(t.shift()!);
    while (GROUPS.has(sub.at(-1)!) && t[0] && /^[a-z][a-z-]*$/.test(t[0])) sub.push(t.shift()!);
  }
  const flags: string[][] = [];
  for (const x of t) {
    if (x === '--') break;
    if (/^--?[a-zA-Z]/.test(x)) flags.push([x.split('=')[0]!]);
  }
  return { line, text: segment.replace(/\s+/g, ' '), sub, flags: [...flags, ...choices] };
}

function commandsOf(block: ReadmeBlock): Command[] {
  if (!/^(sh|bash|shell|console)$/.test(block.lang)) return [];
  return block.body
    .split('\n')
    .flatMap((l, i) => segments(l).map((s) => parseCommand(s, block.line + 1 + i)))
    .filter((c): c is Command => c !== undefined);
}

const tokenize = (text: string) => text.replace(/['"`,[\](){};]/g, ' ').split(/\s+/).filter(Boolean);

/** The flags missing at the best occurrence of the subcommand; undefined when the subcommand never occurs. */
function missingFlags(tokens: string[], cmd: Command): string[] | undefined {
  let best: string[] | undefined;
  for (let i = 0; i + cmd.sub.length <= tokens.length; i++) {
    if (!cmd.sub.every((w, j) => tokens[i + j] === w)) continue;
    const window = tokens.slice(i + cmd.sub.length, i + cmd.sub.length + WINDOW);
    const missing = cmd.flags.filter((one) => !one.some((f) => window.some((x) => x === f || x.startsWith(`${f}=`)))).map((one) => one.join(' or '));
    if (!best || missing.length < best.length) best = missing;
    if (!missing.length) break;
  }
  return best;
}

/** Every problem with the README's snippet tags, one line each, naming the block, the line and what is missing. */
function snippetProblems(text: string, root: string): string[] {
  const problems: string[] = [];
  const cache = new Map<string, string[]>();
  const tokensOf = (file: string) => {
    if (!cache.has(file)) cache.set(file, tokenize(readFileSync(join(root, file), 'utf8')));
    return cache.get(file)!;
  };
  for (const b of parseBlocks(text)) {
    const where = `README.md:${b.line}: the \`\`\`${b.lang || '(no language)'} block in "${b.section}" (${JSON.stringify(b.body.split('\n')[0]!.slice(0, 60))})`;
    if (b.tag === undefined) {
      problems.push(`${where} has no snippet comment: put <!-- snippet: test/FILE.test.ts --> (the tests that run it) or <!-- snippet: none (diagram) --> / <!-- snippet: none (sample output) --> on the line above its fence`);
      continue;
    }
    if (NONE.test(b.tag)) {
      const cmds = commandsOf(b);
      if (cmds.length && b.tag.includes('diagram')) problems.push(`${where} is marked "${b.tag}" but runs agent-vault (line ${cmds[0]!.line}: ${cmds[0]!.text}): name the tests that run it`);
      continue;
    }
    const files = [...new Set(b.tag.match(TEST_FILE) ?? [])];
    if (!files.length) {
      problems.push(`${where}: its snippet comment "${b.tag}" names no test file (test/….test.ts) and is not "none (diagram)" or "none (sample output)"`);
      continue;
    }
    const absent = files.filter((f) => !existsSync(join(root, f)));
    for (const f of absent) problems.push(`${where}: its snippet comment names ${f}, which does not exist`);
    const present = files.filter((f) => !absent.includes(f));
    if (!present.length) continue;
    for (const cmd of commandsOf(b)) {
      const results = present.map((f) => ({ f, missing: missingFlags(tokensOf(f), cmd) }));
      if (results.some((r) => r.missing?.length === 0)) continue;
      const detail = results
        .map((r) => (r.missing === undefined ? `${r.f} never has the subcommand "${cmd.sub.join(' ') || '(none)'}"` : `${r.f} lacks ${r.missing.join(', ')} within ${WINDOW} words after "${cmd.sub.join(' ')}"`))
        .join('; ');
      problems.push(`README.md:${cmd.line}: "${cmd.text}" (block at line ${b.line}, "${b.section}") is run by none of its named tests: ${detail}`);
    }
  }
  return problems;
}

/** Test files the tags name that the Development section's table does not list. */
function tableProblems(text: string): string[] {
  const tagged = new Set(parseBlocks(text).flatMap((b) => b.tag?.match(TEST_FILE) ?? []));
  const start = text.indexOf('### Which test covers which README snippet');
  if (start < 0) return ['README.md: no "### Which test covers which README snippet" table in the Development section'];
  const end = text.indexOf('\n#', start + 1);
  const table = text.slice(start, end < 0 ? undefined : end);
  return [...tagged].filter((f) => !table.includes(f)).map((f) => `README.md: the table "Which test covers which README snippet" does not list ${f}, which a snippet comment names`);
}

describe('README snippets: every code block names the tests that run it', () => {
  const text = readmeText();

  it('every block is tagged, every named test exists, and every agent-vault command is in one of its tests', () => {
    expect(parseBlocks(text).length).toBeGreaterThan(20);
    expect(snippetProblems(text, REPO)).toEqual([]);
  });

  it('the Development section lists every test file the tags name', () => {
    expect(tableProblems(text)).toEqual([]);
  });

  it('every pinned agent-vault@VERSION is the package version', () => {
    const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
    const pins = [...text.matchAll(/agent-vault@(\d+\.\d+\.\d+)/g)].map((m) => m[1]);
    expect(pins.length).toBeGreaterThan(0);
    expect(new Set(pins)).toEqual(new Set([version]));
  });
});

describe('the checker itself', () => {
  const scratchTest = 'test/package.test.ts'; // a file that exists, with "scan" in it and none of the made-up words below
  const fence = '```';

  it('reports an untagged block with its line, language, section and first line', () => {
    const problems = snippetProblems(`# A\n\n## Setup\n\n${fence}sh\nagent-vault scan\n${fence}\n`, REPO);
    expect(problems).toEqual([expect.stringMatching(/^README\.md:5: the ```sh block in "Setup" \("agent-vault scan"\) has no snippet comment/)]);
    // A fence indented in a list item is a block too.
    expect(snippetProblems(`- step\n\n   ${fence}yaml\n   a: 1\n   ${fence}\n`, REPO)).toEqual([expect.stringMatching(/^README\.md:3: the ```yaml block/)]);
  });

  it('accepts none (diagram) and none (sample output), but not a diagram that runs agent-vault', () => {
    expect(snippetProblems(`<!-- snippet: none (diagram) -->\n${fence}\n a -> b\n${fence}\n<!-- snippet: none (sample output) -->\n${fence}\nok\n${fence}\n`, REPO)).toEqual([]);
    expect(snippetProblems(`<!-- snippet: none (diagram) -->\n${fence}sh\nagent-vault scan\n${fence}\n`, REPO)[0]).toMatch(/marked "none \(diagram\)" but runs agent-vault \(line 3: agent-vault scan\)/);
  });

  it('reports a named file that does not exist, and a tag that names none', () => {
    expect(snippetProblems(`<!-- snippet: test/nope.test.ts -->\n${fence}yaml\na: 1\n${fence}\n`, REPO)).toEqual([expect.stringContaining('names test/nope.test.ts, which does not exist')]);
    expect(snippetProblems(`<!-- snippet: somewhere -->\n${fence}yaml\na: 1\n${fence}\n`, REPO)).toEqual([expect.stringContaining('names no test file')]);
  });

  it('reports the command line, its missing flag or subcommand, and the file it looked in', () => {
    const readme = `## S\n<!-- snippet: ${scratchTest} -->\n${fence}sh\nagent-vault zzz-never --flag\n${fence}\n`;
    expect(snippetProblems(readme, REPO)).toEqual([`README.md:4: "agent-vault zzz-never --flag" (block at line 3, "S") is run by none of its named tests: ${scratchTest} never has the subcommand "zzz-never"`]);
    const flag = `## S\n<!-- snippet: ${scratchTest} -->\n${fence}sh\nagent-vault scan --zzz-missing # a comment --not-a-flag\n${fence}\n`;
    expect(snippetProblems(flag, REPO)).toEqual([expect.stringContaining(`${scratchTest} lacks --zzz-missing within ${WINDOW} words after "scan"`)]);
  });

  it('parses commands after &&, |, through npx and node, with group subcommands and bracketed synopses', () => {
    const block: ReadmeBlock = {
      lang: 'sh',
      line: 10,
      section: 'S',
      body: 'cat f | agent-vault scan --stdin && npx --yes agent-vault@1.2.3 skill sign d --kid k\nnode bin/agent-vault.mjs audit [--since 1h|ISO] [--json | --format csv]\nagent-vault run --key a=B -- npm run --x\ngit add . # agent-vault scan\n',
    };
    expect(commandsOf(block).map((c) => [c.line, c.sub.join(' '), c.flags.map((f) => f.join('|')).join(' ')])).toEqual([
      [11, 'scan', '--stdin'],
      [11, 'skill sign', '--kid'],
      [12, 'audit', '--since --json|--format'],
      [13, 'run', '--key'],
    ]);
  });

  it('finds a command written as an argument array, flags in any order, across line breaks', () => {
    const cmd = parseCommand('agent-vault skill sign dir --version 1 --kid k', 1)!;
    expect(missingFlags(tokenize("cli(sb, dir, [\n  'skill',\n  'sign', d, '--kid', kid,\n '--version=1.2.0'])"), cmd)).toEqual([]);
    expect(missingFlags(tokenize("cli(sb, dir, ['skill', 'sign', d, '--kid', kid])"), cmd)).toEqual(['--version']);
    expect(missingFlags(tokenize("cli(sb, dir, ['skill', 'verify'])"), cmd)).toBeUndefined();
    const either = parseCommand('agent-vault audit [--key K] [--json | --format csv]', 1)!;
    expect(missingFlags(tokenize("['audit', '--format', 'csv', '--key', k]"), either)).toEqual([]);
    expect(missingFlags(tokenize("['audit', '--key', k]"), either)).toEqual(['--json or --format']);
  });
});
