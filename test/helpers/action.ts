import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as fakeCore from './actions-core.js';
import type { Annotation, CoreCall } from './actions-core.js';
import { expandTemplate, rng } from './fake-secrets.js';
import { gitOk, REPO, sandbox, scratchDir, writeFiles, type Sandbox } from './sandbox.js';

export const ACTION_BUNDLE = join(REPO, 'action', 'dist', 'index.js');
export const LOCAL_ACTION_BIN = join(REPO, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');

/** A repository (in a sandbox) with a base commit on main and a pull request branch on top of it. */
export interface PullRequestRepo {
  sb: Sandbox;
  root: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  base: string;
  head: string;
}

type Files = Record<string, string>;

function commitFiles(sb: Sandbox, dir: string, files: Files, message: string): string {
  writeFiles(dir, files);
  gitOk(sb, dir, ['add', '-A']);
  gitOk(sb, dir, ['commit', '-q', '--allow-empty', '-m', message]);
  return gitOk(sb, dir, ['rev-parse', 'HEAD']).trim();
}

/** Build base (on main) and the pull request's commits (on `feature`), one commit per file set. */
export function pullRequestRepo(baseFiles: Files, prCommits: Files[]): PullRequestRepo {
  const sb = sandbox();
  const dir = join(sb.root, 'repo');
  gitOk(sb, sb.root, ['init', '-q', dir]);
  const base = commitFiles(sb, dir, { 'README.md': '# demo\n', ...baseFiles }, 'base');
  gitOk(sb, dir, ['checkout', '-q', '-b', 'feature']);
  let head = base;
  prCommits.forEach((files, i) => (head = commitFiles(sb, dir, files, `change ${i + 1}`)));
  return { sb, root: sb.root, dir, env: sb.env, base, head };
}

export function fakeToken(seed: number): string {
  return expandTemplate('ghp_{{alnum:36}}', rng(seed));
}

/** A password assignment the generic rule reports (high severity), generated so no literal is committed. */
export function fakePasswordLine(seed: number): string {
  return ['db_password', '=', `"${expandTemplate('{{alnum:16}}', rng(seed))}"`].join(' ') + '\n';
}

export function pullRequestEvent(repo: { base: string; head: string }, number = 7): unknown {
  return { action: 'synchronize', number, pull_request: { number, base: { sha: repo.base, ref: 'main' }, head: { sha: repo.head, ref: 'feature' } } };
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  sarif: string | undefined;
}

/** Parse GITHUB_OUTPUT's `name<<delimiter` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    outputs[m[1]!] = value.join('\n');
  }
  return outputs;
}

export interface ActionCall {
  workspace: string;
  env: NodeJS.ProcessEnv;
  eventName: string;
  payload: unknown;
  inputs?: Record<string, string>;
  /** Leave GITHUB_STEP_SUMMARY unset, as outside a runner. */
  withoutSummary?: boolean;
}

function runnerFiles(call: ActionCall) {
  const dir = scratchDir('av-runner-');
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(call.payload));
  const outputPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const vars: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: call.workspace,
    GITHUB_EVENT_NAME: call.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
  };
  if (call.withoutSummary) delete vars.GITHUB_STEP_SUMMARY;
  for (const [k, v] of Object.entries(call.inputs ?? {})) vars[`INPUT_${k.toUpperCase()}`] = v;
  return { dir, vars, outputPath, summaryPath };
}

