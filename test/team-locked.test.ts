import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newDataKey, newIdentity, newSigningKey, openValue, parseIdentity, sealValue, signingMessage, unwrapDataKey, wrapDataKey } from '../src/team/crypto.js';
import { parseTeam, serializeTeam, type Member, type TeamFile } from '../src/team/format.js';
import { decodeValue, encodeValue } from '../src/session/agent-protocol.js';
import { agentEndpoints } from '../src/session/agent-socket.js';
import { createPrivateKey, sign } from 'node:crypto';
import { cli, cliInTerminal } from './helpers/cli.js';
import { passphraseVault, startAgentProcess, stopAgents, terminal } from './helpers/locked.js';
import { gitOk, newRepo, sandbox, type Run, type Sandbox } from './helpers/sandbox.js';
import { leakForms } from './helpers/vault.js';
import { randomFrom, rng } from './helpers/fake-secrets.js';
import { openVault } from '../src/vault/index.js';

/**
 * The team vault and providers with a passphrase vault, through the session agent: the
 * person's commands at a real terminal (script) prove the person to the agent with the
 * passphrase; a same-user process with no terminal that talks to the unlocked agent's socket
 * directly gets neither the age identity, the data key, the signing key, a team value nor a
 * provider value; with the agent gone (locked) every command refuses with the unlock to run.
 */

afterEach(() => stopAgents());

const PASS = `team lock ${randomBytes(6).toString('hex')}`;
const secret = (tag: string) => `tl-${tag}-${randomBytes(12).toString('hex')}`;
const AT_PROMPT = [{ after: 'Passphrase: ', keys: `${PASS}\r` }];

interface World {
  sb: Sandbox;
  repo: string;
  master: Buffer;
  /** The person's age identity (imported with team join --identity), the test's to check leaks against. */
  identity: { identity: string; recipient: string };
}

const ok = (r: Run, what: string) => {
  expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};
const av = (w: World, args: string[], input?: string) => cli(w.sb, w.repo, args, input === undefined ? {} : { input });
async function person(w: World, args: string[]): Promise<string> {
  const r = await terminal(w.repo, w.sb.env, args.join(' '), AT_PROMPT);
  expect(r.code, `${args.join(' ')}\n${r.screen}`).toBe(0);
  return r.screen;
}

/** A repository protecting *.env, a passphrase vault unlocked through a real session agent. */
async function unlockedWorld(files: Record<string, string> = {}): Promise<World> {
  const sb = sandbox();
  const repo = newRepo(sb, 'repo', { '.agent-vault.yaml': 'protected:\n  - "*.env"\n', ...files });
  const master = await passphraseVault(sb.vaultHome, PASS);
  const identity = await parseIdentity(await newIdentity());
  writeFileSync(join(sb.root, 'id.txt'), `${identity.identity}\n`);
  await startAgentProcess(sb.vaultHome, Buffer.from(master), { env: sb.env });
  return { sb, repo, master, identity };
}

/** Alice (the only person here) imports her identity, starts the team vault, stores a value. */
async function teamWorld(value: string): Promise<World> {
  const w = await unlockedWorld();
  await person(w, ['team', 'join', '--identity', join(w.sb.root, 'id.txt')]);
  await person(w, ['team', 'init', 'alice']);
  ok(av(w, ['set', 'db-password', '--team', '--stdin'], value), 'set --team --stdin');
  return w;
}

/** A same-user process with no terminal: raw requests on the agent's socket, every reply line. */
function onSocket(w: World, requests: { op: string; args: unknown[] }[]): Promise<{ ok: boolean; value?: unknown; error?: { code?: string; message: string } }[]> {
  const socket = agentEndpoints(w.sb.vaultHome, w.sb.env)[0]!.socket;
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let text = '';
    conn.on('data', (d) => {
      text += d.toString('utf8');
      const lines = text.split('\n').filter(Boolean);
      if (lines.length >= requests.length || lines.some((l) => JSON.parse(l).id === -1)) {
        conn.end();
        resolve(lines.map((l) => decodeValue(JSON.parse(l)) as { ok: boolean; value?: unknown; error?: { code?: string; message: string } }));
      }
    });
    conn.on('error', reject);
    for (const [i, r] of requests.entries()) conn.write(JSON.stringify({ id: i + 1, op: r.op, args: encodeValue(r.args) }) + '\n');
  });
}

