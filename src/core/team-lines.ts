/**
 * The team vault's two files (team/format.ts writes and parses them) hold ciphertext and
 * public keys on lines of fixed shapes: the value lines are AES-GCM under the data key, the
 * wraps age files, the member lines public keys. The scanner must not report those tokens as
 * secrets. Only whole lines of exactly these shapes count, so a secret pasted into the file on a
 * line of any other shape is still reported. Pure: shared by the scanner and the team format.
 */
export const TEAM_FILE = '.agent-vault/team.vault';
export const RECIPIENTS_FILE = '.agent-vault/recipients';

const TEAM_LINE = /^(?:value [A-Za-z0-9][A-Za-z0-9_.-]* [A-Za-z0-9+/]+={0,2}(?: \[.*\])?|wrap [a-z0-9][a-z0-9._-]* [A-Za-z0-9+/]+={0,2}|(?:member )?[a-z0-9][a-z0-9._-]* age1[02-9ac-hj-np-z]{58} [A-Za-z0-9_-]{43}|signature [A-Za-z0-9+/]+={0,2}|(?:team|data-key|signed-by) [A-Za-z0-9_.-]+)\r?$/;

/** Whether `path` (repository-relative, POSIX) is one of the team vault's two files. */
export function isTeamFilePath(path: string): boolean {
  return path === TEAM_FILE || path === RECIPIENTS_FILE || path.endsWith('/' + TEAM_FILE) || path.endsWith('/' + RECIPIENTS_FILE);
}

/** Whether one line of a team vault file is of a shape that holds only ciphertext and public keys. */
export function isTeamCiphertextLine(line: string): boolean {
  return TEAM_LINE.test(line);
}
