import { skillFailure } from '../skill/codes.js';
import { SKILL_NAME } from '../skill/model.js';

/**
 * The registry layout, version 1: a folder of static files that any git host or static web
 * server can serve (and `skill serve` serves read-only). Nothing here is trusted by itself:
 * the index only says where to look; every bundle is verified against the consumer's own
 * keyring, the signed revocation list and the content hash the signature covers.
 *
 *   index.json                          which skills and versions exist (format, skills)
 *   keys.json, .well-known/jwks.json    the publisher's public keys as a JWKS
 *   revocations.json                    the publisher's signed revocation list
 *   skills/<id>/<version>/bundle.tar    the skill tree as a deterministic ustar (tar.ts)
 *   skills/<id>/<version>/SKILL.sig     the DSSE envelope `skill sign` wrote
 *   skills/<id>/<version>/envelope.json the seed's envelope shape (docs/registry.md)
 */

export const INDEX_FORMAT = 'agent-vault-registry';
export const LAYOUT_VERSION = 1;

export const PATHS = {
  index: 'index.json',
  keys: 'keys.json',
  jwks: '.well-known/jwks.json',
  revocations: 'revocations.json',
  lock: '.agent-vault-registry.lock',
  versionDir: (id: string, version: string) => `skills/${id}/${version}`,
  bundle: (id: string, version: string) => `skills/${id}/${version}/bundle.tar`,
  sig: (id: string, version: string) => `skills/${id}/${version}/SKILL.sig`,
  envelope: (id: string, version: string) => `skills/${id}/${version}/envelope.json`,
};

/** Size caps for what a client reads from a registry (the bundle's is the install option). */
export const CAPS = { index: 4 * 1024 * 1024, keys: 1024 * 1024, revocations: 4 * 1024 * 1024, sig: 1024 * 1024 };

/** Versions: a path segment that cannot traverse (starts with a letter or digit). */
export const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;

export interface IndexVersion {
  contentHash: string;
  kid: string;
  publishedAt: string;
  bundle: { path: string; sha256: string; size: number };
  /** Set by `skill unpublish`: the bundle stays (history), the content hash is revoked. */
  unpublished?: { at: string; reason: string };
}

export interface RegistryIndex {
  format: typeof INDEX_FORMAT;
  version: typeof LAYOUT_VERSION;
  skills: Record<string, { latest: string | null; versions: Record<string, IndexVersion> }>;
}

export const emptyIndex = (): RegistryIndex => ({ format: INDEX_FORMAT, version: LAYOUT_VERSION, skills: {} });

const HASH = /^sha256:[0-9a-f]{64}$/;
const HEX = /^[0-9a-f]{64}$/;

/** Parse index.json; anything unexpected is REGISTRY_INVALID, naming where. */
export function parseIndex(text: string, where: string): RegistryIndex {
  const bad = (why: string) => skillFailure('REGISTRY_INVALID', `${where}: ${why}`, 'The registry is damaged or not an agent-vault registry; ask its publisher, or check the --registry address.');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad('not valid JSON');
  }
  const idx = v as RegistryIndex;
  if (!idx || typeof idx !== 'object' || idx.format !== INDEX_FORMAT) throw bad(`"format" is not "${INDEX_FORMAT}"`);
  if (idx.version !== LAYOUT_VERSION) throw bad(`layout version ${JSON.stringify(idx.version)} is not supported (this agent-vault reads version ${LAYOUT_VERSION})`);
  if (!idx.skills || typeof idx.skills !== 'object' || Array.isArray(idx.skills)) throw bad('"skills" must be an object');
  for (const [id, s] of Object.entries(idx.skills)) {
    if (!SKILL_NAME.test(id)) throw bad(`skill id ${JSON.stringify(id)} is not a valid skill name`);
    if (!s || typeof s !== 'object' || !s.versions || typeof s.versions !== 'object') throw bad(`skills.${id}: needs "versions"`);
    if (s.latest !== null && (typeof s.latest !== 'string' || !Object.prototype.hasOwnProperty.call(s.versions, s.latest))) throw bad(`skills.${id}.latest names no listed version`);
    for (const [ver, e] of Object.entries(s.versions)) {
      const at = `skills.${id}.versions.${ver}`;
      if (!VERSION.test(ver)) throw bad(`${at}: invalid version`);
      if (!e || typeof e !== 'object' || !HASH.test(e.contentHash) || typeof e.kid !== 'string' || !e.bundle || !HEX.test(e.bundle.sha256) || !Number.isSafeInteger(e.bundle.size) || e.bundle.path !== PATHS.bundle(id, ver)) {
        throw bad(`${at}: needs contentHash, kid and bundle {path, sha256, size} at ${PATHS.bundle(id, ver)}`);
      }
    }
  }
  return idx;
}

