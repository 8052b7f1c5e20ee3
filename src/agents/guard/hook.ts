import { agentViewConfig, buildRuleset, type AgentVaultConfig } from '../../config/config.js';
import { ruleSpans } from '../../core/suspects.js';
import { GUARD_MSG } from '../../messages.js';
import type { VaultSession } from '../../session/session.js';
import { streamSuspects } from '../view.js';
import { GuardPolicy, type Decision } from './policy.js';
import { sessionStartCheck } from '../../registry/consume.js';

/**
 * The hook runtime, `agent-vault guard --client CLIENT`: one client's JSON on stdin, the
 * policy's decision in that client's wire format. Each format is exactly what the client's
 * documentation describes (fixtures in test/fixtures/agent-hooks/<client>/ name the pages):
 *
 *  - Claude Code (code.claude.com/docs/en/hooks): PreToolUse answers
 *    `hookSpecificOutput.permissionDecision: "deny"` with a reason (exit 0), or nothing to
 *    let the normal permission flow decide; PostToolUse replaces a tool's output with
 *    `hookSpecificOutput.updatedToolOutput`; UserPromptSubmit blocks with `decision: "block"`.
 *  - Cursor (cursor.com/docs/agent/hooks): beforeShellExecution answers `permission` with
 *    `user_message` / `agent_message`; beforeReadFile `permission` only; beforeSubmitPrompt
 *    `continue`.
 *  - Codex (developers.openai.com/codex/hooks): Claude's PreToolUse shape, and only documented
 *    fields (an unknown field makes Codex ignore the answer and run the tool); PostToolUse
 *    cannot rewrite a shell command's output there, so it answers `decision: "block"` with a
 *    reason when the output held a value.
 */

export type Client = 'claude' | 'cursor' | 'codex';
export const CLIENTS: Client[] = ['claude', 'cursor', 'codex'];

export interface HookAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface GuardRuntime {
  session: VaultSession;
  env: NodeJS.ProcessEnv;
  /** The folder the hook runs in (the client's cwd field wins). */
  cwd: string;
  settings: () => { config: AgentVaultConfig };
}

const NONE: HookAnswer = { stdout: '', stderr: '', exitCode: 0 };
const json = (v: unknown): HookAnswer => ({ stdout: JSON.stringify(v) + '\n', stderr: '', exitCode: 0 });

type Input = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Input => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Input) : {});

export async function runGuard(client: Client, input: unknown, rt: GuardRuntime): Promise<HookAnswer> {
  const data = obj(input);
  const event = str(data.hook_event_name) ?? '';
  const roots = Array.isArray(data.workspace_roots) ? data.workspace_roots.filter((r): r is string => typeof r === 'string') : [];
  const cwd = str(data.cwd) ?? roots[0] ?? rt.cwd;
  const policy = new GuardPolicy({ cwd, env: rt.env, session: rt.session });
  if (client === 'cursor') return cursor(event, data, policy, cwd, rt);
  // Claude Code and Codex share the event names and most of the shape.
  switch (event) {
    case 'PreToolUse': {
      const d = await preToolUse(client, data, policy, cwd);
      return d.allow ? NONE : json({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: d.reason } });
    }
    case 'PostToolUse': {
      const redacted = await redactValue(data.tool_response, rt);
      if (!redacted.changed) return NONE;
      if (client === 'codex') return json({ decision: 'block', reason: GUARD_MSG.outputWithheld });
      return json({ hookSpecificOutput: { hookEventName: 'PostToolUse', updatedToolOutput: redacted.value } });
    }
    case 'UserPromptSubmit': {
      const what = await secretIn(str(data.prompt) ?? '', rt);
      return what ? json({ decision: 'block', reason: GUARD_MSG.prompt(what) }) : NONE;
    }
    case 'SessionStart': {
      // The consume gate: every skill verified (and quarantined when it fails) before the agent loads it.
      const { message } = await sessionStartCheck(cwd, rt.env, rt.settings().config);
      if (!message) return NONE;
      return client === 'claude' ? json({ systemMessage: message, hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: message } }) : { stdout: '', stderr: message + '\n', exitCode: 0 };
    }
    default:
      return NONE;
  }
}

