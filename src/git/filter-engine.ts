import { resolve } from 'node:path';
import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import { PLACEHOLDER_PREFIX } from '../core/placeholder.js';
import { scanText } from '../core/scan.js';
import type { Ruleset } from '../core/rules.js';
import { AgentVaultError } from '../errors.js';
import { GIT_MSG, LOCK_MSG } from '../messages.js';
import { FolderRealPaths, ProtectedFolders } from '../platform/safe-path.js';
import { decodeForScan, scanInWindows } from '../sources/fragment.js';
import { vaultReady, type VaultSession } from '../session/session.js';
import type { FilterEngine } from './filter-process.js';
import { recordedVaultProblem, type RecordedVault } from './repo-vault.js';

export interface FilterEngineOptions {
  /** The vault; an absent one, or one that throws AgentVaultError kind 'vault', is unavailable. */
  session: VaultSession;
  /** The repository git filters for: the work tree root, where git runs the filter (its cwd). */
  repo: string;
  /** The configuration, loaded lazily: only a clean without a vault needs the scanner. */
  loadConfig: () => AgentVaultConfig;
  warn: (line: string) => void;
  /**
   * Whether `content` is exactly what the index holds for `pathname` (a locked vault's clean
   * passes that through: it is already clean). Without it, a locked clean refuses every file.
   */
  matchesIndex?: (pathname: string, content: Buffer) => boolean;
  /** The vault install recorded for this repository: clean refuses when it is not the one here. */
  recordedVault?: RecordedVault | undefined;
}

const isLocked = (e: unknown) => e instanceof AgentVaultError && e.code === 'VAULT_LOCKED';
/** A configured secret provider failed (providers/): its values cannot be redacted this command. */
const isProviderFailure = (e: unknown) => e instanceof AgentVaultError && !!e.code?.startsWith('PROVIDER');

/** The pathname of content with no file behind it (the single-file commands without a path): no binding can allow it. */
export const NO_PATHNAME = '<stdin>';

/**
 * The clean/smudge logic shared by the long-running filter process and the single-file
 * fallbacks. The vault is opened once, at the first file, and serves the whole command; a
 * vault found unavailable stays unavailable for the command.
 *
 * Placeholder text in a protected file means the placeholder: a checkout without the vault
 * leaves `<agent-vault:key>` in the working tree, and people write placeholders by hand in
 * place of values. So both directions run with escapeLiterals off (see core/placeholder.ts),
 * which keeps clean idempotent and a file unmodified after checkout.
 *
 * Smudge never fails: an unknown key, a key not bound to the file being checked out (its
 * absolute path: the work tree root joined with the path git passes), an internal key or an
 * unavailable vault leaves the placeholder (the file is still lossless) and warns once per
 * key. With filter.agent-vault.required=true a failing smudge would leave a clone with an
 * empty working tree.
 *
 * Neither direction serves a path inside the vault home (a repository made around it).
 *
 * Clean without a vault cannot redact, and must not silently store raw bytes. It scans the
 * content instead: content with no suspected secret (typically a file still holding only
 * placeholders, as a clone without the vault has) passes through unchanged, so checkout,
 * status and diff keep working; content with a suspect fails for that file, so `git add`
 * refuses it. That is the one case where a required filter's error is the right answer.
 *
 * Clean with a LOCKED vault (a passphrase vault with no session agent) is stricter: a value
 * no scanner rule would flag may be a vaulted one, and only the vault knows. So it passes
 * only content that is exactly the index's blob for that path (already clean: a file still
 * holding placeholders, re-checked by git status) and refuses everything else, naming
 * `agent-vault unlock` once. A vault that locks half-way through a command (its TTL ran out,
 * `agent-vault lock`) is treated the same from that file on: smudge leaves the remaining
 * files with placeholders and warns once.
 */
