import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { vaultHome } from '../platform/home.js';
import { AgentVaultError, usageError } from '../errors.js';
import { MSG, TEAM_MSG } from '../messages.js';
import { memberFingerprint, newSigningKey } from '../team/crypto.js';
import { isMemberName, isRecipient, isSigningKey, parseTeam, TEAM_FILE, type Member } from '../team/format.js';
import { mergeRecipients, mergeTeam, type MergeOutcome } from '../team/merge.js';
import { addMember, initTeam, memberFor, readTeam, removeMember, setTeamValues, verifyTeam, decryptTeam, type OpenTeam, type Signer } from '../team/team.js';
import { LocalVaultSession } from './local.js';
import { AgentSession } from './agent-client.js';
import { teamRootFor } from './team-source.js';
import type { TeamRequest } from './agent-protocol.js';
import type { VaultSession } from './session.js';

/**
 * What the team commands do, each one function over the session: the CLI parses and prints.
 * They need this machine's identity and signing key, which live in the local vault. With a
 * passphrase vault that vault is open only in the session agent, so each command is one
 * `team` request run there (runTeamRequest, below, by this same code): the identity, the
 * signing key and the data key never cross the socket, and the agent serves a person's
 * commands only on a connection that proved the person (asPerson, in the CLI).
 */

const refused = (code: string, message: string, hint: string) => new AgentVaultError('refused', message, { code, hint });

function local(session: VaultSession): LocalVaultSession {
  if (session instanceof LocalVaultSession) return session;
  // Only the agent's side (runTeamRequest) or a key-file session reach the team code.
  throw new AgentVaultError('internal', 'team vault operation on a session that cannot open the team vault');
}

/** The agent's client, when the vault is a passphrase vault: the command runs in the agent. */
const viaAgent = (session: VaultSession) => (session instanceof AgentSession ? session : undefined);

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
  const agent = viaAgent(session);
  if (agent) return (await agent.team({ action: 'init', root, name })) as { recipient: string };
  const s = local(session);
  await s.init(); // with the session's own key (in the agent: the key it holds)
  const signer = await s.teamKeys().self(name);
  const file = await initTeam(root, signer);
  settle(s, root, file.members);
  return { recipient: signer.member.recipient };
}

/** Make (or import) this machine's identity; pin the repository's team vault as it is now (a person's first look). */
export async function teamJoin(session: VaultSession, root: string | undefined, identityFile?: string): Promise<{ token: string; created: boolean; pinned?: string[] }> {
  const identityText = identityFile === undefined ? undefined : readFileSync(identityFile, 'utf8');
  const agent = viaAgent(session);
  if (agent) return (await agent.team({ action: 'join', root: root ?? '', ...(identityText !== undefined ? { identityText } : {}) })) as { token: string; created: boolean; pinned?: string[] };
  return joinWith(local(session), root, identityText);
}

async function joinWith(s: LocalVaultSession, root: string | undefined, identityText: string | undefined): Promise<{ token: string; created: boolean; pinned?: string[] }> {
  await s.init(); // with the session's own key (in the agent: the key it holds)
  const keys = s.teamKeys();
  const made = await keys.ensure(identityText);
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
  const agent = viaAgent(session);
  if (agent) return (await agent.team({ action: 'trust', root })) as string[];
  const s = local(session);
  const onDisk = readTeam(root);
  if (!onDisk) throw refused('TEAM_MISSING', TEAM_MSG.noTeam(TEAM_FILE), TEAM_MSG.noTeamHint);
  verifyTeam(onDisk, undefined);
  s.teamKeys().pin(root, onDisk.file.members);
  s.teamChanged();
  return onDisk.file.members.map((m) => m.name);
}

export async function teamAdd(session: VaultSession, root: string, member: Member): Promise<void> {
  const agent = viaAgent(session);
  if (agent) return void (await agent.team({ action: 'add', root, member }));
  const { s, team, signer } = await forWrite(session, root);
  const file = await addMember(team, member, signer);
  settle(s, root, file.members);
}

