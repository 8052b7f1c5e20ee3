import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { AgentVaultError } from '../errors.js';
import { VERSION } from '../platform/version.js';
import { SIGNATURE_FILE, type ManifestEntry } from './avt1.js';
import { skillFailure, type SkillFailureCode } from './codes.js';
import { decodeBase64, IN_TOTO_PAYLOAD_TYPE, parseEnvelope, signEnvelopeWith, SKILL_PREDICATE_TYPE, STATEMENT_TYPE, verifySignature } from './dsse.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import type { SigningKeyStore } from './key-store.js';
import { keyFor, readKeyring, type Keyring } from './keyring.js';
import { skillPolicy, type SkillPolicy } from '../config/skills.js';
import { loadRevocations, purgedHashes, type RevocationState } from './revocations.js';
import { buildSkillRules, describeFailing, failingFindings, scanSkill, type SkillRules, type SkillScanReport } from './threats.js';
import { SEVERITIES } from '../core/types.js';
import { toolsBeyondScope } from './model.js';

/** Everything a skill check needs, loaded once per command. */
export interface SkillGate {
  /** Folder the keyring and revocation paths are relative to (repository root or cwd). */
  base: string;
  config: AgentVaultConfig;
  policy: SkillPolicy;
  rules: SkillRules;
  keyringPath: string;
  revocationsPath: string;
  keyring: Keyring;
  env: NodeJS.ProcessEnv;
  now: Date;
  /** Loaded on first use: commands that never need it (scan) never fail on it. */
  revocations(): RevocationState;
}

export function openSkillGate(base: string, config: AgentVaultConfig, env: NodeJS.ProcessEnv, now = new Date()): SkillGate {
  const policy = skillPolicy(config);
  const keyringPath = resolve(base, policy.keyring);
  const revocationsPath = resolve(base, policy.revocations);
  const keyring = readKeyring(keyringPath);
  let state: RevocationState | undefined;
  return {
    base,
    config,
    policy,
    rules: buildSkillRules(config),
    keyringPath,
    revocationsPath,
    keyring,
    env,
    now,
    revocations: () => (state ??= loadRevocations(revocationsPath, keyring, { required: policy.requireRevocations, env, now })),
  };
}

export function scanWithGate(gate: SkillGate, dir: string): SkillScanReport {
  return scanSkill(dir, gate.rules, gate.policy, gate.config.maxFileSize);
}

/** The in-toto Statement v1 a signature covers. */
export interface SkillStatement {
  _type: typeof STATEMENT_TYPE;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof SKILL_PREDICATE_TYPE;
  predicate: {
    skill: { id: string; version: string };
    contentHash: string;
    manifestFormat: 'avt1';
    files: { path: string; type: ManifestEntry['type']; sha256: string }[];
    scan: { verdict: 'pass'; failOn: string; findings: Record<string, number>; rulePackDigest: string; tool: string };
    signedAt: string;
    /** What the signer allows the skill to ask for: tool names as in allowed-tools (`Bash`, `Bash(git:*)`, `*`). */
    scope?: { tools: string[] };
  };
}

function countBySeverity(report: SkillScanReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of SEVERITIES) counts[s] = 0;
  for (const f of report.findings) counts[f.severity]!++;
  return counts;
}

/** Why a revoked or purged hash is refused, or undefined. */
function revokedReason(gate: SkillGate, contentHash: string, list: RevocationState): string | undefined {
  const purged = purgedHashes(gate.env).get(contentHash);
  if (purged !== undefined) return `purged: ${purged}`;
  if (list.ok) return list.list.content.find((c) => c.hash === contentHash)?.reason;
  return undefined;
}

/**
 * Sign a skill: scan first (a failing skill is not signed), refuse revoked or purged
 * content, check the key, then write SKILL.sig.
 */
