import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { withLock } from '../vault/lock.js';
import { sha256Hex, SIGNATURE_FILE } from '../skill/avt1.js';
import { signSkill, verifySkill, type SkillGate, type SkillStatement } from '../skill/attest.js';
import { skillFailure, type SkillFailureCode } from '../skill/codes.js';
import { decodeBase64, parseEnvelope } from '../skill/dsse.js';
import type { SigningKeyStore } from '../skill/key-store.js';
import { revoke } from '../skill/keys.js';
import { SKILL_FILE, SKILL_NAME } from '../skill/model.js';
import { readSkillTree } from '../skill/tree.js';
import { recordSkillEvent } from './ledger.js';
import { emptyIndex, latestOf, parseIndex, PATHS, VERSION, type Jwk, type RegistryIndex } from './model.js';
import { writeTar, type TarEntry } from './tar.js';

/**
 * `skill publish` and `skill unpublish`: the publisher's side of a registry folder. Publishing
 * is a trust decision (the CLI asks for a terminal): the skill is verified (scanned, and
 * signed here when it is not yet), its bundle written into a fresh folder that is renamed
 * into place, then index.json replaced atomically, under the registry's lock. A version that
 * exists with other content is refused; unpublishing revokes, it never deletes.
 */

export interface PublishOptions {
  /** Sign with this key when the skill is unsigned or changed since signing. */
  kid?: string;
  version?: string;
  scope?: { tools: string[] };
}

export interface PublishResult {
  id: string;
  version: string;
  contentHash: string;
  kid: string;
  /** False when the same content was already published under this id@version. */
  written: boolean;
  registry: string;
}

const RESIGN: SkillFailureCode[] = ['SKILL_UNSIGNED', 'SKILL_HASH_MISMATCH'];

function statementOf(dir: string): { statement: SkillStatement; sigText: string } {
  const sigText = readFileSync(join(dir, SIGNATURE_FILE), 'utf8');
  const env = parseEnvelope(sigText);
  if (typeof env === 'string') throw skillFailure('SKILL_BAD_SIGNATURE', `${dir}: ${SIGNATURE_FILE} is malformed: ${env}`);
  return { statement: JSON.parse(decodeBase64(env.payload)!.toString('utf8')) as SkillStatement, sigText };
}

export function readIndex(registry: string): RegistryIndex {
  const path = join(registry, PATHS.index);
  if (!existsSync(path)) return emptyIndex();
  return parseIndex(readFileSync(path, 'utf8'), path);
}

function jwksOf(gate: SkillGate): { keys: Jwk[] } {
  return {
    keys: Object.entries(gate.keyring.keys)
      .filter(([, e]) => e.status === 'active')
      .map(([kid, e]) => ({ kty: 'OKP', crv: 'Ed25519', x: e.jwk.x, kid, alg: 'EdDSA', use: 'sig' }) as Jwk),
  };
}

/** keys.json (and its /.well-known copy) and the revocation list follow the publisher's. */
function syncTrustFiles(gate: SkillGate, registry: string): void {
  const jwks = JSON.stringify(jwksOf(gate), null, 2) + '\n';
  writeFileAtomicSync(join(registry, PATHS.keys), jwks);
  mkdirSync(join(registry, '.well-known'), { recursive: true });
  writeFileAtomicSync(join(registry, PATHS.jwks), jwks);
  if (existsSync(gate.revocationsPath)) writeFileAtomicSync(join(registry, PATHS.revocations), readFileSync(gate.revocationsPath));
}

/** The envelope a consumer sees at GET /v1/skills/:id (the seed's shape; docs/registry.md). */
function envelopeOf(statement: SkillStatement, sigText: string, skillMd: string, bundle: { path: string; sha256: string; size: number }, ledger: { seq: number; hash: string }) {
  const dsse = parseEnvelope(sigText) as Exclude<ReturnType<typeof parseEnvelope>, string>;
  const p = statement.predicate;
  return {
    skill_id: p.skill.id,
    version: p.skill.version,
    content: skillMd,
    assets: p.files.filter((f) => f.path !== SKILL_FILE).map((f) => ({ path: f.path, hash: `sha256:${f.sha256}`, type: f.type })),
    content_hash: p.contentHash,
    signature: { kid: dsse.signatures[0]!.keyid, alg: 'Ed25519', value: `base64:${dsse.signatures[0]!.sig}`, dsse },
    scan_record: `scn_${sha256Hex(JSON.stringify(p.scan)).slice(0, 24)}`,
    scan: p.scan,
    ...(p.scope ? { scope: p.scope } : {}),
    ledger_block: `blk_${ledger.hash.slice(0, 24)}`,
    ledger: { seq: ledger.seq, hash: ledger.hash },
    bundle,
    format: 'agent-vault-envelope/1',
  };
}

