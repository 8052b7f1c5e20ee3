import { spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSigningKey } from '../src/team/crypto.js';
import { RECIPIENTS_FILE, TEAM_FILE } from '../src/team/format.js';
import { addMember, initTeam, openTeam, setTeamValues, type Signer } from '../src/team/team.js';
import { pullRequestEvent, pullRequestRepo, runActionBundle } from './helpers/action.js';
import { cli } from './helpers/cli.js';
import { gitOk, sandbox, scratchDir } from './helpers/sandbox.js';

/**
 * A CI identity (AGENT_VAULT_AGE_IDENTITY, from a GitHub secret) through the committed Action
 * bundle and the filter: it opens the team vault read-only with no local vault, the Action
 * masks every value before it prints anything, and smudge restores bound team keys.
 */

function keygen(dir: string, name: string) {
  const file = join(dir, `${name}.txt`);
  expect(spawnSync('age-keygen', ['-o', file]).status).toBe(0);
  const text = readFileSync(file, 'utf8');
  return { text, recipient: /public key: (age1\S+)/.exec(text)![1]! };
}

/** Team files made by alice (a member with a signing key) with a read-only CI member. */
async function teamFiles(values: { key: string; value: Buffer; paths?: string[] }[]) {
  const dir = scratchDir('ci-team-');
  mkdirSync(join(dir, '.git'));
  const alice = keygen(dir, 'alice');
  const ci = keygen(dir, 'ci');
  const signing = newSigningKey();
  const signer: Signer = { member: { name: 'alice', recipient: alice.recipient, signingKey: signing.publicKey }, sign: async (m) => sign(null, m, createPrivateKey({ key: signing.der, format: 'der', type: 'pkcs8' })) };
  const aliceId = { identity: alice.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!, recipient: alice.recipient };
  await initTeam(dir, signer);
  await addMember((await openTeam(dir, aliceId, undefined))!, { name: 'ci', recipient: ci.recipient, signingKey: newSigningKey().publicKey }, signer);
  await setTeamValues((await openTeam(dir, aliceId, undefined))!, values, signer);
  return { files: { [TEAM_FILE]: readFileSync(join(dir, TEAM_FILE), 'utf8'), [RECIPIENTS_FILE]: readFileSync(join(dir, RECIPIENTS_FILE), 'utf8') }, ciIdentity: ci.text };
}

const teamValue = () => Buffer.from(`tv-ci-${randomBytes(12).toString('hex')}`);

describe('CI identity', () => {
  it('the Action bundle masks every team value before anything else, then finds a raw team value the pull request adds', async () => {
    const [leaked, other] = [teamValue(), teamValue()];
    const team = await teamFiles([{ key: 'deploy-token', value: leaked }, { key: 'other-token', value: other }]);
    const repo = pullRequestRepo(team.files, [{ 'notes.txt': `deploy with ${leaked.toString()}\n` }]);
    const call = { workspace: repo.dir, env: { ...repo.env, AGENT_VAULT_AGE_IDENTITY: team.ciIdentity }, eventName: 'pull_request', payload: pullRequestEvent(repo) };
    const run = runActionBundle(call);
    const lines = run.stdout.split('\n');
    // The first lines the runner sees are the masks, one per team value.
    expect(lines.slice(0, 2).sort()).toEqual([`::add-mask::${leaked}`, `::add-mask::${other}`].sort());
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/vaulted-value/);
    const rest = lines.slice(2).join('\n');
    for (const v of [leaked, other]) for (const text of [rest, run.stderr, run.summary, run.sarif ?? '']) expect(text).not.toContain(v.toString());

    // Without the identity the value is just text to CI: no finding, nothing to mask.
    const blind = runActionBundle({ ...call, env: repo.env });
    expect(blind.code, blind.stdout).toBe(0);
    expect(blind.stdout).not.toContain('::add-mask::');
  });

  it('a CI identity that is not a member fails the job naming who can decrypt', async () => {
    const team = await teamFiles([{ key: 'deploy-token', value: teamValue() }]);
    const repo = pullRequestRepo(team.files, [{ 'a.txt': 'x\n' }]);
    const stranger = keygen(scratchDir('ci-'), 'stranger');
    const run = runActionBundle({ workspace: repo.dir, env: { ...repo.env, AGENT_VAULT_AGE_IDENTITY: stranger.text }, eventName: 'pull_request', payload: pullRequestEvent(repo) });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('encrypted to: alice, ci');
  });

  it('the smudge filter restores a bound team key in a fresh clone with only the identity (no local vault)', async () => {
    const value = teamValue();
    const team = await teamFiles([{ key: 'db-url', value, paths: ['config/*.env'] }, { key: 'unbound-key', value: teamValue() }]);
    const origin = pullRequestRepo({ ...team.files, 'config/app.env': 'DB_URL=<agent-vault:db-url>\nOTHER=<agent-vault:unbound-key>\n', '.gitattributes': 'config/*.env filter=agent-vault\n' }, []);
    const sb = sandbox({ env: { AGENT_VAULT_AGE_IDENTITY: team.ciIdentity } });
    const clone = join(sb.root, 'clone');
    gitOk(sb, sb.root, ['clone', '-q', '-b', 'main', origin.dir, clone]);
    const installed = cli(sb, clone, ['install', '--no-hooks']);
    expect(installed.code, installed.stderr).toBe(0);
    rmSync(join(clone, 'config/app.env'));
    gitOk(sb, clone, ['checkout', '--', 'config/app.env']);
    expect(readFileSync(join(clone, 'config/app.env'), 'utf8')).toBe(`DB_URL=${value}\nOTHER=<agent-vault:unbound-key>\n`);
    // Clean maps it back: git status sees the placeholders it stored.
    expect(gitOk(sb, clone, ['status', '--porcelain', 'config/app.env'])).toBe('');
  });
});
