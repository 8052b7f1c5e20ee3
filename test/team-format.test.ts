import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentVaultError } from '../src/errors.js';
import { newSigningKey, openValue, parseIdentity, sealValue, unwrapDataKey, wrapDataKey, newDataKey, signingPublicKey } from '../src/team/crypto.js';
import { parseRecipients, parseTeam, serializeTeam, TEAM_FILE, RECIPIENTS_FILE, type Member, type TeamFile } from '../src/team/format.js';
import { addMember, initTeam, openTeam, readTeam, removeMember, setTeamValues, verifyTeam, writeTeam, type Signer } from '../src/team/team.js';
import { createPrivateKey, sign } from 'node:crypto';
import { REPO, scratchDir } from './helpers/sandbox.js';

/**
 * The team vault's format and cryptography against real files and Debian's age binary: the
 * attacks on the file (tampering, a non-member's signature, a recipients edit, a removed
 * member's rewrite) and interop both ways with `age`.
 */

function keygen(dir: string, name: string): { file: string; identity: string; recipient: string } {
  const file = join(dir, `${name}.txt`);
  const r = spawnSync('age-keygen', ['-o', file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const text = readFileSync(file, 'utf8');
  const identity = text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
  const recipient = /public key: (age1\S+)/.exec(text)![1]!;
  return { file, identity, recipient };
}

async function person(dir: string, name: string) {
  const k = keygen(dir, name);
  const signing = newSigningKey();
  const member: Member = { name, recipient: k.recipient, signingKey: signing.publicKey };
  const signer: Signer = { member, sign: async (m) => sign(null, m, createPrivateKey({ key: signing.der, format: 'der', type: 'pkcs8' })) };
  return { ...k, member, signer, id: { identity: k.identity, recipient: k.recipient } };
}

const fakeValue = (n: number) => Buffer.from(`tv-${n}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`);

async function teamOf3() {
  const root = scratchDir('team-');
  mkdirSync(join(root, '.git'));
  const [alice, bob, carol] = [await person(root, 'alice'), await person(root, 'bob'), await person(root, 'carol')];
  await initTeam(root, alice.signer);
  let t = (await openTeam(root, alice.id, [alice.member]))!;
  await addMember(t, bob.member, alice.signer);
  t = (await openTeam(root, alice.id, [alice.member]))!;
  await addMember(t, carol.member, alice.signer);
  t = (await openTeam(root, alice.id, [alice.member]))!;
  const values = { 'db-password': fakeValue(1), 'api-token': fakeValue(2) };
  await setTeamValues(t, Object.entries(values).map(([key, value]) => ({ key, value })), alice.signer);
  const pins = [alice.member, bob.member, carol.member];
  return { root, alice, bob, carol, values, pins };
}

const text = (root: string) => readFileSync(join(root, TEAM_FILE), 'utf8');
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'opened';
  } catch (e) {
    if (!(e instanceof AgentVaultError)) throw e;
    expect(e.kind).toBe('refused');
    return e.code;
  }
};

describe('team vault: what a member writes, every member opens', () => {
  it('three members read the same values; each value is its own line', async () => {
    const w = await teamOf3();
    for (const p of [w.alice, w.bob, w.carol]) {
      const t = (await openTeam(w.root, p.id, w.pins))!;
      expect(t.values.get('db-password')).toEqual(w.values['db-password']);
      expect(t.values.get('api-token')).toEqual(w.values['api-token']);
    }
    expect(text(w.root).split('\n').filter((l) => l.startsWith('value '))).toHaveLength(2);
  });

  it('changing one value re-encrypts that line only (a diff names the key)', async () => {
    const w = await teamOf3();
    const before = text(w.root).split('\n');
    const t = (await openTeam(w.root, w.bob.id, w.pins))!;
    await setTeamValues(t, [{ key: 'api-token', value: fakeValue(3) }, { key: 'db-password', value: w.values['db-password'] }], w.bob.signer);
    const after = text(w.root).split('\n');
    const changed = after.filter((l) => !before.includes(l));
    expect(changed.map((l) => (l.startsWith('value ') ? l.split(' ').slice(0, 2).join(' ') : l.split(' ')[0]))).toEqual(['value api-token', 'signed-by', 'signature']);
  });

  it('parse(serialize(f)) == f, and the parser accepts only the canonical spelling (property)', () => {
    const key = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
    const b64 = fc.uint8Array({ minLength: 28, maxLength: 60 }).map((u) => Buffer.from(u).toString('base64'));
    fc.assert(
      fc.property(fc.dictionary(key, fc.record({ sealed: b64, paths: fc.array(fc.stringMatching(/^[a-z*][a-z0-9*./ ]{0,12}$/), { maxLength: 2 }) })), (vals) => {
        const f: TeamFile = {
          team: '0123456789abcdef',
          dataKeyId: 'ab'.repeat(16),
          members: [{ name: 'alice', recipient: 'age1' + 'q'.repeat(58), signingKey: 'A'.repeat(43) }],
          wraps: new Map([['alice', 'YWdl']]),
          values: new Map(Object.entries(vals)),
          signedBy: 'alice',
          signature: 'c2ln',
        };
        const s = serializeTeam(f);
        expect(serializeTeam(parseTeam(s))).toBe(s);
        expect(() => parseTeam(s.replace('\n', '\n\n'))).toThrow(AgentVaultError);
      }),
    );
  });
});