export async function signSkill(gate: SkillGate, dir: string, kid: string, store: SigningKeyStore, version?: string, scope?: { tools: string[] }): Promise<{ report: SkillScanReport; statement: SkillStatement; sigPath: string }> {
  const report = scanWithGate(gate, dir);
  if (report.error) throw report.error;
  if (!report.passed) {
    throw skillFailure('SKILL_SCAN_FAILED', `${dir}: not signed: the scan found ${failingFindings(report).length} finding(s) at ${gate.policy.failOn} or above`, 'Run agent-vault skill scan on the folder, fix the findings, then sign again.');
  }
  const tree = report.tree!;
  const skill = report.skill!;
  const revocations = gate.revocations();
  if (!revocations.ok) throw revocations.error;
  const revoked = revokedReason(gate, tree.manifest.contentHash, revocations);
  if (revoked !== undefined) throw skillFailure('SKILL_REVOKED', `${dir}: content ${tree.manifest.contentHash} is revoked (${revoked}); it cannot be signed under any name`);
  const key = keyFor(gate.keyring, kid, gate.now, new Set(revocations.list.keys.map((k) => k.kid)));
  if (!key.ok) throw skillFailure(key.code, key.message, 'Create a key with agent-vault skill keygen --kid ID.');
  if (scope) {
    const beyond = toolsBeyondScope(skill.allowedTools, scope.tools);
    if (beyond.length) throw skillFailure('SKILL_SCOPE_EXCEEDED', `${dir}: not signed: allowed-tools asks for ${beyond.join(', ')}, outside the scope ${scope.tools.join(', ')}`, 'Widen --scope-tools or narrow allowed-tools in SKILL.md.');
  }
  const statement: SkillStatement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: skill.name, digest: { sha256: tree.manifest.contentHash.slice('sha256:'.length) } }],
    predicateType: SKILL_PREDICATE_TYPE,
    predicate: {
      skill: { id: skill.name, version: version ?? skill.version ?? gate.now.toISOString().slice(0, 10).replace(/-/g, '.') },
      contentHash: tree.manifest.contentHash,
      manifestFormat: 'avt1',
      files: tree.manifest.entries.map((e) => ({ path: e.path, type: e.type, sha256: e.sha256 })),
      scan: { verdict: 'pass', failOn: gate.policy.failOn, findings: countBySeverity(report), rulePackDigest: gate.rules.digest, tool: `agent-vault ${VERSION}` },
      signedAt: gate.now.toISOString(),
      ...(scope ? { scope: { tools: [...scope.tools] } } : {}),
    },
  };
  // The vault session signs (the private key never leaves it) and says which public key it
  // used; a signature by any key other than the keyring's is never written.
  let publicKey: Buffer | undefined;
  const envelope = await signEnvelopeWith(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), kid, store.signer(kid, (k) => (publicKey = k)));
  if (publicKey?.toString('base64url') !== key.entry.jwk.x) throw new AgentVaultError('vault', `the private key stored for "${kid}" does not match the keyring's public key`, { hint: 'The keyring or the stored key was replaced; generate a new key.' });
  const sigPath = join(tree.root, SIGNATURE_FILE);
  writeFileAtomicSync(sigPath, JSON.stringify(envelope, null, 2) + '\n');
  return { report, statement, sigPath };
}

export interface VerifyResult {
  dir: string;
  ok: boolean;
  code: SkillFailureCode | undefined;
  message: string;
  skill: string | undefined;
  version: string | undefined;
  contentHash: string | undefined;
  kid: string | undefined;
  report: SkillScanReport | undefined;
}

