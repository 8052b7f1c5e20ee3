import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { FILTER_DRIVER, filterAttributes } from '../../git/protected.js';
import { repoRoot } from '../../platform/exec.js';
import { ProtectedFolders } from '../../platform/safe-path.js';
import { eachCommand, parseShell, type ShSimple, type ShWord } from '../../skill/analysis/shell.js';
import type { VaultSession } from '../../session/session.js';
import { bindingMatcher } from '../../vault/bindings.js';
import { GUARD_MSG } from '../../messages.js';

/**
 * The guard hooks' one policy (issue 14), which every client's wire format (clients.ts)
 * carries: before a shell command, a file read or an edit, refuse what would put a value in
 * the agent's context or take the guard away:
 *
 *  - anything that names a path inside the vault home (its files are never an agent's);
 *  - raw reads (cat, less, head, grep, sed, xxd, base64, cp elsewhere, editors, `<`) of a file
 *    that holds restored values: a protected path of its repository (filter=agent-vault) or a
 *    path a key is bound to; the reason names `agent-vault read` (or the MCP read_file);
 *  - edits of such a file by the client's own edit tools (`agent-vault write` restores values);
 *  - changes to the clients' hook settings (the settings-change guard).
 *
 * Shell commands are parsed (skill/analysis/shell.ts), not matched with regexes; words that
 * only expand at run time ($VAR other than HOME, AGENT_VAULT_HOME and PWD, `$(...)`) cannot be
 * judged, and the after-tool redaction (Claude Code) is the backstop for what this misses.
 */

export type Decision = { allow: true } | { allow: false; reason: string };

export interface GuardContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  session: VaultSession;
}

const ALLOW: Decision = { allow: true };

/** Commands that print (or copy out) a file's bytes. */
const READERS = new Set([
  'cat', 'tac', 'nl', 'less', 'more', 'most', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'sed', 'awk', 'gawk', 'mawk', 'xxd', 'od', 'hexdump', 'hd',
  'base64', 'base32', 'basenc', 'strings', 'cut', 'sort', 'uniq', 'paste', 'column', 'fold', 'fmt', 'pr', 'diff', 'cmp', 'comm', 'jq', 'yq', 'bat', 'batcat', 'view',
  'vi', 'vim', 'nvim', 'nano', 'emacs', 'ed', 'ex', 'cp', 'scp', 'rsync', 'tar', 'zip', 'gzip', 'bzip2', 'xz', 'zstd', 'dd', 'iconv', 'tr', 'wc', 'md5sum',
  'sha1sum', 'sha256sum', 'openssl', 'gpg', 'curl', 'wget', 'nc', 'python', 'python3', 'node', 'ruby', 'perl', 'source', '.',
]);
/** Commands that run the rest of their words as a command. */
const WRAPPERS = new Set(['sudo', 'env', 'command', 'exec', 'nice', 'nohup', 'time', 'timeout', 'stdbuf', 'xargs', 'doas', 'chronic']);
/** Commands that only look at the clients' hook settings (anything else touching them is refused). */
const SETTINGS_LOOKERS = new Set(['cat', 'less', 'more', 'head', 'tail', 'grep', 'rg', 'jq', 'diff', 'wc', 'ls', 'stat', 'file', 'bat']);

/** The clients' hook settings, relative to a project root or the home folder. */
export const CLIENT_SETTINGS = ['.claude/settings.json', '.claude/settings.local.json', '.cursor/hooks.json', '.codex/hooks.json', '.codex/config.toml'];

export class GuardPolicy {
  private readonly folders: ProtectedFolders;
  private bound: ((path: string) => boolean) | undefined;

  constructor(private readonly ctx: GuardContext) {
    this.folders = new ProtectedFolders([ctx.session.home]);
  }

