import { readFileSync, writeFileSync } from 'node:fs';
import { openVault } from '../src/vault/index.js';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliInTerminal } from './helpers/cli.js';
import { randomFrom, rng } from './helpers/fake-secrets.js';
import { OP_DIR, opWorld, type OpWorld } from './helpers/op-standin.js';
import { git, gitOk, newRepo, sandbox, write, type Run, type Sandbox } from './helpers/sandbox.js';
import { leakForms, storeValues } from './helpers/vault.js';

/**
 * Provider values and an agent that has a shell but no terminal and only safe commands: it
 * never gets a provider's value printed (list, has, get, read, write, run, scan, errors), and
 * a provider's value is redacted by read and by the clean filter exactly like a local one.
 * Each agent call here is a real `agent-vault` process with pipes, not a terminal.
 */

let sb: Sandbox;
let op: OpWorld;
let repo: string;
let env: NodeJS.ProcessEnv;
const next = rng(1717);
const make = (label: string) => `${label}-${randomFrom('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 28, next)}`;
const LOCAL = make('localval');
const DB = make('dbval');
const STRIPE = make('stripeval');
const ALL = [LOCAL, DB, STRIPE];

function noValue(r: Run): void {
  for (const v of ALL) for (const form of leakForms(v)) {
    expect(r.stdout, `stdout holds a form of a value`).not.toContain(form);
    expect(r.stderr, `stderr holds a form of a value`).not.toContain(form);
  }
  expect(r.stdout + r.stderr).not.toContain(op.token);
}

const spawnGit = (e: NodeJS.ProcessEnv, args: string[]) => git({ env: e }, repo, args);
const agent = (args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}) => cli({ env: { ...env, ...opts.env } }, opts.cwd ?? repo, args, opts.input === undefined ? {} : { input: opts.input });

const CONFIG = ['protected:', '  - config.env', 'providers:', '  sandbox:', '    type: envfile', '    path: ../secrets.env', '  onep:', '    type: onepassword', '    vault: Engineering', '    token-env: AV_TEST_OP_TOKEN', 'keys:', '  DATABASE_*: sandbox', '  stripe-*: onep', ''].join('\n');

