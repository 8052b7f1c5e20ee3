import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliInTerminal, cliInTerminalSteps } from './helpers/cli.js';
import { gitOk, sandbox, type Sandbox } from './helpers/sandbox.js';

/**
 * The team vault through the built CLI, with real git clones and two or three people, each
 * with their own HOME and local vault. People act at a terminal (script); the attacker is a
 * process with no terminal and the same user, or a removed member with their own clone.
 */

const secret = (tag: string) => `tv-${tag}-${randomBytes(12).toString('hex')}`;

interface Person {
  name: string;
  sb: Sandbox;
  repo: string;
}

function world(names: string[]) {
  const first = sandbox();
  const remote = join(first.root, 'remote.git');
  gitOk(first, first.root, ['init', '-q', '--bare', '-b', 'main', remote]);
  const people = names.map((name, i): Person => {
    const sb = i === 0 ? first : sandbox();
    const repo = join(sb.root, 'repo');
    gitOk(sb, sb.root, ['clone', '-q', remote, repo]);
    return { name, sb, repo };
  });
  return { remote, people };
}

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};
const term = (p: Person, args: string[]) => ok(cliInTerminal(p.sb, p.repo, args), `${p.name}: ${args.join(' ')}`);
const av = (p: Person, args: string[], input?: string) => cli(p.sb, p.repo, args, input === undefined ? {} : { input });
const git = (p: Person, args: string[]) => gitOk(p.sb, p.repo, args);
const commitPush = (p: Person, msg: string) => {
  git(p, ['add', '-A']);
  git(p, ['commit', '-q', '-m', msg]);
  git(p, ['push', '-q', 'origin', 'HEAD']);
};
const pull = (p: Person) => git(p, ['pull', '-q', '--no-rebase', 'origin', 'main']);
function joinToken(p: Person): string {
  const out = term(p, ['team', 'join']).stdout;
  return /avteam1:\S+/.exec(out)![0];
}
const setTeam = (p: Person, key: string, value: string) => ok(av(p, ['set', key, '--team', '--stdin'], value), `${p.name} set ${key} --team`);

/** Alice starts the team vault, the protected *.env paths and the merge driver; pushes. */
function founded(names: string[]) {
  const w = world(names);
  const alice = w.people[0]!;
  writeFileSync(join(alice.repo, '.agent-vault.yaml'), 'protected:\n  - "*.env"\n');
  term(alice, ['team', 'init', alice.name]);
  ok(av(alice, ['install']), 'install');
  commitPush(alice, 'team vault');
  return { ...w, alice };
}

/** `who` joins in their clone (terminal), alice adds them and pushes, they pull and install. */
function added(alice: Person, who: Person) {
  pull(who);
  const token = joinToken(who);
  pull(alice);
  term(alice, ['team', 'add', who.name, token]);
  commitPush(alice, `add ${who.name}`);
  pull(who);
  ok(av(who, ['install']), `${who.name} install`);
}

