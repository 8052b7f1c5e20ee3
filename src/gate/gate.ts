import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import { failsOn, parsePolicy, type FailOn } from '../config/policy.js';
import { skillPolicy } from '../config/skills.js';
import type { Finding } from '../core/types.js';
import { protectedMatcher } from '../git/protected.js';
import { GIT_MSG } from '../messages.js';
import type { VaultSession } from '../session/session.js';
import type { Baseline } from '../sources/baseline.js';
import { GateChecks } from './checks.js';
import { CHECK_NAMES, type Blocker, type CheckName, type CheckResult, type GateResult, type GateTarget } from './model.js';

export interface GateRequest {
  repo: string;
  /** The environment git runs in (GIT_INDEX_FILE names the index a pre-commit judges). */
  env: NodeJS.ProcessEnv;
  config: AgentVaultConfig;
  /** Where the configuration came from, for people. */
  configSource: string;
  targets: GateTarget[];
  /** Which checks run (default all). */
  checks?: readonly CheckName[];
  /** The threshold for secret findings; default the configuration's policy.block. */
  failOn?: FailOn;
  /** Raw vaulted values are looked for only through a session whose vault exists. */
  session?: VaultSession | undefined;
  /**
   * Where the skill keyring and revocation list come from: the work tree (the hooks: the
   * person committing is the one trusted), or a target's base commit (the Action: a change
   * must not vouch for itself), its head when it has none.
   */
  trust: 'worktree' | 'base';
  /** Fingerprints of accepted findings (the configuration's `baseline:`, read by the caller from where it trusts). */
  baseline?: Baseline | undefined;
}

const findingKey = (f: Finding) => `${f.ruleId}\0${f.fingerprint}\0${f.path}\0${f.line}\0${f.commit ?? ''}`;

/**
 * The one gate of the pre-commit hook, the pre-push hook and the Action: secrets and raw
 * vaulted values in what the targets add, unvaulted markers and the filter mapping of
 * protected paths, and every skill they change (checks.ts). What blocks (blockers below):
 * - a secret finding at or above the threshold (the caller's failOn, else policy.block), or
 *   in a protected path whatever its severity;
 * - every problem: a raw vaulted value, an unfiltered protected path, an unvaulted marker in
 *   one, a failing skill;
 * - nothing at all when the threshold is `never` (report only).
 */
export async function runGate(request: GateRequest): Promise<GateResult> {
  const { config } = request;
  // Validated up front, so a broken section stops every run, not only those that reach it.
  const failOn = request.failOn ?? parsePolicy(config).block;
  skillPolicy(config);
  const ruleset = buildRuleset(config);
  const isProtected = protectedMatcher(config.protected);
  const checks = new GateChecks(
    { repo: request.repo, env: request.env, ruleset, maxFileSize: config.maxFileSize, isProtected, session: request.session, config, trust: request.trust, baseline: request.baseline },
    request.checks ?? CHECK_NAMES,
  );
  for (const target of request.targets) await checks.judge(target);
  const results = checks.finish();

  // A finding two checks report (secrets, and protected paths when secrets is off) counts once.
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const f of results.flatMap((r) => r.findings)) {
    if (seen.has(findingKey(f))) continue;
    seen.add(findingKey(f));
    findings.push(f);
  }
  const problems = results.flatMap((r) => r.problems);
  const { blocking, notBlocking } = blockers(results, failOn, isProtected);
  return {
    targets: request.targets,
    commits: checks.commits,
    configSource: request.configSource,
    ruleset,
    results,
    findings,
    problems,
    verifiedSkills: results.reduce((n, r) => n + r.verifiedSkills, 0),
    failOn,
    failing: blocking.length,
    blocking,
    notBlocking,
    filesScanned: checks.files.size,
    bytesScanned: checks.bytes,
    notes: checks.notes,
  };
}

/**
 * What blocks, for people: secret findings by the threshold (or a protected path), then every
 * problem; and the secret findings that do not. A failing skill's own findings are not
 * listed: its failure is, naming them.
 */
function blockers(results: CheckResult[], failOn: FailOn, isProtected: (path: string) => boolean): { blocking: Blocker[]; notBlocking: Blocker[] } {
  const blocking: Blocker[] = [];
  const notBlocking: Blocker[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    if (r.check === 'skills') continue;
    for (const f of r.findings) {
      if (seen.has(findingKey(f))) continue;
      seen.add(findingKey(f));
      const inProtected = isProtected(f.path);
      const blocks = failOn !== 'never' && (inProtected || failsOn(f.severity, failOn));
      (blocks ? blocking : notBlocking).push({ path: f.path, line: f.line, commit: f.commit, rule: f.ruleId, masked: f.masked, detail: undefined, fix: inProtected ? GIT_MSG.fixUnvaultedInProtected(f.path) : GIT_MSG.fixFinding(f.path) });
    }
  }
  if (failOn === 'never') return { blocking, notBlocking };
  for (const r of results) for (const p of r.problems) blocking.push({ path: p.path, line: p.line, commit: p.commit, rule: p.code ?? p.ruleId, masked: p.masked, detail: p.message, fix: p.hint });
  return { blocking, notBlocking };
}

/** Add what `other` (the same targets under another policy) blocks on to `into`, each blocker once. */
export function mergeGateResults(into: GateResult, other: GateResult): void {
  const key = (b: Blocker) => `${b.path}\0${b.line}\0${b.commit ?? ''}\0${b.rule}`;
  const have = new Set(into.blocking.map(key));
  for (const b of other.blocking) {
    if (have.has(key(b))) continue;
    have.add(key(b));
    into.blocking.push(b);
  }
  into.failing = into.blocking.length;
  // What blocks under either policy is no longer "not blocking".
  into.notBlocking = into.notBlocking.filter((b) => !have.has(key(b)));
  const seen = new Set(into.findings.map(findingKey));
  for (const f of other.findings) if (!seen.has(findingKey(f))) into.findings.push(f);
  into.problems.push(...other.problems.filter((p) => !into.problems.some((q) => q.ruleId === p.ruleId && q.path === p.path && q.line === p.line && q.commit === p.commit)));
  into.configSource = `${into.configSource}, and ${other.configSource}`;
}
