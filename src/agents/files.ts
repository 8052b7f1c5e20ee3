import { chmodSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { firstUncovered } from '../core/redact.js';
import { isShowableText } from '../core/text.js';
import { AgentVaultError, refusal, usageError } from '../errors.js';
import { MSG, PAGE_MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { repoRoot } from '../platform/exec.js';
import { classifyPath, classifyTarget, isInside, ProtectedFolders, type PathRefusal } from '../platform/safe-path.js';
import { useOf, type VaultSession } from '../session/session.js';
import { ask, requestStatus } from '../approvals/decide.js';
import { pageUrl } from '../approvals/page-info.js';
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
  /**
   * A use outside the bindings becomes an approval request (issue 13) when this is given:
   * the agent's stated reason, how long to wait for a decision (seconds, default 0), and how
   * webhook delivery starts agent-vault.
   */
  approvals?: { reason?: string; waitSeconds?: number; self: [string, string]; env: NodeJS.ProcessEnv };
}

/** What `read` prints: the agent's view (to be shown in `cat -n` layout, see numberedChunks), and how many markers it holds. */
export interface AgentRead {
  /** The view in order, in parts (AgentView.parts): never joined into one copy of a large file. */
  view: readonly Buffer[];
  unvaulted: number;
  /** Keys shown as placeholders. */
  keys: string[];
}

export async function readForAgent(files: AgentFiles, file: string): Promise<AgentRead> {
  const bytes = readAgentFile(files, file);
  // Control bytes, NUL or invalid UTF-8 mean binary (key material, UTF-16 text): neither the
  // scanner nor the value matcher can see a secret spelled that way, so showing it could leak one.
  if (!isShowableText(bytes)) throw refusal(MSG.readBinaryRefused(file), MSG.readBinaryHint, 'READ_BINARY');
  const view = await viewOf(files, file, bytes);
  return { view: view.parts ?? [view.output], unvaulted: view.unvaulted, keys: view.keys ?? [] };
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
  let scriptMarkers = new Set<string>();
  if (content.includes('<agent-vault:UNVAULTED:') && mode !== undefined) {
    const current = classifyPath(real, folders);
    if (current.ok) ({ markers, scriptMarkers } = await viewOf(files, file, current.bytes));
  }
  let result = await files.session.restore(content, { destination: { kind: 'file', path: real }, markers });
  if (result.unbound.length && !result.unknown.length && !result.internal.length && files.approvals) {
    result = await viaApproval(files, files.approvals, content, real, markers, result.unbound);
  }
  if (result.unknown.length) throw refusal(MSG.secretNotFound(result.unknown), MSG.secretNotFoundHint(result.unknown), 'SECRET_NOT_FOUND');
  if (result.internal.length) throw refusal(MSG.keyInternal(result.internal), MSG.keyInternalHint, 'KEY_INTERNAL');
  if (result.unbound.length) throw refusal(MSG.keyNotBound(result.unbound, real), MSG.keyNotBoundHint(result.unbound, real), 'KEY_NOT_BOUND');
  if (result.unresolved.length) throw refusal(MSG.unresolvedMarker(result.unresolved, file), MSG.unresolvedMarkerHint(file), 'UNVAULTED_MISMATCH');
  // A value or a marker's bytes moved into new surroundings may no longer be hidden there
  // (`path ab/<marker>` defeats the rule and the entropy test that hid `token: <marker>`):
  // read the would-be file as the agent would, and refuse if any restored byte would show.
  // A marker's bytes are text the agent never saw: when a person's value, a rule or the
  // entropy test hid them, they must stay hidden without the help of script-set values, or a
  // guess set with `set --stdin` that matched them would turn this refusal into a write and
  // tell the agent its guess was right (no oracle, item 4). Bytes only a script-set value hid
  // were visible text without it, so they are judged with script-set values.
  if (result.restoredSpans.length) {
    const view = await viewOf(files, file, result.output, { onDisk: false });
    const withScript = (s: { key?: string; hash?: string }) => s.key !== undefined || scriptMarkers.has(s.hash!);
    const values = result.restoredSpans.filter(withScript);
    const markerBytes = result.restoredSpans.filter((s) => !withScript(s));
    const shown = [firstUncovered(values, view.hidden), firstUncovered(markerBytes, view.personHidden)].filter((at) => at !== undefined);
    if (shown.length) throw refusal(MSG.markerContext(file, lineAt(result.output, Math.min(...shown))), MSG.markerContextHint(file), 'MARKER_CONTEXT');
  }

  const restored = result.restored + result.unvaultedRestored;
  // A new file that receives a value is private to its owner; an existing one keeps its mode.
  writeFileAtomicSync(real, result.output, mode ?? (restored > 0 ? 0o600 : 0o666 & ~process.umask()));
  if (mode !== undefined) chmodSync(real, mode); // the umask must not narrow a mode the file already had
  return { restored };
}

/**
 * The keys are not bound to `real`: ask for a person's approval (a pending request, reused on
 * retries), wait up to `waitSeconds` for it, and restore again when it was approved (the
 * session takes the grant). Still refused: APPROVAL_PENDING (or the decision), writing nothing.
 */
async function viaApproval(files: AgentFiles, a: NonNullable<AgentFiles['approvals']>, content: Buffer, real: string, markers: Map<string, Buffer>, unbound: string[]) {
  const destination = { kind: 'file' as const, path: real };
  const root = files.settings().root;
  const request = await ask(files.session, { keys: unbound, op: 'write', destination: useOf(destination).destination, where: real, ...(root ? { repo: root } : {}), ...(a.reason ? { reason: a.reason } : {}) }, a.self, a.env);
  const deadline = Date.now() + Math.max(0, a.waitSeconds ?? 0) * 1000;
  for (;;) {
    const { status } = await requestStatus(files.session, request.id);
    if (status === 'approved') {
      const again = await files.session.restore(content, { destination, markers });
      if (!again.unbound.length) return again;
    }
    if (status === 'denied') throw refusal(MSG.approvalDenied(request.id, unbound, real), MSG.approvalDeniedHint, 'APPROVAL_DENIED');
    if (status !== 'pending' || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // The page URL (when a person runs the approval page) is safe to hand the agent: it decides nothing without the person's TOTP code.
  const url = pageUrl(files.session.home, request.id);
  throw refusal(MSG.approvalPending(request.id, unbound, real), MSG.approvalPendingHint(request.id, unbound, real) + (url ? PAGE_MSG.pendingAtPage(url) : PAGE_MSG.pendingNoPage), 'APPROVAL_PENDING');
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

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Bytes to number: one buffer, or the agent view's parts in order (AgentRead.view). */
export type Numberable = Uint8Array | readonly Uint8Array[];

const partsOf = (bytes: Numberable): readonly Uint8Array[] => (bytes instanceof Uint8Array ? [bytes] : bytes);

/** `cat -n` layout: the line number right-aligned in six columns, a tab, the line. */
export function numberLines(bytes: Numberable): Buffer {
  const parts = partsOf(bytes);
  let length = 0;
  let lines = 0;
  let last = -1;
  for (const p of parts) {
    if (!p.length) continue;
    length += p.length;
    lines += countNewlines(p);
    last = p[p.length - 1]!;
  }
  if (length === 0) return Buffer.alloc(0);
  if (last !== 10) lines++;
  let size = length;
  for (let width = 1, first = 1; first <= lines; width++, first *= 10) size += (Math.min(lines, first * 10 - 1) - first + 1) * (Math.max(6, width) + 1);
  for (const whole of numberedChunks(parts, size)) return Buffer.from(whole.buffer, whole.byteOffset, whole.length);
  return Buffer.alloc(0);
}

/** Aligned uint32s of a buffer, from its first 4-byte boundary (the words of a byte at absolute offset a are at a >>> 2). */
function wordsOf(buffer: ArrayBufferLike): Uint32Array {
  return new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
}

function countNewlines(bytes: Uint8Array): number {
  const n = bytes.length;
  const base = bytes.byteOffset;
  // Whole aligned words inside the bytes; the ends byte by byte.
  const head = Math.min(n, (4 - (base & 3)) & 3);
  const blocks = LITTLE_ENDIAN ? (n - head) >>> 2 : 0;
  let lines = 0;
  for (let i = 0; i < head; i++) if (bytes[i] === 10) lines++;
  if (blocks > 0) {
    const words = new Uint32Array(bytes.buffer, base + head, blocks);
    for (let b = 0; b < blocks; b++) {
      // One bit per byte equal to \n (exact per byte, unlike the has-zero test).
      const y = words[b]! ^ 0x0a0a0a0a;
      const t = ~(((y & 0x7f7f7f7f) + 0x7f7f7f7f) | y | 0x7f7f7f7f);
      if (t !== 0) lines += Math.imul((t >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
  }
  for (let i = head + (blocks << 2); i < n; i++) if (bytes[i] === 10) lines++;
  return lines;
}

/**
 * The `cat -n` layout of `bytes` (one buffer or the view's parts, a line may run across
 * parts) in pieces of about `chunkBytes`, each a view of one reused buffer that is valid until
 * the next piece is asked for: `read` writes a 100 MB file without ever holding its numbered
 * copy, nor the view joined into one buffer (a fresh 100 MB buffer costs as much as the numbering).
 */
export function* numberedChunks(bytes: Numberable, chunkBytes = 1 << 20): Generator<Buffer> {
  // Room past the limit for a line number and one four-byte store.
  const out = Buffer.allocUnsafe(chunkBytes + 32);
  const dst = new Uint8Array(out.buffer, out.byteOffset, out.length);
  const store = new DataView(out.buffer, out.byteOffset, out.length);
  let o = 0;
  let line = 0;
  let atStart = true;
  // Parts are mostly views of one input buffer: one word view per distinct buffer.
  let wordsBuffer: ArrayBufferLike | undefined;
  let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  for (const part of partsOf(bytes)) {
    const n = part.length;
    if (n === 0) continue;
    // Plain Uint8Array views: indexing a Buffer through its subclass is slower in V8.
    const src = new Uint8Array(part.buffer, part.byteOffset, n);
    const base = part.byteOffset;
    if (LITTLE_ENDIAN && part.buffer !== wordsBuffer) {
      wordsBuffer = part.buffer;
      words = wordsOf(part.buffer);
    }
    // Four bytes at a time from absolute offsets that are multiples of 4 and lie wholly inside this part.
    const lastWordAt = LITTLE_ENDIAN ? n - 4 : -1;
    let i = 0;
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
        if (((base + i) & 3) === 0 && i <= lastWordAt) {
          const x = words[(base + i) >>> 2]!;
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
  }
  if (o > 0) yield out.subarray(0, o);
}
