import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { AgentVaultConfig } from '../config/config.js';
import { placeholderRegex } from '../core/placeholder.js';
import { MIN_VALUE_BYTES } from '../core/redact.js';
import { StreamRedactor } from '../core/stream-redact.js';
import { refusal, usageError } from '../errors.js';
import { MSG } from '../messages.js';
import type { Destination, VaultSession } from '../session/session.js';
import { commandLine } from '../vault/bindings.js';
import { parseDotenv } from '../vault/dotenv.js';
import { readAgentFile } from './files.js';
import { streamSuspects } from './view.js';

/**
 * `agent-vault run`: start a command with vault values in its environment, after the
 * session's policy check for that command (command bindings), and show its output only as
 * the agent view: every vaulted value (in use or not, raw or encoded) as its placeholder or
 * an UNVAULTED marker, and the scanner's suspects on complete lines (core/stream-redact.ts).
 *
 * When agent-vault's own standard output is a terminal (a person), the child gets a
 * pseudo-terminal from util-linux `script` so colours and prompts keep working; otherwise
 * (an agent) it gets pipes. Either way its output passes through redaction. SIGINT, SIGTERM
 * and SIGHUP are forwarded; the result is the child's exit code, or 128 + the signal number.
 */

export interface RunKey {
  key: string;
  /** The environment variable name the value goes in. */
  env: string;
}

export interface RunRequest {
  argv: string[];
  keys: RunKey[];
  /** A dotenv file whose <agent-vault:KEY> placeholders are resolved (read, never written). */
  envFile?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** The configuration (what the view treats as suspect). */
  settings: () => { config: AgentVaultConfig };
  /** Use a pseudo-terminal (default: when stdout is a terminal and `script` exists). */
  pty?: boolean;
}

export interface RunResult {
  /** The child's exit code, or 128 + signal number; 127 when the command could not be started. */
  status: number;
  signal?: NodeJS.Signals;
  /** Placeholders and UNVAULTED markers shown in the child's output. */
  redacted: number;
  pty: boolean;
}

/** A child's partial line is shown after this long without output (a prompt). */
const IDLE_FLUSH_MS = 25;

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The environment variable name for a key: upper-cased, `-` -> `_`. */
export function envNameFor(key: string): string {
  return key.toUpperCase().replace(/-/g, '_');
}

/** `KEY` or `KEY=ENVNAME` from the command line. */
export function parseRunKey(spec: string): RunKey {
  const eq = spec.indexOf('=');
  const key = eq < 0 ? spec : spec.slice(0, eq);
  const env = eq < 0 ? envNameFor(key) : spec.slice(eq + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(env)) throw usageError(`"${env}" is not an environment variable name`, 'Use --key KEY or --key KEY=NAME with NAME made of letters, digits and _.');
  return { key, env };
}

/** The values a run puts in the child's environment: every one checked by the session for this command. */
export async function runEnvironment(session: VaultSession, req: Pick<RunRequest, 'argv' | 'keys' | 'envFile' | 'cwd'>): Promise<Record<string, string>> {
  const use: Destination = { kind: 'command', argv: req.argv, cwd: req.cwd };
  const cache = new Map<string, string>();
  const valueOf = async (key: string): Promise<string> => {
    const known = cache.get(key);
    if (known !== undefined) return known;
    const [exists] = await session.has([key]);
    if (!exists) throw refusal(MSG.secretNotFound([key]), MSG.secretNotFoundHint([key]), 'SECRET_NOT_FOUND');
    const value = await session.valueFor(key, use);
    if (!value) throw refusal(MSG.secretNotFound([key]), MSG.secretNotFoundHint([key]), 'SECRET_NOT_FOUND');
    try {
      // A value this short cannot be redacted reliably in the output (the matcher ignores it).
      if (value.length < MIN_VALUE_BYTES) throw refusal(MSG.runValueTooShort(key), MSG.runValueTooShortHint, 'VALUE_TOO_SHORT');
      if (value.includes(0)) throw refusal(MSG.runValueBinary(key), MSG.runValueBinaryHint, 'VALUE_NOT_TEXT');
      const text = value.toString('utf8');
      cache.set(key, text);
      return text;
    } finally {
      value.fill(0);
    }
  };
  const env: Record<string, string> = {};
  if (req.envFile !== undefined) {
    const text = readAgentFile({ cwd: req.cwd, session }, req.envFile).toString('utf8');
    for (const entry of parseDotenv(text)) {
      let out = '';
      let at = 0;
      for (const m of entry.value.matchAll(placeholderRegex())) {
        out += entry.value.slice(at, m.index);
        out += m[1] !== undefined ? await valueOf(m[1]) : m[0];
        at = m.index! + m[0].length;
      }
      env[entry.name] = out + entry.value.slice(at);
    }
  }
  for (const k of req.keys) env[k.env] = await valueOf(k.key);
  return env;
}

