import { AgentVaultError } from '../errors.js';
import { TEAM_MSG } from '../messages.js';
import { newDataKey, sealValue, signingMessage, wrapDataKey } from './crypto.js';
import { memberLine, parseRecipients, parseTeam, serializeRecipients, serializeTeam, type Member, type TeamFile, type TeamValue } from './format.js';
import { decryptTeam, verifyTeam, type OpenTeam, type Signer } from './team.js';

/**
 * git's merge driver for the team vault (`agent-vault merge-team %O %A %B`): three versions
 * decrypted, merged key by key and member by member, only what changed re-encrypted, the
 * result signed by the member merging. A key (or member) changed on both sides to different
 * values is a conflict naming it; nothing is written then, so the file keeps our side
 * (valid, signed) and no plaintext ever reaches the disk.
 *
 * Trust: our and their side must each be signed by a key this machine pinned, or by a member
 * of a side that was (the pin follows what verified, as when the file is opened). The three
 * texts are whatever the caller passes (`agent-vault merge-team` needs no terminal), so a side
 * signed only by a member it lists itself would let anyone add their own recipient to the
 * merged file and have it wrapped the real data key. The base may be signed by any member it
 * or either side lists (it may predate a removal): the merge only ever takes members, values
 * and the data key from our or their side, so a forged base can cause a conflict, never a leak.
 */

export type MergeOutcome = { ok: true; text: string } | { ok: false; conflicts: string[] };

/** 3-way pick of one item by its string form; undefined = absent. */
function pick(o: string | undefined, a: string | undefined, b: string | undefined): { value: string | undefined } | 'conflict' {
  if (a === b) return { value: a };
  if (a === o) return { value: b };
  if (b === o) return { value: a };
  return 'conflict';
}

function mergeMembers(o: Member[], a: Member[], b: Member[], conflicts: string[]): Member[] {
  const byName = (ms: Member[]) => new Map(ms.map((m) => [m.name, m]));
  const [mo, ma, mb] = [byName(o), byName(a), byName(b)];
  const out: Member[] = [];
  for (const name of new Set([...mo.keys(), ...ma.keys(), ...mb.keys()])) {
    const line = (m: Map<string, Member>) => (m.has(name) ? memberLine(m.get(name)!) : undefined);
    const r = pick(line(mo), line(ma), line(mb));
    if (r === 'conflict') conflicts.push(`member ${name}`);
    else if (r.value !== undefined) out.push((ma.get(name) && memberLine(ma.get(name)!) === r.value ? ma : mb).get(name)!);
  }
  return out;
}

/** The recipients file's 3-way merge (the same member merge the team file gets). */
export function mergeRecipients(o: string, a: string, b: string): MergeOutcome {
  const conflicts: string[] = [];
  const members = mergeMembers(parseRecipients(o), parseRecipients(a), parseRecipients(b), conflicts);
  return conflicts.length ? { ok: false, conflicts } : { ok: true, text: serializeRecipients(members) };
}

const refused = (code: string, message: string, hint: string) => new AgentVaultError('refused', message, { code, hint });

