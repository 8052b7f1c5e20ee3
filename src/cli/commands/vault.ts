import type { Command } from 'commander';
import { lstatSync, readFileSync, realpathSync, chmodSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { buildRuleset, CONFIG_DISCOVERY } from '../../config/config.js';
import { highEntropySpans, MIN_VALUE_BYTES, Redactor, restorePlaceholders, spansOfFindings, type AgentView, type LocatedSecret } from '../../core/redact.js';
import { isDecoded, looksBinary, scanText } from '../../core/scan.js';
import { SECRET } from '../../core/types.js';
import type { AgentVaultConfig } from '../../config/config.js';
import type { ScanSettings, WireFinding } from '../../sources/scan-run.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isValidKey, PLACEHOLDER_PREFIX } from '../../core/placeholder.js';
import { AgentVaultError, refusal, usageError } from '../../errors.js';
import { MSG } from '../../messages.js';
import { writeFileAtomicSync } from '../../platform/atomic.js';
import { initVault, openVault, vaultHome, type Vault } from '../../vault/index.js';
import { readAll, writeOut, type CliContext } from '../context.js';
import { TerminalInput } from '../prompt.js';
import { configFor } from '../shared.js';

/**
 * The vault commands. Safe ones (read, write, has, list) never print a value and run
 * anywhere; sensitive ones (init, set, get, rm, import) need an interactive terminal, except
 * `set --stdin` / `set --from-env` for scripts. Each action is thin: the work is in
 * core/redact.ts and vault/.
 */
export function registerVault(program: Command, ctx: CliContext): void {
  const configHelp = `configuration file (decides what read treats as suspect); looked up in order: ${CONFIG_DISCOVERY.join(', then ')}`;

  program
    .command('read')
    .description('Print a file like cat -n with every vaulted value shown as <agent-vault:KEY> and unvaulted suspects as UNVAULTED markers (safe: never prints a value).')
    .argument('<file>', 'file to read')
    .option('-c, --config <file>', configHelp)
    .action(async (file: string, opts: { config?: string }) => runRead(ctx, file, opts));

  program
    .command('write')
    .description('Write a file from content holding placeholders; the real values land on disk (safe: prints only a status line).')
    .argument('<file>', 'file to write (replaced atomically, keeping its mode)')
    .option('--content <text>', 'the new content (default: read standard input)')
    .option('-c, --config <file>', configHelp)
    .addHelpText(
      'after',
      `
Placeholders <agent-vault:KEY> become the vault's values. An <agent-vault:UNVAULTED:sha256:...>
marker becomes the bytes it hides in the file as it is now (so editing one line never destroys a
secret you could not see); a marker that matches nothing refuses the write.

Exit status:
  0  written
  1  refused: a key is not in the vault, or a marker matches nothing (nothing written)
  2  usage or runtime error`,
    )
    .action(async (file: string, opts: { content?: string; config?: string }) => runWrite(ctx, file, opts));

  program
    .command('has')
    .description('Tell whether the vault holds each key (safe). Exit 0 only if all are present.')
    .argument('<keys...>', 'key names')
    .option('--json', 'print {"KEY": true|false, ...}')
    .action(async (keys: string[], opts: { json?: boolean }) => runHas(ctx, keys, opts));

  program
    .command('list')
    .description('List key names and descriptions (safe: never values).')
    .option('--json', 'print {"keys": [{"key": ..., "desc": ...}]}')
    .action(async (opts: { json?: boolean }) => runList(ctx, opts));

  program
    .command('init')
    .description(`Create the vault in $AGENT_VAULT_HOME (default ~/.agent-vault). Sensitive: needs a terminal.`)
    .action(async () => runInit(ctx));

  program
    .command('set')
    .description('Store a secret value (masked prompt; asks before overwriting). Sensitive: needs a terminal, except with --stdin or --from-env.')
    .argument('<key>', 'key name: lower-case letters, digits, hyphens')
    .option('--desc <text>', 'a description shown by list and get')
    .option('--stdin', 'read the value from standard input (for scripts; one trailing newline is dropped)')
    .option('--from-env <var>', 'take the value from an environment variable (for scripts)')
    .action(async (key: string, opts: { desc?: string; stdin?: boolean; fromEnv?: string }) => runSet(ctx, key, opts));

  program
    .command('get')
    .description("Show a key's metadata; with --reveal, its value. Sensitive: needs a terminal (--reveal: on stdout too).")
    .argument('<key>', 'key name')
    .option('--reveal', 'print the value itself')
    .action(async (key: string, opts: { reveal?: boolean }) => runGet(ctx, key, opts));

  program
    .command('rm')
    .description('Remove a key and its earlier values (asks first). Sensitive: needs a terminal.')
    .argument('<key>', 'key name')
    .action(async (key: string) => runRm(ctx, key));

  program
    .command('import')
    .description('Import the variables of a .env file (preview, then asks). Sensitive: needs a terminal.')
    .argument('<file>', '.env file')
    .action(async (file: string) => runImport(ctx, file));
}

// ---------------------------------------------------------------------------------------
// Shared pieces

function home(ctx: CliContext): string {
  return resolve(ctx.cwd, vaultHome(ctx.env));
}

function isVaultMissing(e: unknown): boolean {
  return e instanceof AgentVaultError && e.code === 'VAULT_MISSING';
}

/** The vault, or undefined when none exists yet (safe commands treat that as empty). */
function openIfPresent(ctx: CliContext): Vault | undefined {
  try {
    return openVault(home(ctx));
  } catch (e) {
    if (isVaultMissing(e)) return undefined;
    throw e;
  }
}

function openOrCreate(ctx: CliContext, notes: string[]): Vault {
  try {
    return openVault(home(ctx));
  } catch (e) {
    if (!isVaultMissing(e)) throw e;
    if (initVault(home(ctx)).created) notes.push(`✓ Initialized vault at ${home(ctx)}`);
    return openVault(home(ctx));
  }
}

function checkKey(key: string): void {
  if (!isValidKey(key)) throw usageError(MSG.invalidKey(key), MSG.invalidKeyHint);
}

function requireTerminal(ctx: CliContext, commandLine: string): void {
  if (!ctx.stdin.isTTY) throw refusal(MSG.vaultNeedsTerminal(commandLine), MSG.vaultNeedsTerminalHint(commandLine), 'TTY_REQUIRED');
}

async function withTerminal<T>(ctx: CliContext, fn: (input: TerminalInput) => Promise<T>): Promise<T> {
  const input = new TerminalInput(ctx.stdin, ctx.stderr);
  try {
    return await fn(input);
  } finally {
    input.close();
  }
}

function readInputFile(ctx: CliContext, file: string): Buffer {
  try {
    return readFileSync(resolve(ctx.cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code}`, 'Check the path.');
  }
}

/** The path the configuration's path allowlists see: repository-relative when inside one. */
function displayPath(root: string | undefined, ctx: CliContext, file: string): string {
  const abs = resolve(ctx.cwd, file);
  const base = root && (abs === root || abs.startsWith(root + sep)) ? root : ctx.cwd;
  return relative(base, abs).split(sep).join('/') || file;
}

/** Below this size a worker thread costs more (~30 ms to start) than it saves. */
const PARALLEL_SCAN_BYTES = 8 * 1024 * 1024;

/**
 * Run the scanner's rules over a large file in the scan worker thread (dist/scan-worker.mjs,
 * the one `scan` uses) while this thread looks for entropy suspects. Undefined when there is
 * no worker (running from source) or it failed: the caller scans in this thread.
 */
function scanInWorker(config: AgentVaultConfig, abs: string, display: string): Promise<LocatedSecret[] | undefined> {
  let script: string;
  try {
    script = fileURLToPath(new URL('./scan-worker.mjs', import.meta.url));
    if (!existsSync(script)) return Promise.resolve(undefined);
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolvePromise) => {
    let worker: Worker;
    try {
      const settings: ScanSettings = { config: { ...config, maxFileSize: Number.MAX_SAFE_INTEGER }, baseline: [], suppressions: AGENT_VIEW_SUPPRESSIONS };
      worker = new Worker(script, { workerData: settings });
    } catch {
      return resolvePromise(undefined);
    }
    const done = (v: LocatedSecret[] | undefined) => {
      void worker.terminate();
      resolvePromise(v);
    };
    worker.once('error', () => done(undefined));
    worker.once('message', (msg: { type: string; findings?: WireFinding[]; filesScanned?: number }) => {
      if (msg.type !== 'result' || msg.filesScanned !== 1 || !msg.findings) return done(undefined);
      done(msg.findings.map((f) => ({ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, secret: f.secret, encoded: isDecoded(f) })));
    });
    worker.postMessage({ type: 'scan', batch: 0, files: [{ abs, display }] });
  });
}

/**
 * The agent edits the files it reads: an allow comment or an allowlisted path must not
 * unmask a secret in its view. (Baselines do not apply here either.)
 */
const AGENT_VIEW_SUPPRESSIONS = { inline: false, paths: false } as const;

/** What `read` shows for a file's bytes; `write` recomputes it to resolve UNVAULTED markers. */
async function agentView(ctx: CliContext, file: string, bytes: Buffer, redactor: Redactor, configPath: string | undefined): Promise<AgentView> {
  const { config, root } = configFor(ctx, configPath);
  const display = displayPath(root, ctx, file);
  let abs: string | undefined;
  try {
    abs = realpathSync(resolve(ctx.cwd, file));
  } catch {
    abs = undefined;
  }
  const parallel = abs && bytes.length >= PARALLEL_SCAN_BYTES && !looksBinary(bytes) ? scanInWorker(config, abs, display) : undefined;
  const entropy = highEntropySpans(bytes);
  // The worker read the file again; its findings are used only if they sit on these bytes.
  const fromWorker = parallel ? await parallel : undefined;
  let spans = fromWorker && spansOfFindings(bytes, fromWorker);
  if (!spans) {
    const text = bytes.toString('latin1');
    const ruleset = buildRuleset(config);
    const options = { inlineSuppressions: AGENT_VIEW_SUPPRESSIONS.inline, pathAllowlists: AGENT_VIEW_SUPPRESSIONS.paths };
    spans = spansOfFindings(bytes, scanText(text, { path: display }, ruleset, options).map((f) => ({ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, secret: f[SECRET], encoded: isDecoded(f) }))) ?? [];
  }
  for (const e of entropy) spans.push(e);
  return redactor.redactForAgent(bytes, spans);
}

function redactorFor(vault: Vault | undefined): Redactor {
  return new Redactor(vault ? vault.redactionValues() : []);
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

// ---------------------------------------------------------------------------------------
// Safe commands

async function runRead(ctx: CliContext, file: string, opts: { config?: string }): Promise<void> {
  const bytes = readInputFile(ctx, file);
  // NUL bytes mean binary or UTF-16 text: neither the scanner nor the value matcher can see
  // a secret spelled in two-byte characters, so showing such a file could leak one.
  if (looksBinary(bytes)) throw refusal(MSG.readBinaryRefused(file), MSG.readBinaryHint, 'READ_BINARY');
  const vault = openIfPresent(ctx);
  const view = await agentView(ctx, file, bytes, redactorFor(vault), opts.config);
  await new Promise<void>((res, rej) => ctx.stdout.write(numberLines(view.output), (err) => (err ? rej(err) : res())));
  if (view.unvaulted) await writeOut(ctx.stderr, MSG.unvaultedNote(view.unvaulted) + '\n');
}

async function runWrite(ctx: CliContext, file: string, opts: { content?: string; config?: string }): Promise<void> {
  let content: Buffer;
  if (opts.content !== undefined) content = Buffer.from(opts.content, 'utf8');
  else if (ctx.stdin.isTTY) throw usageError('write needs the new content', 'Pass it with --content TEXT or on standard input (e.g. a heredoc).');
  else content = await readAll(ctx.stdin);

  const target = resolve(ctx.cwd, file);
  // Write through a symlink to the file it names, as an editor would.
  let real = target;
  let mode: number | undefined;
  try {
    real = realpathSync(target);
    const st = statSync(real);
    if (!st.isFile()) throw usageError(`cannot write ${file}: it is not a regular file`);
    mode = st.mode & 0o7777;
  } catch (e) {
    if (e instanceof AgentVaultError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw usageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code}`);
    try {
      lstatSync(target);
      throw usageError(`cannot write ${file}: it is a symbolic link to a missing file`);
    } catch (e2) {
      if (e2 instanceof AgentVaultError) throw e2;
    }
    try {
      if (!statSync(dirname(target)).isDirectory()) throw new Error();
    } catch {
      throw usageError(`cannot write ${file}: the folder ${dirname(file)} does not exist`, 'Create the folder first.');
    }
  }

  const needsVault = content.includes(PLACEHOLDER_PREFIX);
  const vault = needsVault ? openIfPresent(ctx) : undefined;
  const cache = new Map<string, Buffer | undefined>();
  const lookup = (key: string) => {
    if (!cache.has(key)) cache.set(key, vault?.get(key));
    return cache.get(key);
  };
  // Markers resolve against the file as it is now, exactly as read showed it.
  let markers = new Map<string, Buffer>();
  if (content.includes('<agent-vault:UNVAULTED:')) {
    let current: Buffer | undefined;
    try {
      current = mode === undefined ? undefined : readFileSync(real);
    } catch {
      current = undefined;
    }
    if (current) markers = (await agentView(ctx, file, current, redactorFor(vault ?? openIfPresent(ctx)), opts.config)).markers;
  }
  const result = restorePlaceholders(content, lookup, {
    unvaulted: (h) => {
      const bytes = markers.get(h);
      return bytes && bytes.length ? bytes : undefined;
    },
  });
  if (result.unknown.length) throw refusal(MSG.secretNotFound(result.unknown), MSG.secretNotFoundHint(result.unknown), 'SECRET_NOT_FOUND');
  if (result.unresolved.length) throw refusal(MSG.unresolvedMarker(result.unresolved, file), MSG.unresolvedMarkerHint(file), 'UNVAULTED_MISMATCH');

  const newMode = mode ?? 0o666 & ~process.umask();
  writeFileAtomicSync(real, result.output, newMode);
  if (mode !== undefined) chmodSync(real, mode); // the umask must not narrow a mode the file already had
  await writeOut(ctx.stdout, MSG.written(file, result.restored + result.unvaultedRestored) + '\n');
}

async function runHas(ctx: CliContext, keys: string[], opts: { json?: boolean }): Promise<void> {
  keys.forEach(checkKey);
  const vault = openIfPresent(ctx);
  const present = keys.map((k) => [k, vault?.has(k) ?? false] as const);
  if (opts.json) await writeOut(ctx.stdout, JSON.stringify(Object.fromEntries(present), null, 2) + '\n');
  else if (keys.length === 1) await writeOut(ctx.stdout, `${present[0]![1]}\n`);
  else await writeOut(ctx.stdout, present.map(([k, p]) => `${k}: ${p}`).join('\n') + '\n');
  ctx.exitCode = present.every(([, p]) => p) ? 0 : 1;
}

async function runList(ctx: CliContext, opts: { json?: boolean }): Promise<void> {
  const vault = openIfPresent(ctx);
  const metas = vault?.list() ?? [];
  if (opts.json) {
    await writeOut(ctx.stdout, JSON.stringify({ keys: metas.map((m) => ({ key: m.key, desc: m.description })) }, null, 2) + '\n');
    return;
  }
  const width = Math.max(0, ...metas.map((m) => m.key.length));
  await writeOut(ctx.stdout, metas.map((m) => (m.description ? `${m.key.padEnd(width)}  ${oneLine(m.description)}` : m.key) + '\n').join(''));
  if (!vault) await writeOut(ctx.stderr, `no vault yet at ${home(ctx)} (the user creates it with: agent-vault init)\n`);
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}

// ---------------------------------------------------------------------------------------
// Sensitive commands

async function runInit(ctx: CliContext): Promise<void> {
  requireTerminal(ctx, 'init');
  const { created } = initVault(home(ctx));
  await writeOut(ctx.stdout, created ? `✓ Initialized vault at ${home(ctx)}\n` : `Vault already initialized at ${home(ctx)}; nothing changed\n`);
}

function checkValue(key: string, value: Buffer): void {
  if (value.length === 0) throw refusal(`no value given for "${key}"`, 'Nothing was changed.', 'EMPTY_VALUE');
  if (value.length < MIN_VALUE_BYTES) throw refusal(MSG.valueTooShort(key, MIN_VALUE_BYTES), MSG.valueTooShortHint, 'VALUE_TOO_SHORT');
}

function describeExisting(vault: Vault, key: string): string {
  const m = vault.meta(key)!;
  return `"${key}" already exists (${m.length} chars, set ${m.updated})`;
}

async function runSet(ctx: CliContext, key: string, opts: { desc?: string; stdin?: boolean; fromEnv?: string }): Promise<void> {
  checkKey(key);
  if (opts.stdin && opts.fromEnv !== undefined) throw usageError('choose one of --stdin and --from-env');
  const notes: string[] = [];
  const nonInteractive = (opts.stdin && !ctx.stdin.isTTY) || opts.fromEnv !== undefined;
  if (nonInteractive) {
    let value: Buffer;
    if (opts.fromEnv !== undefined) {
      const v = ctx.env[opts.fromEnv];
      if (v === undefined || v === '') throw usageError(`the environment variable ${opts.fromEnv} is not set or is empty`, 'Export it first, or use --stdin.');
      value = Buffer.from(v, 'utf8');
    } else {
      value = await readAll(ctx.stdin);
      // One trailing newline is how echo and most clipboards end a value; it is not part of it.
      if (value.at(-1) === 10) value = value.subarray(0, value.at(-2) === 13 ? -2 : -1);
    }
    checkValue(key, value);
    const vault = openOrCreate(ctx, notes);
    if (vault.has(key)) notes.push(`⚠ ${describeExisting(vault, key)}; overwriting (the earlier value is kept so read still hides it)`);
    for (const n of notes) await writeOut(ctx.stderr, n + '\n');
    vault.set(key, value, opts.desc !== undefined ? { description: opts.desc } : {});
    await writeOut(ctx.stdout, `✓ Saved "${key}"${opts.fromEnv !== undefined ? ` (from $${opts.fromEnv})` : ''}\n`);
    return;
  }
  requireTerminal(ctx, `set ${key}`);
  const vault = openOrCreate(ctx, notes);
  for (const n of notes) await writeOut(ctx.stderr, n + '\n');
  await withTerminal(ctx, async (input) => {
    if (vault.has(key)) {
      await writeOut(ctx.stderr, `⚠ ${describeExisting(vault, key)}\n`);
      if (!(await input.confirm('Overwrite?', false))) throw refusal('not overwritten', 'Nothing was changed.', 'CANCELLED');
    }
    const value = Buffer.from(await input.question(`Enter value for "${key}": `, 'mask'), 'utf8');
    checkValue(key, value);
    vault.set(key, value, opts.desc !== undefined ? { description: opts.desc } : {});
  });
  await writeOut(ctx.stdout, `✓ Saved "${key}"\n`);
}

async function runGet(ctx: CliContext, key: string, opts: { reveal?: boolean }): Promise<void> {
  checkKey(key);
  requireTerminal(ctx, `get ${key}${opts.reveal ? ' --reveal' : ''}`);
  if (opts.reveal && !ctx.stdout.isTTY) throw refusal(MSG.revealNeedsTerminal, MSG.revealNeedsTerminalHint, 'TTY_REQUIRED');
  const vault = openVault(home(ctx));
  const meta = vault.meta(key);
  if (!meta) throw refusal(MSG.secretNotFound([key]), MSG.secretNotFoundHint([key]), 'SECRET_NOT_FOUND');
  if (opts.reveal) {
    // The stored bytes as they are (a value need not be UTF-8), then a newline.
    const value = Buffer.concat([vault.get(key)!, Buffer.from('\n')]);
    await new Promise<void>((res, rej) => ctx.stdout.write(value, (err) => (err ? rej(err) : res())));
    return;
  }
  const lines = [
    `Key:      ${meta.key}`,
    `Desc:     ${meta.description ? oneLine(meta.description) : '-'}`,
    `Created:  ${meta.created}`,
    `Set at:   ${meta.updated}`,
    `Length:   ${meta.length} chars`,
    `Earlier:  ${meta.earlierValues} value${meta.earlierValues === 1 ? '' : 's'} kept for redaction`,
  ];
  await writeOut(ctx.stdout, lines.join('\n') + '\n');
}

async function runRm(ctx: CliContext, key: string): Promise<void> {
  checkKey(key);
  requireTerminal(ctx, `rm ${key}`);
  const vault = openVault(home(ctx));
  if (!vault.has(key)) throw refusal(MSG.secretNotFound([key]), 'Nothing to remove; agent-vault list shows the keys there are.', 'SECRET_NOT_FOUND');
  await withTerminal(ctx, async (input) => {
    if (!(await input.confirm(`Remove "${key}"?`, false))) throw refusal('not removed', 'Nothing was changed.', 'CANCELLED');
  });
  vault.remove(key);
  await writeOut(ctx.stdout, `✓ Removed "${key}"\n`);
}

// ---------------------------------------------------------------------------------------
// import

export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
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
    out.push({ name, value, line });
  }
  return out;
}

