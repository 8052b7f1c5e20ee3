import { isValidKey } from '../core/placeholder.js';
import { AgentVaultError } from '../errors.js';
import { TEAM_MSG } from '../messages.js';

/**
 * The team vault's two files, as text (README, "Sharing with a team"):
 *
 * `.agent-vault/team.vault`, line-oriented and in one canonical order, so a diff names
 * exactly the keys that changed:
 *
 *     agent-vault team 1
 *     team <team id>
 *     data-key <data key id>
 *     member <name> <age recipient> <Ed25519 public key, base64url>     (sorted by name)
 *     wrap <name> <the data key as a binary age file, base64>           (sorted by name)
 *     value <key> <base64 nonce|ciphertext|tag> [<JSON array of repository-relative globs>]  (sorted by key)
 *     signed-by <name>
 *     signature <Ed25519 signature, base64>
 *
 * `.agent-vault/recipients`, the member lines again (name, recipient, signing key) for people
 * to read and review: it must equal the signed member list.
 *
 * Parsing is strict: a file that does not re-serialise to its own bytes is damaged, so no
 * second spelling of the same content can carry a different meaning past the signature.
 */

export { TEAM_FILE, RECIPIENTS_FILE } from '../core/team-lines.js';
import { TEAM_FILE, RECIPIENTS_FILE } from '../core/team-lines.js';
const MAGIC = 'agent-vault team 1';

export interface Member {
  name: string;
  /** age X25519 recipient, `age1…`. */
  recipient: string;
  /** Raw Ed25519 public key, base64url (43 characters). */
  signingKey: string;
}

export interface TeamValue {
  /** base64 of nonce (12) | ciphertext | tag (16). */
  sealed: string;
  /** Repository-relative globs where the value may be materialised (a member's decision, signed). */
  paths: string[];
}

export interface TeamFile {
  team: string;
  dataKeyId: string;
  members: Member[];
  /** Member name -> base64 of a binary age file holding the data key (hex). */
  wraps: Map<string, string>;
  values: Map<string, TeamValue>;
  signedBy: string;
  signature: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const HEX = /^[0-9a-f]+$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]{43}$/;
const RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

export const isMemberName = (s: string) => NAME.test(s);
export const isRecipient = (s: string) => RECIPIENT.test(s);
export const isSigningKey = (s: string) => B64URL.test(s);

function damaged(file: string, why: string): AgentVaultError {
  return new AgentVaultError('refused', TEAM_MSG.damaged(file, why), { code: 'TEAM_DAMAGED', hint: TEAM_MSG.damagedHint(file) });
}