/** Compare versions: dot-separated parts, numeric parts numerically, others as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+_-]/);
  const pb = b.split(/[.+_-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The newest version still published, or null. */
export function latestOf(versions: Record<string, IndexVersion>): string | null {
  const live = Object.keys(versions).filter((v) => !versions[v]!.unpublished);
  return live.sort(compareVersions).pop() ?? null;
}

/** `id` or `id@version`. */
export function parseSpec(spec: string): { id: string; version: string | undefined } {
  const at = spec.indexOf('@');
  const id = at === -1 ? spec : spec.slice(0, at);
  const version = at === -1 ? undefined : spec.slice(at + 1);
  if (!SKILL_NAME.test(id) || (version !== undefined && !VERSION.test(version))) {
    throw skillFailure('SKILL_NOT_FOUND', `${JSON.stringify(spec)} is not ID or ID@VERSION (ID: lower-case letters, digits, hyphens; VERSION: letters, digits, . + _ -)`);
  }
  return { id, version };
}

// -- JWKS --------------------------------------------------------------------------------

export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export function parseJwks(text: string, where: string): Jwk[] {
  const bad = (why: string) => skillFailure('REGISTRY_INVALID', `${where}: ${why}`, 'keys.json must be a JWKS: {"keys": [{"kty":"OKP","crv":"Ed25519","x":...,"kid":...}]}');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad('not valid JSON');
  }
  const keys = (v as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw bad('no "keys" list');
  for (const k of keys as Jwk[]) {
    if (!k || k.kty !== 'OKP' || k.crv !== 'Ed25519' || typeof k.x !== 'string' || typeof k.kid !== 'string') throw bad('every key must be an OKP Ed25519 public JWK with a kid');
    if ('d' in (k as object)) throw bad(`key ${JSON.stringify(k.kid)} holds a private part ("d"); the registry is not safe to use`);
  }
  return keys as Jwk[];
}

// -- the lock file -----------------------------------------------------------------------

export const LOCK_FILE = '.agent-vault/skills.lock';

export interface LockEntry {
  id: string;
  version: string;
  contentHash: string;
  /** The registry it came from: an http(s) URL, or a folder (relative to the repository root when inside it). */
  registry: string;
  /** Where it is installed, relative to the repository root. */
  path: string;
}

export interface SkillsLock {
  version: 1;
  skills: LockEntry[];
}

export function parseLock(text: string, where: string): SkillsLock {
  const bad = (why: string) => skillFailure('REGISTRY_INVALID', `${where}: ${why}`, 'Restore it from git (git checkout -- .agent-vault/skills.lock).');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad('not valid JSON');
  }
  const lock = v as SkillsLock;
  if (!lock || lock.version !== 1 || !Array.isArray(lock.skills)) throw bad('must be {"version": 1, "skills": [...]}');
  for (const e of lock.skills) {
    if (!e || !SKILL_NAME.test(e.id) || !VERSION.test(e.version) || !HASH.test(e.contentHash) || typeof e.registry !== 'string' || !e.registry || typeof e.path !== 'string') throw bad('every entry needs id, version, contentHash, registry and path');
    if (e.path.startsWith('/') || e.path.split('/').includes('..')) throw bad(`${e.id}: path must stay inside the repository`);
  }
  return lock;
}

/** The lock's bytes: entries sorted by id, keys in a fixed order, so a clone's diff is minimal. */
export function lockText(lock: SkillsLock): string {
  const skills = [...lock.skills]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) => ({ id: e.id, version: e.version, contentHash: e.contentHash, registry: e.registry, path: e.path }));
  return JSON.stringify({ version: 1, skills }, null, 2) + '\n';
}
