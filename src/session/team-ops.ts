import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { vaultHome } from '../platform/home.js';
import { AgentVaultError, usageError } from '../errors.js';
import { TEAM_MSG } from '../messages.js';
import { memberFingerprint, newSigningKey } from '../team/crypto.js';
import { isMemberName, isRecipient, isSigningKey, parseTeam, TEAM_FILE, type Member } from '../team/format.js';
import { mergeRecipients, mergeTeam, type MergeOutcome } from '../team/merge.js';
import { addMember, initTeam, memberFor, readTeam, removeMember, setTeamValues, verifyTeam, decryptTeam, type OpenTeam, type Signer } from '../team/team.js';
import { initVault } from '../vault/index.js';
import { LocalVaultSession } from './local.js';
import { teamRootFor } from './team-source.js';
import type { VaultSession } from './session.js';

/**
 * What the team commands do, each one function over the session: the CLI parses and prints.
 * They need this machine's identity and signing key, which live in the local vault; the
 * session agent (passphrase vaults) does not serve them yet.
 */

const refused = (code: string, message: string, hint: string) => new AgentVaultError('refused', message, { code, hint });

function local(session: VaultSession): LocalVaultSession {
  if (session instanceof LocalVaultSession) return session;
  throw refused('TEAM_NEEDS_KEYFILE', 'team vault commands need a key-file vault in this version (a passphrase vault keeps its key in the session agent)', 'Use a key-file vault for team work for now (README, "Sharing with a team").');
}

const TOKEN = /^avteam1:(age1[02-9ac-hj-np-z]{58}):([A-Za-z0-9_-]{43})$/;
export const joinToken = (recipient: string, signingKey: string) => `avteam1:${recipient}:${signingKey}`;

/** The member a token (or a recipient plus --signing-key) names. */
export function memberFromToken(name: string, token: string, signingKey?: string): Member {
  if (!isMemberName(name)) throw usageError(`invalid member name "${name}"`, 'Use lower-case letters, digits, dots, hyphens and underscores (up to 64).');
  const t = TOKEN.exec(token.trim());
  if (t) return { name, recipient: t[1]!, signingKey: t[2]! };
  if (isRecipient(token) && signingKey && isSigningKey(signingKey)) return { name, recipient: token, signingKey };
  // A bare recipient: a read-only member (a CI identity). Its signing key is made here and its
  // private half dropped, so it can open the file and never sign one.
  if (isRecipient(token) && signingKey === undefined) return { name, recipient: token, signingKey: newSigningKey().publicKey };
  throw usageError(TEAM_MSG.badToken, TEAM_MSG.badTokenHint);
}

/** Open the team vault to write: verified against the pins, decrypted, with this machine's signer. */
async function forWrite(session: VaultSession, root: string): Promise<{ s: LocalVaultSession; team: OpenTeam; signer: Signer }> {
  const s = local(session);
  const keys = s.teamKeys();
  const onDisk = readTeam(root);
  if (!onDisk) throw refused('TEAM_MISSING', TEAM_MSG.noTeam(TEAM_FILE), TEAM_MSG.noTeamHint);
  const identity = await keys.identity();
  if (!identity) throw refused('TEAM_NO_IDENTITY', TEAM_MSG.noIdentity, TEAM_MSG.noIdentityHint);
  if (!memberFor(onDisk.file, identity.recipient)) throw refused('TEAM_NOT_MEMBER', TEAM_MSG.notMember(onDisk.file.members.map((m) => m.name)), TEAM_MSG.notMemberHint);
  const pins = keys.pins(root);
  if (!pins) throw refused('TEAM_NOT_TRUSTED', TEAM_MSG.notTrustedYet, TEAM_MSG.notTrustedYetHint);
  verifyTeam(onDisk, pins);
  const team = await decryptTeam(onDisk, identity);
  const signer = keys.signer(team.file.members, identity.recipient);
  if (!signer) throw refused('TEAM_NO_IDENTITY', TEAM_MSG.noIdentity, TEAM_MSG.noIdentityHint);
  return { s, team, signer };
}

/** After a write: this machine trusts what it signed. */
function settle(s: LocalVaultSession, root: string, members: Member[]): void {
  s.teamKeys().pin(root, members);
  s.teamChanged();
}

export async function teamInit(session: VaultSession, root: string, name: string): Promise<{ recipient: string }> {
  const s = local(session);
  initVault(s.home);
  const signer = await s.teamKeys().self(name);
  const file = await initTeam(root, signer);
  settle(s, root, file.members);
  return { recipient: signer.member.recipient };
}

/** Make (or import) this machine's identity; pin the repository's team vault as it is now (a person's first look). */
export async function teamJoin(session: VaultSession, root: string | undefined, identityFile?: string): Promise<{ token: string; created: boolean; pinned?: string[] }> {
  const s = local(session);
  initVault(s.home);
  const keys = s.teamKeys();
  const made = await keys.ensure(identityFile === undefined ? undefined : readFileSync(identityFile, 'utf8'));
  const onDisk = root ? readTeam(root) : undefined;
  let pinned: string[] | undefined;
  if (root && onDisk && !keys.pins(root)) {
    verifyTeam(onDisk, undefined);
    keys.pin(root, onDisk.file.members);
    pinned = onDisk.file.members.map((m) => m.name);
  }
  return { token: joinToken(made.recipient, made.signingKey), created: made.created, ...(pinned ? { pinned } : {}) };
}