async function preToolUse(client: Client, data: Input, policy: GuardPolicy, cwd: string): Promise<Decision> {
  const tool = str(data.tool_name) ?? '';
  const input = obj(data.tool_input);
  if (tool === 'Bash' || tool === 'shell' || tool === 'local_shell') {
    const command = Array.isArray(input.command) ? input.command.join(' ') : (str(input.command) ?? '');
    return policy.shell(command, cwd);
  }
  if (client === 'claude') {
    if (tool === 'Read' || tool === 'NotebookRead') return policy.read(str(input.file_path) ?? str(input.notebook_path) ?? '', cwd);
    if (tool === 'Grep') return input.path === undefined ? { allow: true } : policy.read(str(input.path) ?? '', cwd);
    if (tool === 'Edit' || tool === 'MultiEdit' || tool === 'Write' || tool === 'NotebookEdit') return policy.edit(str(input.file_path) ?? str(input.notebook_path) ?? '', cwd);
    return { allow: true };
  }
  if (tool === 'apply_patch' || tool === 'Edit' || tool === 'Write') {
    // The patch names its files: `*** Add File: path`, `*** Update File: path`, `*** Delete File: path`.
    const patch = [input.command, input.patch, input.input].map((v) => (Array.isArray(v) ? v.join('\n') : str(v) ?? '')).join('\n');
    for (const m of patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)) {
      const d = await policy.edit(m[1]!.trim(), cwd);
      if (!d.allow) return d;
    }
  }
  return { allow: true };
}

async function cursor(event: string, data: Input, policy: GuardPolicy, cwd: string, rt: GuardRuntime): Promise<HookAnswer> {
  switch (event) {
    case 'beforeShellExecution': {
      const d = await policy.shell(str(data.command) ?? '', str(data.cwd) ?? cwd);
      return json(d.allow ? { permission: 'allow' } : { permission: 'deny', user_message: d.reason, agent_message: d.reason });
    }
    case 'beforeReadFile': {
      const d = await policy.read(str(data.file_path) ?? '', cwd);
      return json({ permission: d.allow ? 'allow' : 'deny' });
    }
    case 'beforeSubmitPrompt': {
      const what = await secretIn(str(data.prompt) ?? '', rt);
      return json(what ? { continue: false, user_message: GUARD_MSG.prompt(what) } : { continue: true });
    }
    default:
      return json({ permission: 'allow' });
  }
}

/** Every string inside a tool's output through the agent view; `changed` when anything was hidden. */
async function redactValue(value: unknown, rt: GuardRuntime): Promise<{ value: unknown; changed: boolean }> {
  const suspects = streamSuspects(rt.settings().config, '(tool output)');
  let changed = false;
  const walk = async (v: unknown, depth: number): Promise<unknown> => {
    if (typeof v === 'string') {
      const bytes = Buffer.from(v, 'utf8');
      const view = await rt.session.agentView(bytes, suspects(bytes));
      if (view.count || view.unvaulted || !view.output.equals(bytes)) {
        changed = true;
        return view.output.toString('utf8');
      }
      return v;
    }
    if (depth > 32) return v;
    if (Array.isArray(v)) return Promise.all(v.map((x) => walk(x, depth + 1)));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await walk(x, depth + 1);
      return out;
    }
    return v;
  };
  const result = await walk(value, 0);
  return { value: result, changed };
}

/** What secret a prompt holds (a vaulted value's key, or a scanner rule), or undefined. */
async function secretIn(prompt: string, rt: GuardRuntime): Promise<string | undefined> {
  const bytes = Buffer.from(prompt, 'utf8');
  const values = await rt.session.findValues(bytes);
  if (values.length) return `the value of ${[...new Set(values.map((v) => v.key))].join(', ')}`;
  const spans = ruleSpans(bytes, '(prompt)', buildRuleset(agentViewConfig(rt.settings().config)));
  return spans.length ? 'a token the scanner recognises as a secret' : undefined;
}