function findClose(body: string, q: string): number {
  for (let j = 0; j < body.length; j++) {
    if (body[j] === '\\' && q === '"') j++;
    else if (body[j] === q) return j;
  }
  return -1;
}

/** TELEGRAM_BOT_TOKEN -> telegram-bot-token. */
export function keyNameFor(variable: string): string {
  return variable
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Values that are configuration, not secrets, however long. */
const COMMON_VALUES = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::1', 'true', 'false', 'development', 'production', 'staging', 'undefined', 'changeme']);

export function importSkipReason(value: string): string | undefined {
  if (value === '') return 'empty';
  if (COMMON_VALUES.has(value.toLowerCase())) return 'too common';
  if (Buffer.byteLength(value, 'utf8') < MIN_VALUE_BYTES) return `too short, under ${MIN_VALUE_BYTES} characters`;
  if (/^\d+(\.\d+)?$/.test(value)) return 'a number';
  if (/^<agent-vault:[^>]*>$/.test(value)) return 'already a placeholder';
  return undefined;
}

async function runImport(ctx: CliContext, file: string): Promise<void> {
  requireTerminal(ctx, `import ${file}`);
  const entries = parseDotenv(readInputFile(ctx, file).toString('utf8'));
  const notes: string[] = [];
  const vault = openOrCreate(ctx, notes);
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  const plan: { key: string; value: string }[] = [];
  const seen = new Set<string>();
  const lines = [`Found ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} in ${file}:`];
  for (const e of entries) {
    const key = keyNameFor(e.name);
    // The preview names the reason, never the value (it may be a secret after all).
    let skip = importSkipReason(e.value);
    if (!skip && !isValidKey(key)) skip = 'no usable key name';
    if (!skip && seen.has(key)) skip = `duplicate of an earlier ${key}`;
    if (skip) {
      lines.push(`  ${e.name.padEnd(width)} → (skip: ${skip})`);
      continue;
    }
    seen.add(key);
    plan.push({ key, value: e.value });
    lines.push(`  ${e.name.padEnd(width)} → ${key}${vault.has(key) ? ' (replaces the stored value; the earlier one is kept for redaction)' : ''}`);
  }
  for (const n of notes) await writeOut(ctx.stderr, n + '\n');
  await writeOut(ctx.stdout, lines.join('\n') + '\n');
  if (!plan.length) {
    await writeOut(ctx.stdout, 'Nothing to import.\n');
    return;
  }
  await withTerminal(ctx, async (input) => {
    if (!(await input.confirm(`Import ${plan.length} ${plan.length === 1 ? 'secret' : 'secrets'}?`, true))) throw refusal('not imported', 'Nothing was changed.', 'CANCELLED');
  });
  vault.setMany(plan.map((p) => ({ key: p.key, value: Buffer.from(p.value, 'utf8') })));
  await writeOut(ctx.stdout, `✓ Imported ${plan.length} ${plan.length === 1 ? 'secret' : 'secrets'}\n`);
}
