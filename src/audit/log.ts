import { chmodSync, closeSync, fstatSync, mkdirSync, fsyncSync, openSync, readFileSync, readSync, statSync, writeSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { readFully } from '../platform/safe-path.js';
import { holdLock, lockWanted, withLock, yieldToWaiters } from '../vault/lock.js';
import { entryLine, GENESIS, lineHash, splitLog, type AuditFields } from './chain.js';

/**
 * The audit log on disk: $AGENT_VAULT_HOME/audit/log.jsonl (0600, folder 0700). Appends take
 * audit/log.lock (the vault's lock-file scheme), read only the tail to learn the previous
 * line, write one line with O_APPEND and fsync, so appenders in several processes keep one
 * chain; a checkout's grouped appends hold the lock across the group instead (see Group).
 * Nothing here ever rewrites or repairs the file: a damaged last line is left as it is and a
 * `damage-noted` entry is appended after it, so `audit verify` stops at the damage with its
 * line number and the log goes on.
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

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

/** Where the chain stands: the last entry's seq, its line's hash, and the file's size. */
interface ChainEnd {
  seq: number;
  prev: string;
  size: number;
}

/**
 * Read where the chain stands (the tail only), under the lock. A damaged or cut-short last line
 * is kept and a `damage-noted` entry is returned in `lead`, to be written before the next entry.
 */
function chainEnd(fd: number, log: string, now: Date): { end: ChainEnd; lead: string } {
  const tail = tailOf(fd);
  if (tail.seq !== undefined && !tail.partial) return { end: { seq: tail.seq, prev: tail.last === undefined ? GENESIS : lineHash(tail.last), size: tail.size }, lead: '' };
  // The last line is damaged (or cut short by a crash): keep it, count lines, note it.
  const counted = countLines(log);
  const noted = entryLine({ event: 'damage-noted', detail: `line ${counted.lines} is damaged; the log continues after it` }, counted.lines + 1, lineHash(counted.last), now.toISOString());
  const lead = (tail.partial ? '\n' : '') + noted + '\n';
  return { end: { seq: counted.lines + 1, prev: lineHash(noted), size: tail.size }, lead };
}

/** Write `lead` and the entry after `end`, and move `end` past it. */
function writeEntry(fd: number, end: ChainEnd, lead: string, fields: AuditFields, now: Date): { seq: number; hash: string; end: number } {
  const line = entryLine(fields, end.seq + 1, end.prev, now.toISOString());
  const out = Buffer.from(lead + line + '\n', 'utf8');
  writeAll(fd, out);
  const hash = lineHash(line);
  end.seq += 1;
  end.prev = hash;
  end.size += out.length;
  return { seq: end.seq, hash, end: end.size };
}

/**
 * A group of appends (`sync: false`) holds the log: the lock is taken once, the file stays open
 * and where the chain stands is kept in memory, since no other process can append meanwhile.
 * Each entry is still written (write(2)) before appendAudit returns, so a process killed
 * mid-group loses nothing it had answered for; the group is flushed to disk and the lock let go
 * at syncAudit (the session calls it every 256 entries, 200 ms after the group's first entry, and
 * when it closes), at an entry that wants its own fsync, when another process announces it is
 * waiting for the lock, and at the latest GROUP_HOLD_MS after the group began. A holder that
 * dies leaves a lock whose pid is gone: the next appender breaks it as stale (vault/lock.ts).
 * One group per log per process, whichever session in the process appends.
 */
interface Group {
  lock: { release(): void };
  fd: number;
  /** (device, inode) of the file the group writes: a log replaced meanwhile ends the group. */
  ino: number;
  dev: number;
  end: ChainEnd;
  backstop: NodeJS.Timeout;
}

const groups = new Map<string, Group>();
/** The longest a group holds the log even if nobody calls syncAudit. */
const GROUP_HOLD_MS = 1_000;
let exitHook = false;

/** Flush the group to disk and let the log go (the lock is released even if the fsync fails). */
function endGroup(log: string): void {
  const g = groups.get(log);
  if (!g) return;
  groups.delete(log);
  clearTimeout(g.backstop);
  try {
    fsyncSync(g.fd);
  } finally {
    closeSync(g.fd);
    g.lock.release();
  }
}

function openGroup(paths: ReturnType<typeof auditPaths>, now: Date): { group: Group; lead: string } {
  // A process that just let the log go for an announced waiter lets that waiter have it first.
  yieldToWaiters(paths.lock);
  const lock = holdLock(paths.lock, { timeoutMs: 30_000, announce: true });
  let fd: number | undefined;
  try {
    fd = openSync(paths.log, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    const st = fstatSync(fd);
    const { end, lead } = chainEnd(fd, paths.log, now);
    const group: Group = { lock, fd, ino: st.ino, dev: st.dev, end, backstop: setTimeout(() => endGroup(paths.log), GROUP_HOLD_MS).unref() };
    groups.set(paths.log, group);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const log of [...groups.keys()]) {
          try {
            endGroup(log);
          } catch {
            /* the entries are written; the kernel flushes them */
          }
        }
      });
    }
    return { group, lead };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    lock.release();
    throw e;
  }
}

/** The group holding this log, when it is still the sole writer of the file it opened. */
function heldGroup(log: string): Group | undefined {
  const g = groups.get(log);
  if (!g) return undefined;
  let st;
  try {
    st = statSync(log);
  } catch {
    st = undefined;
  }
  // Replaced, removed or written by someone else (a lock file deleted by hand): start over.
  if (!st || st.ino !== g.ino || st.dev !== g.dev || st.size !== g.end.size) {
    endGroup(log);
    return undefined;
  }
  return g;
}

/**
 * Append one entry (locked, O_APPEND, fsynced). Returns its seq and the hash of its line.
 * `sync: false` groups it with the appends after it (see Group): written now, flushed to disk
 * by syncAudit. `now` is for tests of ordering only; entries are stamped with the wall clock.
 */
export function appendAudit(home: string, fields: AuditFields, now: Date = new Date(), options: { sync?: boolean } = {}): { seq: number; hash: string; end: number } {
  const paths = auditPaths(resolve(home));
  const grouped = options.sync === false;
  let held = heldGroup(paths.log);
  let lead = '';
  if (!held && grouped) {
    auditDir(paths.dir);
    ({ group: held, lead } = openGroup(paths, now));
  }
  if (held) {
    let written: { seq: number; hash: string; end: number };
    try {
      written = writeEntry(held.fd, held.end, lead, fields, now);
    } catch (e) {
      endGroup(paths.log);
      throw e;
    }
    // An entry that wants its own fsync ends the group (which flushes everything before it
    // too); so does a process that waits for the log.
    if (!grouped || lockWanted(paths.lock)) endGroup(paths.log);
    return written;
  }
  auditDir(paths.dir);
  return withLock(paths.lock, () => {
    const fd = openSync(paths.log, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      const { end, lead } = chainEnd(fd, paths.log, now);
      const written = writeEntry(fd, end, lead, fields, now);
      fsyncSync(fd);
      return written;
    } finally {
      closeSync(fd);
    }
  }, { timeoutMs: 30_000, announce: true });
}

/** Flush the log to disk (after appends made with `sync: false`, ending their group); nothing when there is no log. */
export function syncAudit(home: string): void {
  const log = auditPaths(resolve(home)).log;
  if (groups.has(log)) return endGroup(log);
  let fd: number;
  try {
    fd = openSync(log, constants.O_RDONLY);
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
    const off = readFully(fd, rest, end);
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