/** Every form of a secret that must not appear (the text, its JSON/URL/base64 forms, hex for keys). */
function forms(values: (string | Buffer)[]): string[] {
  return values.flatMap((v) => (Buffer.isBuffer(v) ? [v.toString('base64'), v.toString('base64url'), v.toString('hex'), v.toString('latin1')] : leakForms(v)));
}
function expectNone(haystack: string, values: (string | Buffer)[]): void {
  for (const f of forms(values)) expect(haystack.includes(f), `a secret form appears: ${f.slice(0, 6)}…`).toBe(false);
}
const dump = (x: unknown) => JSON.stringify(encodeValue(x));

describe('team vault with a passphrase vault (through the session agent)', { timeout: 300_000 }, () => {
  it('join, init, set --team, has, list, read, the clean filter, team keys and team add work while unlocked; nothing prints a value', async () => {
    const value = secret('db');
    const w = await teamWorld(value);
    const outputs: string[] = [];
    const seen = (r: Run) => (outputs.push(r.stdout, r.stderr), r);
    expect(seen(ok(av(w, ['has', 'db-password']), 'has')).stdout).toBe('true (team)\n');
    expect(seen(ok(av(w, ['list']), 'list')).stdout).toMatch(/^db-password\s+\[team\]$/m);
    writeFileSync(join(w.repo, 'app.env'), `DB_PASSWORD=${value}\n`);
    expect(seen(ok(av(w, ['read', 'app.env']), 'read')).stdout).toContain('DB_PASSWORD=<agent-vault:db-password>\n');
    ok(seen(av(w, ['install'])), 'install');
    gitOk(w.sb, w.repo, ['add', 'app.env']);
    expect(gitOk(w.sb, w.repo, ['show', ':app.env'])).toBe('DB_PASSWORD=<agent-vault:db-password>\n');
    const keys = seen(ok(av(w, ['team', 'keys']), 'team keys')).stdout;
    expect(keys).toMatch(/^\* alice /m);
    expect(keys).toContain('trusted here');
    // A script may add a new team value, never replace one (as with set --stdin).
    const again = seen(av(w, ['set', 'db-password', '--team', '--stdin'], secret('other')));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists in the team vault');
    // A person adds bob (read-only recipient) at the terminal.
    const bob = await parseIdentity(await newIdentity());
    outputs.push(await person(w, ['team', 'add', 'bob', bob.recipient]));
    expect(readFileSync(join(w.repo, '.agent-vault', 'recipients'), 'utf8')).toContain(bob.recipient);
    // bob's identity opens the team vault alice's agent wrote: the value was kept, under a wrap to bob.
    const file = parseTeam(readFileSync(join(w.repo, '.agent-vault', 'team.vault'), 'utf8'));
    expect(await unwrapDataKey(file.wraps.get('bob')!, bob.identity)).toBeDefined();
    expectNone(outputs.join('\n'), [value, w.identity.identity]);
  });

  it('the merge driver runs through the agent: two branches adding different team keys merge cleanly, no plaintext on disk', async () => {
    const [v1, v2, v3] = [secret('one'), secret('two'), secret('three')];
    const w = await teamWorld(v1);
    ok(av(w, ['install']), 'install');
    const branch = gitOk(w.sb, w.repo, ['rev-parse', '--abbrev-ref', 'HEAD']).trim();
    gitOk(w.sb, w.repo, ['add', '-A']);
    gitOk(w.sb, w.repo, ['commit', '-qm', 'team vault']);
    gitOk(w.sb, w.repo, ['checkout', '-qb', 'other']);
    ok(av(w, ['set', 'key-two', '--team', '--stdin'], v2), 'set key-two');
    gitOk(w.sb, w.repo, ['commit', '-qam', 'two']);
    gitOk(w.sb, w.repo, ['checkout', '-q', branch]);
    ok(av(w, ['set', 'key-three', '--team', '--stdin'], v3), 'set key-three');
    gitOk(w.sb, w.repo, ['commit', '-qam', 'three']);
    gitOk(w.sb, w.repo, ['merge', '-q', '--no-edit', 'other']);
    for (const key of ['db-password', 'key-two', 'key-three']) expect(ok(av(w, ['has', key]), `has ${key}`).stdout).toBe('true (team)\n');
    const team = readFileSync(join(w.repo, '.agent-vault', 'team.vault'), 'utf8');
    expect(parseTeam(team).values.size).toBe(3);
    expectNone(team + gitOk(w.sb, w.repo, ['log', '-p', '--all']), [v1, v2, v3]);
  });

  it('locked (no agent): read, set --team, team add and merge-team refuse with exit 1 and the unlock to run, showing no value', async () => {
    const value = secret('db');
    const w = await teamWorld(value);
    writeFileSync(join(w.repo, 'app.env'), `DB_PASSWORD=${value}\n`);
    ok(av(w, ['lock']), 'lock');
    const runs = [av(w, ['read', 'app.env']), av(w, ['set', 'new-key', '--team', '--stdin'], secret('n')), cliInTerminal(w.sb, w.repo, ['team', 'add', 'carol', (await parseIdentity(await newIdentity())).recipient])];
    const team = join(w.repo, '.agent-vault', 'team.vault');
    runs.push(av(w, ['merge-team', team, team, team]));
    for (const r of runs) {
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout + r.stderr).toContain('agent-vault unlock');
      expectNone(r.stdout + r.stderr, [value, w.identity.identity]);
    }
  });
});