/** Every file under a folder (the work tree and .git), for a value that must not be on disk. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}
const onDisk = (dir: string, value: string) => filesUnder(dir).filter((f) => readFileSync(f).includes(value));

describe('team vault with real clones', { timeout: 300_000 }, () => {
  it("alice adds bob: bob's clone resolves team keys, read and the clean filter redact them, no output shows a value", () => {
    const { alice, people } = founded(['alice', 'bob']);
    const bob = people[1]!;
    const value = secret('db');
    setTeam(alice, 'db-password', value);
    commitPush(alice, 'db password');
    added(alice, bob);
    const outputs: string[] = [];
    const seen = (r: { stdout: string; stderr: string }) => (outputs.push(r.stdout, r.stderr), r);
    expect(seen(av(bob, ['has', 'db-password'])).stdout).toBe('true (team)\n');
    expect(seen(av(bob, ['list'])).stdout).toMatch(/^db-password\s+\[team\]$/m);
    expect(JSON.parse(seen(av(bob, ['list', '--json'])).stdout).keys.find((k: { key: string }) => k.key === 'db-password').source).toBe('team');
    const keys = seen(ok(av(bob, ['team', 'keys']), 'team keys')).stdout;
    expect(keys).toMatch(/^\* bob /m);
    expect(keys).toMatch(/^ {2}alice /m);
    expect(keys).toContain('trusted here');
    writeFileSync(join(bob.repo, 'app.env'), `DB_PASSWORD=${value}\n`);
    expect(seen(av(bob, ['read', 'app.env'])).stdout).toContain('DB_PASSWORD=<agent-vault:db-password>');
    git(bob, ['add', 'app.env']);
    expect(git(bob, ['show', ':app.env'])).toBe('DB_PASSWORD=<agent-vault:db-password>\n');
    // The committed team vault holds no plaintext; neither does any output.
    expect(readFileSync(join(bob.repo, '.agent-vault/team.vault'), 'utf8')).not.toContain(value);
    for (const o of outputs) expect(o).not.toContain(value);
  });

  it('a clone whose identity is not a member is told who can decrypt it, and gets no value', () => {
    const { alice, people } = founded(['alice', 'bob', 'carol']);
    const [bob, carol] = [people[1]!, people[2]!];
    setTeam(alice, 'api-token', secret('api'));
    commitPush(alice, 'api token');
    added(alice, bob);
    pull(carol);
    joinToken(carol);
    const has = av(carol, ['has', 'api-token']);
    expect(has.code).toBe(1);
    expect(has.stdout).toBe('false\n');
    const set = av(carol, ['set', 'other-token', '--team', '--stdin'], secret('x'));
    expect(set.code).toBe(1);
    expect(set.stderr).toContain('encrypted to: alice, bob');
  });

  it('an agent without a terminal cannot change trust or replace a team value', () => {
    const { alice } = founded(['alice']);
    const value = secret('a');
    setTeam(alice, 'db-password', value);
    for (const args of [['team', 'add', 'mallory', 'avteam1:x'], ['team', 'remove', 'alice'], ['team', 'init', 'x'], ['team', 'join'], ['team', 'trust']]) {
      const r = av(alice, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('needs an interactive terminal');
    }
    const replace = av(alice, ['set', 'db-password', '--team', '--stdin'], secret('b'));
    expect(replace.code).toBe(1);
    expect(replace.stderr).toContain('already exists in the team vault');
    expect(replace.stderr).not.toContain(value);
  });

  it('tampering in the clone is refused with exit 1 and the reason: a changed value, an added recipient, a truncated file', () => {
    const { alice } = founded(['alice']);
    const value = secret('a');
    setTeam(alice, 'db-password', value);
    const file = join(alice.repo, '.agent-vault/team.vault');
    const recipients = join(alice.repo, '.agent-vault/recipients');
    const good = readFileSync(file, 'utf8');
    const goodRecipients = readFileSync(recipients, 'utf8');
    const line = good.split('\n').find((l) => l.startsWith('value '))!;
    const flipped = line.slice(0, -3) + (line.at(-3) === 'A' ? 'B' : 'A') + line.slice(-2);
    writeFileSync(file, good.replace(line, flipped));
    let r = av(alice, ['read', '.agent-vault.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not verify');
    writeFileSync(file, good.slice(0, -40));
    r = av(alice, ['list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('truncated');
    writeFileSync(file, good);
    const attacker = 'mallory age1' + 'q'.repeat(58) + ' ' + 'A'.repeat(43) + '\n';
    writeFileSync(recipients, goodRecipients + attacker);
    r = av(alice, ['has', 'db-password']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not signed: mallory');
    writeFileSync(recipients, goodRecipients);
    expect(av(alice, ['has', 'db-password']).stdout).toBe('true (team)\n');
  });

  it("remove rotates: the removed member's identity cannot read what is written after, and their rewrite of the file is refused", async () => {
    const { alice, people } = founded(['alice', 'bob', 'carol']);
    const [bob, carol] = [people[1]!, people[2]!];
    setTeam(alice, 'db-password', secret('db'));
    commitPush(alice, 'db');
    added(alice, bob);
    added(alice, carol);
    pull(alice);
    const removed = await cliInTerminalSteps(alice.sb, alice.repo, 'team remove carol', [{ after: 'rotate the team data key?', keys: 'y\r' }]);
    expect(removed.code, removed.screen).toBe(0);
    expect(removed.screen).toContain('rotate each at its provider');
    expect(removed.screen).toMatch(/^ {2}db-password\r?$/m);
    const after = secret('after');
    setTeam(alice, 'after-removal', after);
    commitPush(alice, 'remove carol');
    pull(bob);
    expect(av(bob, ['has', 'after-removal']).stdout).toBe('true (team)\n');
    pull(carol);
    const has = av(carol, ['has', 'after-removal']);
    expect(has.stdout).toBe('false\n');
    // Carol replaces the whole team vault with one of her own (a new team, herself its member).
    git(carol, ['rm', '-q', '.agent-vault/team.vault', '.agent-vault/recipients']);
    term(carol, ['team', 'init', 'carol']);
    setTeam(carol, 'db-password', secret('carols'));
    commitPush(carol, 'innocent change');
    pull(bob);
    const refused = av(bob, ['list']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('signed by "carol"');
    expect(onDisk(carol.sb.root, after)).toEqual([]);
  });
});

describe('the merge driver', { timeout: 300_000 }, () => {
  it('concurrent edits on two branches merge key by key; both sides changing one key is a conflict that names it and leaves no plaintext', () => {
    const { alice, people } = founded(['alice', 'bob']);
    const bob = people[1]!;
    setTeam(alice, 'base-key', secret('base'));
    commitPush(alice, 'base');
    added(alice, bob);
    // Clean: alice and bob add different keys on diverging histories.
    const [a, b] = [secret('a'), secret('b')];
    setTeam(alice, 'alice-key', a);
    commitPush(alice, 'alice key');
    setTeam(bob, 'bob-key', b);
    git(bob, ['add', '-A']);
    git(bob, ['commit', '-q', '-m', 'bob key']);
    pull(bob);
    expect(av(bob, ['has', 'alice-key', 'bob-key', 'base-key']).stdout).toBe('alice-key: true (team)\nbob-key: true (team)\nbase-key: true (team)\n');
    expect(git(bob, ['status', '--porcelain'])).toBe('');
    git(bob, ['push', '-q', 'origin', 'HEAD']);
    // Conflict: both create shared-key with different values.
    pull(alice);
    const [x, y] = [secret('x'), secret('y')];
    setTeam(alice, 'shared-key', x);
    commitPush(alice, 'alice shared');
    setTeam(bob, 'shared-key', y);
    git(bob, ['add', '-A']);
    git(bob, ['commit', '-q', '-m', 'bob shared']);
    const ours = readFileSync(join(bob.repo, '.agent-vault/team.vault'), 'utf8');
    const r = (() => {
      try {
        gitOk(bob.sb, bob.repo, ['pull', '-q', '--no-rebase', 'origin', 'main']);
        return { conflicted: false, out: '' };
      } catch (e) {
        return { conflicted: true, out: String(e) };
      }
    })();
    expect(r.conflicted).toBe(true);
    expect(r.out).toContain('shared-key');
    expect(readFileSync(join(bob.repo, '.agent-vault/team.vault'), 'utf8')).toBe(ours);
    expect(r.out).not.toContain(x);
    expect(r.out).not.toContain(y);
    expect(onDisk(bob.repo, x)).toEqual([]);
    expect(onDisk(bob.repo, y)).toEqual([]);
  });

  it('a rotation on one branch and a new key on the other: the merge re-encrypts onto the rotated key', async () => {
    const { alice, people } = founded(['alice', 'bob', 'carol']);
    const [bob, carol] = [people[1]!, people[2]!];
    setTeam(alice, 'base-key', secret('base'));
    commitPush(alice, 'base');
    added(alice, bob);
    added(alice, carol);
    pull(alice);
    pull(bob);
    const removed = await cliInTerminalSteps(alice.sb, alice.repo, 'team remove carol', [{ after: 'rotate the team data key?', keys: 'y\r' }]);
    expect(removed.code, removed.screen).toBe(0);
    commitPush(alice, 'remove carol');
    const late = secret('late');
    setTeam(bob, 'late-key', late);
    git(bob, ['add', '-A']);
    git(bob, ['commit', '-q', '-m', 'late key']);
    pull(bob);
    expect(av(bob, ['has', 'late-key', 'base-key']).code).toBe(0);
    const text = readFileSync(join(bob.repo, '.agent-vault/team.vault'), 'utf8');
    expect(text).not.toMatch(/^member carol /m);
    expect(text).not.toMatch(/^wrap carol /m);
    git(bob, ['push', '-q', 'origin', 'HEAD']);
    pull(carol);
    expect(av(carol, ['has', 'late-key']).stdout).toBe('false\n');
  });
});
