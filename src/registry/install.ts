import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { AgentVaultError, usageError } from '../errors.js';
import { agentVaultHome, privateDir } from '../platform/home.js';
import { sha256Hex, SIGNATURE_FILE } from '../skill/avt1.js';
import { verifySkill, type SkillGate, type VerifyResult } from '../skill/attest.js';
import { skillFailure, type SkillFailureCode } from '../skill/codes.js';
import { checkRevocations, loadRevocations, registryListId, type RevocationList, type RevocationState } from '../skill/revocations.js';
import { ARCHIVE_LIMITS } from '../skill/threats.js';
import { recordSkillEvent } from './ledger.js';
import { CAPS, LOCK_FILE, lockText, parseIndex, parseJwks, parseLock, PATHS, type IndexVersion, type LockEntry, type SkillsLock } from './model.js';
import { openSource, type RegistrySource, type SourceOptions } from './source.js';
import { readTar } from './tar.js';

/**
 * `skill install`: fetch one skill from a registry, check everything, and only then put it
 * where agents load skills. The checks, in order: the index names the version; the
 * registry's revocation list is signed by a key of the consumer's keyring, fresh and not
 * rolled back; the signing key is in the keyring and the registry's JWKS agrees with it; the
 * bundle's bytes hash to what the index says; the tar holds nothing unsafe; the unpacked tree
 * verifies like `skill verify` (signature, content hash, key, revocations, rescan, scope) and
 * is the id, version and content the index promised. The tree is unpacked into a temporary
 * folder beside the target and renamed at the end: nothing half-installed.
 */

export interface InstallOptions extends SourceOptions {
  /** Install folder, relative to the repository root. */
  into: string;
  /** Cap on the bundle's bytes (default: the archive budget of the skill scanner). */
  maxBytes: number;
  /** Record in .agent-vault/skills.lock (false for --locked, which installs exactly the lock). */
  writeLock: boolean;
}

export const DEFAULT_MAX_BUNDLE = ARCHIVE_LIMITS.bytes;
export const DEFAULT_INTO = '.claude/skills';

export interface InstallResult {
  id: string;
  version: string;
  contentHash: string;
  kid: string;
  path: string;
  registry: string;
}

// -- the registry's revocation list, remembered per registry on this machine --------------

function cacheFile(env: NodeJS.ProcessEnv, source: { id: string }): string {
  return join(agentVaultHome(env), 'state', 'registry-lists', `${registryListId(source.id).slice(0, 32)}.json`);
}

/**
 * Fetch and check a registry's revocation list; a good one is cached on this machine (for
 * `verify --locked` and the session-start check when the registry cannot be reached). A
 * missing list fails when the policy requires revocation lists.
 */