export async function mergeTeam(texts: { base: string; ours: string; theirs: string }, identity: { identity: string; recipient: string }, signer: Signer, pins: Member[] | undefined, root: string): Promise<MergeOutcome> {
  const [fo, fa, fb] = [parseTeam(texts.base, 'base'), parseTeam(texts.ours, 'ours'), parseTeam(texts.theirs, 'theirs')];
  if (fo.team !== fa.team || fa.team !== fb.team) throw refused('TEAM_MISMATCH', TEAM_MSG.mergeOtherTeam, TEAM_MSG.restoreFromGit);
  const trusted = [...(pins ?? [])];
  const pending: [string, TeamFile][] = [['ours', fa], ['theirs', fb]];
  // Our and their side: pinned signers, then members of a side that verified (a fixpoint).
  for (let progress = true; progress && pending.length; ) {
    progress = false;
    for (const side of [...pending]) {
      if (!trusted.some((p) => p.signingKey === side[1].members.find((m) => m.name === side[1].signedBy)?.signingKey)) continue;
      pending.splice(pending.indexOf(side), 1);
      trusted.push(...side[1].members);
      progress = true;
    }
  }
  const open: OpenTeam[] = [];
  for (const [label, f] of [['base', fo], ['ours', fa], ['theirs', fb]] as const) {
    try {
      verifyTeam({ file: f }, label === 'base' ? [...trusted, ...fa.members, ...fb.members, ...fo.members] : trusted);
      open.push(await decryptTeam({ root, file: f, recipients: f.members }, identity));
    } catch (e) {
      if (e instanceof AgentVaultError) throw new AgentVaultError(e.kind, `${label}: ${e.message}`, { code: e.code ?? 'TEAM_MERGE', hint: e.hint ?? '' });
      throw e;
    }
  }
  const [o, a, b] = open as [OpenTeam, OpenTeam, OpenTeam];
  const conflicts: string[] = [];
  const members = mergeMembers(fo.members, fa.members, fb.members, conflicts);

  // Values, key by key, on plaintext and paths.
  const form = (t: OpenTeam, k: string) => (t.values.has(k) ? JSON.stringify([t.values.get(k)!.toString('base64'), t.file.values.get(k)!.paths]) : undefined);
  const merged = new Map<string, { value: Buffer; paths: string[]; from: OpenTeam[] }>();
  for (const key of [...new Set([...o.values.keys(), ...a.values.keys(), ...b.values.keys()])].sort()) {
    const r = pick(form(o, key), form(a, key), form(b, key));
    if (r === 'conflict') conflicts.push(key);
    else if (r.value !== undefined) {
      const from = [a, b].filter((t) => form(t, key) === r.value);
      merged.set(key, { value: from[0]!.values.get(key)!, paths: from[0]!.file.values.get(key)!.paths, from });
    }
  }
  if (conflicts.length) return { ok: false, conflicts };

  // The data key: a rotation on one side wins; two different rotations, or a member gone
  // who held the chosen key, make a new one.
  let source: OpenTeam | undefined = fa.dataKeyId === fb.dataKeyId || fb.dataKeyId === fo.dataKeyId ? a : fa.dataKeyId === fo.dataKeyId ? b : undefined;
  const names = new Set(members.map((m) => m.name));
  const holders = source ? [o, a, b].filter((t) => t.file.dataKeyId === source!.file.dataKeyId).flatMap((t) => t.file.members) : [];
  if (holders.some((m) => !names.has(m.name))) source = undefined;
  const dk = source ? { key: source.dataKey, id: source.file.dataKeyId } : newDataKey();
  const withKey = [a, b].filter((t) => t.file.dataKeyId === dk.id);

  const wraps = new Map<string, string>();
  for (const m of members) {
    const kept = withKey.map((t) => t.file.members.find((x) => x.name === m.name && x.recipient === m.recipient) && t.file.wraps.get(m.name)).find(Boolean);
    wraps.set(m.name, kept || (await wrapDataKey(dk.key, m.recipient)));
  }
  const values = new Map<string, TeamValue>();
  for (const [key, v] of merged) {
    const kept = v.from.find((t) => t.file.dataKeyId === dk.id);
    values.set(key, kept ? kept.file.values.get(key)! : { sealed: sealValue(dk.key, dk.id, key, v.value), paths: v.paths });
  }
  if (!members.some((m) => m.name === signer.member.name && m.signingKey === signer.member.signingKey)) {
    throw refused('TEAM_NOT_MEMBER', TEAM_MSG.signerMustBeMember(signer.member.name), TEAM_MSG.notMemberHint);
  }
  const unsigned: Omit<TeamFile, 'signature'> = { team: fa.team, dataKeyId: dk.id, members, wraps, values, signedBy: signer.member.name };
  const file: TeamFile = { ...unsigned, signature: (await signer.sign(signingMessage(unsigned))).toString('base64') };
  return { ok: true, text: serializeTeam(file) };
}
