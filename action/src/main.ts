import * as core from '@actions/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SECRET, type Severity } from '../../src/core/types.js';
import { AgentVaultError, refusal } from '../../src/errors.js';
import { MSG, foreignErrorDetail } from '../../src/messages.js';
import { inWorkspace, runGate, type GateEnvironment } from './gate.js';
import { readInputs, type InputName } from './inputs.js';
import { renderActionSarif, renderSummary } from './summary.js';

type AnnotationLevel = 'error' | 'warning' | 'notice';
const levelFor = (s: Severity): AnnotationLevel => (s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'notice');

function annotate(level: AnnotationLevel, message: string, props: core.AnnotationProperties): void {
  if (level === 'error') core.error(message, props);
  else if (level === 'warning') core.warning(message, props);
  else core.notice(message, props);
}

/** The runner's own variables describe the job; everything the user configures is an input. */
function runnerEnvironment(): GateEnvironment {
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

/** Mask a secret for the log; GitHub masks line by line, so multi-line values are masked per line too. */
function mask(secret: string): void {
  if (!secret) return; // threat findings carry no secret
  core.setSecret(secret);
  if (secret.includes('\n')) for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 4) core.setSecret(line);
}

/** The action. Its one catch is the one place that fails the job: findings arrive there as a refusal. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name: InputName) => core.getInput(name));
    const env = runnerEnvironment();
    const gate = await runGate(inputs, env);
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

    const sarifPath = inWorkspace(env.workspace, inputs.sarifFile);
    mkdirSync(dirname(sarifPath), { recursive: true });
    writeFileSync(sarifPath, renderActionSarif(gate));
    // Outside a runner (a local run, another CI) there is no summary file; the rest still works.
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderSummary(gate)).write();

    const total = gate.findings.length + gate.problems.length;
    core.setOutput('findings', String(total));
    core.setOutput('sarif-file', sarifPath);
    core.setOutput('verified-skills', String(gate.verifiedSkills));
    core.info(`${gate.target.description}: ${MSG.actionVerdict(gate.failing, total)}`);
    if (gate.failing > 0) throw refusal(MSG.actionVerdict(gate.failing, total));
  } catch (error) {
    if (error instanceof AgentVaultError) core.setFailed(`${error.message}${error.hint ? `\n${error.hint}` : ''}`);
    else core.setFailed(`internal error: ${foreignErrorDetail(error)}. This is a bug in agent-vault; please report it.`);
  }
}
