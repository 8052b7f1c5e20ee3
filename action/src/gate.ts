import { join } from 'node:path';
import { buildRuleset, CONFIG_NAMES, defaultConfig, loadConfig, parseConfig, type AgentVaultConfig } from '../../src/config/config.js';
import type { Ruleset } from '../../src/core/rules.js';
import type { Finding, Severity } from '../../src/core/types.js';
import { AgentVaultError, configError, usageError } from '../../src/errors.js';
import { gitSync, repoRoot } from '../../src/platform/exec.js';
import { parsePolicy } from '../../src/git/gate.js';
import { protectedMatcher } from '../../src/git/protected.js';
import { MSG } from '../../src/messages.js';
import { collectAdded, listTree, type AddedContent, type TreeEntry } from './added.js';
import { CHECKS, type CheckResult, type GateContext, type Problem } from './checks.js';
import { planScan } from './event.js';
import { failsOn, type ActionInputs, type FailOn } from './inputs.js';
import { commitCount, resolveTarget, type ScanTarget } from './target.js';

/** The runner's description of the job: where the clone is and which event started it. */
export interface GateEnvironment {
  workspace: string;
  eventName: string;
  /** Parsed JSON of the event payload file; undefined when there is none. */
  eventPayload: unknown;
}

export interface GateResult {
  target: ScanTarget;
  commits: number;
  configSource: string;
  ruleset: Ruleset;
  results: CheckResult[];
  /** Secret findings of every check, each reported once. */
  findings: Finding[];
  problems: Problem[];
  verifiedSkills: number;
  /** Findings and problems at or above `fail-on`, plus any finding in a protected path. */
  failing: number;
  /** The effective threshold: the input, else the configuration's policy.block, else info. */
  failOn: FailOn;
  filesScanned: number;
  bytesScanned: number;
}

function showAt(repo: string, commit: string, path: string): Buffer | undefined {
  try {
    return gitSync(['cat-file', 'blob', `${commit}:${path}`], { cwd: repo });
  } catch {
    return undefined;
  }
}

/**
 * Configuration for a range comes from its base commit: a pull request must not be able to
 * switch off or allowlist its way past the gate that judges it. An explicit `config` input
 * is the workflow author's choice and is read from the workspace.
 */
function configFor(repo: string, workspace: string, inputs: ActionInputs, target: ScanTarget): { config: AgentVaultConfig; source: string } {
  if (inputs.config) {
    try {
      return { config: loadConfig({ explicit: inputs.config, cwd: workspace }), source: inputs.config };
    } catch (e) {
      // The loader's hint speaks of --config; in a workflow the path comes from the input.
      if (e instanceof AgentVaultError && e.message.startsWith('cannot read configuration')) throw configError(e.message, MSG.actionConfigInputHint);
      throw e;
    }
  }
  if (target.kind === 'commits' && target.base) {
    for (const name of CONFIG_NAMES) {
      const bytes = showAt(repo, target.base, name);
      if (bytes) return { config: parseConfig(bytes.toString('utf8'), `${name} at ${target.base.slice(0, 12)}`), source: `${name} at the base commit ${target.base.slice(0, 12)}` };
    }
    return { config: defaultConfig(), source: 'built-in defaults (no configuration at the base commit)' };
  }
  const config = loadConfig({ repoRoot: repo, cwd: repo });
  return { config, source: config.file ? config.file.slice(repo.length + 1) || config.file : 'built-in defaults' };
}

const findingKey = (f: Finding) => `${f.ruleId}\0${f.fingerprint}\0${f.path}\0${f.line}`;

export async function runGate(inputs: ActionInputs, env: GateEnvironment): Promise<GateResult> {
  const repo = repoRoot(env.workspace);
  if (!repo) throw usageError(MSG.notAGitRepo(env.workspace), 'Check out the repository first (actions/checkout with fetch-depth: 0).');
  const plan = planScan(env.eventName, env.eventPayload, { base: inputs.base, head: inputs.head });
  const target = resolveTarget(repo, plan);
  const { config, source } = configFor(repo, env.workspace, inputs, target);
  const ruleset = buildRuleset(config);

  let added: Promise<AddedContent> | undefined;
  let tree: TreeEntry[] | undefined;
  const trustCommit = target.kind === 'commits' && target.base ? target.base : target.kind === 'none' ? undefined : target.head;
  const ctx: GateContext = {
    repo,
    config,
    ruleset,
    target,
    inputs,
    added: () => (added ??= collectAdded(repo, target, ruleset, config)),
    headTree: () => (tree ??= target.kind === 'none' ? [] : listTree(repo, target.head)),
    readTrusted: (path) => (trustCommit ? showAt(repo, trustCommit, path.replace(/^\.\//, '')) : undefined),
  };
  // Checks are independent; they run one after another because they share the one pass over
  // the range and git is the bottleneck anyway.
  const results: CheckResult[] = [];
  for (const name of inputs.checks) results.push(await CHECKS[name](ctx));

  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const k = findingKey(f);
      if (seen.has(k)) continue;
      seen.add(k);
      findings.push(f);
    }
  }
  const problems = results.flatMap((r) => r.problems);
  // The hooks' threshold, policy.block (default info: every finding blocks), read by the
  // hooks' own parser so that CI and the hooks give the same verdicts.
  const failOn: FailOn = inputs.failOn ?? parsePolicy(config).block;
  // As in the hooks: a finding in a protected path blocks whatever its severity (only an
  // explicit fail-on: never, a report-only run, lets it pass).
  const isProtected = protectedMatcher(config.protected);
  const blocks = (severity: Severity, path: string) => failsOn(severity, failOn) || (failOn !== 'never' && isProtected(path));
  const failing = findings.filter((f) => blocks(f.severity, f.path)).length + problems.filter((p) => failsOn(p.severity, failOn)).length;
  const content = added ? await added : undefined;
  return {
    target,
    commits: commitCount(repo, target),
    configSource: source,
    ruleset,
    results,
    findings,
    problems,
    verifiedSkills: results.reduce((n, r) => n + r.verifiedSkills, 0),
    failing,
    failOn,
    filesScanned: content?.filesScanned ?? 0,
    bytesScanned: content?.bytesScanned ?? 0,
  };
}

/** Resolve a workspace-relative output path. */
export const inWorkspace = (workspace: string, path: string) => (path.startsWith('/') ? path : join(workspace, path));
