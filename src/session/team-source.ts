import { createHash, createPrivateKey, sign } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { VaultedValue } from '../core/redact.js';
import { AgentVaultError } from '../errors.js';
import { TEAM_MSG } from '../messages.js';
import { newIdentity, newSigningKey, parseIdentity, signingPublicKey } from '../team/crypto.js';
import { isMemberName, TEAM_FILE, type Member } from '../team/format.js';
import { memberFor, openTeam, readTeam, verifyTeam, type OpenTeam, type Signer } from '../team/team.js';
import { normalizeBinding, TEAM_KEY_PREFIX } from '../vault/bindings.js';
import type { KeyMeta, KeySourceName, Vault } from '../vault/index.js';

/**
 * The resolution chain's sources (local vault, then the repository's team vault, then
 * providers): each hands in names, metadata and values; the session alone decides where a
 * value may go (bindings, approvals), whatever source it came from.
 */
export interface KeySource {
  readonly name: KeySourceName;
  list(): KeyMeta[];
  get(key: string): Buffer | undefined;
  redactionValues(): VaultedValue[];
}

export function localSource(vault: Vault): KeySource {
  return {
    name: 'local',
    list: () => vault.list().map((m) => ({ ...m, source: 'local' as const })),
    get: (key) => vault.get(key),
    redactionValues: () => vault.redactionValues(),
  };
}

// The local vault's internal entries for the team vault: never materialised, never listed as usable keys.
export const TEAM_IDENTITY_KEY = `${TEAM_KEY_PREFIX}identity`;
export const TEAM_SIGNING_KEY = `${TEAM_KEY_PREFIX}signing-key`;
/**
 * The pin is per clone (its real path), not per team id: a file replaced by a freshly made
 * team vault (a new id) must meet the same pin, not count as a first open.
 */
const pinKey = (root: string) => `${TEAM_KEY_PREFIX}pin-${createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 16)}`;

