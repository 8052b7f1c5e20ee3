import { AgentVaultError } from './errors.js';

/**
 * Every user-facing sentence that tells a person (or an agent) what to do lives here, so
 * the wording stays consistent and testable. None of these ever receives a secret value.
 */
export const MSG = {
  scanHintFinding: (ruleId: string) =>
    ruleId.startsWith('generic')
      ? 'move the value into the vault (agent-vault set KEY) and reference <agent-vault:KEY>, or suppress a false positive with an agent-vault:allow comment'
      : 'revoke and rotate this credential, then store the new one with agent-vault set KEY',
  scanSummary: (findings: number, files: number, skipped: number) =>
    `${findings === 0 ? 'no secrets found' : `${findings} finding${findings === 1 ? '' : 's'}`} in ${files} file${files === 1 ? '' : 's'} scanned${skipped ? `, ${skipped} skipped` : ''}`,
  notAGitRepo: (cwd: string) => `not inside a git repository: ${cwd}`,
  notAGitRepoHint: 'Run this in a git repository, or scan paths without --staged/--range/--history.',

  // GitHub Action (action/): what a CI user must do when the gate stops a pull request.
  actionShallowClone: (missing: string[]) =>
    `the commits to check are not in this clone, which is shallow${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`,
  actionShallowCloneHint: 'Check out the whole history: give actions/checkout `with: fetch-depth: 0`.',
  actionConfigInputHint: 'Check the config input of the action: a path relative to the workspace, in the checked-out repository.',
  actionCommitMissing: (rev: string) => `commit ${rev} is not in this clone`,
  actionCommitMissingHint: 'Check out the whole history (actions/checkout with `fetch-depth: 0`), or fix the base/head inputs.',
  actionProtectedUnfiltered: (value: string) =>
    `protected path is not mapped to the agent-vault filter (filter: ${value}), so raw values in it would be committed`,
  actionProtectedUnfilteredHint: (path: string) =>
    `Add "${path} filter=agent-vault" (or a glob covering it) to .gitattributes; agent-vault install writes these lines.`,
  actionUnvaultedCommitted: 'an unvaulted suspect marker was committed to a protected path: its value is not in the vault',
  actionUnvaultedCommittedHint: 'Store the value with agent-vault set KEY and replace the marker with <agent-vault:KEY>.',
  actionSkillUnsigned: (folder: string) => `skill ${folder || '.'} is not signed (no SKILL.sig) and the configuration requires signatures`,
  actionSkillUnsignedHint: (folder: string) => `Sign it with agent-vault skill sign ${folder || '.'} and commit SKILL.sig.`,
  actionVerdict: (failing: number, total: number) =>
    total === 0 ? 'agent-vault: no findings' : `agent-vault: ${total} finding${total === 1 ? '' : 's'}${failing ? `, ${failing} at or above the fail-on severity` : ', none at or above the fail-on severity'}`,
  needsTerminal: (command: string) => `${command} is a sensitive command and needs an interactive terminal`,
  needsTerminalHint: 'Run it yourself in a terminal. Agents and scripts cannot run it (see "Verified skills" in the README).',
  skillResign: (path: string) => `re-sign it before it verifies: agent-vault skill sign ${path} --kid KEY`,
} as const;

export function formatError(error: unknown): string {
  if (error instanceof AgentVaultError) {
    return `✗ Error: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`;
  }
  const e = error as Error;
  return `✗ Internal error: ${e?.message ?? String(error)}\n  This is a bug in agent-vault; please report it with the command you ran.\n`;
}
