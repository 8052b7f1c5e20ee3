import { chmodSync, closeSync, fstatSync, mkdirSync, fsyncSync, openSync, readFileSync, readSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { withLock } from '../vault/lock.js';
import { entryLine, GENESIS, lineHash, splitLog, type AuditFields } from './chain.js';

/**
 * The audit log on disk: $AGENT_VAULT_HOME/audit/log.jsonl (0600, folder 0700). Appends take
 * audit/log.lock (the vault's lock-file scheme), read only the tail to learn the previous
 * line, write one line with O_APPEND and fsync, so appenders in several processes keep one
 * chain. Nothing here ever rewrites or repairs the file: a damaged last line is left as it is
 * and a `damage-noted` entry is appended after it, so `audit verify` stops at the damage with
 * its line number and the log goes on.
 */

export const auditPaths = (home: string) => ({
  dir: join(home, 'audit'),
  log: join(home, 'audit', 'log.jsonl'),
  lock: join(home, 'audit', 'log.lock'),
});

/** Entries between two anchors (the session anchors the log in the vault every this many). */
export const ANCHOR_EVERY = 100;

const TAIL = 64 * 1024;

/** The last line of the log and how many lines it has, reading only the tail when it can. */
function tailOf(fd: number): { last: string | undefined; seq: number | undefined; partial: boolean; size: number } {
  const size = fstatSync(fd).size;
  if (size === 0) return { last: undefined, seq: 0, partial: false, size };
  const len = Math.min(size, TAIL);
  const buf = Buffer.alloc(len);
  readSync(fd, buf, 0, len, size - len);
  const text = buf.toString('utf8');
  const partial = !text.endsWith('\n');
  const body = partial ? text : text.slice(0, -1);
  const nl = body.lastIndexOf('\n');
  if (nl < 0 && len < size) return { last: undefined, seq: undefined, partial, size }; // a line longer than the tail
  const last = body.slice(nl + 1);
  let seq: number | undefined;
  try {
    const e = JSON.parse(last) as { seq?: unknown };
    seq = Number.isSafeInteger(e?.seq) ? (e.seq as number) : undefined;
  } catch {
    seq = undefined;
  }
  return { last, seq, partial, size };
}

/** Count lines by reading the whole file (only after damage). */
function countLines(path: string): { lines: number; last: string } {
  const { lines } = splitLog(readFileSync(path, 'utf8'));
  return { lines: lines.length, last: lines[lines.length - 1] ?? '' };
}

function writeAll(fd: number, s: string): void {
  const data = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

/**
 * Append one entry (locked, O_APPEND, fsynced). Returns its seq and the hash of its line.
 * `now` is for tests of ordering only; entries are stamped with the wall clock.
 */
export function appendAudit(home: string, fields: AuditFields, now: Date = new Date(), options: { sync?: boolean } = {}): { seq: number; hash: string; end: number } {
  const paths = auditPaths(home);
  auditDir(paths.dir);
  return withLock(paths.lock, () => {
    const fd = openSync(paths.log, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      const tail = tailOf(fd);
      let seq = tail.seq;
      let prev = tail.last === undefined ? GENESIS : lineHash(tail.last);
      let out = '';
      if (seq === undefined || tail.partial) {
        // The last line is damaged (or cut short by a crash): keep it, count lines, note it.
        const counted = countLines(paths.log);
        if (tail.partial) out += '\n';
        prev = lineHash(counted.last);
        const noted = entryLine({ event: 'damage-noted', detail: `line ${counted.lines} is damaged; the log continues after it` }, counted.lines + 1, prev, now.toISOString());
        out += noted + '\n';
        prev = lineHash(noted);
        seq = counted.lines + 1;
      }
      const line = entryLine(fields, seq + 1, prev, now.toISOString());
      out += line + '\n';
      writeAll(fd, out);
      // Written, every process reads it at once; `sync: false` leaves the flush to disk to a
      // later syncAudit (group commit: a checkout of thousands of bound files).
      if (options.sync !== false) fsyncSync(fd);
      return { seq: seq + 1, hash: lineHash(line), end: tail.size + Buffer.byteLength(out) };
    } finally {
      closeSync(fd);
    }
  }, { timeoutMs: 30_000 });
}

/** Flush the log to disk (after appends made with `sync: false`); nothing when there is no log. */
export function syncAudit(home: string): void {
  let fd: number;
  try {
    fd = openSync(auditPaths(home).log, constants.O_RDONLY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The audit folder (0700), inside a vault home that must exist: a process that outlives its
 * vault home (a webhook delivery after the folder was removed) never creates one again.
 */
function auditDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return;
  }
  chmodSync(dir, 0o700);
}

/**
 * The line that ends at byte `end` (without its newline) and the lines after it, reading only
 * that part of the log; undefined when no whole line ends there (the log is shorter, or was
 * changed): the caller then reads the whole log.
 */
export function readAuditFrom(home: string, end: number): { line: string; after: { lines: string[]; partial: boolean } } | undefined {
  let fd: number;
  try {
    fd = openSync(auditPaths(home).log, constants.O_RDONLY);
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    if (!Number.isSafeInteger(end) || end < 1 || end > size) return undefined;
    const back = Math.min(end, TAIL);
    const head = Buffer.alloc(back);
    readSync(fd, head, 0, back, end - back);
    if (head[back - 1] !== 0x0a) return undefined;
    const nl = head.lastIndexOf(0x0a, back - 2);
    if (nl < 0 && back < end) return undefined; // a line longer than the tail
    const rest = Buffer.alloc(size - end);
    let off = 0;
    while (off < rest.length) {
      const n = readSync(fd, rest, off, rest.length - off, end + off);
      if (n === 0) break;
      off += n;
    }
    return { line: head.toString('utf8', nl + 1, back - 1), after: splitLog(rest.toString('utf8', 0, off)) };
  } finally {
    closeSync(fd);
  }
}

/** The log's lines (none when there is no log yet). */
export function readAuditLines(home: string): { lines: string[]; partial: boolean } {
  let text: string;
  try {
    text = readFileSync(auditPaths(home).log, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], partial: false };
    throw e;
  }
  return splitLog(text);
}
