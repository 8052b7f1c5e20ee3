import { realpathSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { usageError } from '../errors.js';
import { shellWord } from '../messages.js';

/**
 * Key bindings: where a key's value may be materialised. Each key carries absolute path
 * globs (picomatch, `dot: true`); `write`, `smudge` and the filter process restore a value
 * only into a file whose absolute path one of its globs matches. A person sets them in a
 * terminal (`set --path`, `bind`, `import`, `bind --from-repo`); nothing an agent runs can.
 *
 * Absolute, because a relative glob would match in any repository the agent creates
 * (`git init /tmp/x && agent-vault write /tmp/x/config.yaml ...`). A relative glob a person
 * types is resolved against the folder they typed it in, and the part of it without glob
 * characters is resolved through symlinks, so it matches the real paths write and the
 * filter compare against.
 */

/**
 * Keys agent-vault uses for itself and never materialises anywhere, whatever the entry
 * says: skill signing keys (their entries also carry `internal: true` since bindings exist;
 * the name rule covers vaults written before).
 */
export const SKILL_SIGNING_KEY_PREFIX = 'skill-signing-';
/** The team vault's own keys in the local vault: this machine's age identity, signing key and pins. */
export const TEAM_KEY_PREFIX = 'agent-team-';
const INTERNAL_KEY_PREFIXES = [SKILL_SIGNING_KEY_PREFIX, TEAM_KEY_PREFIX] as const;

export function isReservedInternalName(key: string): boolean {
  return INTERNAL_KEY_PREFIXES.some((p) => key.startsWith(p));
}

/** Characters picomatch gives a meaning; a literal path escapes them. */
const GLOB_CHARS = /[*?[\]{}()!+@\\]/g;

/** A glob matching exactly this absolute path (import and bind --from-repo bind files, not patterns). */
export function literalGlob(absolutePath: string): string {
  return absolutePath.replace(GLOB_CHARS, (c) => `\\${c}`);
}

/** The real path of the longest existing folder prefix of `base`, with the rest appended. */
function realBase(base: string): string {
  let existing = base;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(existing);
      return rest.length ? join(real, ...rest.reverse()) : real;
    } catch {
      const parent = resolve(existing, '..');
      if (parent === existing) return base;
      rest.push(existing.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      existing = parent;
    }
  }
}

/**
 * The stored form of a glob a person typed: absolute (relative ones resolved against `cwd`),
 * its literal folder part resolved through symlinks. Refuses negations and empty globs: a
 * binding only ever allows.
 */
export function normalizeBinding(glob: string, cwd: string): string {
  if (!glob || glob.includes('\0') || /[\r\n]/.test(glob)) throw usageError(`"${glob.replace(/[\0\r\n]/g, '?')}" is not a usable path or glob`, 'Give a file path or a glob such as config/*.yaml.');
  if (glob.startsWith('!')) throw usageError(`a binding cannot be a negation ("${glob}")`, 'Bindings only allow; remove a binding with agent-vault unbind KEY GLOB.');
  const absolute = isAbsolute(glob) ? resolve(glob) : resolve(cwd, glob);
  const scan = picomatch.scan(absolute);
  if (!scan.isGlob) return literalGlob(realBase(absolute));
  const base = scan.base || '/';
  const real = realBase(base);
  const tail = absolute.slice(scan.base.length).replace(/^\/+/, '');
  return real === base ? absolute : `${literalGlob(real)}/${tail}`;
}

/** One compiled matcher per key's file globs (command bindings ignored); an empty list matches nothing. */
export function bindingMatcher(globs: readonly string[]): (absolutePath: string) => boolean {
  const files = globs.filter((g) => !isCommandBinding(g));
  if (files.length === 0) return () => false;
  const match = picomatch(files, { dot: true });
  return (p) => match(p);
}

/**
 * Command bindings (issue 14): the commands `agent-vault run` may start with a key's value in
 * their environment, stored among the key's bindings as `command:PATTERN` (a file glob is
 * absolute, so the two never meet). PATTERN is matched against the command line: the argv
 * joined by spaces, each word that needs it single-quoted as a shell would show it (so
 * `['npm run migrate']` as one word is not `npm run migrate`); `*` matches any run of
 * characters (spaces and slashes too), `?` one character; nothing else is special. A
 * person sets them in a terminal (`agent-vault bind KEY --command 'npm run migrate*'`).
 *
 * What they name is what a person meant to allow, not a proof of the program: the agent
 * controls PATH, the working folder and the scripts a command runs (package.json), so a
 * binding narrows which commands receive a value; run's output is redacted either way.
 */
export const COMMAND_BINDING_PREFIX = 'command:';

export function isCommandBinding(binding: string): boolean {
  return binding.startsWith(COMMAND_BINDING_PREFIX);
}

/** The stored form of a command pattern a person typed. */
export function commandBinding(pattern: string): string {
  const p = pattern.trim();
  if (!p || /[\0\r\n]/.test(p)) throw usageError(`"${pattern.replace(/[\0\r\n]/g, '?')}" is not a usable command pattern`, "Give a command line with * where anything may follow, e.g. --command 'npm run migrate*'.");
  return COMMAND_BINDING_PREFIX + p;
}

/** A command line as command patterns see it (and as messages show it). */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}

/** One matcher over a key's command bindings; none: matches nothing. */
export function commandMatcher(bindings: readonly string[]): (argv: readonly string[]) => boolean {
  const res = bindings
    .filter(isCommandBinding)
    .map((b) => new RegExp('^' + b.slice(COMMAND_BINDING_PREFIX.length).replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : '\\' + c)) + '$'));
  if (!res.length) return () => false;
  return (argv) => {
    const line = commandLine(argv);
    return res.some((re) => re.test(line));
  };
}
