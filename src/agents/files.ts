import { chmodSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { isShowableText } from '../core/text.js';
import { AgentVaultError, refusal, usageError } from '../errors.js';
import { MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { repoRoot } from '../platform/exec.js';
import { classifyPath, classifyTarget, isInside, ProtectedFolders, type PathRefusal } from '../platform/safe-path.js';
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
  const bytes = readAgentFile(files, file);
  // Control bytes, NUL or invalid UTF-8 mean binary (key material, UTF-16 text): neither the
  // scanner nor the value matcher can see a secret spelled that way, so showing it could leak one.
  if (!isShowableText(bytes)) throw refusal(MSG.readBinaryRefused(file), MSG.readBinaryHint, 'READ_BINARY');
  const view = await viewOf(files, file, bytes);
  return { numbered: numberLines(view.output), unvaulted: view.unvaulted };
}

/**
 * Write `content` to `file` with every placeholder replaced by its value and every UNVAULTED
 * marker by the bytes it hides in the file as it is now (so editing one line never destroys
 * a secret the agent could not see). Refuses, writing nothing, when a key is not in the
 * vault or a marker matches nothing. Returns how many tokens became values.
 */
export interface WriteOptions {
  /** Allow a target outside the repository (or the current folder): a person's choice at a terminal. */
  outsideRepo?: boolean;
}

export async function writeForAgent(files: AgentFiles, file: string, content: Buffer, options: WriteOptions = {}): Promise<{ restored: number }> {
  const folders = protectedFolders(files.session);
  const { real, mode } = writableTarget(resolve(files.cwd, file), file);
  const refused = classifyTarget(real, folders);
  if (refused) throw pathRefusal(file, refused);
  if (!options.outsideRepo) confine(files, file, real);
  // Markers resolve against the file as it is now, exactly as read showed it.
  let markers = new Map<string, Buffer>();
  if (content.includes('<agent-vault:UNVAULTED:') && mode !== undefined) {
    const current = classifyPath(real, folders);
    if (current.ok) markers = (await viewOf(files, file, current.bytes)).markers;
  }
  const result = await files.session.restore(content, { destination: { kind: 'file', path: real }, markers });
  if (result.unknown.length) throw refusal(MSG.secretNotFound(result.unknown), MSG.secretNotFoundHint(result.unknown), 'SECRET_NOT_FOUND');
  if (result.internal.length) throw refusal(MSG.keyInternal(result.internal), MSG.keyInternalHint, 'KEY_INTERNAL');
  if (result.unbound.length) throw refusal(MSG.keyNotBound(result.unbound, real), MSG.keyNotBoundHint(result.unbound, real), 'KEY_NOT_BOUND');
  if (result.unresolved.length) throw refusal(MSG.unresolvedMarker(result.unresolved, file), MSG.unresolvedMarkerHint(file), 'UNVAULTED_MISMATCH');

  const restored = result.restored + result.unvaultedRestored;
  // A new file that receives a value is private to its owner; an existing one keeps its mode.
  writeFileAtomicSync(real, result.output, mode ?? (restored > 0 ? 0o600 : 0o666 & ~process.umask()));
  if (mode !== undefined) chmodSync(real, mode); // the umask must not narrow a mode the file already had
  return { restored };
}

/** The folders no safe command touches: the vault home of this session. */
function protectedFolders(session: VaultSession): ProtectedFolders {
  return new ProtectedFolders([session.home]);
}

function pathRefusal(file: string, r: PathRefusal): AgentVaultError {
  return r.code === 'PATH_IN_VAULT_HOME'
    ? refusal(MSG.pathInVaultHome(file, r.root), MSG.pathInVaultHomeHint, r.code)
    : refusal(MSG.notRegularFile(file, r.kind), MSG.notRegularFileHint, r.code);
}

/**
 * Writes stay in the repository the agent works in: the target's work tree must be the
 * current folder's (a repository the agent made elsewhere, `..` or a symlink out of the tree
 * does not count); outside git, the target must be inside the current folder.
 */
function confine(files: AgentFiles, file: string, real: string): void {
  const real_ = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const cwdRoot = files.settings().root;
  if (cwdRoot) {
    const targetRoot = repoRoot(dirname(real));
    if (targetRoot && real_(targetRoot) === real_(cwdRoot) && isInside(real_(cwdRoot), real)) return;
    throw refusal(MSG.writeOutsideRepo(file, `the repository ${cwdRoot}`), MSG.writeOutsideRepoHint(file), 'WRITE_OUTSIDE_REPO');
  }
  if (isInside(real_(files.cwd), real)) return;
  throw refusal(MSG.writeOutsideRepo(file, `the current folder ${files.cwd}`), MSG.writeOutsideRepoHint(file), 'WRITE_OUTSIDE_REPO');
}

/**
 * The file a write lands in and its mode, if it exists: an existing file (through a symlink
 * to it, as an editor would) by its real path; a new one as the real path of its folder plus
 * its name, so a symlinked folder cannot hide where it really goes.
 */
function writableTarget(target: string, file: string): { real: string; mode: number | undefined } {
  try {
    const real = realpathSync(target);
    const st = statSync(real);
    if (!st.isFile()) throw refusal(MSG.notRegularFile(file, st.isDirectory() ? 'a folder' : 'not a regular file'), MSG.notRegularFileHint, 'NOT_A_REGULAR_FILE');
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
  let folder: string;
  try {
    folder = realpathSync(dirname(target));
    if (!statSync(folder).isDirectory()) throw new Error();
  } catch {
    throw usageError(`cannot write ${file}: the folder ${dirname(file)} does not exist`, 'Create the folder first.');
  }
  return { real: join(folder, basename(target)), mode: undefined };
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

/**
 * A file an agent named, read the one safe way (platform/safe-path.ts): never a file of the
 * vault home, never anything but a regular file. Refusals exit 1; a missing file is a usage error.
 */
export function readAgentFile(files: { cwd: string; session: VaultSession }, file: string): Buffer {
  const r = classifyPath(resolve(files.cwd, file), protectedFolders(files.session));
  if (r.ok) return r.bytes;
  if ('refusal' in r) throw pathRefusal(file, r.refusal);
  const code = r.missing.code;
  throw usageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code}`, 'Check the path.');
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
