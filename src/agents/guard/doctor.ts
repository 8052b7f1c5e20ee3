import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { DoctorItem } from '../../vault/doctor.js';
import { CLIENTS, type Client } from './hook.js';
import { hookStatus } from './install.js';

/**
 * `agent-vault doctor`, for the guard hooks installed in this project: each installed hook
 * command runs once, as its client runs it (sh -c, the event JSON on stdin), with a read of a
 * file in the vault home; a hook that does not answer with a block would let the tool run.
 */

function sample(client: Client, cwd: string, home: string): { input: string; blocked: (stdout: string, status: number | null) => boolean } {
  const command = `cat ${join(home, 'vault.json')}`;
  if (client === 'cursor') {
    return {
      input: JSON.stringify({ hook_event_name: 'beforeShellExecution', conversation_id: 'doctor', generation_id: 'doctor', workspace_roots: [cwd], command, cwd }),
      blocked: (stdout) => /"permission"\s*:\s*"deny"/.test(stdout),
    };
  }
  return {
    input: JSON.stringify({ session_id: 'doctor', transcript_path: '', cwd, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } }),
    blocked: (stdout, status) => status === 2 || /"permissionDecision"\s*:\s*"deny"/.test(stdout),
  };
}

export function guardDoctor(root: string, home: string, env: NodeJS.ProcessEnv): DoctorItem[] {
  const items: DoctorItem[] = [];
  for (const client of CLIENTS) {
    const status = hookStatus(root, client);
    if (!status.installed.length) continue;
    if (status.missing.length) items.push({ ok: false, what: `${client} guard hooks`, detail: `missing on ${status.missing.join(', ')} in ${status.file}`, fix: `agent-vault agent-hooks install --${client}` });
    const { input, blocked } = sample(client, root, home);
    for (const command of status.commands) {
      const r = spawnSync('sh', ['-c', command], { cwd: root, env, input, timeout: 30_000 });
      const ok = blocked(r.stdout?.toString('utf8') ?? '', r.status);
      items.push(
        ok
          ? { ok: true, what: `${client} guard hook`, detail: `blocks a read of the vault home (${status.file})` }
          : { ok: false, what: `${client} guard hook`, detail: `would fail open: it did not block a read of the vault home (exit ${r.status ?? r.signal})`, fix: `agent-vault agent-hooks install --${client}` },
      );
    }
  }
  return items;
}
