import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Crash points, for the crash tests only (test/vault-concurrency.test.ts). A CLI built with
 * `node scripts/build.mjs --fault-injection DIR` kills itself with SIGKILL at the point that
 * AGENT_VAULT_FAULT names, as `<point>:<file name>` (for example `after-rename:vault.json`),
 * so that each instant of a write is hit for certain instead of by a timed kill. Every other
 * build (the shipped one above all) defines __AGENT_VAULT_FAULT_INJECTION__ as false, which
 * turns the check into `if (false)`: no environment variable can make a real install stop
 * half-way through a write. Run from source (vitest) the constant is undefined: off too.
 */
declare const __AGENT_VAULT_FAULT_INJECTION__: boolean | undefined;
type CrashPoint = 'after-temp-open' | 'after-temp-write' | 'after-rename';
function crashPoint(point: CrashPoint, target: string): void {
  if (typeof __AGENT_VAULT_FAULT_INJECTION__ !== 'undefined' && __AGENT_VAULT_FAULT_INJECTION__) {
    if (process.env.AGENT_VAULT_FAULT === `${point}:${basename(target)}`) process.kill(process.pid, 'SIGKILL');
  }
}

/**
 * Replace a file so that a reader (or a crash at any instant) sees either the old bytes or
 * the new ones, never a mix: write a temp file in the same folder (same file system, so the
 * rename is atomic), fsync it, rename it over the target, then fsync the folder so the
 * rename itself survives a power loss.
 */
export function writeFileAtomicSync(path: string, contents: string | Uint8Array, mode = 0o644): void {
  const data = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  crashPoint('after-temp-open', path);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
    crashPoint('after-temp-write', path);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  crashPoint('after-rename', path);
  fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems (and Windows) cannot fsync a folder; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
