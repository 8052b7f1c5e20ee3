/**
 * A typed fake of `@actions/core` for running the Action's `run()` in the test process.
 *
 * A test file opts in with one line (vitest hoists it above the imports):
 *
 *   vi.mock('@actions/core', () => import('./helpers/actions-core.js'));
 *
 * and then runs the action with `runAction()` from ./action.ts, which resets this fake, gives
 * it the call's inputs and hands back what the action did. The fake holds to the contract in
 * action.yml, not to the action's modules: inputs the workflow does not give get their
 * declared defaults, as on a runner, and reading an input or setting an output that action.yml
 * does not declare throws, so a drift between the code and its metadata fails the test that
 * meets it. A function of `@actions/core` that is not faked here is not exported, and vitest
 * fails the test that reaches for it.
 */
import type * as Core from '@actions/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from './sandbox.js';

type Level = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: Level;
  message: string;
  properties: Core.AnnotationProperties;
}

/** One call into the fake, in order: what the runner's log would have shown, structured. */
export type CoreCall =
  | { fn: 'setSecret'; value: string }
  | { fn: Level; annotation: Annotation }
  | { fn: 'info' | 'debug'; message: string }
  | { fn: 'setOutput'; name: string; value: string }
  | { fn: 'setFailed'; message: string }
  | { fn: 'summary'; text: string };

export interface CoreRecord {
  /** The inputs as the action saw them: action.yml defaults overlaid with the call's. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  /** Values given to setSecret, in order. */
  secrets: string[];
  annotations: Annotation[];
  /** The message of setFailed, if the action failed. */
  failed: string | undefined;
  /** What the action wrote to the job summary. */
  summary: string;
  /** info and debug lines. */
  log: string[];
  calls: CoreCall[];
}

interface ActionMetadata {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
}

let metadata: ActionMetadata | undefined;
function actionYml(): ActionMetadata {
  metadata ??= parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as ActionMetadata;
  return metadata;
}

let record: CoreRecord = emptyRecord({});

function emptyRecord(inputs: Record<string, string>): CoreRecord {
  return { inputs, outputs: {}, secrets: [], annotations: [], failed: undefined, summary: '', log: [], calls: [] };
}

/** Start a run: forget the previous one, take the workflow's inputs. Returns the live record. */
export function resetCore(given: Record<string, string> = {}): CoreRecord {
  const declared = actionYml().inputs;
  for (const name of Object.keys(given)) if (!Object.hasOwn(declared, name)) throw new Error(`the test gives input "${name}", which action.yml does not declare`);
  const inputs = Object.fromEntries(Object.entries(declared).map(([name, spec]) => [name, String(spec.default ?? '')]));
  record = emptyRecord({ ...inputs, ...given });
  return record;
}

const text = (message: string | Error) => (message instanceof Error ? message.toString() : message);

// -- inputs and outputs ----------------------------------------------------------------------

export const getInput: typeof Core.getInput = (name, options) => {
  if (!Object.hasOwn(record.inputs, name)) throw new Error(`the action reads input "${name}", which action.yml does not declare`);
  const value = record.inputs[name]!;
  if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options?.trimWhitespace === false ? value : value.trim();
};

export const getMultilineInput: typeof Core.getMultilineInput = (name, options) => {
  const lines = getInput(name, options)
    .split('\n')
    .filter((l) => l !== '');
  return options?.trimWhitespace === false ? lines : lines.map((l) => l.trim());
};

export const getBooleanInput: typeof Core.getBooleanInput = (name, options) => {
  const value = getInput(name, options);
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`);
};

export const setOutput: typeof Core.setOutput = (name, value) => {
  if (!Object.hasOwn(actionYml().outputs, name)) throw new Error(`the action sets output "${name}", which action.yml does not declare`);
  const v = typeof value === 'string' ? value : JSON.stringify(value);
  record.outputs[name] = v;
  record.calls.push({ fn: 'setOutput', name, value: v });
};

// -- the log ---------------------------------------------------------------------------------

export const setSecret: typeof Core.setSecret = (secret) => {
  record.secrets.push(secret);
  record.calls.push({ fn: 'setSecret', value: secret });
};

function annotate(level: Level, message: string | Error, properties: Core.AnnotationProperties = {}): void {
  const annotation = { level, message: text(message), properties: { ...properties } };
  record.annotations.push(annotation);
  record.calls.push({ fn: level, annotation });
}

export const error: typeof Core.error = (message, properties) => annotate('error', message, properties);
export const warning: typeof Core.warning = (message, properties) => annotate('warning', message, properties);
export const notice: typeof Core.notice = (message, properties) => annotate('notice', message, properties);

/** As the real one: an error annotation; the job fails (the fake leaves process.exitCode alone). */
export const setFailed: typeof Core.setFailed = (message) => {
  record.failed = text(message);
  record.calls.push({ fn: 'setFailed', message: record.failed });
  annotate('error', message);
};

export const info: typeof Core.info = (message) => {
  record.log.push(message);
  record.calls.push({ fn: 'info', message });
};

export const debug: typeof Core.debug = (message) => {
  record.log.push(`debug: ${message}`);
  record.calls.push({ fn: 'debug', message });
};

export const isDebug: typeof Core.isDebug = () => false;
export const startGroup: typeof Core.startGroup = (name) => info(`group: ${name}`);
export const endGroup: typeof Core.endGroup = () => undefined;
export const group: typeof Core.group = async (name, fn) => {
  startGroup(name);
  try {
    return await fn();
  } finally {
    endGroup();
  }
};

// -- the job summary -------------------------------------------------------------------------

/**
 * The summary builder the action uses. As on a runner, write() needs GITHUB_STEP_SUMMARY; what
 * it writes goes to the record instead of the file.
 */
class FakeSummary {
  private buffer = '';

  addRaw(content: string, addEOL = false): this {
    this.buffer += content + (addEOL ? '\n' : '');
    return this;
  }

  addEOL(): this {
    return this.addRaw('\n');
  }

  stringify(): string {
    return this.buffer;
  }

  isEmptyBuffer(): boolean {
    return this.buffer.length === 0;
  }

  emptyBuffer(): this {
    this.buffer = '';
    return this;
  }

  async write(options: { overwrite?: boolean } = {}): Promise<this> {
    if (!process.env.GITHUB_STEP_SUMMARY) {
      throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.');
    }
    record.summary = options.overwrite ? this.buffer : record.summary + this.buffer;
    record.calls.push({ fn: 'summary', text: this.buffer });
    return this.emptyBuffer();
  }

  async clear(): Promise<this> {
    return this.emptyBuffer().write({ overwrite: true });
  }
}

// The real Summary class has private members, so no other class satisfies its type: cast once here.
export const summary = new FakeSummary() as unknown as typeof Core.summary;