  /** Before a shell command. */
  async shell(command: string, cwd = this.ctx.cwd): Promise<Decision> {
    if (this.mentionsVaultHome(command)) return deny(GUARD_MSG.vaultHome);
    const commands: ShSimple[] = [];
    eachCommand(parseShell(command), (c) => commands.push(c));
    for (const c of commands) {
      const words = c.words.map((w) => this.wordText(w, cwd));
      let i = 0;
      while (i < words.length && WRAPPERS.has(basename(words[i] ?? ''))) {
        i++;
        while (i < words.length && (words[i]?.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? ''))) i++;
      }
      const name = basename(words[i] ?? '');
      const args = words.slice(i + 1).filter((w): w is string => w !== undefined && w !== '' && !(w.startsWith('-') && !w.includes('/')));
      const targets = c.redirects.map((r) => ({ op: r.op, path: this.wordText(r.target, cwd) }));
      for (const p of [...args, ...targets.map((t) => t.path)]) {
        if (p !== undefined && this.inVaultHome(resolve(cwd, p))) return deny(GUARD_MSG.vaultHome);
      }
      if (name === 'git' && (args.includes('archive') || (args.includes('cat-file') && words.some((w) => w === '--filters' || w === '--textconv')))) return deny(GUARD_MSG.gitSmudge);
      if (READERS.has(name)) {
        for (const a of args) {
          const abs = resolve(cwd, a);
          if (await this.holdsValues(abs)) return deny(GUARD_MSG.rawRead(this.display(abs, cwd)));
        }
      }
      for (const t of targets) {
        if (t.path === undefined) continue;
        const abs = resolve(cwd, t.path);
        if (t.op.startsWith('<') && t.op !== '<<' && t.op !== '<<<' && (await this.holdsValues(abs))) return deny(GUARD_MSG.rawRead(this.display(abs, cwd)));
        if (t.op.includes('>') && this.isClientSettings(abs)) return deny(GUARD_MSG.settings(this.display(abs, cwd)));
      }
      if (!SETTINGS_LOOKERS.has(name)) {
        for (const a of args) {
          const abs = resolve(cwd, a);
          if (this.isClientSettings(abs)) return deny(GUARD_MSG.settings(this.display(abs, cwd)));
        }
      }
    }
    return ALLOW;
  }

  /** Before the client's own file-read tool. */
  async read(path: string, cwd = this.ctx.cwd): Promise<Decision> {
    const abs = resolve(cwd, path);
    if (this.inVaultHome(abs)) return deny(GUARD_MSG.vaultHome);
    if (await this.holdsValues(abs)) return deny(GUARD_MSG.rawRead(this.display(abs, cwd)));
    return ALLOW;
  }

  /** Before the client's own edit/write tool. */
  async edit(path: string, cwd = this.ctx.cwd): Promise<Decision> {
    const abs = resolve(cwd, path);
    if (this.inVaultHome(abs)) return deny(GUARD_MSG.vaultHome);
    if (this.isClientSettings(abs)) return deny(GUARD_MSG.settings(this.display(abs, cwd)));
    if (await this.holdsValues(abs)) return deny(GUARD_MSG.rawEdit(this.display(abs, cwd)));
    return ALLOW;
  }

  private display(abs: string, cwd: string): string {
    const rel = relative(cwd, abs);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  }

  /** A word's text with HOME, AGENT_VAULT_HOME, PWD and a leading ~ expanded; undefined when it expands at run time. */
  private wordText(w: ShWord | undefined, cwd: string): string | undefined {
    if (!w) return undefined;
    let s = '';
    for (const [i, p] of w.parts.entries()) {
      if (p.kind === 'lit') s += i === 0 && !p.quoted && (p.value === '~' || p.value.startsWith('~/')) ? (this.ctx.env.HOME ?? '~') + p.value.slice(1) : p.value;
      else if (p.kind === 'param' && p.name === 'HOME' && this.ctx.env.HOME) s += this.ctx.env.HOME;
      else if (p.kind === 'param' && p.name === 'AGENT_VAULT_HOME') s += this.ctx.session.home;
      else if (p.kind === 'param' && p.name === 'PWD') s += cwd;
      else return undefined;
    }
    return s;
  }

  /** The command text names the vault home in a way the parser may not see (inside a -c script, a variable). */
  private mentionsVaultHome(command: string): boolean {
    const home = this.ctx.session.home;
    const userHome = this.ctx.env.HOME;
    const spellings = [home, ...this.folders.roots, '$AGENT_VAULT_HOME', '${AGENT_VAULT_HOME}'];
    if (userHome && isInsideOrSame(userHome, home)) {
      const rest = relative(userHome, home);
      spellings.push(`~/${rest}`, `$HOME/${rest}`, `\${HOME}/${rest}`);
    }
    return spellings.some((s) => command.includes(s));
  }

  private inVaultHome(abs: string): boolean {
    return this.folders.rootOf(abs) !== undefined;
  }

  private isClientSettings(abs: string): boolean {
    const real = realOrSelf(abs);
    return CLIENT_SETTINGS.some((s) => real.endsWith('/' + s) || abs.endsWith('/' + s));
  }

  /** A file that holds restored values: protected in its repository, or bound to a key. */
  async holdsValues(abs: string): Promise<boolean> {
    if (!existsSync(abs)) return false;
    const real = realOrSelf(abs);
    if ((await this.boundMatcher())(real)) return true;
    const repo = repoRoot(dirname(real));
    if (!repo) return false;
    try {
      const rel = relative(repo, real);
      return filterAttributes(repo, this.ctx.env, [rel], false).get(rel) === FILTER_DRIVER;
    } catch {
      return false;
    }
  }

  private async boundMatcher(): Promise<(path: string) => boolean> {
    if (!this.bound) {
      let globs: string[] = [];
      try {
        globs = (await this.ctx.session.list()).flatMap((m) => m.bindings);
      } catch {
        // A locked or damaged vault: protected paths still count.
      }
      this.bound = bindingMatcher(globs);
    }
    return this.bound;
  }
}

function deny(reason: string): Decision {
  return { allow: false, reason };
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function isInsideOrSame(root: string, p: string): boolean {
  const rel = relative(root, p);
  return !rel.startsWith('..') && !isAbsolute(rel);
}
