import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, isolatedEnv, REPO, tempDir, write } from './cli.js';
import { expandTemplate, rng } from './fake-secrets.js';

export const ACTION_BUNDLE = join(REPO, 'action', 'dist', 'index.js');
export const LOCAL_ACTION_BIN = join(REPO, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');

/** A repository with a base commit on main and a pull request branch on top of it. */
export interface PullRequestRepo {
  root: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  base: string;
  head: string;
}

type Files = Record<string, string>;

function commitFiles(dir: string, env: NodeJS.ProcessEnv, files: Files, message: string): string {
  for (const [rel, content] of Object.entries(files)) write(dir, rel, content);
  git(dir, env, 'add', '-A');
  git(dir, env, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, env, 'rev-parse', 'HEAD').trim();
}

/** Build base (on main) and the pull request's commits (on `feature`), one commit per file set. */
export function pullRequestRepo(baseFiles: Files, prCommits: Files[]): PullRequestRepo {
  const root = tempDir('av-action-');
  const dir = join(root, 'repo');
  const env = isolatedEnv(join(root, 'home'));
  git(root, env, 'init', '-q', dir);
  const base = commitFiles(dir, env, { 'README.md': '# demo\n', ...baseFiles }, 'base');
  git(dir, env, 'checkout', '-q', '-b', 'feature');
  let head = base;
  prCommits.forEach((files, i) => (head = commitFiles(dir, env, files, `change ${i + 1}`)));
  return { root, dir, env, base, head };
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
  const dir = tempDir('av-runner-');
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
