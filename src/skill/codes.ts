import { AgentVaultError } from '../errors.js';

/**
 * Stable failure codes of the skill gate, each with its own exit status so a script (or a
 * hook) can tell "unsigned" from "tampered" without parsing text. 1 stays "findings or a
 * refusal" and 2 stays "usage or configuration error", as everywhere else in agent-vault.
 */
export const SKILL_FAILURES = {
  SKILL_SCAN_FAILED: { exit: 1, meaning: 'the threat scan found a finding at or above skills.failOn (default high), or a file that cannot be analysed' },
  SKILL_UNSIGNED: { exit: 10, meaning: 'no SKILL.sig beside SKILL.md' },
  SKILL_BAD_SIGNATURE: { exit: 11, meaning: 'the envelope is malformed or its signature does not verify' },
  SKILL_HASH_MISMATCH: { exit: 12, meaning: 'the files differ from what was signed (changed, added, removed, renamed, mode or symlink)' },
  SKILL_KEY_UNTRUSTED: { exit: 13, meaning: 'the signing key is not in the keyring' },
  SKILL_KEY_EXPIRED: { exit: 14, meaning: 'the signing key is outside its validity window' },
  SKILL_KEY_REVOKED: { exit: 15, meaning: 'the signing key is revoked (keyring status or revocation list)' },
  SKILL_REVOKED: { exit: 16, meaning: 'the content hash is revoked or purged' },
  REVOCATIONS_MISSING: { exit: 17, meaning: 'the revocation list is required but missing or unreadable' },
  REVOCATIONS_EXPIRED: { exit: 18, meaning: 'the revocation list is past its expiry' },
  REVOCATIONS_ROLLBACK: { exit: 19, meaning: 'the revocation list is older than one already seen' },
  REVOCATIONS_BAD_SIGNATURE: { exit: 20, meaning: 'the revocation list is malformed or not signed by a trusted key' },
  SKILL_INVALID: { exit: 21, meaning: 'SKILL.md is missing or its frontmatter is invalid' },
  SKILL_TREE_REJECTED: { exit: 22, meaning: 'the folder cannot be hashed safely (traversal, bad names, case collisions, escaping symlinks, special files)' },
  SKILL_NOT_FOUND: { exit: 23, meaning: 'the path is not a folder holding a skill (or the registry has no such skill or version)' },
  REGISTRY_UNREACHABLE: { exit: 24, meaning: 'the registry (folder or http(s) URL) cannot be read: missing file, HTTP error, timeout' },
  REGISTRY_REDIRECT: { exit: 25, meaning: 'the registry answered with a redirect to another origin (refused, never followed)' },
  REGISTRY_TOO_LARGE: { exit: 26, meaning: 'a registry file or bundle is larger than the size cap' },
  REGISTRY_INVALID: { exit: 27, meaning: 'index.json, keys.json (JWKS), metadata or skills.lock is malformed, or the JWKS disagrees with the keyring' },
  SKILL_SCOPE_EXCEEDED: { exit: 28, meaning: 'SKILL.md frontmatter (allowed-tools) asks for more than the signed scope' },
  SKILL_LOCK_MISMATCH: { exit: 29, meaning: 'an installed skill is missing or differs from .agent-vault/skills.lock' },
  REGISTRY_VERSION_EXISTS: { exit: 30, meaning: 'the registry already holds this id@version with other content (versions are immutable)' },
} as const;

export type SkillFailureCode = keyof typeof SKILL_FAILURES;

export function exitCodeOf(code: SkillFailureCode): number {
  return SKILL_FAILURES[code].exit;
}

/** The exit-status table printed in `skill --help`. */
export function exitTable(): string {
  const rows = Object.entries(SKILL_FAILURES)
    .sort((a, b) => a[1].exit - b[1].exit)
    .map(([code, v]) => `  ${String(v.exit).padStart(2)}  ${code.padEnd(26)} ${v.meaning}`);
  return [`   0  ${'-'.padEnd(26)} every skill passed`, `   2  ${'-'.padEnd(26)} usage or configuration error`, ...rows].join('\n');
}

/** A skill-gate failure: kind `refused`, with a stable code and that code's exit status. */
export function skillFailure(code: SkillFailureCode, message: string, hint?: string): AgentVaultError {
  return new AgentVaultError('refused', message, { hint, code, exitCode: exitCodeOf(code) });
}
