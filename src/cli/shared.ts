import { fileURLToPath } from 'node:url';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, parseSize, type AgentVaultConfig } from '../config/config.js';
import { usageError } from '../errors.js';
import { MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { repoRoot } from '../platform/exec.js';
import type { VaultSession } from '../session/session.js';
import type { CliContext } from './context.js';

/** Load the configuration following the documented discovery order. */
export function configFor(ctx: CliContext, explicit: string | undefined): { config: AgentVaultConfig; root: string | undefined } {
  const root = repoRoot(ctx.cwd);
  const config = loadConfig({ explicit, env: ctx.env.AGENT_VAULT_CONFIG || undefined, repoRoot: root, cwd: ctx.cwd });
  return { config, root };
}

/**
 * How to run agent-vault itself: node and this package's bin, both absolute, so git, hooks
 * and the session agent start it from any folder and with any PATH.
 */
export function selfInvocation(): [string, string] {
  return [process.execPath, fileURLToPath(new URL('../bin/agent-vault.mjs', import.meta.url))];
}

/** Run `fn` with this environment's vault session ($AGENT_VAULT_HOME), closed afterwards. */
export async function withSession<T>(ctx: CliContext, fn: (session: VaultSession) => Promise<T>): Promise<T> {
  // Loaded when a command opens the vault: commands that share this module without a session
  // (skill scan, for one) do not parse the session and vault code at start.
  const { openSession } = await import('../session/local.js');
  const session = openSession(ctx.env, ctx.cwd);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** Colour honours NO_COLOR and FORCE_COLOR, and is otherwise on only for a terminal. */
export function useColor(ctx: CliContext, stream: { isTTY?: boolean }): boolean {
  if (ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '') return false;
  if (ctx.env.FORCE_COLOR !== undefined && ctx.env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY && ctx.env.TERM !== 'dumb';
}

/** Progress bars: only on a terminal, never in CI. */
export function showProgress(ctx: CliContext): boolean {
  return !!ctx.stderr.isTTY && !ctx.env.CI && ctx.env.TERM !== 'dumb';
}

export function parseSizeOption(value: string): number {
  const size = parseSize(value);
  if (size === undefined) throw usageError(`invalid size "${value}"`, 'Use a number of bytes or a size such as 512KB, 10MB.');
  return size;
}

/**
 * The absolute path of a file an option names for writing (`--output`, `--write-baseline`),
 * checked before any work is done: its folder must exist. A mistyped folder is a usage error.
 */
export function outputPath(ctx: CliContext, option: string, file: string): string {
  const abs = resolve(ctx.cwd, file);
  let isDir: boolean;
  try {
    isDir = statSync(dirname(abs)).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw usageError(MSG.outputFolderMissing(option, file, dirname(file) || '.'), MSG.outputFolderMissingHint);
  return abs;
}

/** Write what an option names (see outputPath); a file system refusal is a usage error naming it. */
export function writeOutputFile(option: string, file: string, abs: string, contents: string, atomic = false): void {
  try {
    if (atomic) writeFileAtomicSync(abs, contents);
    else writeFileSync(abs, contents);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw usageError(MSG.outputFolderMissing(option, file, dirname(file) || '.'), MSG.outputFolderMissingHint);
    throw usageError(MSG.outputNotWritable(option, file, code), MSG.outputNotWritableHint);
  }
}
