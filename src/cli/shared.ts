import { readFileSync } from 'node:fs';
import { loadConfig, parseSize, type AgentVaultConfig } from '../config/config.js';
import { configError, usageError } from '../errors.js';
import { repoRoot } from '../platform/exec.js';
import { openSession } from '../session/local.js';
import type { VaultSession } from '../session/session.js';
import type { CliContext } from './context.js';

/** Load the configuration following the documented discovery order. */
export function configFor(ctx: CliContext, explicit: string | undefined): { config: AgentVaultConfig; root: string | undefined } {
  const root = repoRoot(ctx.cwd);
  const config = loadConfig({ explicit, env: ctx.env.AGENT_VAULT_CONFIG || undefined, repoRoot: root, cwd: ctx.cwd });
  return { config, root };
}

/** Run `fn` with this environment's vault session ($AGENT_VAULT_HOME), closed afterwards. */
export async function withSession<T>(ctx: CliContext, fn: (session: VaultSession) => Promise<T>): Promise<T> {
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

export interface BaselineFile {
  version: 1;
  findings: { fingerprint: string; ruleId: string; path: string; line: number }[];
}

export function readBaseline(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read baseline ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Create one with --write-baseline FILE.');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw configError(`baseline ${path} is not valid JSON`, 'Regenerate it with --write-baseline FILE.');
  }
  const findings = (data as BaselineFile | null)?.findings;
  if (!Array.isArray(findings) || findings.some((f) => typeof f?.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(f.fingerprint))) {
    throw configError(`baseline ${path} does not have the expected shape ({"version":1,"findings":[{"fingerprint":...}]})`, 'Regenerate it with --write-baseline FILE.');
  }
  return findings.map((f) => f.fingerprint);
}

export function parseSizeOption(value: string): number {
  const size = parseSize(value);
  if (size === undefined) throw usageError(`invalid size "${value}"`, 'Use a number of bytes or a size such as 512KB, 10MB.');
  return size;
}
