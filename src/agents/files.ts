import { chmodSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { firstUncovered } from '../core/redact.js';
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

/** What `read` prints: the agent's view (to be shown in `cat -n` layout, see numberedChunks), and how many markers it holds. */
export interface AgentRead {
  view: Buffer;
  unvaulted: number;
}

export async function readForAgent(files: AgentFiles, file: string): Promise<AgentRead> {
  const bytes = readInputFile(files.cwd, file);
  // NUL bytes mean binary or UTF-16 text: neither the scanner nor the value matcher can see
  // a secret spelled in two-byte characters, so showing such a file could leak one.
  if (looksBinary(bytes)) throw refusal(MSG.readBinaryRefused(file), MSG.readBinaryHint, 'READ_BINARY');
  const view = await viewOf(files, file, bytes);
  return { view: view.output, unvaulted: view.unvaulted };
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
  // A value or a marker's bytes moved into new surroundings may no longer be hidden there
  // (`path ab/<marker>` defeats the rule and the entropy test that hid `token: <marker>`):
  // read the would-be file as the agent would, and refuse if any restored byte would show.
  if (result.restoredSpans.length) {
    const view = await viewOf(files, file, result.output, { onDisk: false });
    const shown = firstUncovered(result.restoredSpans, view.hidden);
    if (shown !== undefined) throw refusal(MSG.markerContext(file, lineAt(result.output, shown)), MSG.markerContextHint(file), 'MARKER_CONTEXT');
  }

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

/** 1-based line of a byte offset. */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(10); i !== -1 && i < offset; i = bytes.indexOf(10, i + 1)) line++;
  return line;
}

/** The agent view of `bytes` as the content of `file`; `onDisk: false` when they are not (yet) the file's content. */
async function viewOf(files: AgentFiles, file: string, bytes: Buffer, opts: { onDisk: boolean } = { onDisk: true }) {
  const { config, root } = files.settings();
  const abs = resolve(files.cwd, file);
  // The path the configuration's path allowlists see: repository-relative when inside one.
  const base = root && (abs === root || abs.startsWith(root + sep)) ? root : files.cwd;
  let real: string | undefined;
  try {
    real = opts.onDisk ? realpathSync(abs) : undefined;
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

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** `cat -n` layout: the line number right-aligned in six columns, a tab, the line. */
export function numberLines(bytes: Buffer): Buffer {
  if (bytes.length === 0) return bytes;
  let lines = countNewlines(bytes);
  if (bytes[bytes.length - 1] !== 10) lines++;
  let size = bytes.length;
  for (let width = 1, first = 1; first <= lines; width++, first *= 10) size += (Math.min(lines, first * 10 - 1) - first + 1) * (Math.max(6, width) + 1);
  for (const whole of numberedChunks(bytes, size)) return Buffer.from(whole.buffer, whole.byteOffset, whole.length);
  return bytes;
}

function countNewlines(bytes: Buffer): number {
  const n = bytes.length;
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, n >>> 2) : new Uint32Array(0);
  let lines = 0;
  for (let b = 0; b < words.length; b++) {
    // One bit per byte equal to \n (exact per byte, unlike the has-zero test).
    const y = words[b]! ^ 0x0a0a0a0a;
    const t = ~(((y & 0x7f7f7f7f) + 0x7f7f7f7f) | y | 0x7f7f7f7f);
    if (t !== 0) lines += Math.imul((t >>> 7) & 0x01010101, 0x01010101) >>> 24;
  }
  for (let i = words.length << 2; i < n; i++) if (bytes[i] === 10) lines++;
  return lines;
}

/**
 * The `cat -n` layout of `bytes` in pieces of about `chunkBytes`, each a view of one reused
 * buffer that is valid until the next piece is asked for: `read` writes a 100 MB file without
 * ever holding its numbered copy (a fresh 100 MB buffer costs as much as the numbering).
 */
export function* numberedChunks(bytes: Buffer, chunkBytes = 1 << 20): Generator<Buffer> {
  const n = bytes.length;
  if (n === 0) return;
  // Plain Uint8Array views: indexing a Buffer through its subclass is slower in V8. An
  // unaligned buffer is read a byte at a time; read's are aligned (fresh allocations).
  const src = new Uint8Array(bytes.buffer, bytes.byteOffset, n);
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, n >>> 2) : new Uint32Array(0);
  const blocks = words.length;
  // Room past the limit for a line number and one four-byte store.
  const out = Buffer.allocUnsafe(chunkBytes + 32);
  const dst = new Uint8Array(out.buffer, out.byteOffset, out.length);
  const store = new DataView(out.buffer, out.byteOffset, out.length);
  let o = 0;
  let i = 0;
  let line = 0;
  let atStart = true;
  while (i < n) {
    if (atStart) {
      line++;
      let digits = 6;
      for (let p = 1e6; line >= p; p *= 10) digits++;
      let v = line;
      let e = o + digits;
      o = e;
      do {
        dst[--e] = 0x30 + (v % 10);
        v = Math.floor(v / 10);
      } while (v > 0);
      while (e > o - digits) dst[--e] = 0x20;
      dst[o++] = 0x09;
      atStart = false;
    }
    // Copy the line, four bytes at a time while no \n is among them.
    while (o < chunkBytes && i < n) {
      if ((i & 3) === 0 && i >>> 2 < blocks) {
        const x = words[i >>> 2]!;
        const y = x ^ 0x0a0a0a0a;
        if (((y - 0x01010101) & ~y & 0x80808080) === 0) {
          store.setUint32(o, x, LITTLE_ENDIAN);
          o += 4;
          i += 4;
          continue;
        }
      }
      const c = src[i++]!;
      dst[o++] = c;
      if (c === 10) {
        atStart = true;
        break;
      }
    }
    if (o >= chunkBytes) {
      yield out.subarray(0, o);
      o = 0;
    }
  }
  if (o > 0) yield out.subarray(0, o);
}