export async function publishSkill(gate: SkillGate, store: SigningKeyStore | undefined, dir: string, registryPath: string, opts: PublishOptions): Promise<PublishResult> {
  const registry = resolve(registryPath);
  let v = verifySkill(gate, dir);
  const wantsNewSignature = !!opts.kid && (opts.version !== undefined || opts.scope !== undefined);
  if (!v.ok || wantsNewSignature) {
    if (!v.ok && !RESIGN.includes(v.code!)) throw skillFailure(v.code!, v.message);
    if (!opts.kid || !store) throw skillFailure(v.code ?? 'SKILL_UNSIGNED', `${v.message}; give --kid KEY to sign it while publishing`);
    await signSkill(gate, dir, opts.kid, store, opts.version ?? v.version, opts.scope);
    v = verifySkill(gate, dir);
    if (!v.ok) throw skillFailure(v.code!, v.message);
  }
  const tree = readSkillTree(dir);
  const { statement, sigText } = statementOf(tree.root);
  const id = statement.predicate.skill.id;
  const version = statement.predicate.skill.version;
  if (opts.version !== undefined && opts.version !== version) throw usageError(`${dir} is signed as version ${version}, not ${opts.version}`, 'Give --kid KEY to re-sign it with the new version.');
  if (!SKILL_NAME.test(id)) throw skillFailure('SKILL_INVALID', `skill name ${JSON.stringify(id)} cannot be published: use 1-64 lower-case letters, digits and hyphens`);
  if (!VERSION.test(version)) throw skillFailure('SKILL_INVALID', `version ${JSON.stringify(version)} cannot be published: use letters, digits and . + _ - (starting with a letter or digit)`);
  const entries: TarEntry[] = tree.files.map((f) => (f.type === 'l' ? { path: f.path, type: 'l', bytes: Buffer.alloc(0), target: f.target! } : { path: f.path, type: f.type, bytes: f.bytes! }));
  let bundle: Buffer;
  try {
    bundle = writeTar(entries);
  } catch (e) {
    throw skillFailure('SKILL_TREE_REJECTED', `${dir}: ${(e as Error).message}`);
  }
  mkdirSync(registry, { recursive: true });
  return withLock(join(registry, PATHS.lock), () => {
    const index = readIndex(registry);
    const existing = index.skills[id]?.versions[version];
    const result: PublishResult = { id, version, contentHash: v.contentHash!, kid: v.kid!, written: false, registry };
    if (existing) {
      if (existing.contentHash !== v.contentHash) {
        throw skillFailure('REGISTRY_VERSION_EXISTS', `${id}@${version} is already published with content ${existing.contentHash}; this folder is ${v.contentHash}`, 'Versions are immutable: publish under a new version (skill publish --kid KEY --version V).');
      }
      syncTrustFiles(gate, registry);
      return result;
    }
    const bundleInfo = { path: PATHS.bundle(id, version), sha256: sha256Hex(bundle), size: bundle.length };
    const finalDir = join(registry, PATHS.versionDir(id, version));
    mkdirSync(dirname(finalDir), { recursive: true });
    const tmp = mkdtempSync(join(dirname(finalDir), `.${version}.publishing-`));
    try {
      writeFileSync(join(tmp, 'bundle.tar'), bundle, { mode: 0o644 });
      writeFileSync(join(tmp, SIGNATURE_FILE), sigText, { mode: 0o644 });
      const ledger = recordSkillEvent(gate.env, { event: 'skill-publish', skill: id, version, contentHash: v.contentHash, outcome: 'published', actor: 'terminal', destination: registry, detail: `key ${v.kid}` });
      const skillMd = readFileSync(join(tree.root, SKILL_FILE), 'utf8');
      writeFileSync(join(tmp, 'envelope.json'), JSON.stringify(envelopeOf(statement, sigText, skillMd, bundleInfo, ledger), null, 2) + '\n', { mode: 0o644 });
      if (existsSync(finalDir)) rmSync(finalDir, { recursive: true, force: true }); // left by a publish that died before the index named it
      renameSync(tmp, finalDir);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const skill = (index.skills[id] ??= { latest: null, versions: {} });
    skill.versions[version] = { contentHash: v.contentHash!, kid: v.kid!, publishedAt: gate.now.toISOString(), bundle: bundleInfo };
    skill.latest = latestOf(skill.versions);
    syncTrustFiles(gate, registry);
    writeFileAtomicSync(join(registry, PATHS.index), JSON.stringify(sortedIndex(index), null, 2) + '\n');
    return { ...result, written: true };
  }, { timeoutMs: 30_000 });
}

function sortedIndex(index: RegistryIndex): RegistryIndex {
  const skills = Object.fromEntries(
    Object.keys(index.skills)
      .sort()
      .map((id) => {
        const s = index.skills[id]!;
        return [id, { latest: s.latest, versions: Object.fromEntries(Object.keys(s.versions).sort().map((v) => [v, s.versions[v]!])) }];
      }),
  );
  return { ...index, skills };
}

/**
 * Unpublish = revoke: the content hash goes into the publisher's signed revocation list (the
 * next version), the list is copied into the registry, and the index marks the version; the
 * bundle stays, so history and the ledger keep their meaning.
 */
export async function unpublishSkill(gate: SkillGate, store: SigningKeyStore, registryPath: string, id: string, version: string, opts: { reason: string; signer: string | undefined; days: number }): Promise<{ contentHash: string; listVersion: number }> {
  const registry = resolve(registryPath);
  const index = readIndex(registry);
  const entry = index.skills[id]?.versions[version];
  if (!entry) throw skillFailure('SKILL_NOT_FOUND', `${id}@${version} is not in the registry ${registryPath}`);
  const { list } = await revoke(gate, store, { content: entry.contentHash, reason: opts.reason, cwd: gate.base }, { days: opts.days, signer: opts.signer });
  withLock(join(registry, PATHS.lock), () => {
    const fresh = readIndex(registry);
    const e = fresh.skills[id]!.versions[version]!;
    e.unpublished = { at: gate.now.toISOString(), reason: opts.reason };
    fresh.skills[id]!.latest = latestOf(fresh.skills[id]!.versions);
    syncTrustFiles(gate, registry);
    writeFileAtomicSync(join(registry, PATHS.index), JSON.stringify(sortedIndex(fresh), null, 2) + '\n');
  }, { timeoutMs: 30_000 });
  recordSkillEvent(gate.env, { event: 'skill-revoke', skill: id, version, contentHash: entry.contentHash, outcome: 'revoked', actor: 'terminal', destination: registry, detail: `revocation list version ${list.version}` });
  return { contentHash: entry.contentHash, listVersion: list.version };
}