export async function registryRevocations(gate: SkillGate, source: RegistrySource, opts: { offline?: boolean } = {}): Promise<RevocationState> {
  let text: string | undefined;
  if (!opts.offline) {
    try {
      text = (await source.get(PATHS.revocations, CAPS.revocations)).toString('utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'REGISTRY_UNREACHABLE') throw e;
    }
  }
  const cache = cacheFile(gate.env, source);
  const fetched = text !== undefined;
  if (text === undefined && existsSync(cache)) text = readFileSync(cache, 'utf8');
  if (text === undefined) {
    if (!gate.policy.requireRevocations) return { ok: true, list: { version: 0, issuedAt: '', expiresAt: '', content: [], keys: [] }, present: false, digest: '' };
    return { ok: false, error: skillFailure('REVOCATIONS_MISSING', `the registry ${source.label} has no revocation list (${PATHS.revocations})`, 'Ask the publisher to run agent-vault skill publish again (it copies the list).') };
  }
  const state = checkRevocations(text, `${source.label} ${PATHS.revocations}`, registryListId(source.id), gate.keyring, { env: gate.env, now: gate.now });
  if (state.ok && fetched) {
    privateDir(dirname(cache));
    writeFileAtomicSync(cache, text, 0o600);
  }
  return state;
}

/**
 * A gate whose revocation list is the repository's own merged with the registries' lists.
 * The repository's own list is then optional: a registry's signed list satisfies the policy.
 */
export function gateWithLists(gate: SkillGate, lists: RevocationList[]): SkillGate {
  if (!lists.length) return gate;
  let merged: RevocationState | undefined;
  return {
    ...gate,
    revocations: () => {
      if (merged) return merged;
      const own = loadRevocations(gate.revocationsPath, gate.keyring, { required: false, env: gate.env, now: gate.now });
      if (!own.ok) return (merged = own);
      const all = [own.list, ...lists];
      merged = { ok: true, present: true, digest: own.digest, list: { ...own.list, content: all.flatMap((l) => l.content), keys: all.flatMap((l) => l.keys) } };
      return merged;
    },
  };
}

// -- install -----------------------------------------------------------------------------

function registryLabel(spec: string, root: string): string {
  if (/^https?:\/\//i.test(spec)) return spec.endsWith('/') ? spec : spec + '/';
  const abs = resolve(root, spec);
  const rel = relative(root, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

/** The install folder must stay inside the repository and out of .git (an agent runs install). */
function checkInto(into: string): void {
  const segs = into.split(/[\\/]/);
  if (isAbsolute(into) || segs.includes('..') || segs.includes('.git')) throw usageError(`--into ${JSON.stringify(into)} must be a folder inside the repository (not absolute, no .., not in .git)`, `The default is ${DEFAULT_INTO}.`);
}

export async function installSkill(gate: SkillGate, root: string, spec: { id: string; version: string | undefined }, registry: string, opts: InstallOptions): Promise<InstallResult> {
  checkInto(opts.into);
  const source = openSource(registry, root, opts);
  const index = parseIndex((await source.get(PATHS.index, CAPS.index)).toString('utf8'), `${source.label} ${PATHS.index}`);
  const skill = index.skills[spec.id];
  if (!skill) throw skillFailure('SKILL_NOT_FOUND', `the registry ${source.label} has no skill ${spec.id}`);
  const version = spec.version ?? skill.latest;
  if (!version) throw skillFailure('SKILL_REVOKED', `every version of ${spec.id} in ${source.label} is unpublished`);
  const entry: IndexVersion | undefined = skill.versions[version];
  if (!entry) throw skillFailure('SKILL_NOT_FOUND', `the registry ${source.label} has no ${spec.id}@${version} (versions: ${Object.keys(skill.versions).join(', ')})`);
  const label = `${spec.id}@${version} from ${source.label}`;
  try {
    return await installEntry(gate, root, spec.id, version, entry, source, registry, label, opts);
  } catch (e) {
    // Every refusal is in the ledger, whichever check (or fetch) it came from.
    if (e instanceof AgentVaultError && e.code) recordSkillEvent(gate.env, { event: 'skill-install', skill: spec.id, version, contentHash: entry.contentHash, outcome: 'refused', actor: 'cli', destination: source.label, detail: e.code });
    throw e;
  }
}

const fail = (code: SkillFailureCode, message: string): never => {
  throw skillFailure(code, message);
};

async function installEntry(gate: SkillGate, root: string, id: string, version: string, entry: IndexVersion, source: RegistrySource, registry: string, label: string, opts: InstallOptions): Promise<InstallResult> {
  const spec = { id };
  // The index is not signed: its reason is not echoed.
  if (entry.unpublished) fail('SKILL_REVOKED', `${label} was unpublished (its reason is in the publisher's revocation list)`);
  const list = await registryRevocations(gate, source);
  if (!list.ok) fail(list.error.code as SkillFailureCode, list.error.message);
  const merged = gateWithLists(gate, list.ok && list.present ? [list.list] : []);
  // The JWKS is what the registry says its keys are; the keyring is what this repository
  // trusts. The signing key must be in the keyring, and the JWKS must not disagree.
  const jwks = parseJwks((await source.get(PATHS.keys, CAPS.keys)).toString('utf8'), `${source.label} ${PATHS.keys}`);
  const trusted = Object.prototype.hasOwnProperty.call(gate.keyring.keys, entry.kid) ? gate.keyring.keys[entry.kid] : undefined;
  if (!trusted) fail('SKILL_KEY_UNTRUSTED', `${label} is signed by key "${entry.kid}", which is not in the keyring ${gate.keyringPath}`);
  const published = jwks.find((k) => k.kid === entry.kid);
  if (!published) fail('REGISTRY_INVALID', `${label}: the registry's JWKS does not list the signing key "${entry.kid}"`);
  if (published!.x !== trusted!.jwk.x) fail('REGISTRY_INVALID', `${label}: the registry's JWKS gives key "${entry.kid}" another public key than the keyring ${gate.keyringPath}`);
  const bundle = await source.get(entry.bundle.path, opts.maxBytes);
  if (sha256Hex(bundle) !== entry.bundle.sha256) fail('SKILL_HASH_MISMATCH', `${label}: the bundle served (${bundle.length} bytes, sha256 ${sha256Hex(bundle).slice(0, 16)}…) is not the one the index names (${entry.bundle.size} bytes, ${entry.bundle.sha256.slice(0, 16)}…)`);
  const sig = await source.get(PATHS.sig(spec.id, version), CAPS.sig);
  const tar = readTar(bundle, { bytes: opts.maxBytes, entries: ARCHIVE_LIMITS.members });
  if (!tar.ok) return fail('SKILL_TREE_REJECTED', `${label}: the bundle is refused: ${tar.reason}`);
  if (tar.entries.some((e) => e.path === SIGNATURE_FILE)) fail('SKILL_TREE_REJECTED', `${label}: the bundle holds its own ${SIGNATURE_FILE}`);
  const target = resolve(root, opts.into, spec.id);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = mkdtempSync(join(dirname(target), `.${spec.id}.installing-`));
  try {
    for (const e of tar.entries) {
      const abs = join(tmp, e.path);
      mkdirSync(dirname(abs), { recursive: true });
      if (e.type === 'l') symlinkSync(e.target!, abs);
      else writeFileSync(abs, e.bytes, { flag: 'wx', mode: e.type === 'x' ? 0o755 : 0o644 });
    }
    writeFileSync(join(tmp, SIGNATURE_FILE), sig, { flag: 'wx', mode: 0o644 });
    const v = verifySkill(merged, tmp);
    if (!v.ok) fail(v.code!, `${label}: ${v.message.split(tmp).join(target)}`);
    if (v.skill !== spec.id || v.version !== version || v.contentHash !== entry.contentHash) {
      fail('SKILL_HASH_MISMATCH', `${label}: the bundle is signed as ${v.skill}@${v.version} (${v.contentHash}), not what the index names (${spec.id}@${version}, ${entry.contentHash})`);
    }
    replaceFolder(tmp, target);
    const result: InstallResult = { id: spec.id, version, contentHash: v.contentHash!, kid: v.kid!, path: relative(root, target).split(sep).join('/'), registry: registryLabel(registry, root) };
    if (opts.writeLock) updateLock(root, result);
    recordSkillEvent(gate.env, { event: 'skill-install', skill: spec.id, version, contentHash: v.contentHash, outcome: 'installed', actor: 'cli', destination: source.label, detail: `into ${result.path}, key ${v.kid}` });
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Put `from` at `to`; an old `to` is moved aside first and removed only after the swap. */
function replaceFolder(from: string, to: string): void {
  if (!existsSync(to)) return renameSync(from, to);
  const old = mkdtempSync(join(dirname(to), `.${to.split(sep).pop()}.replaced-`));
  renameSync(to, join(old, 'skill'));
  try {
    renameSync(from, to);
  } catch (e) {
    renameSync(join(old, 'skill'), to);
    throw e;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}

// -- the lock file -----------------------------------------------------------------------

export function readLock(root: string): SkillsLock {
  const path = join(root, LOCK_FILE);
  if (!existsSync(path)) return { version: 1, skills: [] };
  return parseLock(readFileSync(path, 'utf8'), path);
}

function updateLock(root: string, r: InstallResult): void {
  const lock = readLock(root);
  const entry: LockEntry = { id: r.id, version: r.version, contentHash: r.contentHash, registry: r.registry, path: r.path };
  lock.skills = [...lock.skills.filter((e) => e.id !== r.id), entry];
  mkdirSync(join(root, dirname(LOCK_FILE)), { recursive: true });
  writeFileAtomicSync(join(root, LOCK_FILE), lockText(lock));
}

/** `skill install --locked`: exactly the lock's versions and content, nothing else. */
export async function installLocked(gate: SkillGate, root: string, opts: Omit<InstallOptions, 'into' | 'writeLock'>): Promise<InstallResult[]> {
  const lock = readLock(root);
  if (!lock.skills.length) throw skillFailure('SKILL_LOCK_MISMATCH', `${LOCK_FILE} lists no skills`, 'Install one first: agent-vault skill install ID@VERSION --registry PATH|URL.');
  const out: InstallResult[] = [];
  for (const e of lock.skills) {
    const into = dirname(e.path);
    if (e.path.split('/').pop() !== e.id) throw skillFailure('REGISTRY_INVALID', `${LOCK_FILE}: ${e.id} is recorded at ${e.path}, which is not a folder named after it`);
    const r = await installSkill(gate, root, { id: e.id, version: e.version }, e.registry, { ...opts, into, writeLock: false });
    if (r.contentHash !== e.contentHash) {
      rmSync(resolve(root, r.path), { recursive: true, force: true });
      throw skillFailure('SKILL_LOCK_MISMATCH', `${e.id}@${e.version}: the registry now serves content ${r.contentHash}, the lock says ${e.contentHash}; removed again`, 'A published version never changes: treat the registry as compromised and ask its publisher.');
    }
    out.push(r);
  }
  return out;
}

/** Registry revocation lists of the lock's registries (fetched, or the cached copy when offline or unreachable). */
export async function lockLists(gate: SkillGate, root: string, lock: SkillsLock, opts: SourceOptions & { offline?: boolean }): Promise<{ lists: RevocationList[]; failures: Map<string, RevocationState & { ok: false }> }> {
  const lists: RevocationList[] = [];
  const failures = new Map<string, RevocationState & { ok: false }>();
  for (const registry of [...new Set(lock.skills.map((e) => e.registry))]) {
    let state: RevocationState;
    try {
      state = await registryRevocations(gate, openSource(registry, root, opts), { offline: !!opts.offline });
    } catch (e) {
      state = { ok: false, error: e as never };
    }
    if (state.ok) lists.push(state.list);
    else failures.set(registry, state);
  }
  return { lists, failures };
}

/** `skill verify --locked`: every locked skill is where the lock says, verifies, and has the locked content. */
export async function verifyLocked(gate: SkillGate, root: string, opts: SourceOptions): Promise<VerifyResult[]> {
  const lock = readLock(root);
  if (!lock.skills.length) throw skillFailure('SKILL_LOCK_MISMATCH', `${LOCK_FILE} lists no skills`);
  const { lists, failures } = await lockLists(gate, root, lock, { ...opts, offline: true });
  const merged = gateWithLists(gate, lists);
  return lock.skills.map((e) => {
    const dir = resolve(root, e.path);
    const failed = failures.get(e.registry);
    const base: VerifyResult = { dir, ok: false, code: undefined, message: '', skill: e.id, version: e.version, contentHash: undefined, kid: undefined, report: undefined };
    if (failed) return { ...base, code: failed.error.code as VerifyResult['code'], message: `${e.path}: ${failed.error.message}` };
    if (!existsSync(join(dir, 'SKILL.md'))) return { ...base, code: 'SKILL_LOCK_MISMATCH', message: `${e.path}: ${e.id}@${e.version} is in ${LOCK_FILE} but not installed (agent-vault skill install --locked)` };
    const v = verifySkill(merged, dir);
    if (!v.ok) return v;
    if (v.contentHash !== e.contentHash || v.version !== e.version || v.skill !== e.id) {
      return { ...v, ok: false, code: 'SKILL_LOCK_MISMATCH', message: `${e.path}: installed ${v.skill}@${v.version} (${v.contentHash}) is not the locked ${e.id}@${e.version} (${e.contentHash})` };
    }
    return v;
  });
}
