import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentVaultError, exitCodeFor, refusal, usageError } from '../src/errors.js';
import { LocalVaultSession } from '../src/session/local.js';
import { vaultReady } from '../src/session/session.js';
import { skillFailure, SKILL_FAILURES } from '../src/skill/codes.js';
import { vaultPaths } from '../src/vault/index.js';
import { removeDir, tempDir } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
const newHome = () => {
  const dir = tempDir('av-session-');
  dirs.push(dir);
  return join(dir, 'vault');
};
const value = (seed: number) => Buffer.from(expandTemplate('fake-{{alnum:20}}', rng(seed)));

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AgentVaultError);
    return (e as AgentVaultError).code;
  }
  return undefined;
}

describe('the in-process vault session', () => {
  it('behaves as an empty vault where none exists, and creates one on the first set', async () => {
    const session = new LocalVaultSession(newHome());
    expect(await session.state()).toMatchObject({ exists: false, locked: false });
    expect(await session.list()).toEqual([]);
    expect(await session.has(['api-key'])).toEqual([false]);
    const restored = await session.restore(Buffer.from('k=<agent-vault:api-key>\n'), { destination: { kind: 'file', path: '/tmp/x' } });
    expect(restored).toMatchObject({ restored: 0, unknown: ['api-key'] });
    expect(await codeOf(vaultReady(session))).toBe('VAULT_MISSING');

    const secret = value(1);
    await session.set([{ key: 'api-key', value: secret, description: 'test' }], { interactive: false });
    expect((await session.state()).exists).toBe(true);
    expect(await session.has(['api-key', 'other-key'])).toEqual([true, false]);
    await vaultReady(session);
    // The matcher is rebuilt after a write: the new value is redacted at once.
    expect((await session.redact(Buffer.concat([Buffer.from('k='), secret]))).output.toString()).toBe('k=<agent-vault:api-key>');
    expect(await session.valueFor('api-key', { kind: 'terminal' })).toEqual(secret);
    // Not an internal key, bound nowhere: no other use gets it.
    expect(await codeOf(session.valueFor('api-key', { kind: 'internal', purpose: 'skill-signing' }))).toBe('KEY_NOT_BOUND');
    expect(await codeOf(session.valueFor('api-key', { kind: 'file', path: '/tmp/x' }))).toBe('KEY_NOT_BOUND');
    expect(await session.remove('api-key')).toBe(true);
    expect(await session.remove('api-key')).toBe(false);
    expect((await session.redact(Buffer.concat([Buffer.from('k='), secret]))).output).toEqual(Buffer.concat([Buffer.from('k='), secret]));
  });

  it('opens the vault only for content that needs it: a damaged vault fails restore of a placeholder, not of plain text', async () => {
    const home = newHome();
    await new LocalVaultSession(home).set([{ key: 'api-key', value: value(2) }], { interactive: false });
    const file = vaultPaths(home).file;
    writeFileSync(file, readFileSync(file, 'utf8').replace('"version": 1', '"version": 7'));
    const session = new LocalVaultSession(home);
    const plain = await session.restore(Buffer.from('no tokens here\n'), { destination: { kind: 'file', path: '/tmp/x' } });
    expect(plain.output.toString()).toBe('no tokens here\n');
    expect(await codeOf(session.restore(Buffer.from('<agent-vault:api-key>'), { destination: { kind: 'file', path: '/tmp/x' } }))).toBe('VAULT_TAMPERED');
    expect(await codeOf(vaultReady(session))).toBe('VAULT_TAMPERED');
    // init reports the damage and never replaces the file.
    expect(await codeOf(session.init())).toBe('VAULT_TAMPERED');
  });

  it('resolves UNVAULTED markers only from the bytes the caller supplies, and never an ambiguous one', async () => {
    const session = new LocalVaultSession(newHome());
    const hidden = value(3);
    const markers = new Map([['0123abcd', hidden], ['feedf00d', Buffer.alloc(0)]]);
    const r = await session.restore(Buffer.from('a=<agent-vault:UNVAULTED:sha256:0123abcd> b=<agent-vault:UNVAULTED:sha256:feedf00d>'), { destination: { kind: 'file', path: '/tmp/x' }, markers });
    expect(r.output.toString()).toBe(`a=${hidden} b=<agent-vault:UNVAULTED:sha256:feedf00d>`);
    expect(r).toMatchObject({ unvaultedRestored: 1, unresolved: ['feedf00d'] });
  });
});

describe('one exit-code rule', () => {
  it('a failure carries its status: skill failures their documented code, refusals 1, everything else 2', () => {
    for (const [code, { exit }] of Object.entries(SKILL_FAILURES)) expect(exitCodeFor(skillFailure(code as keyof typeof SKILL_FAILURES, 'x'))).toBe(exit);
    expect(exitCodeFor(refusal('no', undefined, 'TTY_REQUIRED'))).toBe(1);
    expect(exitCodeFor(usageError('bad flag'))).toBe(2);
    expect(exitCodeFor(new AgentVaultError('vault', 'damaged', { code: 'VAULT_TAMPERED' }))).toBe(2);
    expect(exitCodeFor(new Error('a bug'))).toBe(2);
  });
});
