import { CONFIG_NAMES, defaultConfig, loadConfig, parseConfig, type AgentVaultConfig } from '../config/config.js';
import { posix } from 'node:path';
import { configError } from '../errors.js';
import { configBaseline, parseBaseline } from '../sources/baseline.js';
import { blobAt } from '../sources/git-sources.js';
import type { GateTarget } from './model.js';

/**
 * The configuration a gate judging other people's commits trusts (the Action): as the base
 * commit holds it, so a pull request cannot switch off or allowlist its way past the gate
 * that judges it. Without a base (a new branch, a whole tree), the repository's own. The
 * skill keyring and revocation list come from the same commit (runGate's `trust: 'base'`).
 */
export function configAtBase(repo: string, target: GateTarget): { config: AgentVaultConfig; source: string; baseline: string[] } {
  if (target.kind === 'commits' && target.base) {
    const at = target.base.slice(0, 12);
    for (const name of CONFIG_NAMES) {
      const bytes = blobAt(repo, target.base, name);
      if (!bytes) continue;
      const config = parseConfig(bytes.toString('utf8'), `${name} at ${at}`);
      return { config, source: `${name} at the base commit ${at}`, baseline: baselineAt(repo, target.base, config) };
    }
    return { config: defaultConfig(), source: 'built-in defaults (no configuration at the base commit)', baseline: [] };
  }
  const config = loadConfig({ repoRoot: repo, cwd: repo });
  return { config, source: config.file ?? 'built-in defaults', baseline: configBaseline(config, repo) };
}

/** The configuration's baseline as `commit` holds it: a change must not accept its own findings. */
function baselineAt(repo: string, commit: string, config: AgentVaultConfig): string[] {
  if (!config.baseline) return [];
  const path = posix.normalize(config.baseline.replace(/\\/g, '/'));
  const bytes = blobAt(repo, commit, path);
  if (!bytes) {
    throw configError(`${config.file}: baseline: ${path} is not in the base commit ${commit.slice(0, 12)}`, 'Commit the baseline file with the configuration that names it.');
  }
  return parseBaseline(bytes.toString('utf8'), `${path} at ${commit.slice(0, 12)}`);
}