/** Verify one skill. Never throws for a problem of the skill: the result carries the code. */
export function verifySkill(gate: SkillGate, dir: string): VerifyResult {
  const result: VerifyResult = { dir, ok: false, code: undefined, message: '', skill: undefined, version: undefined, contentHash: undefined, kid: undefined, report: undefined };
  const failWith = (code: SkillFailureCode, message: string) => Object.assign(result, { ok: false, code, message });
  const report = scanWithGate(gate, dir);
  result.report = report;
  result.skill = report.skill?.name;
  result.contentHash = report.tree?.manifest.contentHash;
  if (report.error) return failWith((report.error.code as SkillFailureCode) ?? 'SKILL_INVALID', report.error.message);
  const tree = report.tree!;
  const revocations = gate.revocations();
  if (!revocations.ok) return failWith(revocations.error.code as SkillFailureCode, revocations.error.message);
  // Revoked content is refused before any signature is looked at: under any name, signed
  // or not, by any key.
  const revoked = revokedReason(gate, tree.manifest.contentHash, revocations);
  if (revoked !== undefined) return failWith('SKILL_REVOKED', `${dir}: content ${tree.manifest.contentHash} is revoked (${revoked})`);
  const sigPath = join(tree.root, SIGNATURE_FILE);
  if (!existsSync(sigPath) && !isSymlink(sigPath)) return failWith('SKILL_UNSIGNED', `${dir}: no ${SIGNATURE_FILE}; the skill is unsigned`);
  // The sidecar is read only if it is a plain file: a link could point anywhere.
  if (!lstatSync(sigPath).isFile()) return failWith('SKILL_BAD_SIGNATURE', `${dir}: ${SIGNATURE_FILE} is not a regular file`);
  const envelope = parseEnvelope(readFileSync(sigPath, 'utf8'));
  if (typeof envelope === 'string') return failWith('SKILL_BAD_SIGNATURE', `${dir}: ${SIGNATURE_FILE} is malformed: ${envelope}`);
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return failWith('SKILL_BAD_SIGNATURE', `${dir}: ${SIGNATURE_FILE} has payload type ${JSON.stringify(envelope.payloadType)}, expected ${IN_TOTO_PAYLOAD_TYPE}`);
  const revokedKids = new Set(revocations.list.keys.map((k) => k.kid));
  // Key problems are reported only if no signature verifies: the first one wins.
  let keyProblem: { code: SkillFailureCode; message: string } | undefined;
  let verifiedKid: string | undefined;
  for (const s of envelope.signatures) {
    const key = keyFor(gate.keyring, s.keyid, gate.now, revokedKids);
    if (!key.ok) {
      keyProblem ??= { code: key.code, message: `${dir}: ${key.message}` };
      continue;
    }
    if (verifySignature(envelope, s, key.key)) {
      verifiedKid = s.keyid;
      break;
    }
    keyProblem ??= { code: 'SKILL_BAD_SIGNATURE', message: `${dir}: the signature by "${s.keyid}" does not verify` };
  }
  if (!verifiedKid) return failWith(keyProblem!.code, keyProblem!.message);
  result.kid = verifiedKid;
  let statement: SkillStatement;
  try {
    statement = JSON.parse(decodeBase64(envelope.payload)!.toString('utf8')) as SkillStatement;
  } catch {
    return failWith('SKILL_BAD_SIGNATURE', `${dir}: the signed payload is not JSON`);
  }
  const signedHash = statement?.subject?.[0]?.digest?.sha256;
  if (statement?._type !== STATEMENT_TYPE || statement.predicateType !== SKILL_PREDICATE_TYPE || typeof signedHash !== 'string' || !Array.isArray(statement.predicate?.files)) {
    return failWith('SKILL_BAD_SIGNATURE', `${dir}: the signed payload is not an agent-vault skill statement`);
  }
  result.version = statement.predicate.skill?.version;
  if (`sha256:${signedHash}` !== tree.manifest.contentHash) {
    return failWith('SKILL_HASH_MISMATCH', `${dir}: content differs from what was signed (${describeDrift(statement.predicate.files, tree.manifest.entries)})`);
  }
  const scope = statement.predicate.scope;
  if (scope !== undefined) {
    if (!scope || !Array.isArray(scope.tools) || !scope.tools.every((t) => typeof t === 'string')) return failWith('SKILL_BAD_SIGNATURE', `${dir}: the signed scope is malformed`);
    const beyond = toolsBeyondScope(report.skill?.allowedTools ?? [], scope.tools);
    if (beyond.length) return failWith('SKILL_SCOPE_EXCEEDED', `${dir}: allowed-tools asks for ${beyond.join(', ')}, outside the signed scope (${scope.tools.join(', ') || 'no tools'})`);
  }
  if (!report.passed) {
    return failWith('SKILL_SCAN_FAILED', `${dir}: fails the scan under the current rules: ${describeFailing(report)}`);
  }
  return Object.assign(result, { ok: true, code: undefined, message: `${dir}: verified ${result.skill}@${result.version} (${tree.manifest.contentHash}, key ${verifiedKid})` });
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Which files changed since signing, for the mismatch message. */
function describeDrift(signed: { path: string; type: string; sha256: string }[], now: ManifestEntry[]): string {
  const before = new Map(signed.map((f) => [f.path, f]));
  const after = new Map(now.map((f) => [f.path, f]));
  const parts: string[] = [];
  const list = (label: string, xs: string[]) => xs.length && parts.push(`${label}: ${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ` (+${xs.length - 5})` : ''}`);
  list('added', [...after.keys()].filter((p) => !before.has(p)));
  list('removed', [...before.keys()].filter((p) => !after.has(p)));
  list('changed', [...after.values()].filter((f) => before.has(f.path) && before.get(f.path)!.sha256 !== f.sha256).map((f) => f.path));
  list('mode or type changed', [...after.values()].filter((f) => before.has(f.path) && before.get(f.path)!.sha256 === f.sha256 && before.get(f.path)!.type !== f.type).map((f) => f.path));
  return parts.join('; ') || 'the signed statement does not match its own file list';
}
