import * as core from '@actions/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig, type AgentVaultConfig } from '../../src/config/config.js';
import { SECRET, type Severity } from '../../src/core/types.js';
import { AgentVaultError, configError, refusal, usageError } from '../../src/errors.js';
import { runGate } from '../../src/gate/gate.js';
import { configBaseline, type Baseline } from '../../src/sources/baseline.js';
import type { GateResult, GateTarget } from '../../src/gate/model.js';
import { configAtBase, loosenedAtHead } from '../../src/gate/trust.js';
import { MSG, foreignErrorDetail } from '../../src/messages.js';
import { repoRoot } from '../../src/platform/exec.js';
import { ciTeamSession } from '../../src/session/team-ops.js';
import type { VaultSession } from '../../src/session/session.js';
import { planScan } from './event.js';
import { readInputs, withTrustInputs, type ActionInputs, type InputName } from './inputs.js';
import { renderActionSarif, renderSummary } from './summary.js';
import { resolveTarget } from './target.js';

type AnnotationLevel = 'error' | 'warning' | 'notice';
const levelFor = (s: Severity): AnnotationLevel => (s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'notice');

function annotate(level: AnnotationLevel, message: string, props: core.AnnotationProperties): void {
  if (level === 'error') core.error(message, props);
  else if (level === 'warning') core.warning(message, props);
  else core.notice(message, props);
}

/** The runner's description of the job: where the clone is and which event started it. */
interface RunnerEnvironment {
  workspace: string;
  eventName: string;
  /** Parsed JSON of the event payload file; undefined when there is none. */
  eventPayload: unknown;
}

/** The runner's own variables describe the job; everything the user configures is an input. */
function runnerEnvironment(): RunnerEnvironment {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const eventPath = process.env.GITHUB_EVENT_PATH;
  let eventPayload: unknown;
  if (eventPath) {
    try {
      eventPayload = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch (e) {
      throw new AgentVaultError('usage', `cannot read the event payload ${eventPath}: ${foreignErrorDetail(e)}`);
    }
  }
  return { workspace, eventName: process.env.GITHUB_EVENT_NAME ?? '', eventPayload };
}

/** An explicit `config` input is the workflow author's choice, read from the workspace; otherwise the base commit's. */
function configFor(repo: string, workspace: string, inputs: ActionInputs, target: GateTarget): { config: AgentVaultConfig; source: string; baseline: Baseline | undefined } {
  if (!inputs.config) return configAtBase(repo, target);
  try {
    const config = loadConfig({ explicit: inputs.config, cwd: workspace });
    return { config, source: inputs.config, baseline: configBaseline(config, workspace) };
  } catch (e) {
    // The loader's hint speaks of --config; in a workflow the path comes from the input.
    if (e instanceof AgentVaultError && e.message.startsWith('cannot read configuration')) throw configError(e.message, MSG.actionConfigInputHint);
    throw e;
  }
}

/** The event's range, judged by the one gate the hooks use, with the settings of its base. */
async function judge(inputs: ActionInputs, env: RunnerEnvironment): Promise<GateResult & { loosened: { change: string; file: string }[] }> {
  const repo = repoRoot(env.workspace);
  if (!repo) throw usageError(MSG.notAGitRepo(env.workspace), 'Check out the repository first (actions/checkout with fetch-depth: 0).');
  // A CI identity (AGENT_VAULT_AGE_IDENTITY) opens the team vault: every value it decrypts is
  // masked before anything else is printed, then raw team values in the range are findings.
  const team = await ciTeamSession(process.env, repo);
  for (const v of team?.values ?? []) mask(v.toString('utf8'));
  const session: VaultSession | undefined = team?.session;
  const target = resolveTarget(repo, planScan(env.eventName, env.eventPayload, { base: inputs.base, head: inputs.head }));
  const { config, source, baseline } = configFor(repo, env.workspace, inputs, target);
  // With the base's policy deciding, a pull request that loosens it is named (not obeyed).
  const loosened = inputs.config ? [] : loosenedAtHead(repo, target);
  const gate = await runGate({
    repo,
    env: process.env,
    config: withTrustInputs(config, inputs),
    configSource: source,
    targets: [target],
    checks: inputs.checks,
    ...(inputs.failOn ? { failOn: inputs.failOn } : {}),
    // CI has no vault of its own: raw vaulted values are the hooks' to catch, and the team
    // vault's when a CI identity opens it; the scanner and the filter mapping are what CI can prove.
    session,
    trust: 'base',
    baseline,
  });
  return { ...gate, loosened };
}

/** Mask a secret for the log; GitHub masks line by line, so multi-line values are masked per line too. */
function mask(secret: string): void {
  if (!secret) return; // threat findings carry no secret
  core.setSecret(secret);
  if (secret.includes('\n')) for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 4) core.setSecret(line);
}

/** Resolve a workspace-relative output path. */
const inWorkspace = (workspace: string, path: string) => (path.startsWith('/') ? path : join(workspace, path));

/** The action. Its one catch is the one place that fails the job: findings arrive there as a refusal. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name: InputName) => core.getInput(name));
    const env = runnerEnvironment();
    const gate = await judge(inputs, env);
    // Before anything else is printed: every secret touched is registered with the runner.
    for (const f of gate.findings) mask(f[SECRET]);

    for (const f of gate.findings) {
      const sameLine = f.endLine === f.line;
      annotate(levelFor(f.severity), `${f.description} (${f.masked})${f.commit ? ` added in commit ${f.commit.slice(0, 12)}` : ''}. ${MSG.scanHintFinding(f.ruleId)}`, {
        title: `agent-vault: ${f.ruleId}`,
        file: f.path,
        startLine: f.line,
        endLine: f.endLine,
        ...(sameLine ? { startColumn: f.column, endColumn: f.endColumn } : {}),
      });
    }
    for (const p of gate.problems) {
      annotate(levelFor(p.severity), `${p.message}. ${p.hint}`, { title: `agent-vault: ${p.ruleId}`, file: p.path, ...(p.line ? { startLine: p.line, endLine: p.line } : {}) });
    }

    for (const l of gate.loosened) annotate('warning', MSG.actionPolicyLoosened(l.change), { title: 'agent-vault: policy-loosened', file: l.file });

    const sarifPath = inWorkspace(env.workspace, inputs.sarifFile);
    mkdirSync(dirname(sarifPath), { recursive: true });
    writeFileSync(sarifPath, renderActionSarif(gate));
    // Outside a runner (a local run, another CI) there is no summary file; the rest still works.
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderSummary(gate)).write();

    const total = gate.findings.length + gate.problems.length;
    core.setOutput('findings', String(total));
    core.setOutput('sarif-file', sarifPath);
    core.setOutput('verified-skills', String(gate.verifiedSkills));
    core.info(`${gate.targets.map((t) => t.description).join('; ')}: ${MSG.actionVerdict(gate.failing, total, gate.notBlocking.length, gate.failOn)}`);
    if (gate.failing > 0) throw refusal(MSG.actionVerdict(gate.failing, total, gate.notBlocking.length, gate.failOn));
  } catch (error) {
    if (error instanceof AgentVaultError) core.setFailed(`${error.message}${error.hint ? `\n${error.hint}` : ''}`);
    else core.setFailed(`internal error: ${foreignErrorDetail(error)}. This is a bug in agent-vault; please report it.`);
  }
}
