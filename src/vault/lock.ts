import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, linkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { AgentVaultError } from '../errors.js';

/**
 * A lock file created with O_EXCL. It holds the holder's pid, the process start time (so a
 * recycled pid is not mistaken for the holder) and a nonce. A lock whose holder is dead is
 * stale and is broken; a live holder is waited for with bounded retries.
 */
interface LockRecord {
  pid: number;
  /** Process start time in clock ticks since boot (Linux /proc), or null elsewhere. */
  start: number | null;
  nonce: string;
  since: string;
}

export interface LockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /**
   * While waiting for a live holder, say so in `<path>.wait` (its mtime, refreshed at every
   * retry): a holder that keeps the lock across many operations (the audit log's groups,
   * see audit/log.ts) checks lockWanted and lets go early, then yields its next turn.
   */
  announce?: boolean;
}

/** A waiter's announcement counts this long after its last retry (retries are at most ~75 ms apart). */
const WANT_FRESH_MS = 250;
const wantPath = (path: string) => `${path}.wait`;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Start time of a process from /proc/PID/stat (field 22), or null where there is no /proc. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** This process's start time never changes: read once (a checkout takes a lock per file). */
let ownStart: number | null | undefined;
const ownStartTime = (): number | null => (ownStart === undefined ? (ownStart = processStartTime(process.pid)) : ownStart);

function holderAlive(rec: LockRecord): boolean {
  try {
    process.kill(rec.pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else; treat it as alive.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  if (rec.start !== null) {
    const now = processStartTime(rec.pid);
    if (now !== null && now !== rec.start) return false; // the pid was recycled
  }
  return true;
}

function readRecord(path: string): LockRecord | undefined {
  try {
    const rec = JSON.parse(readFileSync(path, 'utf8')) as LockRecord;
    return typeof rec?.pid === 'number' && typeof rec.nonce === 'string' ? rec : undefined;
  } catch {
    return undefined;
  }
}

class FileLock {
  private nonce: string | undefined;
  constructor(readonly path: string) {}

  acquire(options: LockOptions = {}): void {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const rec: LockRecord = { pid: process.pid, start: ownStartTime(), nonce: randomBytes(8).toString('hex'), since: new Date().toISOString() };
    let delay = 2;
    let announced = false;
    for (;;) {
      try {
        const fd = openSync(this.path, 'wx', 0o600);
        try {
          writeSync(fd, JSON.stringify(rec));
        } finally {
          closeSync(fd);
        }
        this.nonce = rec.nonce;
        if (announced) withdrawWait(this.path);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readRecord(this.path);
      if (holder ? !holderAlive(holder) : this.emptyAndOld()) {
        this.breakStale(holder);
        continue;
      }
      if (options.announce) announced = announceWait(this.path) || announced;
      if (Date.now() >= deadline) {
        throw new AgentVaultError('vault', `the vault is locked by another agent-vault process${holder ? ` (pid ${holder.pid}, since ${holder.since})` : ''}`, {
          code: 'VAULT_BUSY',
          hint: `Wait for it to finish and try again. If no agent-vault process is running, delete ${this.path}.`,
        });
      }
      sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 50);
    }
  }

  /** A holder that died between creating the file and writing its record leaves it empty. */
  private emptyAndOld(): boolean {
    try {
      return Date.now() - statSync(this.path).mtimeMs > 5_000;
    } catch {
      return false;
    }
  }

  /**
   * Move the stale lock aside (rename is atomic, so two breakers cannot both remove it) and
   * check that what was moved is the stale record seen; if a new holder's lock was moved
   * instead (it took the lock in between), put it back.
   */
  private breakStale(seen: LockRecord | undefined): void {
    const aside = `${this.path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      renameSync(this.path, aside);
    } catch {
      return; // someone else broke it first
    }
    const moved = readRecord(aside);
    if (moved && seen && moved.nonce !== seen.nonce && holderAlive(moved)) {
      try {
        linkSync(aside, this.path);
      } catch {
        /* a third process holds it now; the moved holder will find its lock gone on release */
      }
    }
    try {
      unlinkSync(aside);
    } catch {
      /* gone */
    }
  }

  release(): void {
    if (!this.nonce) return;
    const current = readRecord(this.path);
    if (current?.nonce === this.nonce) {
      try {
        unlinkSync(this.path);
      } catch {
        /* gone */
      }
    }
    this.nonce = undefined;
  }
}

/** Say that this process waits for the lock at `path` (best effort: false when it could not). */
function announceWait(path: string): boolean {
  try {
    writeFileSync(wantPath(path), `${process.pid}\n`, { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}

/** The waiter that announced itself has the lock: the announcement is done (another waiter renews it at its next retry). */
function withdrawWait(path: string): void {
  try {
    unlinkSync(wantPath(path));
  } catch {
    /* gone */
  }
}

/** Whether a process waiting for the lock at `path` announced itself lately (LockOptions.announce). */
export function lockWanted(path: string): boolean {
  // Asked once per grouped audit entry: no announcement is the usual answer, and a stat that
  // throws ENOENT costs several times one that does not.
  try {
    const st = statSync(wantPath(path), { throwIfNoEntry: false });
    return !!st && Date.now() - st.mtimeMs < WANT_FRESH_MS;
  } catch {
    return false;
  }
}

/**
 * Before a long holder takes the lock at `path` again: while a waiter's announcement is fresh,
 * let it go first (it withdraws the announcement once it holds the lock; a dead waiter's goes
 * stale), so a holder that takes the lock back at once cannot starve a polling waiter.
 */
export function yieldToWaiters(path: string): void {
  const until = Date.now() + WANT_FRESH_MS * 2;
  while (lockWanted(path) && Date.now() < until) sleep(2);
}

/** A lock held until `release()` (across many operations; pair it with lockWanted so waiters wait at most a while). */
export function holdLock(path: string, options: LockOptions = {}): { release(): void } {
  const lock = new FileLock(path);
  lock.acquire(options);
  return { release: () => lock.release() };
}

export function withLock<T>(path: string, fn: () => T, options: LockOptions = {}): T {
  const lock = new FileLock(path);
  lock.acquire(options);
  try {
    return fn();
  } finally {
    lock.release();
  }
}

/** withLock for work that awaits (starting a session agent): the lock is held until `fn` settles. */
export async function withLockAsync<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = new FileLock(path);
  lock.acquire(options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
