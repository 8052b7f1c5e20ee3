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
  // Vault commands (read, write, has, list, init, set, get, rm, import).
  vaultNeedsTerminal: (command: string) => `agent-vault ${command.split(' ')[0]} needs an interactive terminal; it refuses to run without one`,
  vaultNeedsTerminalHint: (commandLine: string) =>
    `This command handles secret values and is for people only. Ask the user to run it in their own terminal: agent-vault ${commandLine}`,
  revealNeedsTerminal: '--reveal requires an interactive terminal (TTY) on standard output',
  revealNeedsTerminalHint: 'The value is printed only to a terminal, never into a pipe or file. Run it in your own terminal without redirecting.',
  secretNotFound: (keys: string[]) =>
    keys.length === 1 ? `Secret "${keys[0]}" not found in vault` : `Secrets ${keys.map((k) => `"${k}"`).join(', ')} not found in vault`,
  secretNotFoundHint: (keys: string[]) =>
    `To add ${keys.length === 1 ? 'it' : 'them'}, the user should run: ${keys.map((k) => `agent-vault set ${k}`).join('; ')}`,
  unresolvedMarker: (hashes: string[], file: string) =>
    `${hashes.length === 1 ? 'UNVAULTED marker' : 'UNVAULTED markers'} ${hashes.map((h) => `sha256:${h}`).join(', ')} ${hashes.length === 1 ? 'matches' : 'match'} no unvaulted value in ${file} as it is now`,
  unresolvedMarkerHint: (file: string) =>
    `Nothing was written. An UNVAULTED marker can only be written back to the file it was read from, unchanged; read it again (agent-vault read ${file}), or ask the user to vault the value (agent-vault set KEY) and use <agent-vault:KEY>.`,
  written: (file: string, restored: number) => `✓ Written ${file} (${restored} ${restored === 1 ? 'secret' : 'secrets'} restored)`,
  unvaultedNote: (count: number) =>
    `note: ${count} unvaulted ${count === 1 ? 'secret is' : 'secrets are'} hidden as <agent-vault:UNVAULTED:sha256:...>; ask the user to vault ${count === 1 ? 'it' : 'them'} (agent-vault set KEY, or agent-vault import FILE for a .env file). Keep the markers as they are when you write the file back.`,
  valueTooShort: (key: string, min: number) => `the value for "${key}" is shorter than ${min} bytes; agent-vault does not vault values that short`,
  valueTooShortHint: 'Short values are too common to redact reliably (they would hide ordinary text); keep such a setting in the file itself.',
  invalidKey: (key: string) => `"${key}" is not a valid key name`,
  invalidKeyHint: 'Key names are lower-case letters, digits and hyphens, starting and ending with a letter or digit, e.g. telegram-bot-token.',
  // Skill commands (keygen, sign, revoke, purge are sensitive; quarantine clear needs a re-sign).
  skillNeedsTerminal: (command: string) => `${command} is a sensitive command and needs an interactive terminal`,
  skillNeedsTerminalHint: 'Run it yourself in a terminal. Agents and scripts cannot run it (see "Verified skills" in the README).',

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
  skillResign: (path: string) => `re-sign it before it verifies: agent-vault skill sign ${path} --kid KEY`,
} as const;

export function formatError(error: unknown): string {
  if (error instanceof AgentVaultError) {
    return `✗ Error: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`;
  }
  const e = error as Error;
  return `✗ Internal error: ${e?.message ?? String(error)}\n  This is a bug in agent-vault; please report it with the command you ran.\n`;
}
