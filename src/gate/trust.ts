import { CONFIG_NAMES, defaultConfig, loadConfig, parseConfig, type AgentVaultConfig } from '../config/config.js';
import { posix } from 'node:path';
import { configError } from '../errors.js';
import { configBaseline, parseBaseline, type Baseline } from '../sources/baseline.js';
import { blobAt } from '../sources/git-sources.js';
import { policyLoosenings } from '../config/loosening.js';
import type { GateTarget } from './model.js';

/**
 * The configuration a gate judging other people's commits trusts (the Action): as the base
 * commit holds it, so a pull request cannot switch off or allowlist its way past the gate
 * that judges it. Without a base (a new branch, a whole tree), the repository's own. The
 * skill keyring and revocation list come from the same commit (runGate's `trust: 'base'`).
 */
function configAtCommit(repo: string, commit: string): AgentVaultConfig {
  for (const name of CONFIG_NAMES) {
    const bytes = blobAt(repo, commit, name);
    if (bytes) return parseConfig(bytes.toString('utf8'), `${name} at ${commit.slice(0, 12)}`);
  }
  return defaultConfig();
}

/**
 * How the head of a range loosens the policy of its base (see policyLoosenings), for a gate
 * that trusts the base: the change is named, the base decides. A head whose configuration
 * does not parse loosens nothing here (the base still decides; the hooks report the error).
 */
export function loosenedAtHead(repo: string, target: GateTarget): { change: string; file: string }[] {
  if (target.kind !== 'commits' || !target.base) return [];
  let head: AgentVaultConfig;
  try {
    head = configAtCommit(repo, target.head);
  } catch {
    return [];
  }
  const file = head.file?.replace(/ at [0-9a-f]+$/, '') ?? CONFIG_NAMES[0]!;
  return policyLoosenings(configAtBase(repo, target).config, head).map((change) => ({ change, file }));
}

export function configAtBase(repo: string, target: GateTarget): { config: AgentVaultConfig; source: string; baseline: Baseline | undefined } {
  if (target.kind === 'commits' && target.base) {
    const at = target.base.slice(0, 12);
    for (const name of CONFIG_NAMES) {
      const bytes = blobAt(repo, target.base, name);
      if (!bytes) continue;
      const config = parseConfig(bytes.toString('utf8'), `${name} at ${at}`);
      return { config, source: `${name} at the base commit ${at}`, baseline: baselineAt(repo, target.base, config) };
    }
    return { config: defaultConfig(), source: 'built-in defaults (no configuration at the base commit)', baseline: undefined };
  }
  const config = loadConfig({ repoRoot: repo, cwd: repo });
  return { config, source: config.file ?? 'built-in defaults', baseline: configBaseline(config, repo) };
}

/** The configuration's baseline as `commit` holds it: a change must not accept its own findings. */
function baselineAt(repo: string, commit: string, config: AgentVaultConfig): Baseline | undefined {
  if (!config.baseline) return undefined;
  const path = posix.normalize(config.baseline.replace(/\\/g, '/'));
  const bytes = blobAt(repo, commit, path);
  if (!bytes) {
    throw configError(`${config.file}: baseline: ${path} is not in the base commit ${commit.slice(0, 12)}`, 'Commit the baseline file with the configuration that names it.');
  }
  return parseBaseline(bytes.toString('utf8'), `${path} at ${commit.slice(0, 12)}`);
}