/** Accept the team vault's current member set as trusted (after a person checked it). */
export async function teamTrust(session: VaultSession, root: string): Promise<string[]> {
  const s = local(session);
  const onDisk = readTeam(root);
  if (!onDisk) throw refused('TEAM_MISSING', TEAM_MSG.noTeam(TEAM_FILE), TEAM_MSG.noTeamHint);
  verifyTeam(onDisk, undefined);
  s.teamKeys().pin(root, onDisk.file.members);
  s.teamChanged();
  return onDisk.file.members.map((m) => m.name);
}

export async function teamAdd(session: VaultSession, root: string, member: Member): Promise<void> {
  const { s, team, signer } = await forWrite(session, root);
  const file = await addMember(team, member, signer);
  settle(s, root, file.members);
}

export async function teamRemove(session: VaultSession, root: string, name: string): Promise<string[]> {
  const { s, team, signer } = await forWrite(session, root);
  const { file, exposed } = await removeMember(team, name, signer);
  settle(s, root, file.members);
  return exposed;
}

export async function teamSet(session: VaultSession, root: string, entries: { key: string; value: Buffer; paths?: string[] }[]): Promise<void> {
  const { s, team, signer } = await forWrite(session, root);
  const file = await setTeamValues(team, entries, signer);
  settle(s, root, file.members);
}

/** Whether the team vault holds a key (set --team asks before replacing). */
export async function teamHas(session: VaultSession, root: string, key: string): Promise<boolean> {
  const { team } = await forWrite(session, root);
  return team.values.has(key);
}

export interface TeamMemberRow {
  name: string;
  fingerprint: string;
  recipient: string;
  me: boolean;
}

/** `team keys`: members and fingerprints, whether this machine is one and trusts the file. Never a value. */
export async function teamMembers(session: VaultSession, root: string): Promise<{ members: TeamMemberRow[]; signedBy: string; trusted: boolean | undefined; keys: number }> {
  const onDisk = readTeam(root);
  if (!onDisk) throw refused('TEAM_MISSING', TEAM_MSG.noTeam(TEAM_FILE), TEAM_MSG.noTeamHint);
  const s = session instanceof LocalVaultSession ? session : undefined;
  const identity = await s?.teamKeys().identity();
  const pins = s?.teamKeys().pins(root);
  verifyTeam(onDisk, undefined);
  return {
    members: onDisk.file.members.map((m) => ({ name: m.name, fingerprint: memberFingerprint(m), recipient: m.recipient, me: m.recipient === identity?.recipient })),
    signedBy: onDisk.file.signedBy,
    trusted: pins ? pins.some((p) => p.signingKey === onDisk.file.members.find((m) => m.name === onDisk.file.signedBy)?.signingKey) : undefined,
    keys: onDisk.file.values.size,
  };
}

/** git's merge driver: the merged text, or the conflicts (then nothing is written). */
export async function teamMerge(session: VaultSession, root: string, texts: { base: string; ours: string; theirs: string }): Promise<MergeOutcome> {
  if (!texts.ours.startsWith('agent-vault team 1\n')) return mergeRecipients(texts.base, texts.ours, texts.theirs);
  const s = local(session);
  const keys = s.teamKeys();
  const identity = await keys.identity();
  if (!identity) throw refused('TEAM_NO_IDENTITY', TEAM_MSG.noIdentity, TEAM_MSG.noIdentityHint);
  const ours = parseTeam(texts.ours, 'ours');
  const signer = keys.signer(ours.members, identity.recipient);
  if (!signer) throw refused('TEAM_NOT_MEMBER', TEAM_MSG.notMember(ours.members.map((m) => m.name)), TEAM_MSG.notMemberHint);
  const pins = keys.pins(root);
  if (!pins) throw refused('TEAM_NOT_TRUSTED', TEAM_MSG.notTrustedYet, TEAM_MSG.notTrustedYetHint);
  const outcome = await mergeTeam(texts, identity, signer, pins, root);
  if (outcome.ok) keys.pin(root, parseTeam(outcome.text).members);
  return outcome;
}

/**
 * CI: the repository's team vault opened with AGENT_VAULT_AGE_IDENTITY and no local vault,
 * read-only. Returns the session (for the gate's raw-value check) and every value, which the
 * caller registers with the runner's log masking before it does anything else.
 */
export async function ciTeamSession(env: NodeJS.ProcessEnv, repo: string): Promise<{ session: VaultSession; values: Buffer[] } | undefined> {
  if (!env.AGENT_VAULT_AGE_IDENTITY) return undefined;
  const root = teamRootFor(repo);
  if (!root) return undefined;
  const session = new LocalVaultSession(resolve(repo, vaultHome(env)), { repo: root, ageIdentity: env.AGENT_VAULT_AGE_IDENTITY });
  const { state } = await session.teamState();
  if (state.kind === 'locked-out') throw refused('TEAM_NOT_MEMBER', TEAM_MSG.notMember(state.members), TEAM_MSG.ciNotMemberHint);
  if (state.kind !== 'open') return undefined;
  return { session, values: [...state.team.values.values()] };
}
