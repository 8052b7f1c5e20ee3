import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { usageError } from '../../errors.js';
import { GUARD_MSG, shQuote } from '../../messages.js';
import { writeFileAtomicSync } from '../../platform/atomic.js';
import type { Client } from './hook.js';

/**
 * `agent-vault agent-hooks install|uninstall|status --claude|--cursor|--codex`: the guard's
 * entries merged into each client's project settings, every other hook kept. Our entries are
 * recognised by a trailing shell comment (MARK) in their command, so uninstall removes
 * exactly them (and only the groups, events and files that held nothing else).
 *
 * Failing closed, per client:
 *  - Claude Code blocks only on exit 2 or a JSON deny; a crash, a non-zero exit or a missing
 *    program lets the tool run. The command is therefore `AGENT-VAULT guard ... || { echo
 *    REASON >&2; exit 2; }` inline in settings.json (no script file to go missing): any
 *    failure of agent-vault becomes exit 2. A hook that times out still fails open (the
 *    timeout is set to 30 s); a PostToolUse failure cannot un-show the output.
 *  - Cursor: the same wrapper, and `failClosed: true` on every entry.
 *  - Codex: the same wrapper (exit 2 blocks there too); our answers hold only documented
 *    fields. A timeout fails open.
 */

export const MARK = '# agent-vault-guard';

interface ClientLayout {
  file: string;
  /** event -> matcher (undefined: the event takes none). */
  events: Record<string, string | undefined>;
}

export const LAYOUT: Record<Client, ClientLayout> = {
  claude: {
    file: '.claude/settings.json',
    // SessionStart: the consume gate (src/registry/consume.ts) verifies skills before they load.
    events: { PreToolUse: 'Bash|Read|Grep|NotebookRead|Edit|MultiEdit|Write|NotebookEdit', PostToolUse: '*', UserPromptSubmit: undefined, SessionStart: undefined },
  },
  cursor: { file: '.cursor/hooks.json', events: { beforeShellExecution: undefined, beforeReadFile: undefined, beforeSubmitPrompt: undefined } },
  codex: { file: '.codex/hooks.json', events: { PreToolUse: 'Bash|apply_patch', PostToolUse: 'Bash', UserPromptSubmit: undefined } },
};

export interface HookInstallReport {
  client: Client;
  file: string;
  events: string[];
}

/** The command a client runs: `invocation guard --client C`, any failure turned into exit 2. */
export function hookCommand(invocation: string[], client: Client): string {
  const run = [...invocation, 'guard', '--client', client].map(shQuote).join(' ');
  return `${run} || { echo ${shQuote(GUARD_MSG.failed)} >&2; exit 2; } ${MARK}`;
}

type Json = Record<string, unknown>;

function readSettings(path: string): Json {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  } catch {
    /* reported below */
  }
  throw usageError(`${path} is not a JSON object`, 'Fix or move the file, then run agent-vault agent-hooks install again. Nothing was changed.');
}

const isOurs = (h: unknown) => typeof (h as Json | undefined)?.command === 'string' && ((h as Json).command as string).includes(MARK);

/** Remove our entries from one event's list (both shapes: Claude/Codex groups, Cursor flat entries). */
function withoutOurs(list: unknown[], client: Client): unknown[] {
  const out: unknown[] = [];
  for (const item of list) {
    if (client === 'cursor') {
      if (!isOurs(item)) out.push(item);
      continue;
    }
    const group = item as Json;
    if (!Array.isArray(group?.hooks)) {
      out.push(item);
      continue;
    }
    const kept = (group.hooks as unknown[]).filter((h) => !isOurs(h));
    if (kept.length === group.hooks.length) out.push(item);
    else if (kept.length) out.push({ ...group, hooks: kept });
  }
  return out;
}

export function installHooks(root: string, client: Client, invocation: string[]): HookInstallReport {
  const layout = LAYOUT[client];
  const path = join(root, layout.file);
  const settings = readSettings(path);
  const hooks = (settings.hooks && typeof settings.hooks === 'object' && !Array.isArray(settings.hooks) ? settings.hooks : {}) as Json;
  const command = hookCommand(invocation, client);
  for (const [event, matcher] of Object.entries(layout.events)) {
    const list = withoutOurs(Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [], client);
    if (client === 'cursor') list.push({ command, failClosed: true, timeout: 30 });
    else list.push({ ...(matcher !== undefined ? { matcher } : {}), hooks: [{ type: 'command', command, timeout: 30 }] });
    hooks[event] = list;
  }
  const next: Json = { ...(client === 'cursor' ? { version: 1 } : {}), ...settings, hooks };
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicSync(path, JSON.stringify(next, null, 2) + '\n', 0o644);
  return { client, file: path, events: Object.keys(layout.events) };
}

export function uninstallHooks(root: string, client: Client): HookInstallReport {
  const layout = LAYOUT[client];
  const path = join(root, layout.file);
  if (!existsSync(path)) return { client, file: path, events: [] };
  const settings = readSettings(path);
  const hooks = (settings.hooks && typeof settings.hooks === 'object' ? settings.hooks : {}) as Json;
  const removed: string[] = [];
  for (const [event, list] of Object.entries(hooks)) {
    if (!Array.isArray(list)) continue;
    const kept = withoutOurs(list, client);
    if (JSON.stringify(kept) === JSON.stringify(list)) continue;
    removed.push(event);
    if (kept.length) hooks[event] = kept;
    else delete hooks[event];
  }
  if (!removed.length) return { client, file: path, events: [] };
  const next: Json = { ...settings, hooks };
  if (!Object.keys(hooks).length) delete next.hooks;
  // A file that held only our hooks (and Cursor's version line) goes with them.
  const rest = Object.keys(next).filter((k) => !(client === 'cursor' && k === 'version'));
  if (!rest.length) rmSync(path);
  else writeFileAtomicSync(path, JSON.stringify(next, null, 2) + '\n', 0o644);
  return { client, file: path, events: removed };
}

export interface HookStatus {
  client: Client;
  file: string;
  /** Events that carry our hook. */
  installed: string[];
  missing: string[];
  /** The installed commands (for doctor to run). */
  commands: string[];
}

export function hookStatus(root: string, client: Client): HookStatus {
  const layout = LAYOUT[client];
  const path = join(root, layout.file);
  let settings: Json = {};
  try {
    settings = readSettings(path);
  } catch {
    settings = {};
  }
  const hooks = (settings.hooks ?? {}) as Json;
  const installed: string[] = [];
  const commands = new Set<string>();
  for (const event of Object.keys(layout.events)) {
    const list = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const ours = client === 'cursor' ? list.filter(isOurs) : list.flatMap((g) => (Array.isArray((g as Json)?.hooks) ? ((g as Json).hooks as unknown[]) : [])).filter(isOurs);
    if (ours.length) {
      installed.push(event);
      for (const h of ours) commands.add((h as Json).command as string);
    }
  }
  return { client, file: path, installed, missing: Object.keys(layout.events).filter((e) => !installed.includes(e)), commands: [...commands] };
}