function sarifFrom(workspace: string, outputs: Record<string, string>, fallback: string): string | undefined {
  const path = outputs['sarif-file'] ?? join(workspace, fallback);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Run the committed bundle the way a runner does: `node action/dist/index.js` in the workspace. */
export function runActionBundle(call: ActionCall): ActionRun {
  const files = runnerFiles(call);
  const r = spawnSync(process.execPath, [ACTION_BUNDLE], { cwd: call.workspace, env: { ...call.env, ...files.vars }, maxBuffer: 64 * 1024 * 1024 });
  const outputs = parseOutputFile(readFileSync(files.outputPath, 'utf8'));
  return {
    code: r.status ?? -1,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    outputs,
    summary: readFileSync(files.summaryPath, 'utf8'),
    sarif: sarifFrom(call.workspace, outputs, call.inputs?.['sarif-file'] ?? 'agent-vault.sarif'),
  };
}

/**
 * Run the action's source through @github/local-action, GitHub's own local runner for
 * JavaScript actions: it stubs @actions/core, so outputs arrive as `::set-output` lines and a
 * failure as an `::error::` line (its exit code stays 0).
 */
export function runLocalAction(call: ActionCall): ActionRun {
  const files = runnerFiles(call);
  const dotenv = join(files.dir, '.env');
  writeFileSync(dotenv, Object.entries(files.vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const r = spawnSync(process.execPath, [LOCAL_ACTION_BIN, '.', 'action/src/main.ts', dotenv], {
    cwd: REPO,
    env: { ...call.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = r.stdout.toString('utf8');
  const outputs: Record<string, string> = {};
  for (const m of stdout.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)) outputs[m[1]!] = m[2]!;
  return {
    code: r.status ?? -1,
    stdout,
    stderr: r.stderr.toString('utf8'),
    outputs,
    summary: readFileSync(files.summaryPath, 'utf8'),
    sarif: sarifFrom(call.workspace, outputs, call.inputs?.['sarif-file'] ?? 'agent-vault.sarif'),
  };
}

/** stdout without the runner's `::add-mask::` commands, the one place a value must be given to GitHub. */
export const withoutMaskCommands = (stdout: string) => stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');

/** What the action did when run in the test process against the @actions/core fake. */
export interface InProcessRun {
  /** The runner's verdict: 1 when the action called setFailed, else 0. */
  code: number;
  /** The message given to setFailed. */
  failed: string | undefined;
  outputs: Record<string, string>;
  annotations: Annotation[];
  /** Values registered with setSecret, in order. */
  secrets: string[];
  summary: string;
  /** info and debug lines. */
  log: string[];
  /** Every call into @actions/core, in order. */
  calls: CoreCall[];
  /** Everything the runner's log would show (every call but setSecret), one JSON line each. */
  printed: string;
  sarif: string | undefined;
}

/**
 * Run `run()` of action/src/main.ts in this process, as a runner would start it: the job's
 * variables (and nothing of this machine's) in process.env, the workspace as the working
 * folder, the inputs through @actions/core's getInput. The test file must replace
 * @actions/core with the fake: `vi.mock('@actions/core', () => import('./helpers/actions-core.js'))`.
 */
export async function runAction(call: ActionCall): Promise<InProcessRun> {
  if (core.setOutput !== fakeCore.setOutput) throw new Error("runAction needs the @actions/core fake: add vi.mock('@actions/core', () => import('./helpers/actions-core.js')) to the test file");
  const files = runnerFiles(call);
  const record = fakeCore.resetCore(call.inputs);
  const { run } = await import('../../action/src/main.js');
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  // Only vitest's own variables survive; everything else is what the job would have.
  const keep = Object.fromEntries(Object.entries(savedEnv).filter(([k]) => k.startsWith('VITEST')));
  replaceEnv({ ...keep, ...call.env, ...files.vars });
  process.chdir(call.workspace);
  try {
    await run();
  } finally {
    process.chdir(savedCwd);
    replaceEnv(savedEnv);
  }
  return {
    code: record.failed === undefined ? 0 : 1,
    failed: record.failed,
    outputs: record.outputs,
    annotations: record.annotations,
    secrets: record.secrets,
    summary: record.summary,
    log: record.log,
    calls: record.calls,
    printed: record.calls
      .filter((c) => c.fn !== 'setSecret')
      .map((c) => JSON.stringify(c))
      .join('\n'),
    sarif: sarifFrom(call.workspace, record.outputs, record.inputs['sarif-file'] ?? 'agent-vault.sarif'),
  };
}

function replaceEnv(next: NodeJS.ProcessEnv): void {
  for (const k of Object.keys(process.env)) if (!Object.hasOwn(next, k)) delete process.env[k];
  for (const [k, v] of Object.entries(next)) if (v !== undefined) process.env[k] = v;
}

/** The annotations on a file (and a line, when given), in the order the action made them. */
export const annotationsAt = (run: InProcessRun, file: string, line?: number) =>
  run.annotations.filter((a) => a.properties.file === file && (line === undefined || a.properties.startLine === line));

/** The one error annotation of a rule on a file; fails the test when there is not exactly one. */
export function errorAt(run: InProcessRun, ruleId: string, file: string): Annotation {
  const found = annotationsAt(run, file).filter((a) => a.properties.title === `agent-vault: ${ruleId}`);
  if (found.length !== 1 || found[0]!.level !== 'error') throw new Error(`expected one error annotation ${ruleId} on ${file}, got ${JSON.stringify(run.annotations, null, 2)}`);
  return found[0]!;
}
