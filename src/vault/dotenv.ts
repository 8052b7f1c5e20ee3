import { isValidKey } from '../core/placeholder.js';
import { MIN_VALUE_BYTES } from '../core/redact.js';

/**
 * `agent-vault import`: which variables of a .env file become which vault keys, and which
 * are skipped (with the reason, never the value: it may be a secret after all).
 */

export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
  /** The last line the entry takes (a quoted value may span lines). */
  endLine: number;
}

/** Parse a .env file: KEY=value, optional `export`, quotes, # comments, multi-line "...". */
export function parseDotenv(text: string): DotenvEntry[] {
  const out: DotenvEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const name = m[1]!;
    const line = i + 1;
    let rest = m[2]!;
    let value: string;
    const q = rest[0];
    if (q === '"' || q === "'" || q === '`') {
      let body = rest.slice(1);
      let close = findClose(body, q);
      while (close === -1 && i + 1 < lines.length) {
        body += '\n' + lines[++i];
        close = findClose(body, q);
      }
      value = close === -1 ? body : body.slice(0, close);
      if (q === '"') value = value.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
    } else {
      const hash = rest.search(/\s#/);
      if (hash !== -1) rest = rest.slice(0, hash);
      value = rest.trim();
    }
    out.push({ name, value, line, endLine: i + 1 });
  }
  return out;
}

/**
 * One `NAME="value"` line that parseDotenv reads back as exactly `value`: double quotes, with
 * backslash, quote, CR, LF and tab escaped (the only escapes the parser undoes).
 */
export function formatDotenvLine(name: string, value: string): string {
  const escaped = value.replace(/[\\"\r\n\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\r': '\\r', '\n': '\\n', '\t': '\\t' })[c]!);
  return `${name}="${escaped}"`;
}

function findClose(body: string, q: string): number {
  for (let j = 0; j < body.length; j++) {
    if (body[j] === '\\' && q === '"') j++;
    else if (body[j] === q) return j;
  }
  return -1;
}

/** TELEGRAM_BOT_TOKEN -> telegram-bot-token (import, and the names providers hand in). */
export function keyNameFor(variable: string): string {
  return variable
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Values that are configuration, not secrets, however long. */
const COMMON_VALUES = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::1', 'true', 'false', 'development', 'production', 'staging', 'undefined', 'changeme']);

function importSkipReason(value: string): string | undefined {
  if (value === '') return 'empty';
  if (COMMON_VALUES.has(value.toLowerCase())) return 'too common';
  if (Buffer.byteLength(value, 'utf8') < MIN_VALUE_BYTES) return `too short, under ${MIN_VALUE_BYTES} characters`;
  if (/^\d+(\.\d+)?$/.test(value)) return 'a number';
  if (/^<agent-vault:[^>]*>$/.test(value)) return 'already a placeholder';
  return undefined;
}

/** One variable of the file in the import preview: its key, or why it is skipped. */
export interface ImportRow {
  name: string;
  key: string;
  skip: string | undefined;
  /** The vault already holds the key (its value becomes an earlier value). */
  replaces: boolean;
}

/** The preview rows and the values to store, in file order; a later duplicate key is skipped. */
export function planImport(entries: DotenvEntry[], stored: ReadonlySet<string>): { rows: ImportRow[]; values: { key: string; value: Buffer }[] } {
  const rows: ImportRow[] = [];
  const values: { key: string; value: Buffer }[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const key = keyNameFor(e.name);
    let skip = importSkipReason(e.value);
    if (!skip && !isValidKey(key)) skip = 'no usable key name';
    if (!skip && seen.has(key)) skip = `duplicate of an earlier ${key}`;
    rows.push({ name: e.name, key, skip, replaces: !skip && stored.has(key) });
    if (skip) continue;
    seen.add(key);
    values.push({ key, value: Buffer.from(e.value, 'utf8') });
  }
  return { rows, values };
}
