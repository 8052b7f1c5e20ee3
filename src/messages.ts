import { AgentVaultError } from './errors.js';

/**
 * Every user-facing sentence that tells a person (or an agent) what to do lives here, so
 * the wording stays consistent and testable. None of these ever receives a secret value.
 */
export const MSG = {
  readBinaryRefused: (file: string) => `${file} has NUL bytes (binary or UTF-16 text); read shows text files only`,
  readBinaryHint: 'Ask the user to convert it to UTF-8 text, or to inspect it themselves.',
  scanHintFinding: (ruleId: string) =>
    ruleId.startsWith('generic')
      ? 'move the value into the vault (agent-vault set KEY) and reference <agent-vault:KEY>, or suppress a false positive with an agent-vault:allow comment'
      : 'revoke and rotate this credential, then store the new one with agent-vault set KEY',
  scanSummary: (findings: number, files: number, skipped: number) =>
    `${findings === 0 ? 'no secrets found' : `${findings} finding${findings === 1 ? '' : 's'}`} in ${files} file${files === 1 ? '' : 's'} scanned${skipped ? `, ${skipped} skipped` : ''}`,
  pathNotFound: (path: string) => `${path}: no such file or folder`,
  pathNotFoundHint: 'Check the path (a typo would otherwise pass as a clean scan).',
  outputFolderMissing: (option: string, path: string, folder: string) => `${option} ${path}: the folder ${folder} does not exist`,
  outputFolderMissingHint: 'Create the folder first, or write the file somewhere that exists.',
  outputNotWritable: (option: string, path: string, code: string) => `${option} ${path}: cannot write (${code})`,
  outputNotWritableHint: 'Choose a file in a folder you can write to.',
  scanUnread: (path: string, why: string) => `error: cannot read ${path} (${why}); it was not scanned`,
  notAGitRepo: (cwd: string) => `not inside a git repository: ${cwd}`,
  notAGitRepoHint: 'Run this in a git repository, or scan paths without --staged/--range/--history.',
  keySourcesNote: (keys: string[]) => `note: placeholders from outside the local vault: ${keys.join(', ')}`,
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
  markerContext: (file: string, line: number) =>
    `refusing to write ${file}: a restored value would be readable at line ${line}, because its new surroundings no longer hide it`,
  markerContextHint: (file: string) =>
    `Nothing was written. Keep each <agent-vault:...> placeholder and UNVAULTED marker in the surroundings read showed it in (read ${file} again to see them); to use a value somewhere new, ask the user to vault it (agent-vault set KEY) and write <agent-vault:KEY>.`,
  // The agent boundary (issue 10): paths into the vault home, where writes may go, key bindings.
  pathInVaultHome: (file: string, root: string) =>
    `${file} is inside the vault home ${root} (or is one of its files under another name): agent-vault never reads, writes or scans the vault's own files`,
  pathInVaultHomeHint: 'Nothing was read or written. The vault, its key and its state are only reached through agent-vault commands; choose a file in the repository.',
  notRegularFile: (file: string, kind: string) => `${file} is ${kind}, not a regular file`,
  notRegularFileHint: 'agent-vault reads and writes regular files only. Nothing was read or written.',
  writeOutsideRepo: (file: string, where: string) => `${file} is outside ${where}; write only writes there`,
  writeOutsideRepoHint: (file: string) =>
    `Nothing was written. Write a file inside the repository (or, outside git, inside the current folder). To write elsewhere on purpose, the user can run in their own terminal: agent-vault write ${shellWord(file)} --outside-repo`,
  keyNotBound: (keys: string[], path: string) =>
    `${keys.length === 1 ? `the value of "${keys[0]}" is` : `the values of ${keys.map((k) => `"${k}"`).join(', ')} are`} not allowed in ${path}: ${keys.length === 1 ? 'the key is' : 'the keys are'} not bound to that file`,
  keyNotBoundHint: (keys: string[], path: string | undefined) =>
    `Nothing was written. A value is only written to files a person bound its key to.${path ? ` If this file should hold ${keys.length === 1 ? 'it' : 'them'}, ask the user to run in their own terminal: ${keys.map((k) => `agent-vault bind ${k} ${shellWord(path)}`).join('; ')}` : ''}`,
  keyNotAllowedForCommand: (key: string, line: string) => `the value of "${key}" is not allowed for the command ${line}: no command binding of the key matches it`,
  keyNotAllowedForCommandHint: (key: string, line: string) =>
    `Nothing was started. A value goes only to commands a person allowed for its key. If this command should get it, ask the user to run in their own terminal: agent-vault bind ${key} --command ${shellWord(line)} (a * matches anything, e.g. 'npm run migrate*')`,
  runValueTooShort: (key: string) => `the value of "${key}" is shorter than 8 bytes: run does not inject it, because its output could not be redacted reliably`,
  runValueTooShortHint: 'Nothing was started. Store a longer value (agent-vault set KEY, in your terminal).',
  runValueBinary: (key: string) => `the value of "${key}" holds a NUL byte and cannot be put in an environment variable`,
  runValueBinaryHint: 'Nothing was started. Pass it through a file the command reads instead (agent-vault write with a bound file).',
  runNoPty: 'note: util-linux script is not available, so the command gets pipes instead of a terminal (colours and prompts may differ)',
  runCannotStart: (cmd: string, code: string) => `cannot start ${cmd}: ${code === 'ENOENT' ? 'command not found' : code === 'EACCES' ? 'permission denied' : code}`,
  runCannotStartHint: 'Check the command name and the folder it runs in.',
  // Approvals (issue 13): a use outside the bindings waits for a person.
  approvalPending: (id: string, keys: string[], path: string) =>
    `pending ${id}: ${MSG.keyNotBound(keys, path)}; a person's approval was requested`,
  approvalPendingHint: (id: string, keys: string[], path: string) =>
    `Nothing was written. Ask the user to approve it in their own terminal: agent-vault approve ${id} (or deny it: agent-vault deny ${id}); then run this write again. Check it with: agent-vault request status ${id}. To allow this file for good, the user can run: ${keys.map((k) => `agent-vault bind ${k} ${shellWord(path)}`).join('; ')}`,
  approvalDenied: (id: string, keys: string[], path: string) => `request ${id} was denied: ${keys.map((k) => `"${k}"`).join(', ')} may not be written to ${path}`,
  approvalDeniedHint: 'Nothing was written. A person denied this use; do not retry it without asking them.',
  keyInternal: (keys: string[]) =>
    `${keys.map((k) => `"${k}"`).join(', ')} ${keys.length === 1 ? 'is a key' : 'are keys'} agent-vault uses itself (skill signing) and never writes anywhere`,
  keyInternalHint: 'Nothing was written. Internal keys are used by agent-vault commands (skill sign), never materialised in files or output.',
  unboundNote: (key: string) =>
    `note: "${key}" is bound to no file yet, so write and checkouts leave its placeholder as it is. Allow it where it belongs: agent-vault bind ${key} FILE (or agent-vault bind --from-repo in a repository whose protected files use it)`,
  bindNeedsPerson: 'bindings and internal keys are set by a person at a terminal, not by a script',
  bindNeedsPersonHint: 'Nothing was changed. Ask the user to run the command (agent-vault set KEY --path GLOB, or agent-vault bind KEY GLOB) in their own terminal.',
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
  // The gate (pre-commit, pre-push and the Action): one wording for each problem, wherever it is found.
  protectedUnfiltered: (value: string) =>
    `protected path is not mapped to the agent-vault filter (filter: ${value}), so raw values in it would be committed`,
  protectedUnfilteredFix: (path: string) =>
    `restore the filter=agent-vault line in .gitattributes ("${path} filter=agent-vault", or a glob covering it; agent-vault install writes it), then commit .gitattributes`,
  unvaultedCommitted: 'an unvaulted suspect marker was committed to a protected path: its value is not in the vault',
  unvaultedCommittedFix: 'store the value with agent-vault set KEY and replace the marker with <agent-vault:KEY>',
  vaultedValueCommitted: (key: string, encoding: string) =>
    `the value of <agent-vault:${key}> is in the content${encoding === 'raw' ? '' : ` (${encoding}-encoded)`}`,
  skillUnsigned: (folder: string) => `skill ${folder || '.'} is not signed (no SKILL.sig) and the configuration requires signatures`,
  /** How to fix a skill-gate failure, for the hooks and the Action alike (signing needs a terminal, so a person does it). */
  skillFix: (code: string, folder: string) => {
    const dir = folder || '.';
    const sign = `agent-vault skill sign ${dir} --kid KEY in a terminal, then commit ${dir === '.' ? '' : `${dir}/`}SKILL.sig`;
    if (code === 'SKILL_UNSIGNED') return `sign it: ${sign}`;
    if (code === 'SKILL_HASH_MISMATCH') return `the skill changed after it was signed; re-sign it: ${sign}`;
    if (code === 'SKILL_SCAN_FAILED') return `fix the findings (agent-vault skill scan ${dir} lists them), or record an accepted one under skills.suppressions with a reason`;
    return `run agent-vault skill verify ${dir} for the details of ${code}`;
  },
  actionPolicyLoosened: (change: string) =>
    `policy-loosened: ${change}. The base commit's policy decided this run; a loosening takes effect once it is merged on its own.`,
  actionVerdict: (failing: number, total: number, below: number, failOn: string) =>
    total === 0
      ? 'agent-vault: no findings'
      : `agent-vault: ${total} finding${total === 1 ? '' : 's'}${failing ? `, ${failing} at or above the fail-on severity (${failOn})` : ''}${below ? `, ${below} finding${below === 1 ? '' : 's'} below the fail-on severity (${failOn}), not blocking` : ''}`,
  skillResign: (path: string) => `re-sign it before it verifies: agent-vault skill sign ${path} --kid KEY`,
} as const;