/** util-linux `script`, the pseudo-terminal provider (node has none). */
function scriptAvailable(): boolean {
  if (process.platform !== 'linux') return false;
  const r = spawnSync('script', ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

export async function runWithSecrets(session: VaultSession, req: RunRequest): Promise<RunResult> {
  if (req.argv.length === 0) throw usageError('run needs a command', 'agent-vault run --key KEY -- COMMAND [ARGS...]');
  const values = await runEnvironment(session, req);
  const wantPty = req.pty ?? !!req.stdout.isTTY;
  const pty = wantPty && scriptAvailable();
  if (wantPty && !pty) req.stderr.write(MSG.runNoPty + '\n');
  const env = { ...req.env, ...values };
  let child: ChildProcess;
  try {
    child = pty
      ? spawn('script', ['-qfec', commandLine(req.argv), '/dev/null'], { cwd: req.cwd, env: { ...env, SHELL: '/bin/sh' }, stdio: ['inherit', 'pipe', 'pipe'] })
      : spawn(req.argv[0]!, req.argv.slice(1), { cwd: req.cwd, env, stdio: [req.stdin.isTTY ? 'inherit' : 'pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw usageError(MSG.runCannotStart(req.argv[0]!, (e as NodeJS.ErrnoException).code ?? 'error'), MSG.runCannotStartHint);
  }
  // Our standard input goes to the child (a heredoc, a pipe); a closed child stdin is not our error.
  if (child.stdin) {
    child.stdin.on('error', () => {});
    req.stdin.pipe(child.stdin);
  }
  const suspects = streamSuspects(req.settings().config, `(output of ${req.argv[0]})`);
  let redacted = 0;
  const pump = (from: Readable, to: Writable) => {
    const stream = new StreamRedactor(
      async (input, suspects, options) => {
        const part = await session.agentViewPart(input, suspects, options);
        redacted += part.count + part.unvaulted;
        return part;
      },
      suspects,
    );
    let queue: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const emit = async (out: Buffer) => {
      if (!out.length) return;
      await new Promise<void>((res) => to.write(out, () => res()));
    };
    const enqueue = (work: () => Promise<Buffer>) => {
      queue = queue.then(async () => emit(await work()));
      return queue;
    };
    from.on('data', (chunk: Buffer) => {
      if (timer) clearTimeout(timer);
      from.pause();
      void enqueue(() => stream.push(chunk)).then(() => {
        from.resume();
        if (stream.held) timer = setTimeout(() => void enqueue(() => stream.flushLine()), IDLE_FLUSH_MS);
      });
    });
    return new Promise<void>((resolvePump, rejectPump) => {
      from.on('error', rejectPump);
      from.on('end', () => {
        if (timer) clearTimeout(timer);
        enqueue(() => stream.end()).then(() => resolvePump(), rejectPump);
      });
    });
  };
  const forward = new Map<NodeJS.Signals, () => void>();
  for (const sig of FORWARDED) {
    const handler = () => {
      child.kill(sig);
    };
    forward.set(sig, handler);
    process.on(sig, handler);
  }
  try {
    const outputs = Promise.all([pump(child.stdout!, req.stdout), pump(child.stderr!, req.stderr)]);
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((res) => {
      child.once('error', (error: NodeJS.ErrnoException) => res({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => res({ code, signal }));
    });
    const done = await exit;
    if (done.error) {
      // The command could not be started: as a shell says it (127), nothing to redact.
      req.stderr.write(MSG.runCannotStart(req.argv[0]!, done.error.code ?? 'error') + '\n');
      return { status: done.error.code === 'EACCES' ? 126 : 127, redacted, pty };
    }
    await outputs;
    if (done.signal) return { status: 128 + (osConstants.signals[done.signal] ?? 0), signal: done.signal, redacted, pty };
    return { status: done.code ?? 1, redacted, pty };
  } finally {
    for (const [sig, handler] of forward) process.off(sig, handler);
    // Stop reading our standard input: a pipe the caller keeps open must not keep us alive.
    req.stdin.unpipe();
    req.stdin.pause();
    (req.stdin as { unref?: () => void }).unref?.();
  }
}
