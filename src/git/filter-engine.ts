import { buildRuleset, type AgentVaultConfig } from '../config/config.js';
import { PLACEHOLDER_PREFIX } from '../core/placeholder.js';
import { scanText } from '../core/scan.js';
import type { Ruleset } from '../core/rules.js';
import { AgentVaultError } from '../errors.js';
import { GIT_MSG } from '../messages.js';
import { decodeForScan } from '../sources/fragment.js';
import type { FilterEngine } from './filter-process.js';
import type { VaultSession } from './vault-session.js';

export interface FilterEngineOptions {
  /** Opens the vault; throws AgentVaultError kind 'vault' when it is unavailable. */
  openVault: () => VaultSession;
  /** The configuration, loaded lazily: only a clean without a vault needs the scanner. */
  loadConfig: () => AgentVaultConfig;
  warn: (line: string) => void;
}

/**
 * The clean/smudge logic shared by the long-running filter process and the single-file
 * fallbacks. The vault is opened once, at the first file, and reused for the whole command.
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
  let session: VaultSession | undefined;
  let unavailable: AgentVaultError | undefined;
  let ruleset: Ruleset | undefined;
  let maxFileSize = 0;
  const warned = new Set<string>();
  const warnOnce = (id: string, line: string) => {
    if (warned.has(id)) return;
    warned.add(id);
    opts.warn(line);
  };
  const vault = (): VaultSession | undefined => {
    if (session || unavailable) return session;
    try {
      session = opts.openVault();
    } catch (error) {
      if (!(error instanceof AgentVaultError) || error.kind !== 'vault') throw error;
      unavailable = error;
    }
    return session;
  };

  return {
    clean(content, pathname) {
      const v = vault();
      if (v) return v.redact(content).output;
      if (!ruleset) {
        const config = opts.loadConfig();
        ruleset = buildRuleset(config);
        maxFileSize = config.maxFileSize;
      }
      const read = decodeForScan(content, pathname, maxFileSize);
      if (!read.ok) return content; // binary or too large: nothing the scanner could judge
      const findings = scanText(read.text, { path: pathname }, ruleset);
      if (findings.length === 0) return content;
      const first = findings[0]!;
      throw new Error(GIT_MSG.cleanRefusedWithoutVault(pathname, findings.length, `${first.line}`, first.ruleId, first.masked));
    },
    smudge(content) {
      const v = vault();
      if (!v) {
        // Only worth a word when there was something to restore.
        if (content.includes(PLACEHOLDER_PREFIX)) warnOnce('vault', GIT_MSG.filterVaultUnavailable(unavailable?.message ?? 'unavailable'));
        return content;
      }
      const restored = v.restore(content);
      for (const key of restored.unknown) warnOnce(`key:${key}`, GIT_MSG.smudgeUnknownKey(key));
      return restored.output;
    },
  };
}
