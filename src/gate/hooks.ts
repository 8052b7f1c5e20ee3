import { loadConfig, type AgentVaultConfig } from '../config/config.js';
import { policyLoosenings } from '../config/loosening.js';
import { AgentVaultError, refusal, usageError } from '../errors.js';
import { foreignErrorDetail, formatError, GIT_MSG, MSG } from '../messages.js';
import { repoRoot } from '../platform/exec.js';
import { printablePath } from '../report/model.js';
import { openSession } from '../session/local.js';
import { configBaseline } from '../sources/baseline.js';
import { vaultReady } from '../session/session.js';
import { mergeGateResults, runGate } from './gate.js';
import type { Blocker, GateResult, GateTarget } from './model.js';
import { pushTargets, pushUpdates } from './push.js';
import { configAtBase } from './trust.js';

export type GateHook = 'pre-commit' | 'pre-push';

export interface HookRun {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** What git gave the hook on stdin (pre-push: the ref updates). */
  stdin: string;
}

async function judge(hook: GateHook, run: HookRun): Promise<GateResult> {
  const repo = repoRoot(run.cwd);
  if (!repo) throw usageError(MSG.notAGitRepo(run.cwd), 'Run this inside the git repository to protect.');
  // The hook runs at the work tree root; loading the config directly saves a second git call.
  const config = loadConfig({ env: run.env.AGENT_VAULT_CONFIG || undefined, repoRoot: repo, cwd: run.cwd });
  const notes: string[] = [];
  const session = openSession(run.env, run.cwd);
  try {
    // No vault ever set up here (a contributor without one): the scanner still guards. A
    // vault that exists is opened now, so one that cannot be opened stops the commit even
    // when nothing needs it.
    const exists = (await session.state()).exists;
    if (exists) await vaultReady(session);
    else notes.push(GIT_MSG.noVaultForGate);
    const targets: GateTarget[] = hook === 'pre-commit' ? [{ kind: 'staged', description: 'staged changes' }] : pushTargets(repo, pushUpdates(run.env, run.stdin));
    const result = await runGate({
      repo,
      env: run.env,
      config,
      configSource: config.file ?? 'built-in defaults',
      targets,
      session: exists ? session : undefined,
      trust: 'worktree',
      baseline: configBaseline(config, run.cwd),
    });
    result.notes.unshift(...notes);
    if (hook === 'pre-push') await judgeByBasePolicy(repo, run, config, targets, exists ? session : undefined, result);
    return result;
  } finally {
    await session.close();
  }
}

/**
 * A push is also judged by the policy of what the remote already has (each ref's base), as
 * the Action judges a pull request by its base: a commit that loosens `.agent-vault.yaml` or
 * the protected paths cannot let itself through. The loosening is named as a warning; the
 * push passes only if both policies pass, so a loosening takes effect once it is on the remote.
 */
async function judgeByBasePolicy(repo: string, run: HookRun, config: AgentVaultConfig, targets: GateTarget[], session: GateSession, result: GateResult): Promise<void> {
  const byBase = new Map<string, GateTarget[]>();
  for (const t of targets) if (t.kind === 'commits' && t.base) byBase.set(t.base, [...(byBase.get(t.base) ?? []), t]);
  for (const [base, group] of byBase) {
    const { config: baseConfig, source, baseline } = configAtBase(repo, group[0]!);
    const loosened = policyLoosenings(baseConfig, config);
    if (!loosened.length) continue;
    result.notes.push(...loosened.map((l) => GIT_MSG.policyLoosened(l, base)));
    const strict = await runGate({ repo, env: run.env, config: baseConfig, configSource: source, targets: group, session, trust: 'base', baseline });
    mergeGateResults(result, strict);
  }
}

type GateSession = Parameters<typeof runGate>[0]['session'];

/**
 * The gate of a git hook: what the next commit records (pre-commit), or every commit a push
 * publishes (pre-push). It fails closed: a gate that could not look refuses.
 */
export async function runHookGate(hook: GateHook, run: HookRun): Promise<GateResult> {
  try {
    return await judge(hook, run);
  } catch (error) {
    const reason = error instanceof AgentVaultError ? formatError(error).replace(/^✗ Error: /, '').trimEnd() : foreignErrorDetail(error);
    throw refusal(GIT_MSG.gateFailedClosed(hook, reason), GIT_MSG.gateFailedClosedHint, 'GATE_FAILED_CLOSED');
  }
}

/** Blockers for people: file:line (commit), rule, masked value, what is wrong, then the fix. */
export function formatBlockers(blocking: Blocker[]): string {
  return blocking
    .map((b) => `  ${printablePath(b.path)}${b.line ? `:${b.line}` : ''}${b.commit ? ` (commit ${b.commit.slice(0, 12)})` : ''}  ${b.rule}  ${b.masked || '-'}\n${b.detail ? `    ${b.detail}\n` : ''}    fix: ${b.fix}\n`)
    .join('');
}

/** Findings below the threshold, for people: where and which rule, masked; they do not block. */
function formatNotBlocking(result: GateResult): string {
  return result.notBlocking.map((b) => `  ${printablePath(b.path)}${b.line ? `:${b.line}` : ''}${b.commit ? ` (commit ${b.commit.slice(0, 12)})` : ''}  ${b.rule}  ${b.masked || '-'}\n`).join('');
}

/** The refusal of a hook whose gate found something: every blocker, and how to bypass once. */
export function hookBlocked(hook: GateHook, result: GateResult): AgentVaultError {
  const below = result.notBlocking.length ? `\nand ${GIT_MSG.belowPolicy(result.notBlocking.length, result.failOn)}:\n${formatNotBlocking(result).trimEnd()}` : '';
  return refusal(`${GIT_MSG.gateBlocked(hook, result.failing)}\n${formatBlockers(result.blocking).trimEnd()}${below}`, GIT_MSG.gateBlockedHint, 'GATE_BLOCKED');
}

/** What a hook whose gate passed says: the files checked, and any finding that does not block. */
export function hookPassed(hook: GateHook, result: GateResult): string {
  const line = GIT_MSG.gatePassed(hook, result.filesScanned, result.notBlocking.length, result.failOn);
  return result.notBlocking.length ? `${line}\n${formatNotBlocking(result)}` : `${line}\n`;
}
