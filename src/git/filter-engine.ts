import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import { PLACEHOLDER_PREFIX } from '../core/placeholder.js';
import { scanText } from '../core/scan.js';
import type { Ruleset } from '../core/rules.js';
import { AgentVaultError } from '../errors.js';
import { GIT_MSG } from '../messages.js';
import { decodeForScan, scanInWindows } from '../sources/fragment.js';
import { vaultReady, type VaultSession } from '../session/session.js';
import type { FilterEngine } from './filter-process.js';

export interface FilterEngineOptions {
  /** The vault; an absent one, or one that throws AgentVaultError kind 'vault', is unavailable. */
  session: VaultSession;
  /** The repository git filters for (the filter runs at its work tree root). */
  repo: string;
  /** The configuration, loaded lazily: only a clean without a vault needs the scanner. */
  loadConfig: () => AgentVaultConfig;
  warn: (line: string) => void;
}

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
 * Smudge never fails: an unknown key or an unavailable vault leaves the placeholder (the
 * file is still lossless) and warns once. With filter.agent-vault.required=true a failing
 * smudge would leave a clone with an empty working tree.
 *
 * Clean without a vault cannot redact, and must not silently store raw bytes. It scans the
 * content instead: content with no suspected secret (typically a file still holding only
 * placeholders, as a clone without the vault has) passes through unchanged, so checkout,
 * status and diff keep working; content with a suspect fails for that file, so `git add`
 * refuses it. That is the one case where a required filter's error is the right answer.
 */
export function createFilterEngine(opts: FilterEngineOptions): FilterEngine {
  const { session } = opts;
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
  /** Whether the vault serves this command: asked once, at the first file. */
  const available = async (): Promise<boolean> => {
    if (!checked) {
      checked = true;
      try {
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
      if (await available()) return (await session.redact(content, { escapeLiterals: false })).output;
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
      if (!(await available())) {
        // Only worth a word when there was something to restore.
        if (content.includes(PLACEHOLDER_PREFIX)) warnOnce('vault', GIT_MSG.filterVaultUnavailable(unavailable?.message ?? 'unavailable'));
        return content;
      }
      const restored = await session.restore(content, { destination: { kind: 'git-filter', path: pathname, repo: opts.repo }, escapeLiterals: false });
      for (const key of restored.unknown) warnOnce(`key:${key}`, GIT_MSG.smudgeUnknownKey(key));
      return restored.output;
    },
  };
}