describe('team vault attacks: each is refused with exit-1 kind and the reason', () => {
  it('a changed ciphertext, a truncated file or a reordered file', async () => {
    const w = await teamOf3();
    const good = text(w.root);
    const line = good.split('\n').find((l) => l.startsWith('value api-token '))!;
    const ct = Buffer.from(line.split(' ')[2]!, 'base64');
    ct[20] = ct[20]! ^ 1;
    writeFileSync(join(w.root, TEAM_FILE), good.replace(line, `value api-token ${ct.toString('base64')}`));
    expect(await codeOf(openTeam(w.root, w.bob.id, w.pins))).toBe('TEAM_BAD_SIGNATURE');
    writeFileSync(join(w.root, TEAM_FILE), good.slice(0, good.length - 30));
    expect(await codeOf(openTeam(w.root, w.bob.id, w.pins))).toBe('TEAM_DAMAGED');
    const lines = good.split('\n');
    [lines[5], lines[6]] = [lines[6]!, lines[5]!];
    writeFileSync(join(w.root, TEAM_FILE), lines.join('\n'));
    expect(await codeOf(openTeam(w.root, w.bob.id, w.pins))).toBe('TEAM_DAMAGED');
  });

  it('the recipients file edited to add an attacker without re-wrapping', async () => {
    const w = await teamOf3();
    const mallory = await person(w.root, 'mallory');
    writeFileSync(join(w.root, RECIPIENTS_FILE), readFileSync(join(w.root, RECIPIENTS_FILE), 'utf8') + `mallory ${mallory.recipient} ${mallory.member.signingKey}\n`);
    expect(await codeOf(openTeam(w.root, w.bob.id, w.pins))).toBe('TEAM_RECIPIENTS_MISMATCH');
  });

  it("a non-member's signature, and a file rewritten by an outsider who made themselves a member", async () => {
    const w = await teamOf3();
    const mallory = await person(w.root, 'mallory');
    const f = parseTeam(text(w.root));
    // Signed by mallory, who is not in the signed member list.
    await expect(writeTeam(w.root, f, mallory.signer)).rejects.toThrow(/not a member/);
    const forged = { ...f, signedBy: 'mallory' };
    writeFileSync(join(w.root, TEAM_FILE), serializeTeam({ ...forged, signature: (await mallory.signer.sign(Buffer.from('x'))).toString('base64') }));
    expect(await codeOf(openTeam(w.root, w.bob.id, w.pins))).toBe('TEAM_SIGNER_NOT_MEMBER');
    // Mallory builds a whole consistent file with herself as a member and her own data key:
    // only the pins (what bob's machine last verified) stop it.
    const dk = newDataKey();
    const members = [...f.members, mallory.member];
    const wraps = new Map<string, string>();
    for (const m of members) wraps.set(m.name, await wrapDataKey(dk.key, m.recipient));
    const values = new Map([['api-token', { sealed: sealValue(dk.key, dk.id, 'api-token', Buffer.from('attacker-chosen-value')), paths: [] }]]);
    await writeTeam(w.root, { team: f.team, dataKeyId: dk.id, members, wraps, values }, mallory.signer);
    expect(await codeOf(openTeam(w.root, w.bob.id, w.pins))).toBe('TEAM_UNTRUSTED_SIGNER');
  });

  it('a ciphertext moved to another key, or carried across a data-key rotation, does not open (signed by a member)', async () => {
    const w = await teamOf3();
    const f = parseTeam(text(w.root));
    const swapped = new Map(f.values);
    swapped.set('api-token', f.values.get('db-password')!);
    await writeTeam(w.root, { ...f, values: swapped }, w.alice.signer);
    expect(await codeOf(openTeam(w.root, w.bob.id, w.pins))).toBe('TEAM_TAMPERED');
    // Restore, rotate (remove carol), then put the old ciphertext back under the new key id.
    await writeTeam(w.root, f, w.alice.signer);
    const t = (await openTeam(w.root, w.alice.id, w.pins))!;
    await removeMember(t, 'carol', w.alice.signer);
    const rotated = parseTeam(text(w.root));
    expect(rotated.dataKeyId).not.toBe(f.dataKeyId);
    await writeTeam(w.root, { ...rotated, values: new Map([...rotated.values, ['api-token', f.values.get('api-token')!]]) }, w.alice.signer);
    expect(await codeOf(openTeam(w.root, w.bob.id, [w.alice.member, w.bob.member]))).toBe('TEAM_TAMPERED');
  });

  it('a removed member cannot read values written after the removal, and their rewrite is refused', async () => {
    const w = await teamOf3();
    const t = (await openTeam(w.root, w.alice.id, w.pins))!;
    const { exposed } = await removeMember(t, 'carol', w.alice.signer);
    expect(exposed).toEqual(['api-token', 'db-password']);
    const after = (await openTeam(w.root, w.alice.id, w.pins))!;
    const fresh = fakeValue(9);
    await setTeamValues(after, [{ key: 'api-token', value: fresh }], w.alice.signer);
    const f = parseTeam(text(w.root));
    expect(f.wraps.has('carol')).toBe(false);
    // Carol's identity opens none of the wraps (the age binary agrees).
    for (const wrap of f.wraps.values()) {
      expect(await unwrapDataKey(wrap, w.carol.identity)).toBeUndefined();
      const r = spawnSync('age', ['-d', '-i', w.carol.file], { input: Buffer.from(wrap, 'base64') });
      expect(r.status).not.toBe(0);
    }
    expect(await codeOf(openTeam(w.root, w.carol.id, undefined))).toBe('TEAM_NOT_MEMBER');
    // With the data key she had, the new ciphertext does not open either.
    expect(openValue(t.dataKey, f.dataKeyId, 'api-token', f.values.get('api-token')!.sealed)).toBeUndefined();
    // Carol rewrites the file with a data key of her own and herself back in: bob, who pinned
    // the members after the removal, refuses it.
    const bobPins = [w.alice.member, w.bob.member];
    await openTeam(w.root, w.bob.id, bobPins);
    const dk = newDataKey();
    const members = [...f.members, w.carol.member];
    const wraps = new Map<string, string>();
    for (const m of members) wraps.set(m.name, await wrapDataKey(dk.key, m.recipient));
    await writeTeam(w.root, { ...f, dataKeyId: dk.id, members, wraps, values: new Map([['api-token', { sealed: sealValue(dk.key, dk.id, 'api-token', Buffer.from('carol-chose-this')), paths: [] }]]) }, w.carol.signer);
    expect(await codeOf(openTeam(w.root, w.bob.id, bobPins))).toBe('TEAM_UNTRUSTED_SIGNER');
  });

  it('a file with a wrap missing, or a wrap for a non-member', async () => {
    const w = await teamOf3();
    const f = parseTeam(text(w.root));
    const wraps = new Map(f.wraps);
    wraps.delete('carol');
    await writeTeam(w.root, { ...f, wraps }, w.alice.signer);
    expect(await codeOf(openTeam(w.root, w.bob.id, w.pins))).toBe('TEAM_WRAP_MISSING');
  });

  it('verification needs no data key (a non-member can check a file)', async () => {
    const w = await teamOf3();
    const t = readTeam(w.root)!;
    expect(() => verifyTeam(t, w.pins)).not.toThrow();
    expect(parseRecipients(readFileSync(join(w.root, RECIPIENTS_FILE), 'utf8')).map((m) => m.name)).toEqual(['alice', 'bob', 'carol']);
  });
});

