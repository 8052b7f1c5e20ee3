import { severityRank } from '../core/types.js';
import type { AgentVaultConfig } from './config.js';
import { parsePolicy } from './policy.js';
import { skillPolicy } from './skills.js';

/**
 * How `head`'s configuration lets through what `base`'s would stop, one sentence per change:
 * protected globs removed, rules disabled or the built-in pack turned off, allowlist entries
 * added (global or per rule), the blocking threshold or the skill threshold raised, skill
 * signatures or revocation lists no longer required, a larger maxFileSize... A gate that
 * trusts `base` names these as `policy-loosened` warnings while `base` decides.
 */
export function policyLoosenings(base: AgentVaultConfig, head: AgentVaultConfig): string[] {
  const out: string[] = [];
  const removed = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
  const gone = removed(base.protected, head.protected);
  if (gone.length) out.push(`protected paths removed: ${gone.join(', ')}`);
  if (base.useBuiltinRules && !head.useBuiltinRules) out.push('the built-in rules are turned off (rules.useBuiltin: false)');
  const disabled = removed(head.disabledRules, base.disabledRules);
  if (disabled.length) out.push(`rules disabled: ${disabled.join(', ')}`);
  const allow = (list: unknown) => allowlistEntries(list);
  const added = removed(allow(head.allowlist), allow(base.allowlist));
  if (added.length) out.push(`allowlist entries added: ${added.join(', ')}`);
  const ruleAllow = (c: AgentVaultConfig) => new Map(c.customRules.map((r) => [ruleId(r), allowlistEntries((r as { allowlist?: unknown })?.allowlist)]));
  const baseRules = ruleAllow(base);
  for (const [id, entries] of ruleAllow(head)) {
    const before = baseRules.get(id);
    if (before === undefined) continue;
    const more = removed(entries, before);
    if (more.length) out.push(`allowlist entries added to rule ${id}: ${more.join(', ')}`);
  }
  const definition = (r: unknown) => JSON.stringify({ ...(r as object), allowlist: undefined });
  const baseDefs = new Map(base.customRules.map((r) => [ruleId(r), definition(r)]));
  for (const r of head.customRules) {
    const before = baseDefs.get(ruleId(r));
    if (before !== undefined && before !== definition(r)) out.push(`custom rule ${ruleId(r)} changed`);
  }
  const baseRuleIds = [...baseRules.keys()];
  const dropped = removed(baseRuleIds, [...ruleAllow(head).keys()]);
  if (dropped.length) out.push(`custom rules removed: ${dropped.join(', ')}`);
  if (head.maxFileSize > base.maxFileSize) out.push(`maxFileSize raised from ${base.maxFileSize} to ${head.maxFileSize} bytes`);
  const block = (c: AgentVaultConfig) => tryOr(() => parsePolicy(c).block, undefined);
  const [bb, hb] = [block(base), block(head)];
  if (bb && hb && severityRank(hb) > severityRank(bb)) out.push(`policy.block raised from ${bb} to ${hb}`);
  const skills = (c: AgentVaultConfig) => tryOr(() => skillPolicy(c), undefined);
  const [bs, hs] = [skills(base), skills(head)];
  if (bs && hs) {
    if (severityRank(hs.failOn) > severityRank(bs.failOn)) out.push(`skills.failOn raised from ${bs.failOn} to ${hs.failOn}`);
    if (bs.requireSignatures && !hs.requireSignatures) out.push('skills.requireSignatures turned off');
    if (bs.requireRevocations && !hs.requireRevocations) out.push('skills.requireRevocations turned off');
    if (bs.keyring !== hs.keyring) out.push(`skills.keyring moved from ${bs.keyring} to ${hs.keyring}`);
    const newSuppressions = removed(hs.suppressions.map((s) => `${s.skill}:${s.rule}:${s.path}`), bs.suppressions.map((s) => `${s.skill}:${s.rule}:${s.path}`));
    if (newSuppressions.length) out.push(`skill suppressions added: ${newSuppressions.join(', ')}`);
  }
  return out;
}

function tryOr<T, U>(f: () => T, fallback: U): T | U {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function ruleId(rule: unknown): string {
  const id = (rule as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : JSON.stringify(rule);
}

/** Every entry of an allowlist section as `kind:value`, whatever its shape. */
function allowlistEntries(list: unknown): string[] {
  if (!list || typeof list !== 'object') return [];
  const out: string[] = [];
  for (const [kind, values] of Object.entries(list as Record<string, unknown>)) {
    for (const v of Array.isArray(values) ? values : [values]) out.push(`${kind}:${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return out;
}
