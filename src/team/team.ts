import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AgentVaultError } from '../errors.js';
import { TEAM_MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { dataKeyIdOf, newDataKey, newTeamId, openValue, sealValue, signatureValid, signingMessage, unwrapDataKey, wrapDataKey } from './crypto.js';
import { parseRecipients, parseTeam, RECIPIENTS_FILE, sameMembers, serializeRecipients, serializeTeam, TEAM_FILE, type Member, type TeamFile, type TeamValue } from './format.js';

/**
 * The team vault: open (verify, then decrypt), and the writes a member makes (init, set,
 * add, remove), each signed by that member. No process, terminal or session here: the
 * caller hands in the identity text and a signer (the session keeps both in the local vault).
 *
 * Trust: a machine pins the member signing keys it last verified (TOFU, like known_hosts).
 * A file is accepted only when signed by a pinned key; then the pin becomes the file's
 * member set. Without a pin (a CI identity, a first open) the file must still be consistent:
 * signed by one of its own members, every member wrapped, recipients file equal.
 */

export interface Signer {
  /** The member writing (their name and public keys as they appear in the member list). */
  member: Member;
  sign(message: Buffer): Promise<Buffer>;
}

export interface TeamOnDisk {
  root: string;
  file: TeamFile;
  recipients: Member[];
}

export interface OpenTeam extends TeamOnDisk {
  dataKey: Buffer;
  values: Map<string, Buffer>;
  /** The member whose identity opened it. */
  me: Member;
}

const refused = (code: string, message: string, hint: string) => new AgentVaultError('refused', message, { code, hint });

export const teamPaths = (root: string) => ({ file: join(root, TEAM_FILE), recipients: join(root, RECIPIENTS_FILE) });

export function hasTeam(root: string): boolean {
  return existsSync(teamPaths(root).file);
}

/** The two files as they are, parsed; undefined when the repository has no team vault. */
export function readTeam(root: string): TeamOnDisk | undefined {
  const p = teamPaths(root);
  if (!existsSync(p.file)) return undefined;
  const file = parseTeam(readFileSync(p.file, 'utf8'), TEAM_FILE);
  if (!existsSync(p.recipients)) throw refused('TEAM_RECIPIENTS_MISMATCH', TEAM_MSG.recipientsMissing(RECIPIENTS_FILE), TEAM_MSG.restoreFromGit);
  return { root, file, recipients: parseRecipients(readFileSync(p.recipients, 'utf8'), RECIPIENTS_FILE) };
}

/**
 * Everything that can be checked without a data key. `pins`: the signing keys this machine
 * trusts (undefined: none yet). Throws a refusal naming what is wrong.
 */
export function verifyTeam(t: { file: TeamFile; recipients?: Member[] }, pins: Member[] | undefined): void {
  const f = t.file;
  const signer = f.members.find((m) => m.name === f.signedBy);
  if (!signer) throw refused('TEAM_SIGNER_NOT_MEMBER', TEAM_MSG.signerNotMember(f.signedBy), TEAM_MSG.restoreFromGit);
  if (!signatureValid(f, signer)) throw refused('TEAM_BAD_SIGNATURE', TEAM_MSG.badSignature(f.signedBy), TEAM_MSG.restoreFromGit);
  if (t.recipients && !sameMembers(t.recipients, f.members)) {
    const signed = new Set(f.members.map((m) => `${m.name} ${m.recipient} ${m.signingKey}`));
    const extra = t.recipients.filter((m) => !signed.has(`${m.name} ${m.recipient} ${m.signingKey}`)).map((m) => m.name);
    throw refused('TEAM_RECIPIENTS_MISMATCH', TEAM_MSG.recipientsMismatch(extra), TEAM_MSG.recipientsMismatchHint);
  }
  const names = f.members.map((m) => m.name).sort();
  const wrapped = [...f.wraps.keys()].sort();
  if (names.join('\n') !== wrapped.join('\n')) {
    throw refused('TEAM_WRAP_MISSING', TEAM_MSG.wrapsMismatch(names.filter((n) => !f.wraps.has(n)), wrapped.filter((n) => !names.includes(n))), TEAM_MSG.restoreFromGit);
  }
  if (pins && !pins.some((p) => p.signingKey === signer.signingKey)) {
    throw refused('TEAM_UNTRUSTED_SIGNER', TEAM_MSG.untrustedSigner(f.signedBy, pins.map((p) => p.name)), TEAM_MSG.untrustedSignerHint);
  }
}

/** The member an identity's recipient names, if any. */
export function memberFor(file: TeamFile, recipient: string): Member | undefined {
  return file.members.find((m) => m.recipient === recipient);
}

/** Unwrap the data key with `identity` (the member whose recipient it is) and decrypt every value. */
export async function decryptTeam(t: TeamOnDisk, identity: { identity: string; recipient: string }): Promise<OpenTeam> {
  const f = t.file;
  const me = memberFor(f, identity.recipient);
  if (!me) throw refused('TEAM_NOT_MEMBER', TEAM_MSG.notMember(f.members.map((m) => m.name)), TEAM_MSG.notMemberHint);
  const dataKey = await unwrapDataKey(f.wraps.get(me.name)!, identity.identity);
  if (!dataKey || dataKeyIdOf(dataKey) !== f.dataKeyId) throw refused('TEAM_TAMPERED', TEAM_MSG.wrapBroken(me.name), TEAM_MSG.restoreFromGit);
  const values = new Map<string, Buffer>();
  for (const [key, v] of f.values) {
    const value = openValue(dataKey, f.dataKeyId, key, v.sealed);
    if (!value) throw refused('TEAM_TAMPERED', TEAM_MSG.valueBroken(key), TEAM_MSG.restoreFromGit);
    values.set(key, value);
  }
  return { ...t, dataKey, values, me };
}

/** Read, verify against the pins, decrypt. */
export async function openTeam(root: string, identity: { identity: string; recipient: string }, pins: Member[] | undefined): Promise<OpenTeam | undefined> {
  const t = readTeam(root);
  if (!t) return undefined;
  verifyTeam(t, pins);
  return decryptTeam(t, identity);
}

/** Sign a draft as `signer` and write both files (team.vault, recipients), each atomically. */
export async function writeTeam(root: string, draft: Omit<TeamFile, 'signature' | 'signedBy'>, signer: Signer): Promise<TeamFile> {
  if (!draft.members.some((m) => m.name === signer.member.name && m.signingKey === signer.member.signingKey)) {
    throw refused('TEAM_NOT_MEMBER', TEAM_MSG.signerMustBeMember(signer.member.name), TEAM_MSG.notMemberHint);
  }
  const unsigned = { ...draft, signedBy: signer.member.name };
  const file: TeamFile = { ...unsigned, signature: (await signer.sign(signingMessage(unsigned))).toString('base64') };
  const p = teamPaths(root);
  mkdirSync(dirname(p.file), { recursive: true });
  writeFileAtomicSync(p.recipients, serializeRecipients(file.members));
  writeFileAtomicSync(p.file, serializeTeam(file));
  return file;
}

export async function initTeam(root: string, signer: Signer): Promise<TeamFile> {
  if (hasTeam(root)) throw refused('TEAM_EXISTS', TEAM_MSG.exists(TEAM_FILE), TEAM_MSG.existsHint);
  const dk = newDataKey();
  const wraps = new Map([[signer.member.name, await wrapDataKey(dk.key, signer.member.recipient)]]);
  return writeTeam(root, { team: newTeamId(), dataKeyId: dk.id, members: [signer.member], wraps, values: new Map() }, signer);
}

/** Set values (unchanged ones keep their ciphertext byte for byte). */
export async function setTeamValues(t: OpenTeam, entries: { key: string; value: Buffer; paths?: string[] }[], signer: Signer): Promise<TeamFile> {
  const values = new Map(t.file.values);
  for (const e of entries) {
    const old = t.values.get(e.key);
    const paths = e.paths ?? values.get(e.key)?.paths ?? [];
    const same = old?.equals(e.value) && JSON.stringify(paths) === JSON.stringify(values.get(e.key)?.paths ?? []);
    if (!same) values.set(e.key, { sealed: sealValue(t.dataKey, t.file.dataKeyId, e.key, e.value), paths });
  }
  return writeTeam(t.root, { ...t.file, values }, signer);
}

export async function removeTeamValue(t: OpenTeam, key: string, signer: Signer): Promise<boolean> {
  if (!t.file.values.has(key)) return false;
  const values = new Map(t.file.values);
  values.delete(key);
  await writeTeam(t.root, { ...t.file, values }, signer);
  return true;
}

export async function addMember(t: OpenTeam, member: Member, signer: Signer): Promise<TeamFile> {
  const f = t.file;
  if (f.members.some((m) => m.name === member.name)) throw refused('TEAM_MEMBER_EXISTS', TEAM_MSG.memberExists(member.name), TEAM_MSG.memberExistsHint(member.name));
  const same = f.members.find((m) => m.recipient === member.recipient || m.signingKey === member.signingKey);
  if (same) throw refused('TEAM_MEMBER_EXISTS', TEAM_MSG.keysInUse(same.name), TEAM_MSG.memberExistsHint(same.name));
  const wraps = new Map(f.wraps).set(member.name, await wrapDataKey(t.dataKey, member.recipient));
  return writeTeam(t.root, { ...f, members: [...f.members, member], wraps }, signer);
}

/** A new data key for every value and every wrap (remove, and a merge of two rotations). */
export async function rotated(members: Member[], values: Map<string, Buffer>, paths: (key: string) => string[]): Promise<{ dataKey: Buffer; draft: Pick<TeamFile, 'dataKeyId' | 'wraps' | 'values' | 'members'> }> {
  const dk = newDataKey();
  const wraps = new Map<string, string>();
  for (const m of members) wraps.set(m.name, await wrapDataKey(dk.key, m.recipient));
  const sealed = new Map<string, TeamValue>();
  for (const [key, value] of values) sealed.set(key, { sealed: sealValue(dk.key, dk.id, key, value), paths: paths(key) });
  return { dataKey: dk.key, draft: { dataKeyId: dk.id, wraps, values: sealed, members } };
}

/**
 * Remove a member: a new data key, every value re-encrypted under it, wrapped to the others
 * only. Returns the keys the removed member could read (to rotate at their provider).
 */
export async function removeMember(t: OpenTeam, name: string, signer: Signer): Promise<{ file: TeamFile; exposed: string[] }> {
  const f = t.file;
  if (!f.members.some((m) => m.name === name)) throw refused('TEAM_NO_MEMBER', TEAM_MSG.noSuchMember(name, f.members.map((m) => m.name)), TEAM_MSG.noSuchMemberHint);
  if (name === signer.member.name) throw refused('TEAM_REMOVE_SELF', TEAM_MSG.removeSelf, TEAM_MSG.removeSelfHint);
  const { draft } = await rotated(f.members.filter((m) => m.name !== name), t.values, (k) => f.values.get(k)?.paths ?? []);
  const file = await writeTeam(t.root, { ...f, ...draft }, signer);
  return { file, exposed: [...t.values.keys()].sort() };
}
