import { chmodSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { looksBinary } from '../core/scan.js';
import { AgentVaultError, refusal, usageError } from '../errors.js';
import { MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import type { VaultSession } from '../session/session.js';
import { agentViewOf, type ViewedFile } from './view.js';

/**
 * How an agent reads and writes files without seeing a value: `read` shows a file with
 * values as placeholders and suspects as UNVAULTED markers, `write` puts the values back
 * where the placeholders stand. The CLI commands call these; the MCP server will too.
 */
export interface AgentFiles {
  /** The folder relative paths are resolved against. */
  cwd: string;
  session: VaultSession;
  /** The configuration (what read treats as suspect) and the repository root; loaded only when needed. */
  settings: () => { config: AgentVaultConfig; root: string | undefined };
}

/** What `read` prints: the agent's view in `cat -n` layout, and how many markers it holds. */
export interface AgentRead {
  numbered: Buffer;
  unvaulted: number;
}

export async function readForAgent(files: AgentFiles, file: string): Promise<AgentRead> {
  const bytes = readInputFile(files.cwd, file);
  // NUL bytes mean binary or UTF-16 text: neither the scanner nor the value matcher can see
  // a secret spelled in two-byte characters, so showing such a file could leak one.
  if (looksBinary(bytes)) throw refusal(MSG.readBinaryRefused(file), MSG.readBinaryHint, 'READ_BINARY');
  const view = await viewOf(files, file, bytes);
  return { numbered: numberLines(view.output), unvaulted: view.unvaulted };
}

/**
 * Write `content` to `file` with every placeholder replaced by its value and every UNVAULTED
 * marker by the bytes it hides in the file as it is now (so editing one line never destroys
 * a secret the agent could not see). Refuses, writing nothing, when a key is not in the
 * vault or a marker matches nothing. Returns how many tokens became values.
 */
export async function writeForAgent(files: AgentFiles, file: string, content: Buffer): Promise<{ restored: number }> {
  const target = resolve(files.cwd, file);
  const { real, mode } = writableTarget(target, file);
  // Markers resolve against the file as it is now, exactly as read showed it.
  let markers = new Map<string, Buffer>();
  if (content.includes('<agent-vault:UNVAULTED:')) {
    let current: Buffer | undefined;
    try {
      current = mode === undefined ? undefined : readFileSync(real);
    } catch {
      current = undefined;
    }
    if (current) markers = (await viewOf(files, file, current)).markers;
  }
  const result = await files.session.restore(content, { destination: { kind: 'file', path: real }, markers });
  if (result.unknown.length) throw refusal(MSG.secretNotFound(result.unknown), MSG.secretNotFoundHint(result.unknown), 'SECRET_NOT_FOUND');
  if (result.unresolved.length) throw refusal(MSG.unresolvedMarker(result.unresolved, file), MSG.unresolvedMarkerHint(file), 'UNVAULTED_MISMATCH');

  writeFileAtomicSync(real, result.output, mode ?? 0o666 & ~process.umask());
  if (mode !== undefined) chmodSync(real, mode); // the umask must not narrow a mode the file already had
  return { restored: result.restored + result.unvaultedRestored };
}

/** The file a write lands in (through a symlink to the file it names, as an editor would) and its mode, if it exists. */
function writableTarget(target: string, file: string): { real: string; mode: number | undefined } {
  try {
    const real = realpathSync(target);
    const st = statSync(real);
    if (!st.isFile()) throw usageError(`cannot write ${file}: it is not a regular file`);
    return { real, mode: st.mode & 0o7777 };
  } catch (e) {
    if (e instanceof AgentVaultError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw usageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  try {
    lstatSync(target);
    throw usageError(`cannot write ${file}: it is a symbolic link to a missing file`);
  } catch (e) {
    if (e instanceof AgentVaultError) throw e;
  }
  try {
    if (!statSync(dirname(target)).isDirectory()) throw new Error();
  } catch {
    throw usageError(`cannot write ${file}: the folder ${dirname(file)} does not exist`, 'Create the folder first.');
  }
  return { real: target, mode: undefined };
}

async function viewOf(files: AgentFiles, file: string, bytes: Buffer) {
  const { config, root } = files.settings();
  const abs = resolve(files.cwd, file);
  // The path the configuration's path allowlists see: repository-relative when inside one.
  const base = root && (abs === root || abs.startsWith(root + sep)) ? root : files.cwd;
  let real: string | undefined;
  try {
    real = realpathSync(abs);
  } catch {
    real = undefined;
  }
  const viewed: ViewedFile = { display: relative(base, abs).split(sep).join('/') || file, abs: real };
  return agentViewOf(files.session, bytes, viewed, config);
}

/** A file named on the command line, or a usage error that says why it cannot be read. */
export function readInputFile(cwd: string, file: string): Buffer {
  try {
    return readFileSync(resolve(cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code}`, 'Check the path.');
  }
}

/** `cat -n` layout: the line number right-aligned in six columns, a tab, the line. */
export function numberLines(bytes: Buffer): Buffer {
  if (bytes.length === 0) return bytes;
  let lines = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  if (bytes[bytes.length - 1] !== 10) lines++;
  let size = bytes.length;
  for (let width = 1, first = 1; first <= lines; width++, first *= 10) size += (Math.min(lines, first * 10 - 1) - first + 1) * (Math.max(6, width) + 1);
  const out = Buffer.allocUnsafe(size);
  // Plain Uint8Array views: indexing a Buffer through its subclass is slower in V8.
  const src = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const dst = new Uint8Array(out.buffer, out.byteOffset, out.length);
  const digits = new Uint8Array(16);
  let o = 0;
  let at = 0;
  for (let line = 1; at < src.length; line++) {
    const nl = bytes.indexOf(10, at);
    const end = nl === -1 ? src.length : nl + 1;
    let n = line;
    let d = 0;
    do {
      digits[d++] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    for (let pad = 6 - d; pad > 0; pad--) dst[o++] = 0x20;
    while (d > 0) dst[o++] = digits[--d]!;
    dst[o++] = 0x09;
    // Short lines copy faster by hand than through a subarray and a native call.
    if (end - at < 64) for (let i = at; i < end; i++) dst[o++] = src[i]!;
    else {
      dst.set(src.subarray(at, end), o);
      o += end - at;
    }
    at = end;
  }
  return out.subarray(0, o);
}