export function createFilterEngine(opts: FilterEngineOptions): FilterEngine {
  const { session } = opts;
  const folders = new ProtectedFolders([session.home]);
  // git runs the filter at the work tree root and passes paths relative to it; a path there
  // cannot pass through a symlink (git refuses to check out beyond one), so joining suffices.
  const where = (pathname: string) => (pathname === NO_PATHNAME ? '' : resolve(opts.repo, pathname));
  // A file's real path is its folder's real path and its name (git filters regular files, never
  // a symlink), so a folder's real path is resolved once and reused while a stat says it is
  // still the same folder (FolderRealPaths): a checkout of 5,000 files in one folder costs one
  // realpath and 5,000 stats, not 5,000 to 10,000 realpath walks, and a folder swapped for a
  // symlink mid-command is resolved again.
  const { realOf } = new FolderRealPaths();
  const inVaultHome = (pathname: string) => pathname !== NO_PATHNAME && folders.rootOf(where(pathname), realOf) !== undefined;
  let checked = false;
  let unavailable: AgentVaultError | undefined;
  let ruleset: Ruleset | undefined;
  let maxFileSize = 0;
  const warned = new Set<string>();
  const warnOnce = (id: string, line: string) => {
    if (warned.has(id)) return;
    warned.add(id);
    opts.warn(line);
  };
  /** A vault error during the command (the agent locked): unavailable from here on. */
  const lost = (error: unknown): boolean => {
    if (!(error instanceof AgentVaultError) || error.kind !== 'vault') return false;
    unavailable = error;
    return true;
  };
  /** Whether the vault serves this command: asked once, at the first file. */
  const available = async (): Promise<boolean> => {
    if (!checked) {
      checked = true;
      try {
        const wrong = opts.recordedVault && recordedVaultProblem(opts.recordedVault, session.home);
        if (wrong) throw wrong;
        await vaultReady(session);
      } catch (error) {
        if (!(error instanceof AgentVaultError) || error.kind !== 'vault') throw error;
        unavailable = error;
      }
    }
    return !unavailable;
  };

  return {
    async clean(content, pathname) {
      if (inVaultHome(pathname)) throw new Error(GIT_MSG.filterPathInVaultHome(pathname));
      if (await available()) {
        try {
          return (await session.redact(content, { escapeLiterals: false })).output;
        } catch (error) {
          if (!lost(error)) throw error;
        }
      }
      if (isProviderFailure(unavailable)) {
        // A provider that cannot hand its values in: like a locked vault, only content already
        // clean passes (a value no rule flags may be the provider's), and the reason is said once.
        if (opts.matchesIndex?.(pathname, content)) return content;
        warnOnce('provider-clean', `agent-vault: ${unavailable!.message}\n  ${unavailable!.hint ?? ''}`);
        throw new Error(unavailable!.message);
      }
      if (opts.recordedVault && unavailable && !isLocked(unavailable)) {
        // Installed with a vault that is not here: fail closed, as the hooks do.
        warnOnce('recorded', `agent-vault: ${unavailable.message}\n  ${unavailable.hint ?? ''}`);
        throw new Error(unavailable.message);
      }
      if (isLocked(unavailable)) {
        if (opts.matchesIndex?.(pathname, content)) return content;
        warnOnce('locked-clean', LOCK_MSG.vaultLockedClean(pathname));
        throw new Error('vault locked: run agent-vault unlock');
      }
      if (!ruleset) {
        const config = opts.loadConfig();
        ruleset = buildRuleset(config);
        maxFileSize = config.maxFileSize;
      }
      const read = decodeForScan(content, pathname, maxFileSize);
      // Binary: nothing the scanner could judge. Too large: scanned in windows, not passed unread.
      const findings = read.ok
        ? scanText(read.text, { path: pathname }, ruleset)
        : read.skipped.reason === 'too-large'
          ? (scanInWindows({ path: pathname, bytes: content }, ruleset)?.findings ?? [])
          : [];
      if (findings.length === 0) return content;
      const first = findings[0]!;
      throw new Error(GIT_MSG.cleanRefusedWithoutVault(pathname, findings.length, `${first.line}`, first.ruleId, first.masked));
    },
    async smudge(content, pathname) {
      if (inVaultHome(pathname)) {
        warnOnce(`home:${pathname}`, `agent-vault: ${GIT_MSG.filterPathInVaultHome(pathname)}; left as it is`);
        return content;
      }
      const leave = () => {
        // Only worth a word when there was something to restore.
        if (content.includes(PLACEHOLDER_PREFIX)) warnOnce('vault', isLocked(unavailable) ? LOCK_MSG.vaultLockedSmudge : GIT_MSG.filterVaultUnavailable(unavailable?.message ?? 'unavailable'));
        return content;
      };
      if (!(await available())) return leave();
      // Nothing to restore: restore would hand back these very bytes and record nothing, so
      // the vault (a round trip to the session agent) is not asked.
      if (!content.includes(PLACEHOLDER_PREFIX)) return content;
      const path = where(pathname);
      let restored;
      try {
        restored = await session.restore(content, { destination: { kind: 'git-filter', path, repo: opts.repo }, escapeLiterals: false });
      } catch (error) {
        if (lost(error)) return leave();
        throw error;
      }
      for (const key of restored.unknown) warnOnce(`key:${key}`, GIT_MSG.smudgeUnknownKey(key));
      for (const key of restored.unbound) warnOnce(`key:${key}`, path ? GIT_MSG.smudgeUnbound(key, path) : GIT_MSG.smudgeNoPath(key));
      for (const key of restored.internal) warnOnce(`key:${key}`, GIT_MSG.smudgeInternal(key));
      return restored.output;
    },
  };
}