/** A team file signed by `signer` (its private key `der`), as a forger with no data key would make it. */
async function forge(base: TeamFile, members: Member[], signerName: string, der: Buffer, values: Map<string, Buffer> = new Map()): Promise<{ text: string; dataKey: Buffer }> {
  const dk = newDataKey();
  const wraps = new Map<string, string>();
  for (const m of members) wraps.set(m.name, await wrapDataKey(dk.key, m.recipient));
  const sealed = new Map([...values].map(([k, v]) => [k, { sealed: sealValue(dk.key, dk.id, k, v), paths: [] as string[] }]));
  const unsigned = { team: base.team, dataKeyId: dk.id, members, wraps, values: sealed, signedBy: signerName };
  const signature = sign(null, signingMessage(unsigned), createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).toString('base64');
  return { text: serializeTeam({ ...unsigned, signature }), dataKey: dk.key };
}

/**
 * The merge-driver attack: base and ours forged by an outsider (each signed by a member it
 * lists itself, with the outsider's own data key wrapped to the real member's public
 * recipient), theirs the real file. A merge that trusts a side's own member list adds the
 * outsider and wraps the REAL data key to them. Returns the outsider's take, if any.
 */
async function mergeAttack(realText: string): Promise<{ base: string; ours: string; theirs: string; loot: (merged: string) => Promise<Buffer | undefined> }> {
  const real = parseTeam(realText);
  const alice = real.members.find((m) => m.name === 'alice')!;
  const mallory = await parseIdentity(await newIdentity());
  const [s1, s2] = [newSigningKey(), newSigningKey()];
  const m1: Member = { name: 'mallory', recipient: mallory.recipient, signingKey: s1.publicKey };
  const m2: Member = { name: 'mallory2', recipient: mallory.recipient, signingKey: s2.publicKey };
  const base = await forge(real, [alice, m2], 'mallory2', s2.der);
  const ours = await forge(real, [alice, m1], 'mallory', s1.der);
  return {
    base: base.text,
    ours: ours.text,
    theirs: realText,
    loot: async (merged) => {
      const wrap = parseTeam(merged).wraps.get('mallory');
      return wrap ? unwrapDataKey(wrap, mallory.identity) : undefined;
    },
  };
}