describe("age interop with Debian's age binary", () => {
  it('a wrap agent-vault makes opens with age -d; a wrap age -r makes opens in agent-vault', async () => {
    const dir = scratchDir('age-');
    const k = keygen(dir, 'me');
    const dk = newDataKey();
    const ours = await wrapDataKey(dk.key, k.recipient);
    const out = spawnSync('age', ['-d', '-i', k.file], { input: Buffer.from(ours, 'base64') });
    expect(out.status, out.stderr.toString()).toBe(0);
    expect(out.stdout.toString('utf8')).toBe(dk.key.toString('hex'));
    for (const armor of [[], ['-a']]) {
      const theirs = spawnSync('age', ['-r', k.recipient, ...armor], { input: dk.key.toString('hex') });
      expect(theirs.status).toBe(0);
      const wrap = armor.length ? Buffer.from((await import('age-encryption')).armor.decode(theirs.stdout.toString('utf8'))).toString('base64') : theirs.stdout.toString('base64');
      expect((await unwrapDataKey(wrap, k.identity))?.equals(dk.key)).toBe(true);
    }
  });

  it('an identity made by age-keygen is imported as it is (comments and all)', async () => {
    const dir = scratchDir('age-');
    const k = keygen(dir, 'me');
    expect(await parseIdentity(readFileSync(k.file, 'utf8'))).toEqual({ identity: k.identity, recipient: k.recipient });
    await expect(parseIdentity('AGE-SECRET-KEY-1NOTAKEY')).rejects.toThrow(AgentVaultError);
    expect(signingPublicKey(newSigningKey().der)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("README's disaster recovery: age for the data key, then node:crypto for a value, with only the identity file", async () => {
    const w = await teamOf3();
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const block = /<!-- snippet: team-recovery \(test\/team-format\.test\.ts\) -->\n```sh\n([\s\S]*?)```/.exec(readme);
    expect(block, 'README has the recovery block').not.toBeNull();
    const script = block![1]!.replaceAll('alice', 'bob').replaceAll('key.txt', w.bob.file).replaceAll('KEY', 'db-password');
    const r = spawnSync('sh', ['-ec', script], { cwd: w.root });
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stdout).toEqual(w.values['db-password']);
  });
});