/** A string as one POSIX shell word, always single-quoted. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A path or glob as one shell word for a command we show: quoted only when it needs to be. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_\/.,:@%+=-]+$/.test(s) ? s : shQuote(s);
}

/**
 * The message of an error we did not write (a parser's, a library's), made safe to print:
 * V8's JSON.parse, for one, quotes a slice of its input ("... is not valid JSON"), and that
 * input may hold a secret. Quoted runs are elided; the rest of the sentence stays useful.
 */
export function foreignErrorDetail(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  // Everything from the first quote on goes: quotes can be unbalanced when the input itself
  // holds a quote or a line break, so eliding only "balanced" runs is not enough.
  const line = raw.split('\n')[0]!;
  const quote = line.search(/["'`]/);
  return (quote < 0 ? line : `${line.slice(0, quote).trimEnd()} …`).slice(0, 300);
}

export function formatError(error: unknown): string {
  if (error instanceof AgentVaultError) {
    return `✗ Error: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`;
  }
  return `✗ Internal error: ${foreignErrorDetail(error)}\n  This is a bug in agent-vault; please report it with the command you ran.\n`;
}

/** Wording of the git gate: filter, hooks, install and status. Never given a secret value. */
/** Findings a gate reports that do not block: counted, so a pass never reads as "no secrets". */
const belowPolicy = (below: number, failOn: string) => `${below} finding${below === 1 ? '' : 's'} below policy.block (${failOn}), not blocking`;

export const GIT_MSG = {
  filterVaultUnavailable: (reason: string) =>
    `agent-vault: vault unavailable (${reason}); checked-out files keep their <agent-vault:KEY> placeholders. Run agent-vault install after setting up the vault to restore values.`,
  cleanRefusedWithoutVault: (path: string, count: number, line: string, rule: string, masked: string) =>
    `${path}:${line}: ${rule} ${masked}: ${count} suspected secret${count === 1 ? '' : 's'} and no vault to replace ${count === 1 ? 'it' : 'them'} with placeholders; refusing to stage raw bytes. Store the value with agent-vault set KEY (or make the vault available) and run git add again.`,
  smudgeUnbound: (key: string, path: string) =>
    `agent-vault: <agent-vault:${key}> left as a placeholder in ${path}: the key is not bound to that file. If it should hold the value, run in your own terminal: agent-vault bind ${key} ${shellWord(path)} (or agent-vault bind --from-repo in this repository)`,
  unboundHere: (keys: string[]) =>
    `${keys.join(', ')} ${keys.length === 1 ? 'is' : 'are'} used in protected files here but not bound to them, so checkouts leave ${keys.length === 1 ? 'its placeholder' : 'their placeholders'}. To allow them, run in your own terminal: agent-vault bind --from-repo && agent-vault install`,
  smudgeNoPath: (key: string) =>
    `agent-vault: <agent-vault:${key}> left as a placeholder: without the path of the file being checked out, no binding can allow its value. Pass the path (agent-vault smudge PATH), as git does with %f.`,
  smudgeInternal: (key: string) => `agent-vault: <agent-vault:${key}> left as a placeholder: it is a key agent-vault uses itself and never writes to a file.`,
  filterPathInVaultHome: (path: string) => `${path} lies in the vault home; agent-vault does not filter the vault's own files`,
  smudgeUnknownKey: (key: string) =>
    `agent-vault: no value for <agent-vault:${key}> in the vault; left as a placeholder. Store it with: agent-vault set ${key}`,
  skipAnnounced: (hook: string) =>
    `agent-vault: AGENT_VAULT_SKIP=1 is set: the ${hook} secret gate was NOT run. Unset it to check this ${hook === 'pre-push' ? 'push' : 'commit'}.`,
  fixVaultedValue: (key: string, path: string, isProtected: boolean) =>
    isProtected
      ? `the index holds the raw value (staged before the filter applied, or with the filter off): stage it through the filter with git add --renormalize -- ${path} (agent-vault status checks the filter)`
      : `replace the value with <agent-vault:${key}>, or add ${path} to protected: in .agent-vault.yaml and run agent-vault install; then git add ${path}`,
  fixUnvaultedInProtected: (path: string) =>
    `store the value with agent-vault set KEY, write <agent-vault:KEY> in its place, then git add ${path}`,
  fixFinding: (path: string) =>
    `remove the secret (store it with agent-vault set KEY and reference <agent-vault:KEY>), or mark a false positive with an agent-vault:allow comment; then git add ${path}`,
  gateBlocked: (hook: string, count: number) => `agent-vault ${hook}: blocked, ${count} problem${count === 1 ? '' : 's'}:`,
  gateBlockedHint: 'Fix them, or if you are certain, bypass once with AGENT_VAULT_SKIP=1 (announced).',
  gateFailedClosed: (hook: string, reason: string) =>
    `agent-vault ${hook}: blocked because the check could not run: ${reason}`,
  gateFailedClosedHint: 'Fix the cause above, or bypass once with AGENT_VAULT_SKIP=1 (announced).',
  gatePassed: (hook: string, files: number, below: number, failOn: string) =>
    `agent-vault ${hook}: ${files} file${files === 1 ? '' : 's'} checked, ${below ? `${belowPolicy(below, failOn)}:` : 'no secrets.'}`,
  belowPolicy,
  policyLoosened: (change: string, base: string) =>
    `warning: policy-loosened: ${change} (compared with ${base.slice(0, 12)}, which the remote has; its policy decides until the change is on the remote by itself)`,
  recordedVaultMissing: (home: string, id: string, here: string) =>
    `this repository was installed with the vault at ${home} (${id}), and there is no vault at ${here}: without it raw vaulted values would be committed unrecognised`,
  recordedVaultOther: (home: string, id: string, here: string, other: string) =>
    `this repository was installed with the vault at ${home} (${id}); the vault at ${here} is another one (${other}), whose values are not this repository's`,
  recordedVaultHint: (home: string) =>
    `Point AGENT_VAULT_HOME at ${home} (or restore that vault), or, if this vault is meant to replace it, run agent-vault install again here to record it; agent-vault uninstall removes the gate.`,
  noVaultForGate: 'agent-vault: no vault here, so raw vaulted values cannot be checked; the scanner still ran.',
  hooksPathOutsideRepo: (path: string) =>
    `core.hooksPath is ${path}, outside this repository: installing there would change the hooks of every repository that uses it.`,
  hooksPathOutsideRepoHint:
    'Call `agent-vault hook pre-commit` and `agent-vault hook pre-push` from that hook folder yourself (see the README, "Git gate"), or pass --hooks-path to install there deliberately.',
  dirtyProtectedSkipped: (paths: string[]) =>
    `not re-checked-out because they have uncommitted changes (nothing was touched): ${paths.join(', ')}. Commit or stash them, then run agent-vault install again.`,
  notInstalledHint: 'Run agent-vault install in this repository.',
  stagedRawRemain: (paths: string[]) =>
    `these protected files were staged before the filter was installed and have further unstaged changes, so their staged raw bytes were left as they are: ${paths.join(', ')}. Run: git add --renormalize -- ${paths.join(' ')} (it stages the working files through the filter).`,
  dirtyValuesRemain: (paths: string[]) =>
    `these protected files have uncommitted changes and still hold real values (left untouched): ${paths.join(', ')}. Without the filter git would stage those values; replace them with <agent-vault:KEY> placeholders or restore the files with git checkout -- <path>.`,
} as const;

/** Wording of the locked vault: passphrase, TOTP, the session agent. Never given a secret value. */
export const LOCK_MSG = {
  unlockHint: 'Ask the user to run in their own terminal: agent-vault unlock',
  notPassphraseVault: (home: string) => `the vault at ${home} has no passphrase to unlock (its key is the file vault.key)`,
  notPassphraseVaultHint: 'To protect it with a passphrase, run in your terminal: agent-vault key migrate --to passphrase',
  unlocked: (idle: string, max: string) => `✓ Unlocked. The session locks after ${idle} without use, and after ${max} at most (agent-vault lock locks it now).`,
  alreadyUnlocked: (idle: string, max: string) => `Already unlocked (locks after ${idle} without use, ${max} at most); nothing changed. To start over: agent-vault lock, then agent-vault unlock.`,
  locked: '✓ Locked: the session agent has zeroed the key and exited.',
  alreadyLocked: 'Already locked; nothing to do.',
  weakPassphrase: (n: number, min: number) => `⚠ This passphrase has ${n} characters. Under ${min}, it can be guessed offline by anyone who copies the vault files.`,
  passphrasesDiffer: 'the two passphrases differ',
  passphraseEmpty: 'an empty passphrase protects nothing',
  nothingChanged: 'Nothing was changed.',
  totpNeedsPassphrase: 'a TOTP second factor needs a passphrase vault',
  totpAlreadyOn: 'TOTP is already on for this vault',
  totpAlreadyOnHint: 'To set it up again (a new phone), run agent-vault totp disable, then agent-vault totp enable.',
  totpNotOn: 'TOTP is not on for this vault; nothing to disable',
  totpScan: 'Scan this QR code with your authenticator app (or type the secret below into it):',
  totpCodeWrong: 'that code does not match; TOTP was not turned on',
  totpCodeWrongHint: "Check the phone's clock and that the app shows agent-vault's entry, then run agent-vault totp enable again.",
  totpEnabled: '✓ TOTP is on: agent-vault unlock now asks for the passphrase and the current code.',
  totpDisabled: '✓ TOTP is off: agent-vault unlock asks for the passphrase only.',
  migrated: (to: string, keys: number) =>
    `✓ Migrated to ${to === 'passphrase' ? 'a passphrase' : 'the key file'}: ${keys} key${keys === 1 ? '' : 's'} re-encrypted under a new master key; the old key material is destroyed.`,
  migratedNext: (to: string) => (to === 'passphrase' ? 'Run agent-vault unlock to use the vault.' : 'Back up vault.key: without it the vault cannot be opened.'),
  sessionNeedsPassphraseFor: (what: string) => `${what} needs the passphrase again, even while the vault is unlocked`,
  vaultLockedSmudge: 'agent-vault: vault locked: checked-out files keep their <agent-vault:KEY> placeholders. Run agent-vault unlock, then git checkout -- <files> (or agent-vault install) to restore the values.',
  vaultLockedClean: (path: string) =>
    `${path}: vault locked: agent-vault cannot tell which values in it are vaulted, so it refuses to stage it. Run agent-vault unlock in your terminal, then git add again.`,
} as const;

/** The guard hooks' reasons (issue 14): shown to the agent (and the person) when a tool call is refused. */
export const GUARD_MSG = {
  vaultHome:
    'agent-vault guard: this touches the vault home, whose files are never read, copied or changed by an agent. Use agent-vault commands instead: agent-vault list (names), agent-vault read FILE (a file with values hidden), agent-vault run --key KEY -- COMMAND (a command that needs a value).',
  rawRead: (file: string) =>
    `agent-vault guard: ${file} holds secret values (a protected or bound file), so it is not read raw. Read it with: agent-vault read ${shellWord(file)} (or the MCP tool read_file), which shows each value as <agent-vault:KEY>; to run something that needs a value: agent-vault run --key KEY -- COMMAND.`,
  rawEdit: (file: string) =>
    `agent-vault guard: ${file} holds secret values, so it is not edited with this tool (the edit would echo or overwrite them). Read it with agent-vault read ${shellWord(file)} and write it back with agent-vault write ${shellWord(file)} (placeholders become the values on disk).`,
  settings: (file: string) =>
    `agent-vault guard: ${file} holds the agent hooks that keep secrets out of this session; an agent does not change them. If they must change, ask the user to run in their own terminal: agent-vault agent-hooks install (or uninstall).`,
  gitSmudge: 'agent-vault guard: git archive and git cat-file --filters/--textconv print files with their secret values restored. Use git show (placeholders) or agent-vault read FILE.',
  prompt: (what: string) =>
    `agent-vault: this prompt holds a secret (${what}) and was not sent. Store it in your terminal with: agent-vault set KEY, then refer to it as <agent-vault:KEY>; never paste a secret into the chat.`,
  outputWithheld: 'agent-vault guard: the output of this tool held secret values and was replaced; run the command through agent-vault run -- COMMAND, or read files with agent-vault read FILE, to see it with placeholders.',
  failed: 'agent-vault guard could not judge this call, so it is blocked to stay safe. Ask the user to run: agent-vault doctor',
};

/** Approvals and the audit log (issue 13). Requests hold names and an agent's words: shown escaped, never a value. */
export const APPROVAL_MSG = {
  describe: (r: { id: string; keys: string[]; op: string; destination: string; repo?: string; reason: string; created: string; expires: string }) =>
    [
      `  request      ${r.id}`,
      `  keys         ${r.keys.join(', ')}`,
      `  operation    ${r.op}`,
      `  destination  ${JSON.stringify(r.destination).slice(1, -1)}`,
      `  repository   ${r.repo ? JSON.stringify(r.repo).slice(1, -1) : '(none)'}`,
      `  reason       ${r.reason ? JSON.stringify(r.reason) : '(none given)'}`,
      `  created      ${r.created}, expires ${r.expires}`,
    ].join('\n') + '\n',
  auditValid: (r: { entries: number; anchor?: { seq: number }; anchorChecked: boolean; checkpoints: number; signedThrough: number; signaturesChecked: boolean }) =>
    `audit log valid: ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'}, chain intact` +
    (r.anchorChecked ? (r.anchor?.seq ? `, checkpoint at entry ${r.anchor.seq} matches the vault` : ', no checkpoint recorded yet') : ' (the vault is locked: checkpoint not checked; unlock and run again)') +
    (r.checkpoints
      ? `; ${r.checkpoints} signed checkpoint${r.checkpoints === 1 ? '' : 's'} ${r.signaturesChecked ? 'verified' : 'present (signatures not checked: unlock, or pass --public-key)'}, entries 1-${r.signedThrough} covered` +
        (r.entries > r.signedThrough ? `; entries ${r.signedThrough + 1}-${r.entries} are after the last signed checkpoint` : '')
      : '; no signed checkpoint yet') +
    '\n',
  noAuditKey: 'no audit key yet: the vault signs its first checkpoint at the first approval, lock or 100th entry (or the vault is locked: unlock first)\n',
  noVault: (home: string) => `no vault at ${home}: there is nothing to approve with`,
  noVaultHint: 'Create one first: agent-vault init',
};

/** The skill registry (publish, install, serve, the session-start check). */
export const REGISTRY_MSG = {
  sessionStartQuarantined: (items: { id: string; skill: string | undefined; path: string; code: string; why: string }[]) =>
    `agent-vault quarantined ${items.length} skill(s) before this session loaded them:\n${items
      .map((q) => `  - ${q.path} (${q.code}): ${q.why}\n    quarantine id ${q.id}; see agent-vault skill quarantine list`)
      .join('\n')}\nThey are out of the load path; do not use them. A person decides with agent-vault skill clear ID or skill purge ID.`,
  published: (id: string, version: string, hash: string, registry: string, written: boolean) =>
    written ? `published ${id}@${version} (${hash}) to ${registry}\nCommit or upload the registry folder; consumers verify it against their keyring.\n` : `${id}@${version} (${hash}) is already in ${registry} with the same content; keys and revocation list refreshed\n`,
  installed: (id: string, version: string, hash: string, path: string) => `installed ${id}@${version} (${hash}) into ${path}\n`,
  lockNote: 'recorded in .agent-vault/skills.lock; commit it so a clone can run agent-vault skill install --locked\n',
  serving: (url: string, registry: string) => `serving ${registry} read-only at ${url}\n  GET ${url}v1/skills/ID[@VERSION]  ${url}v1/revocations  ${url}.well-known/jwks.json\nStop with Ctrl-C.\n`,
};

/** Secret providers (issue 17): an env file, 1Password through op. Names files, items and providers, never a value. */
export const PROVIDER_MSG = {
  badKey: (key: string) => `"${key}" is not a valid key name`,
  keyFromProvider: (keys: string[]) => `${keys.map((k) => `"${k}"`).join(', ')} already ${keys.length === 1 ? 'comes' : 'come'} from a provider; a value set without a terminal may create a key, never take the place of one`,
  keyFromProviderHint: (keys: string[]) => `Nothing was changed. To store a local value in its place, ask the user to run in their own terminal: ${keys.map((k) => `agent-vault set ${k}`).join('; ')}`,
  envFileRefused: (name: string, path: string, why: string) => `provider "${name}": refusing to read ${path}: ${why}`,
  envFileRefusedHint: 'Point the envfile provider at a regular file outside the vault home (providers: NAME: path: in .agent-vault.yaml).',
  envFileUnreadable: (name: string, path: string, code: string) => `provider "${name}": cannot read ${path} (${code})`,
  envFileUnreadableHint: 'Check that the file exists and is readable by you, or remove the provider from keys: in .agent-vault.yaml.',
  envFileNotText: (name: string, key: string) => `provider "${name}": the value for ${key} is not UTF-8 text without NUL bytes, which an env file cannot hold`,
  opMissing: (name: string) => `provider "${name}": the 1Password CLI (op) was not found on PATH`,
  opMissingHint: 'Install the 1Password CLI (https://developer.1password.com/docs/cli/get-started/) so that `op` is on PATH, or remove this provider from keys: in .agent-vault.yaml.',
  opNotSignedIn: (name: string) => `provider "${name}": op is not signed in (1Password refused the request)`,
  opNotSignedInHint: (tokenEnv: string | undefined) =>
    tokenEnv
      ? `Check that ${tokenEnv} holds a valid service account token with access to the vault, then run the command again.`
      : 'Sign in with the 1Password app (op signin), or give the provider a service account token: token-env: OP_SERVICE_ACCOUNT_TOKEN.',
  opTokenUnset: (name: string, tokenEnv: string) => `provider "${name}": the environment variable ${tokenEnv} (token-env) is not set`,
  opTokenUnsetHint: (tokenEnv: string) => `Export the service account token as ${tokenEnv} in the shell that runs agent-vault (never write the token into .agent-vault.yaml).`,
  opVaultNotFound: (name: string, vault: string) => `provider "${name}": 1Password has no vault "${vault}" that this account can read`,
  opVaultNotFoundHint: 'Check vault: in .agent-vault.yaml (op vault list shows the vaults), and that the service account has access to it.',
  opItemNotFound: (name: string, item: string, where: string) => `provider "${name}": item "${item}" is no longer in ${where}`,
  opItemNotFoundHint: 'The item was removed or renamed in 1Password; run the command again.',
  opNoField: (name: string, item: string) => `provider "${name}": item "${item}" has no field to use (no password or credential field, or not the configured field)`,
  opNoFieldHint: (name: string) => `Name the field to read in .agent-vault.yaml: providers: ${name}: field: FIELD (a label or id, or SECTION/FIELD).`,
  opBadOutput: (name: string, what: string) => `provider "${name}": op ${what} did not print the JSON it documents`,
  opBadOutputHint: 'Update the 1Password CLI to version 2 or later (op --version).',
  opTimeout: (name: string, seconds: number) => `provider "${name}": op did not answer within ${seconds} s and was stopped`,
  opTimeoutHint: 'Check the network and op (op whoami), or raise timeout: for the provider in .agent-vault.yaml.',
  opFailed: (name: string, command: string, how: string) => `provider "${name}": op ${command} failed (${how})`,
  opFailedHint: 'Run op whoami in your terminal to see what 1Password says, then run the command again.',
} as const;

/** The local approval page (agent-vault approvals serve): what a person reads on it and in its terminal. */
const seconds = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 3600 && s % 3600 === 0 ? `${s / 3600} h` : s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${s} s`;
};
export const PAGE_MSG = {
  title: 'agent-vault: approve a request',
  heading: 'An agent asks to use secrets',
  indexHeading: 'Pending requests',
  nothingPending: 'Nothing is waiting for a decision.',
  fieldRequest: 'Request',
  fieldKeys: 'Keys',
  fieldOperation: 'Operation',
  fieldDestination: 'Destination',
  fieldRepository: 'Repository',
  fieldReason: 'Reason',
  fieldExpires: 'Expires',
  none: '(none)',
  noReason: '(none given)',
  codeLabel: 'TOTP code (from your authenticator app)',
  approve: 'Approve',
  deny: 'Deny',
  footer: 'Values are never shown here. Approving and denying both take the current code; the link alone decides nothing.',
  allows: (ttlMs: number, scope: string) =>
    ttlMs === 0 ? 'Approving allows this one use, once.' : `Approving allows this use, and the same kind of use in this repository for ${seconds(ttlMs)} (${scope === 'vault' ? 'every key' : 'these keys'}), as the vault policy sets.`,
  allowsUnknown: 'Approving allows what the vault policy sets (this use, or a window); the vault could not be read just now.',
  retryAllows: 'Enter the current code again.',
  viewOnly: (id: string) =>
    `This page only shows the request: deciding here needs TOTP on a passphrase vault (agent-vault totp enable), and this vault has none. Decide it in your own terminal: agent-vault approve ${id} (or agent-vault deny ${id}).`,
  codeRequired: 'The TOTP code is required to approve or deny: nothing was decided.',
  wrongCode: (left: number) => `Wrong code (or one already used): nothing was decided. ${left} more wrong code${left === 1 ? '' : 's'} and the request is denied.`,
  lockedOut: (n: number) => `${n} wrong codes: the request was denied. If it was you, ask the agent to repeat what it was doing; it makes a new request.`,
  approvedHeading: 'Approved',
  approved: (windowEnd: string | undefined) =>
    windowEnd ? `Approved, with a window until ${windowEnd}. The agent can now run what it asked for again.` : 'Approved for this one use. The agent can now run what it asked for again.',
  deniedHeading: 'Denied',
  denied: 'Denied. The agent is told so when it retries.',
  refusedHeading: 'Not decided',
  linkHeading: 'This link no longer works',
  link: (why: string, id: string) =>
    `${why === 'used' ? 'This link was already used.' : why === 'expired' ? 'This link expired.' : 'This link is not valid for this request (or the request changed).'} Nothing was decided. For a fresh link open /r/${id} on this page.`,
  altered: 'The request was changed after it was made: nothing can be decided on it. Ask the agent to repeat what it was doing; it makes a new request.',
  notPending: (status: string) => `The request is ${status}, not pending: nothing was decided.`,
  noRequest: (id: string) => `There is no request ${id}.`,
  crossSite: 'A form from another site was refused: nothing was decided.',
  tooManyClient: 'Too many refused attempts from this address: wait a few minutes. Nothing was decided.',
  badForm: 'This form was not sent by this page: nothing was decided. Open the link again.',
  errorHeading: 'Not found',
  notFound: 'Nothing here. Open the link agent-vault printed for a request.',
  badMethod: 'Only GET and POST are served here.',
  wrongHost: 'This page answers only as 127.0.0.1 or localhost.',
  internalError: 'Something went wrong: nothing was decided. The terminal running agent-vault approvals serve may say more.',
  logRefused: (id: string | undefined, detail: string) => `refused${id ? ` ${id}` : ''}: ${detail}`,
  logDecided: (what: string, id: string) => `${what} ${id} (page)`,
  serving: (url: string, withCode: boolean) =>
    `approval page on ${url} (127.0.0.1 only; Ctrl-C stops it)\n${withCode ? 'approving and denying there take the current TOTP code\n' : 'this vault has no TOTP: the page shows requests; decide them in a terminal (agent-vault approve ID)\n'}`,
  newRequest: (id: string, url: string) => `request ${id}: ${url}`,
  pendingAtPage: (url: string) => ` Or the user opens ${url} (the approval page; it asks for their TOTP code).`,
  pendingNoPage: ' Or, with TOTP on, the user runs agent-vault approvals serve in their terminal and approves on that page.',
};

/** The team vault (issue 17). Names, paths and key names only; never a value. */
export const TEAM_MSG = {
  keyExists: (keys: string[]) => `${keys.map((k) => `"${k}"`).join(', ')} already ${keys.length === 1 ? 'exists' : 'exist'} in the team vault; a value set without a terminal may create a key, never replace one`,
  damaged: (file: string, why: string) => `${file} is damaged: ${why}`,
  damagedHint: (file: string) => `Restore it from git (git checkout -- ${file}, or from the last good commit); agent-vault never repairs it by guessing.`,
  restoreFromGit: 'Restore .agent-vault/team.vault and .agent-vault/recipients from the last good commit (git log -- .agent-vault), and ask the member who wrote it.',
  recipientsMissing: (file: string) => `${file} is missing: the team vault's member list cannot be checked`,
  signerNotMember: (name: string) => `the team vault is signed by "${name}", who is not one of its members`,
  badSignature: (name: string) => `the team vault's signature by "${name}" does not verify: it was changed after it was signed`,
  recipientsMismatch: (extra: string[]) =>
    `.agent-vault/recipients does not match the member list signed in the team vault${extra.length ? ` (not signed: ${extra.join(', ')})` : ''}; someone edited it without re-wrapping the data key`,
  recipientsMismatchHint: 'Members are added with agent-vault team add (it re-wraps and signs). Restore .agent-vault/recipients from git.',
  wrapsMismatch: (missing: string[], extra: string[]) =>
    `the team vault's data-key wraps do not match its members${missing.length ? ` (no wrap for: ${missing.join(', ')})` : ''}${extra.length ? ` (wraps for non-members: ${extra.join(', ')})` : ''}`,
  untrustedSigner: (name: string, pinned: string[]) =>
    `the team vault is signed by "${name}", whose signing key this machine has not accepted (it trusts: ${pinned.join(', ') || 'nobody yet'}); it may have been rewritten by someone outside the team`,
  untrustedSignerHint: 'Check git log -- .agent-vault with your team. If the change is genuine, a member you trust re-signs it (agent-vault team keys shows fingerprints), or accept it in your terminal: agent-vault team trust',
  notMember: (members: string[]) => `this machine holds no identity that opens the team vault; it is encrypted to: ${members.join(', ')}`,
  notMemberHint: 'Run agent-vault team join in your terminal and send the token it prints to one of those members (they run agent-vault team add).',
  wrapBroken: (name: string) => `the data-key wrap for "${name}" does not open to the data key the file names`,
  valueBroken: (key: string) => `the team value "${key}" fails authentication (altered, moved from another key, or from another data key)`,
  signerMustBeMember: (name: string) => `"${name}" is not a member of the team vault, so others would refuse what they sign`,
  exists: (file: string) => `${file} already exists`,
  existsHint: 'agent-vault team keys shows its members; agent-vault team join makes you one.',
  memberExists: (name: string) => `a member named "${name}" already exists`,
  memberExistsHint: (name: string) => `Choose another name, or remove "${name}" first (agent-vault team remove ${name}).`,
  keysInUse: (name: string) => `these keys already belong to the member "${name}"`,
  noSuchMember: (name: string, members: string[]) => `no member named "${name}" (members: ${members.join(', ')})`,
  noSuchMemberHint: 'agent-vault team keys lists the members.',
  removeSelf: 'you cannot remove yourself from the team vault',
  removeSelfHint: 'Ask another member to run agent-vault team remove with your name.',
  noTeam: (file: string) => `this repository has no team vault (${file})`,
  noTeamHint: 'Create one in your terminal: agent-vault team init NAME',
  noIdentity: 'this machine has no team identity yet',
  noIdentityHint: 'Run agent-vault team join in your terminal first.',
  badIdentity: 'that is not an age X25519 identity file (one AGE-SECRET-KEY-1… line; comments allowed)',
  badIdentityHint: 'Make one with age-keygen -o key.txt, or let agent-vault team join make one.',
  badToken: 'a member is added with the token agent-vault team join prints (avteam1:…), or with an age1… recipient and --signing-key',
  badTokenHint: 'Ask the new member to run agent-vault team join and send you the token.',
  mergeOtherTeam: 'the three versions of the team vault belong to different teams',
  mergeConflict: (items: string[]) => `agent-vault merge-team: changed on both sides to different values: ${items.join(', ')}; the file keeps our side`,
  mergeConflictHint: 'Resolve it in your terminal: set each key again with agent-vault set KEY --team, then git add .agent-vault/team.vault',
  removed: (name: string, keys: string[]) =>
    `✓ Removed "${name}" and rotated the team data key: values written from now on are unreadable to them.\n` +
    (keys.length
      ? `They could read ${keys.length} value${keys.length === 1 ? '' : 's'} until now and may have kept them; rotate each at its provider, then agent-vault set KEY --team:\n${keys.map((k) => `  ${k}`).join('\n')}\n`
      : 'The team vault held no values they could have kept.\n'),
  notTrustedYet: 'this clone has not accepted its team vault yet, so agent-vault does not know whose signatures to trust',
  notTrustedYetHint: 'In your terminal, check git log -- .agent-vault with your team, then run agent-vault team join (or agent-vault team trust).',
  ciNotMemberHint: 'Add the CI identity as a member (agent-vault team add ci RECIPIENT, where age-keygen -y ci.txt prints the recipient), commit, and run the job again.',
  ciIdentityBad: 'AGENT_VAULT_AGE_IDENTITY does not hold an age identity (AGE-SECRET-KEY-1…)',
  ciIdentityBadHint: 'Store the whole identity file made by age-keygen (or its AGE-SECRET-KEY-1 line) in the secret.',
};