/** The repository root holding a team vault at or above `cwd` (stops at the first folder with .git). */
export function teamRootFor(cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    if (existsSync(join(dir, TEAM_FILE))) return dir;
    if (existsSync(join(dir, '.git'))) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** This machine's team identity, signing key and pins, kept as internal entries of the local vault. */
export class TeamKeys {
  constructor(
    private readonly vault: () => Vault | undefined,
    /** AGENT_VAULT_AGE_IDENTITY: a CI identity, read-only (it signs nothing). */
    private readonly envIdentity: string | undefined,
  ) {}

  async identity(): Promise<{ identity: string; recipient: string } | undefined> {
    const stored = this.vault()?.get(TEAM_IDENTITY_KEY);
    if (stored) return parseIdentity(stored.toString('utf8'));
    if (this.envIdentity === undefined || this.envIdentity === '') return undefined;
    try {
      return await parseIdentity(this.envIdentity);
    } catch {
      throw new AgentVaultError('usage', TEAM_MSG.ciIdentityBad, { code: 'TEAM_BAD_IDENTITY', hint: TEAM_MSG.ciIdentityBadHint });
    }
  }

  /** Make (or import) the identity and signing key when missing; a person's act (team join, team init). */
  async ensure(importText?: string): Promise<{ recipient: string; signingKey: string; created: boolean }> {
    const v = this.vault();
    if (!v) throw new AgentVaultError('vault', 'no local vault', { code: 'VAULT_MISSING' });
    const existing = v.get(TEAM_IDENTITY_KEY);
    const der = v.get(TEAM_SIGNING_KEY);
    if (existing && der && importText === undefined) return { recipient: (await parseIdentity(existing.toString('utf8'))).recipient, signingKey: signingPublicKey(der), created: false };
    const id = await parseIdentity(importText ?? (existing?.toString('utf8') || (await newIdentity())));
    const signing = der ? { der, publicKey: signingPublicKey(der) } : newSigningKey();
    v.setMany([
      { key: TEAM_IDENTITY_KEY, value: Buffer.from(id.identity, 'utf8'), origin: 'terminal', internal: true, description: 'team vault age identity' },
      { key: TEAM_SIGNING_KEY, value: signing.der, origin: 'terminal', internal: true, description: 'team vault signing key' },
    ]);
    return { recipient: id.recipient, signingKey: signing.publicKey, created: true };
  }

  /** A signer for the member these keys are in `members` (undefined when none is). */
  signer(members: Member[], recipient: string): Signer | undefined {
    const der = this.vault()?.get(TEAM_SIGNING_KEY);
    if (!der) return undefined;
    const publicKey = signingPublicKey(der);
    const member = members.find((m) => m.recipient === recipient && m.signingKey === publicKey);
    if (!member) return undefined;
    return { member, sign: async (message) => sign(null, message, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) };
  }

  /** A signer for a new member list naming this machine `name` (team init). */
  async self(name: string): Promise<Signer> {
    if (!isMemberName(name)) throw new AgentVaultError('usage', `invalid member name "${name}"`, { hint: 'Use lower-case letters, digits, dots, hyphens and underscores (up to 64).' });
    const { recipient, signingKey } = await this.ensure();
    return this.signer([{ name, recipient, signingKey }], recipient)!;
  }

  /** Whether there is a local vault to keep pins in (CI with only AGENT_VAULT_AGE_IDENTITY has none). */
  canPin(): boolean {
    return this.vault() !== undefined;
  }

  pins(root: string): Member[] | undefined {
    const raw = this.vault()?.get(pinKey(root));
    return raw ? (JSON.parse(raw.toString('utf8')) as Member[]) : undefined;
  }

  /** Record the member set as this clone's pin (only when it changed; no local vault: nothing kept). */
  pin(root: string, members: Member[]): void {
    const v = this.vault();
    if (!v) return;
    const value = JSON.stringify([...members].sort((a, b) => (a.name < b.name ? -1 : 1)));
    if (v.get(pinKey(root))?.toString('utf8') === value) return;
    v.setMany([{ key: pinKey(root), value: Buffer.from(value, 'utf8'), origin: 'terminal', internal: true, description: 'team vault members this machine trusts' }]);
  }
}

export type TeamState =
  | { kind: 'none' }
  /** A team vault this machine cannot open: who can. */
  | { kind: 'locked-out'; members: string[] }
  | { kind: 'open'; team: OpenTeam };

/** Open the repository's team vault with this machine's identity and pins; the pin follows what verified. */
export async function openTeamState(root: string | undefined, keys: TeamKeys): Promise<TeamState> {
  if (!root) return { kind: 'none' };
  const onDisk = readTeam(root);
  if (!onDisk) return { kind: 'none' };
  const identity = await keys.identity();
  const pins = keys.pins(root);
  // Verified before membership: a file rewritten by someone this clone does not trust is
  // reported even when it also locked this machine out (a removed member's replacement).
  if (pins) verifyTeam(onDisk, pins);
  if (!identity || !memberFor(onDisk.file, identity.recipient)) return { kind: 'locked-out', members: onDisk.file.members.map((m) => m.name) };
  // A machine with a vault trusts a team vault only after a person accepted it (team init,
  // join or trust, at a terminal); only a CI identity without a vault opens on consistency alone.
  if (!pins && keys.canPin()) throw new AgentVaultError('refused', TEAM_MSG.notTrustedYet, { code: 'TEAM_NOT_TRUSTED', hint: TEAM_MSG.notTrustedYetHint });
  const team = await openTeam(root, identity, pins);
  if (!team) return { kind: 'none' };
  keys.pin(root, team.file.members);
  return { kind: 'open', team };
}

export function teamSource(team: OpenTeam): KeySource {
  const metas = [...team.values].map(([key, value]): KeyMeta => {
    const paths = team.file.values.get(key)!.paths;
    return {
      key,
      description: null,
      created: '',
      updated: '',
      length: value.length,
      version: 0,
      earlierValues: 0,
      origin: 'terminal',
      // A member's repository-relative globs, bound here as this clone's absolute paths.
      bindings: paths.map((g) => normalizeBinding(g, team.root)),
      internal: false,
      source: 'team',
    };
  });
  return {
    name: 'team',
    list: () => metas,
    get: (key) => team.values.get(key),
    redactionValues: () => [...team.values].map(([key, value]) => ({ key, value, origin: 'terminal' as const })),
  };
}