const sortedBy = <T>(items: Iterable<T>, key: (t: T) => string) => [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

export function memberLine(m: Member): string {
  return `${m.name} ${m.recipient} ${m.signingKey}`;
}

/** The lines the signature covers: everything but the signature line. */
export function signedLines(f: Omit<TeamFile, 'signature'>): string[] {
  const lines = [MAGIC, `team ${f.team}`, `data-key ${f.dataKeyId}`];
  for (const m of sortedBy(f.members, (m) => m.name)) lines.push(`member ${memberLine(m)}`);
  for (const name of [...f.wraps.keys()].sort()) lines.push(`wrap ${name} ${f.wraps.get(name)}`);
  for (const key of [...f.values.keys()].sort()) {
    const v = f.values.get(key)!;
    lines.push(`value ${key} ${v.sealed}${v.paths.length ? ` ${JSON.stringify(v.paths)}` : ''}`);
  }
  lines.push(`signed-by ${f.signedBy}`);
  return lines;
}

export function serializeTeam(f: TeamFile): string {
  return [...signedLines(f), `signature ${f.signature}`].join('\n') + '\n';
}

function parseMember(rest: string, where: string, file: string): Member {
  const [name, recipient, signingKey, extra] = rest.split(' ');
  if (extra !== undefined || !name || !isMemberName(name) || !recipient || !isRecipient(recipient) || !signingKey || !isSigningKey(signingKey)) {
    throw damaged(file, `${where}: a member is "NAME age1… SIGNING-KEY"`);
  }
  return { name, recipient, signingKey };
}

export function parseTeam(text: string, file = TEAM_FILE): TeamFile {
  if (!text.endsWith('\n')) throw damaged(file, 'it is truncated (no final newline)');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== MAGIC) throw damaged(file, `line 1 is not "${MAGIC}"`);
  const out: Partial<TeamFile> & { members: Member[]; wraps: Map<string, string>; values: Map<string, TeamValue> } = { members: [], wraps: new Map(), values: new Map() };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const where = `line ${i + 1}`;
    const sp = line.indexOf(' ');
    const tag = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    switch (tag) {
      case 'team':
        if (!HEX.test(rest) || rest.length !== 16) throw damaged(file, `${where}: bad team id`);
        out.team = rest;
        break;
      case 'data-key':
        if (!HEX.test(rest) || rest.length !== 32) throw damaged(file, `${where}: bad data key id`);
        out.dataKeyId = rest;
        break;
      case 'member':
        out.members.push(parseMember(rest, where, file));
        break;
      case 'wrap': {
        const [name, wrap, extra] = rest.split(' ');
        if (extra !== undefined || !name || !isMemberName(name) || !wrap || !B64.test(wrap)) throw damaged(file, `${where}: a wrap is "NAME BASE64"`);
        out.wraps.set(name, wrap);
        break;
      }
      case 'value': {
        const a = rest.indexOf(' ');
        const b = a < 0 ? -1 : rest.indexOf(' ', a + 1);
        const key = a < 0 ? rest : rest.slice(0, a);
        const sealed = a < 0 ? '' : b < 0 ? rest.slice(a + 1) : rest.slice(a + 1, b);
        let paths: unknown = [];
        if (b >= 0) {
          try {
            paths = JSON.parse(rest.slice(b + 1));
          } catch {
            throw damaged(file, `${where}: the paths of "${key}" are not a JSON list`);
          }
        }
        if (!isValidKey(key) || !B64.test(sealed) || Buffer.from(sealed, 'base64').length < 28) throw damaged(file, `${where}: a value is "KEY BASE64"`);
        if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p.length > 0)) throw damaged(file, `${where}: the paths of "${key}" are not a list of globs`);
        if (out.values.has(key)) throw damaged(file, `${where}: "${key}" appears twice`);
        out.values.set(key, { sealed, paths: paths as string[] });
        break;
      }
      case 'signed-by':
        if (!isMemberName(rest)) throw damaged(file, `${where}: bad signer name`);
        out.signedBy = rest;
        break;
      case 'signature':
        if (!B64.test(rest)) throw damaged(file, `${where}: bad signature`);
        out.signature = rest;
        break;
      default:
        throw damaged(file, `${where}: unknown line "${tag.slice(0, 20)}"`);
    }
  }
  if (!out.team || !out.dataKeyId || !out.signedBy || !out.signature) throw damaged(file, 'it is truncated (team, data-key, signed-by or signature missing)');
  const parsed = out as TeamFile;
  // One spelling only: order, duplicates and spacing all show up as a difference here.
  if (serializeTeam(parsed) !== text) throw damaged(file, 'its lines are out of order, repeated or spaced differently from what agent-vault writes');
  return parsed;
}

const RECIPIENTS_HEADER = [
  '# agent-vault team members: name, age recipient, Ed25519 signing key.',
  '# Written by agent-vault team init/add/remove; it must equal the member list signed in team.vault.',
];

export function serializeRecipients(members: Member[]): string {
  return [...RECIPIENTS_HEADER, ...sortedBy(members, (m) => m.name).map(memberLine)].join('\n') + '\n';
}

/** The member lines of a recipients file (comments and blank lines skipped), in file order. */
export function parseRecipients(text: string, file = RECIPIENTS_FILE): Member[] {
  const out: Member[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) return;
    out.push(parseMember(line.replace(/\s+/g, ' '), `line ${i + 1}`, file));
  });
  return out;
}

export function sameMembers(a: Member[], b: Member[]): boolean {
  const key = (ms: Member[]) => sortedBy(ms, (m) => m.name).map(memberLine).join('\n');
  return key(a) === key(b);
}