describe('a same-user process with no terminal against the unlocked agent', { timeout: 300_000 }, () => {
  it('never gets the age identity, the signing key, the data key or a team value, whatever it asks', async () => {
    const value = secret('db');
    const w = await teamWorld(value);
    const teamText = readFileSync(join(w.repo, '.agent-vault', 'team.vault'), 'utf8');
    const dataKey = (await unwrapDataKey(parseTeam(teamText).wraps.get('alice')!, w.identity.identity))!;
    expect(dataKey).toBeDefined();
    const ctx = { op: 'context', args: [{ repo: w.repo }] };
    const attack = await mergeAttack(teamText);
    const attacker = await parseIdentity(await newIdentity());
    const replies = await onSocket(w, [
      ctx,
      { op: 'list', args: [] },
      { op: 'valueFor', args: ['agent-team-identity', { kind: 'command', argv: ['sh'], cwd: w.repo }] },
      { op: 'valueFor', args: ['agent-team-signing-key', { kind: 'internal', purpose: 'skill-signing' }] },
      { op: 'signWith', args: ['agent-team-signing-key', Buffer.from('x'), { kind: 'internal', purpose: 'skill-signing' }] },
      { op: 'valueFor', args: ['db-password', { kind: 'command', argv: ['sh', '-c', 'echo $DB'], cwd: w.repo }] },
      { op: 'valueFor', args: ['db-password', { kind: 'terminal' }] },
      { op: 'restore', args: [Buffer.from('<agent-vault:db-password> <agent-vault:agent-team-identity>'), { destination: { kind: 'file', path: join(w.sb.root, 'loot.txt') } }] },
      { op: 'restore', args: [Buffer.from('<agent-vault:db-password>'), { destination: { kind: 'command', argv: ['sh'], cwd: w.repo } }] },
      { op: 'team', args: ['join', w.repo, { identityText: attacker.identity }] },
      { op: 'team', args: ['add', w.repo, { member: { name: 'mallory', recipient: attacker.recipient, signingKey: newSigningKey().publicKey } }] },
      { op: 'team', args: ['trust', w.repo, {}] },
      { op: 'team', args: ['set', w.repo, { entries: [{ key: 'db-password', value: Buffer.from(secret('mine')) }] }] },
      { op: 'team', args: ['set', w.repo, { entries: [{ key: 'fresh-key', value: Buffer.from(secret('f')), paths: ['loot/**'] }] }] },
      { op: 'team', args: ['merge', w.repo, { texts: { base: attack.base, ours: attack.ours, theirs: attack.theirs } }] },
      { op: 'team', args: ['members', w.repo, {}] },
      { op: 'agentView', args: [Buffer.from(`x ${value} y`), []] },
    ]);
    expect(replies).toHaveLength(17);
    const codes = replies.map((r) => (r.ok ? 'ok' : r.error?.code));
    expect(codes).toEqual(['ok', 'ok', 'KEY_INTERNAL', 'USE_NOT_ALLOWED', 'PERSON_REQUIRED', 'KEY_NOT_BOUND', 'PERSON_REQUIRED', 'ok', 'ok', 'PERSON_REQUIRED', 'PERSON_REQUIRED', 'PERSON_REQUIRED', 'KEY_EXISTS', 'TTY_REQUIRED', 'TEAM_UNTRUSTED_SIGNER', 'ok', 'ok']);
    // restore to a file outside the bindings, and for a command: the placeholders stay.
    expect((replies[7]!.value as { unbound: string[]; internal: string[] }).unbound).toEqual(['db-password']);
    expect((replies[7]!.value as { internal: string[] }).internal).toEqual(['agent-team-identity']);
    expect((replies[8]!.value as { unbound: string[] }).unbound).toEqual(['db-password']);
    expect(((replies[16]!.value as { output: Buffer }).output).toString('utf8')).toBe('x <agent-vault:db-password> y');
    expectNone(dump(replies), [value, w.identity.identity, dataKey]);
    // The team file is untouched by every refused request.
    expect(readFileSync(join(w.repo, '.agent-vault', 'team.vault'), 'utf8')).toBe(teamText);
  });

  it("merge-team (no terminal) with an outsider's forged base and ours: refused, the outsider opens no real value (key-file vault too)", async () => {
    const sb = sandbox();
    const repo = newRepo(sb, 'repo', { 'README.md': 'x\n' });
    const r = cliInTerminal(sb, repo, ['team', 'init', 'alice']);
    expect(r.code, r.stderr).toBe(0);
    const value = secret('db');
    expect(cli(sb, repo, ['set', 'db-password', '--team', '--stdin'], { input: value }).code).toBe(0);
    const realText = readFileSync(join(repo, '.agent-vault', 'team.vault'), 'utf8');
    const attack = await mergeAttack(realText);
    for (const [name, text] of Object.entries({ base: attack.base, ours: attack.ours, theirs: attack.theirs })) writeFileSync(join(sb.root, name), text);
    const m = cli(sb, repo, ['merge-team', join(sb.root, 'base'), join(sb.root, 'ours'), join(sb.root, 'theirs')]);
    const merged = readFileSync(join(sb.root, 'ours'), 'utf8');
    const identity = openVault(sb.vaultHome).get('agent-team-identity')!.toString('utf8');
    const realKey = (await unwrapDataKey(parseTeam(realText).wraps.get('alice')!, identity))!;
    expect(realKey).toHaveLength(32);
    // Whatever data key the outsider can unwrap from the file left at ours opens no real value.
    const loot = await attack.loot(merged);
    expect(loot && loot.equals(realKey), 'the outsider unwrapped the real data key').toBeFalsy();
    const file = parseTeam(merged);
    const opened = loot ? [...file.values].map(([k, v]) => openValue(loot, file.dataKeyId, k, v.sealed)?.toString('utf8')) : [];
    expect(opened.includes(value), 'the outsider opens the real value in the merged file').toBe(false);
    expect(merged, 'nothing was written over ours').toBe(attack.ours);
    expect(m.code, m.stderr).toBe(1);
    expect(m.stderr).toContain('mallory');
  });
});

