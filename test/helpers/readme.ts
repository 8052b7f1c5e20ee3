/**
 * The README's fenced code blocks, for the tests that run them (`readmeBlock`) and for
 * test/readme-snippets.test.ts, which checks that every block names the tests that cover it.
 *
 * A block is tagged by an HTML comment on the line right above its opening fence:
 *   <!-- snippet: test/a.test.ts test/b.test.ts -->       the tests that run what it shows
 *   <!-- snippet: NAME (test/a.test.ts) -->                 the same, with a name a test looks up
 *   <!-- snippet: none (diagram) -->  or  (sample output)  nothing to run
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './sandbox.js';

export interface ReadmeBlock {
  /** The fence's info string: sh, yaml, json, … ('' for none). */
  lang: string;
  /** The text between the fences, with its final newline. */
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The nearest heading above the block (without the #s). */
  section: string;
  /** The `<!-- snippet: … -->` comment on the line above the fence, or undefined. */
  tag?: string;
}

export function readmeText(): string {
  return readFileSync(join(REPO, 'README.md'), 'utf8');
}

export function parseBlocks(text: string): ReadmeBlock[] {
  const lines = text.split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const heading = /^#{1,6} (.*)$/.exec(l);
    if (heading) section = heading[1]!.trim();
    const fence = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/.exec(l); // indented fences too (in list items)
    if (!fence) continue;
    const close = new RegExp(`^\\s*${fence[1]![0] === '`' ? '`' : '~'}{${fence[1]!.length},}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j]!)) j++;
    const above = /^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$/.exec(lines[i - 1] ?? '');
    blocks.push({ lang: fence[2]!, body: lines.slice(i + 1, j).join('\n') + '\n', line: i + 1, section, ...(above ? { tag: above[1]! } : {}) });
    i = j;
  }
  return blocks;
}

/** The one README block whose text starts with `start` (after the fence); throws if not exactly one. */
export function readmeBlock(start: string): string {
  const found = parseBlocks(readmeText()).filter((b) => b.body.startsWith(start));
  if (found.length !== 1) throw new Error(`README: expected one code block starting with ${JSON.stringify(start)}, found ${found.length}`);
  return found[0]!.body;
}
