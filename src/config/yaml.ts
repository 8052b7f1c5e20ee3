import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { Problem } from '../core/rules.js';

export interface LocatedYaml {
  value: unknown;
  /** File-relative line (1-based) of the node at a path, falling back to its nearest parent. */
  lineOf(where: (string | number)[]): number | undefined;
  /** Syntax errors, already located. */
  syntaxErrors: { line: number; message: string }[];
}

function withoutSource(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const cut = first.search(/:\s|["'`]/);
  return (cut < 0 ? first : first.slice(0, cut)).trim();
}

export function parseLocatedYaml(text: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // The yaml library quotes the offending source text in many messages ("...: \"token\"");
  // that text may be a secret, so only the sentence before the quote is kept.
  const syntaxErrors = doc.errors.map((e) => ({
    line: lineCounter.linePos(e.pos[0]).line,
    message: withoutSource(e.message),
  }));
  let value: unknown;
  if (!syntaxErrors.length) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // Unresolved aliases and alias bombs surface here, with the alias name in the message.
      syntaxErrors.push({ line: 1, message: withoutSource((e as Error).message) });
    }
  }
  return {
    value,
    syntaxErrors,
    lineOf(where) {
      for (let n = where.length; n >= 0; n--) {
        const node = doc.getIn(where.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

const whereText = (where: Problem['where']) => where.map((w) => (typeof w === 'number' ? `[${w}]` : `.${w}`)).join('').replace(/^\./, '');

/** Format problems as `file:line: where: message`, one per line. */
export function formatProblems(file: string, located: LocatedYaml, problems: Problem[]): string {
  return problems
    .map((p) => {
      const line = located.lineOf(p.where);
      const where = whereText(p.where);
      return `${file}${line ? `:${line}` : ''}: ${where ? `${where}: ` : ''}${p.message}`;
    })
    .join('\n');
}

/** The same for a configuration that has no text (built in code): `file: where: message`. */
export function formatUnlocated(file: string | undefined, problems: Problem[]): string {
  return problems.map((p) => `${file ?? 'config'}: ${whereText(p.where)}: ${p.message}`).join('\n');
}