beforeAll(() => {
  sb = sandbox();
  op = opWorld();
  op.seed([{ title: 'Stripe live key', value: STRIPE }]);
  env = { ...sb.env, ...op.env, PATH: `${sb.binDir}:${OP_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  storeValues(sb.vaultHome, { 'local-key': LOCAL });
  writeFileSync(join(sb.root, 'secrets.env'), `# the sandbox's secrets\nexport DATABASE_URL="${DB}"\n`);
  repo = newRepo({ ...sb, env }, 'repo', { '.agent-vault.yaml': CONFIG, 'README.md': 'demo\n' });
  const r = cli({ env }, repo, ['install']);
  expect(r.code, r.stderr).toBe(0);
  gitOk({ env }, repo, ['add', '.gitattributes']);
  gitOk({ env }, repo, ['commit', '-qm', 'agent-vault installed']);
});

describe('an agent with safe commands and provider keys', () => {
  it('list and list --json name provider keys and where they come from, never a value', () => {
    const r = agent(['list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^database-url\s+\[provider:sandbox\]$/m);
    expect(r.stdout).toMatch(/^stripe-live-key\s+\[provider:onep\]$/m);
    expect(r.stdout).toMatch(/^local-key$/m);
    noValue(r);
    const j = agent(['list', '--json']);
    const keys = (JSON.parse(j.stdout) as { keys: { key: string; source: string }[] }).keys;
    expect(keys.map((k) => [k.key, k.source])).toEqual([
      ['database-url', 'provider:sandbox'],
      ['local-key', 'local'],
      ['stripe-live-key', 'provider:onep'],
    ]);
    noValue(j);
  });

  it('has says true and the source for provider keys, false for others', () => {
    const r = agent(['has', 'database-url', 'stripe-live-key', 'local-key', 'nothing-here']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('database-url: true (provider:sandbox)\nstripe-live-key: true (provider:onep)\nlocal-key: true\nnothing-here: false\n');
    noValue(r);
  });

  it('read shows provider values (raw and encoded) as placeholders, and says where they come from', () => {
    write(repo, 'notes.txt', ALL.flatMap((v) => leakForms(v).map((f) => `value: ${f}`)).join('\n') + '\n');
    const r = agent(['read', 'notes.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<agent-vault:database-url>');
    expect(r.stdout).toContain('<agent-vault:stripe-live-key>');
    expect(r.stdout).toContain('<agent-vault:local-key>');
    expect(r.stderr).toContain('database-url (provider:sandbox)');
    noValue(r);
  });

  it('the clean filter stores provider values as placeholders, like local ones', () => {
    write(repo, 'config.env', `DB=${DB}\nSTRIPE=${STRIPE}\nLOCAL=${LOCAL}\n`);
    gitOk({ env }, repo, ['add', 'config.env']);
    const blob = gitOk({ env }, repo, ['cat-file', 'blob', ':config.env']);
    expect(blob).toBe('DB=<agent-vault:database-url>\nSTRIPE=<agent-vault:stripe-live-key>\nLOCAL=<agent-vault:local-key>\n');
    const diff = gitOk({ env }, repo, ['diff', '--cached']);
    for (const v of ALL) expect(diff).not.toContain(v);
  });

  it('the pre-commit gate blocks a provider value committed raw in a file the filter does not cover, naming the key only', () => {
    write(repo, 'leak.txt', `token ${STRIPE}\n`);
    gitOk({ env }, repo, ['add', 'leak.txt']);
    const c = git({ env }, repo, ['commit', '-qm', 'leak']);
    expect(c.code).not.toBe(0);
    expect(c.stdout + c.stderr).toContain('stripe-live-key');
    noValue(c);
    gitOk({ env }, repo, ['rm', '-q', '--cached', 'leak.txt']);
  });

  it('write never materialises a provider value (bound nowhere), and says so without the value', () => {
    const r = agent(['write', 'out.txt', '--content', 'key=<agent-vault:stripe-live-key>\n']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stripe-live-key');
    noValue(r);
    expect(() => readFileSync(join(repo, 'out.txt'))).toThrow();
  });

  it('run redacts provider values in a command\'s output (the agent printing the env file itself)', () => {
    const r = agent(['run', '--', 'cat', '../secrets.env']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<agent-vault:database-url>');
    noValue(r);
  });

  it('run refuses to put a provider value into a command\'s environment without a binding', () => {
    const r = agent(['run', '--key', 'stripe-live-key', '--', 'printenv', 'STRIPE_LIVE_KEY']);
    expect(r.code).not.toBe(0);
    noValue(r);
  });

  it('run with a provider key bound to the command: the command gets it, its output shows the placeholder', () => {
    // In a process that opens the vault itself (key file, no session agent) the provider hands
    // out the very buffer it keeps; run zeroed it after use, so the redaction of the command's
    // output was then built from zeros and printed the value.
    const bound = cliInTerminal({ env }, repo, ['bind', 'database-url', '--command', 'node -e*']);
    expect(bound.code, bound.stdout).toBe(0);
    const r = agent(['run', '--key', 'database-url', '--', 'node', '-e', 'process.stdout.write("got " + process.env.DATABASE_URL + "\\n")']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('got <agent-vault:database-url>\n');
    noValue(r);
    // The file's other tests start from no binding of this key.
    expect(cliInTerminal({ env }, repo, ['unbind', 'database-url']).code).toBe(0);
  });

  it('get and get --reveal need a terminal', () => {
    for (const args of [['get', 'stripe-live-key'], ['get', 'database-url', '--reveal']]) {
      const r = agent(args);
      expect(r.code).toBe(1);
      noValue(r);
    }
  });

  it('scan of a file holding provider values prints no value', () => {
    const r = agent(['scan', 'notes.txt', '--format', 'json']);
    noValue(r);
  });

  it('a provider that fails fails read (nothing shown unredacted), with an error naming the provider and no value', () => {
    const r = agent(['read', 'notes.txt'], { env: { AV_TEST_OP_TOKEN: undefined } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('provider "onep"');
    expect(r.stderr).toContain('AV_TEST_OP_TOKEN');
    noValue(r);
    const wrong = agent(['list'], { env: { AV_TEST_OP_TOKEN: 'fake-op-token-not-the-right-one' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('not signed in');
    noValue(wrong);
  });

  it('a provider that fails makes git add refuse changed content (never storing it raw), while a checkout still succeeds', () => {
    const noToken = { ...env, AV_TEST_OP_TOKEN: undefined };
    write(repo, 'config.env', `DB=${DB}\nSTRIPE=${STRIPE}\n`);
    gitOk({ env }, repo, ['add', 'config.env']);
    const c = git({ env }, repo, ['commit', '-qm', 'config with placeholders']);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    write(repo, 'config.env', `DB=${DB}\nSTRIPE=${STRIPE}\nMORE=1\n`);
    const r = spawnGit(noToken, ['add', 'config.env']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('provider "onep"');
    noValue(r);
    const blob = gitOk({ env }, repo, ['cat-file', '-p', ':config.env']);
    for (const v of ALL) expect(blob).not.toContain(v);
    // Check out the committed placeholders with the provider failing: no error, placeholders stay.
    write(repo, 'config.env', 'changed\n');
    const co = spawnGit(noToken, ['checkout', '--', 'config.env']);
    expect(co.code, co.stderr).toBe(0);
    expect(readFileSync(join(repo, 'config.env'), 'utf8')).toBe('DB=<agent-vault:database-url>\nSTRIPE=<agent-vault:stripe-live-key>\n');
    noValue(co);
  });

  it('a key the agent sets itself with the same name does not stop the provider value being redacted', () => {
    const mine = make('agentval');
    const s = agent(['set', 'database-url', '--stdin'], { input: mine });
    // Refused: without a terminal a key may be created, never put in place of one a provider holds.
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('"database-url" already exists (');
    expect(s.stderr).toContain('from provider:sandbox');
    expect(s.stdout + s.stderr).not.toContain(DB);
    // A person may (a terminal); the provider's value then stays hidden all the same.
    storeValues(sb.vaultHome, { 'database-url': mine });
    const r = agent(['read', 'notes.txt']);
    expect(r.code, r.stderr).toBe(0);
    noValue(r);
    write(repo, 'config.env', `DB=${DB}\n`);
    gitOk({ env }, repo, ['add', 'config.env']);
    expect(gitOk({ env }, repo, ['cat-file', 'blob', ':config.env'])).toBe('DB=<agent-vault:database-url>\n');
  });

  it('pointing the env-file provider into the vault home is refused, naming the provider', () => {
    const alt = join(sb.root, 'alt.yaml');
    writeFileSync(alt, CONFIG.replace('../secrets.env', join(sb.vaultHome, 'vault.json')));
    const r = agent(['list'], { env: { AGENT_VAULT_CONFIG: alt } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('provider "sandbox"');
    expect(r.stderr).toContain('inside the vault home');
    noValue(r);
  });

  it('a person at a terminal sees a provider key\'s metadata and source with get, and its value with get --reveal', () => {
    const meta = cliInTerminal({ env }, repo, ['get', 'stripe-live-key']);
    expect(meta.code, meta.stdout).toBe(0);
    expect(meta.stdout).toContain('From:     provider:onep');
    noValue(meta);
    const reveal = cliInTerminal({ env }, repo, ['get', 'stripe-live-key', '--reveal']);
    expect(reveal.code, reveal.stdout).toBe(0);
    expect(reveal.stdout).toContain(STRIPE);
  });

  it('a person binds a provider key in a terminal: write then materialises it there and nowhere else; unbind withdraws it', () => {
    const bind = cliInTerminal({ env }, repo, ['bind', 'stripe-live-key', 'bound.txt']);
    expect(bind.code, bind.stdout + bind.stderr).toBe(0);
    noValue(bind);
    // Kept in the local vault, under its MAC, beside the bindings of local keys.
    expect(openVault(sb.vaultHome).providedBindings()).toEqual({ 'stripe-live-key': [join(repo, 'bound.txt')] });
    const list = JSON.parse(agent(['list', '--json']).stdout) as { keys: { key: string; bindings: string[] }[] };
    expect(list.keys.find((k) => k.key === 'stripe-live-key')?.bindings).toEqual([join(repo, 'bound.txt')]);
    const w = agent(['write', 'bound.txt', '--content', 'key=<agent-vault:stripe-live-key>\n']);
    expect(w.code, w.stderr).toBe(0);
    noValue(w);
    expect(readFileSync(join(repo, 'bound.txt'), 'utf8')).toBe(`key=${STRIPE}\n`);
    const elsewhere = agent(['write', 'other.txt', '--content', 'key=<agent-vault:stripe-live-key>\n']);
    expect(elsewhere.code).toBe(1);
    noValue(elsewhere);
    // An agent cannot bind (no terminal), and the file it could read is the one a person chose.
    const agentBind = agent(['bind', 'stripe-live-key', 'other.txt']);
    expect(agentBind.code).toBe(1);
    const unbind = cliInTerminal({ env }, repo, ['unbind', 'stripe-live-key']);
    expect(unbind.code, unbind.stdout + unbind.stderr).toBe(0);
    expect(openVault(sb.vaultHome).providedBindings()).toEqual({});
    expect(agent(['write', 'bound.txt', '--content', 'key=<agent-vault:stripe-live-key>\n']).code).toBe(1);
  });
});

describe('a passphrase vault (session agent) with providers configured', () => {
  // Unlocked, providers work through the agent (test/team-locked.test.ts); locked, nothing shows.
  it('locked: read, list and has refuse with the unlock to run instead of showing provider values', async () => {
    const { passphraseVault } = await import('./helpers/locked.js');
    const box = sandbox();
    const boxEnv = { ...box.env, ...op.env, PATH: `${box.binDir}:${OP_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    await passphraseVault(box.vaultHome, make('pass'), { 'local-key': LOCAL });
    writeFileSync(join(box.root, 'secrets.env'), `DATABASE_URL=${DB}\n`);
    const r2 = newRepo({ ...box, env: boxEnv }, 'repo', { '.agent-vault.yaml': CONFIG, 'notes.txt': `db: ${DB}\n` });
    for (const args of [['read', 'notes.txt'], ['list'], ['has', 'database-url']]) {
      const r = cli({ env: boxEnv }, r2, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('agent-vault unlock');
      noValue(r);
    }
    expect(cli({ env: boxEnv }, r2, ['status', '--vault']).stdout).toContain('locked');
  });
});