describe('providers with a passphrase vault (through the session agent)', { timeout: 300_000 }, () => {
  const CONFIG = ['protected:', '  - config.env', 'providers:', '  sandbox:', '    type: envfile', '    path: ../secrets.env', 'keys:', '  DATABASE_*: sandbox', ''].join('\n');

  const next = rng(4242);
  // The form providers-attack.test.ts uses: no scanner rule flags it, so read shows the key's placeholder (a flagged one is an UNVAULTED marker, NO ORACLE).
  const dbValue = () => `dbval-${randomFrom('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 28, next)}`;

  async function providerWorld(db: string): Promise<World> {
    const w = await unlockedWorld({ '.agent-vault.yaml': CONFIG });
    writeFileSync(join(w.sb.root, 'secrets.env'), `export DATABASE_URL="${db}"\n`);
    return w;
  }

  it('list, read, the clean filter and write work while unlocked; the provider value is redacted and bound nowhere', async () => {
    const db = dbValue();
    const w = await providerWorld(db);
    const outputs: string[] = [];
    const seen = (r: Run) => (outputs.push(r.stdout, r.stderr), r);
    expect(seen(ok(av(w, ['list']), 'list')).stdout).toMatch(/^database-url\s+\[provider:sandbox\]$/m);
    writeFileSync(join(w.repo, 'notes.txt'), `value: ${db}\n`);
    const read = seen(ok(av(w, ['read', 'notes.txt']), 'read'));
    expect(read.stdout).toContain('value: <agent-vault:database-url>\n');
    expect(read.stderr).toContain('database-url (provider:sandbox)');
    writeFileSync(join(w.repo, 'config.env'), `URL=${db}\n`);
    ok(seen(av(w, ['install'])), 'install');
    gitOk(w.sb, w.repo, ['add', 'config.env']);
    expect(gitOk(w.sb, w.repo, ['show', ':config.env'])).toBe('URL=<agent-vault:database-url>\n');
    // Bound nowhere: write keeps the placeholder and says so.
    const wr = seen(av(w, ['write', 'out.env'], 'URL=<agent-vault:database-url>\n'));
    expect(wr.code).toBe(1);
    expect(existsSync(join(w.repo, 'out.env')), 'write refused writes nothing').toBe(false);
    expect(wr.stderr).toContain('database-url');
    expectNone(outputs.join('\n'), [db]);
  });

  it('locked: read refuses with the unlock to run, exit 1, no value', async () => {
    const db = dbValue();
    const w = await providerWorld(db);
    writeFileSync(join(w.repo, 'config.env'), `URL=${db}\n`);
    ok(av(w, ['lock']), 'lock');
    const r = av(w, ['read', 'config.env']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('agent-vault unlock');
    expectNone(r.stdout + r.stderr, [db]);
  });

  it('a same-user process on the socket never gets a provider value: the agent has only what a connection handed in', async () => {
    const db = dbValue();
    const w = await providerWorld(db);
    // The person's own command runs alongside (its connection hands the agent the provider value).
    writeFileSync(join(w.repo, 'config.env'), `URL=${db}\n`);
    ok(av(w, ['read', 'config.env']), 'read');
    const use = { kind: 'command', argv: ['sh'], cwd: w.repo };
    const replies = await onSocket(w, [
      { op: 'list', args: [] },
      { op: 'valueFor', args: ['database-url', use] },
      { op: 'restore', args: [Buffer.from('<agent-vault:database-url>'), { destination: { kind: 'file', path: join(w.repo, 'loot.env') } }] },
      { op: 'context', args: [{ repo: w.repo }] },
      { op: 'valueFor', args: ['database-url', use] },
      // Handing in a value of its own for the key changes nothing it could learn: bound nowhere.
      { op: 'context', args: [{ repo: w.repo, provided: [{ key: 'database-url', source: 'provider:sandbox', value: Buffer.from(secret('mine')) }] }] },
      { op: 'valueFor', args: ['database-url', use] },
      { op: 'restore', args: [Buffer.from('<agent-vault:database-url>'), { destination: { kind: 'file', path: join(w.repo, 'loot.env') } }] },
    ]);
    expect(replies.map((r) => (r.ok ? 'ok' : r.error?.code))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'KEY_NOT_BOUND', 'ok']);
    expect(replies[1]!.value ?? null).toBeNull();
    expect(replies[4]!.value ?? null).toBeNull();
    expect((replies[7]!.value as { unbound: string[] }).unbound).toEqual(['database-url']);
    expectNone(dump(replies), [db]);
  });
});
