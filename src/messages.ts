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