export async function teamRemove(session: VaultSession, root: string, name: string): Promise<string[]> {
  const agent = viaAgent(session);
  if (agent) return (await agent.team({ action: 'remove', root, name })) as string[];
  const { s, team, signer } = await forWrite(session, root);
  const { file, exposed } = await removeMember(team, name, signer);
  settle(s, root, file.members);
  return exposed;
}

/**
 * Write team values. `createOnly` (set --team --stdin / --from-env, no person): only new keys,
 * no paths, checked here against the decrypted file, so a script never replaces a value.
 */
export async function teamSet(session: VaultSession, root: string, entries: { key: string; value: Buffer; paths?: string[] }[], options: { createOnly?: boolean } = {}): Promise<void> {
  const agent = viaAgent(session);
  if (agent) return void (await agent.team({ action: 'set', root, entries, ...(options.createOnly ? { createOnly: true } : {}) }));
  const { s, team, signer } = await forWrite(session, root);
  if (options.createOnly) {
    if (entries.some((e) => e.paths?.length)) throw refused('TTY_REQUIRED', MSG.bindNeedsPerson, MSG.bindNeedsPersonHint);
    const existing = entries.filter((e) => team.values.has(e.key)).map((e) => e.key);
    if (existing.length) throw refused('KEY_EXISTS', TEAM_MSG.keyExists(existing), MSG.vaultNeedsTerminalHint(`set ${existing[0]} --team`));
  }
  const file = await setTeamValues(team, entries, signer);
  settle(s, root, file.members);
}

/** Whether the team vault holds a key (set --team asks before replacing). */
export async function teamHas(session: VaultSession, root: string, key: string): Promise<boolean> {
  const agent = viaAgent(session);
  if (agent) return (await agent.team({ action: 'has', root, key })) as boolean;
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
  const agent = viaAgent(session);
  if (agent && !(await agent.state()).locked) return (await agent.team({ action: 'members', root })) as Awaited<ReturnType<typeof teamMembers>>;
  const onDisk = readTeam(root);
  if (!onDisk) throw refused('TEAM_MISSING', TEAM_MSG.noTeam(TEAM_FILE), TEAM_MSG.noTeamHint);
  // A locked passphrase vault: the public view, without "you" or the trust this machine keeps.
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
  const agent = viaAgent(session);
  if (agent) return (await agent.team({ action: 'merge', root, texts })) as MergeOutcome;
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

/** The team commands that are a person's decision (the agent serves them only to a proved person). */
export const PERSON_TEAM_ACTIONS: ReadonlySet<TeamRequest['action']> = new Set(['init', 'join', 'trust', 'add', 'remove']);

/**
 * The agent's side of a `team` request: the same functions over the session the agent built
 * from the key it holds. `person`: the connection proved the person. A script (no person) may
 * ask whether a key exists, list members, run the merge driver, and add a new value (as with
 * set --team --stdin); everything else is refused here, whatever the client claims.
 */
export async function runTeamRequest(s: LocalVaultSession, req: TeamRequest, person: boolean): Promise<unknown> {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new AgentVaultError('usage', `team ${req.action}: ${what} is required`);
    return v;
  };
  switch (req.action) {
    case 'init':
      return teamInit(s, req.root, need(req.name, 'name'));
    case 'join':
      return joinWith(s, req.root === '' ? undefined : req.root, req.identityText);
    case 'trust':
      return teamTrust(s, req.root);
    case 'add': {
      const m = need(req.member, 'member');
      return teamAdd(s, req.root, memberFromToken(m.name, m.recipient, m.signingKey));
    }
    case 'remove':
      return teamRemove(s, req.root, need(req.name, 'name'));
    case 'set':
      return teamSet(s, req.root, need(req.entries, 'entries'), { createOnly: !person || req.createOnly === true });
    case 'has':
      return teamHas(s, req.root, need(req.key, 'key'));
    case 'members':
      return teamMembers(s, req.root);
    case 'merge':
      return teamMerge(s, req.root, need(req.texts, 'texts'));
  }
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
