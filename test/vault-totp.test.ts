import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { openVault } from '../src/vault/index.js';
import { MemoryKeyProvider } from '../src/vault/key-provider.js';
import { codeStep, newTotpSecret, timeStep, totpBase32, totpCode, totpUri } from '../src/vault/totp.js';
import { authenticate } from '../src/vault/unlock.js';
import { removeDir, tempDir } from './helpers/cli.js';
import { passphraseVault } from './helpers/locked.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
const newHome = () => {
  const dir = tempDir('av-totp-');
  dirs.push(dir);
  return join(dir, 'vault');
};

// RFC 6238 Appendix B: the seeds are the ASCII strings below (20, 32 and 64 bytes), codes of 8 digits.
const SEED = { SHA1: '12345678901234567890', SHA256: '12345678901234567890123456789012', SHA512: '1234567890123456789012345678901234567890123456789012345678901234' } as const;
const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('gives the Appendix B codes at T=%i', (t, sha1, sha256, sha512) => {
    expect(totpCode(Buffer.from(SEED.SHA1), t * 1000, { digits: 8, algorithm: 'SHA1' })).toBe(sha1);
    expect(totpCode(Buffer.from(SEED.SHA256), t * 1000, { digits: 8, algorithm: 'SHA256' })).toBe(sha256);
    expect(totpCode(Buffer.from(SEED.SHA512), t * 1000, { digits: 8, algorithm: 'SHA512' })).toBe(sha512);
  });

  it('uses SHA-1, 6 digits and 30 s in what it stores and shows (the last 6 digits of the SHA-1 vectors)', () => {
    for (const [t, sha1] of VECTORS) expect(totpCode(Buffer.from(SEED.SHA1), t * 1000)).toBe(sha1.slice(2));
    const uri = totpUri(Buffer.from(SEED.SHA1), 'vault@/home/me/.agent-vault');
    expect(uri).toMatch(/^otpauth:\/\/totp\/agent-vault:/);
    expect(uri).toContain('algorithm=SHA1');
    expect(uri).toContain('digits=6');
    expect(uri).toContain('period=30');
    expect(uri).toContain(`secret=${totpBase32(Buffer.from(SEED.SHA1))}`);
    expect(totpBase32(Buffer.from(SEED.SHA1))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('accepts a code within one step of the clock it is given, and names its step', () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015_000;
    const step = timeStep(now);
    for (const drift of [-1, 0, 1]) expect(codeStep(secret, totpCode(secret, now + drift * 30_000), now)).toBe(step + drift);
    for (const drift of [-3, -2, 2, 3]) expect(codeStep(secret, totpCode(secret, now + drift * 30_000), now)).toBeUndefined();
    expect(codeStep(secret, totpCode(secret, now).replace(/^(\d{3})/, '$1 '), now)).toBe(step); // "123 456" as apps show it
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345a']) expect(codeStep(secret, bad, now)).toBeUndefined();
  });

  it('never accepts a code computed from another secret (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.integer({ min: 1, max: 4_000_000_000 }), (a, b, t) => {
        fc.pre(!Buffer.from(a).equals(Buffer.from(b)));
        const code = totpCode(a, t * 1000);
        const step = codeStep(b, code, t * 1000);
        // Six digits collide by chance about once in 10^6 per step; the property allows exactly
        // that: whatever is accepted must be b's own code at that step.
        return step === undefined || totpCode(b, step * 30_000) === code;
      }),
      { numRuns: 300 },
    );
  });
});

describe('the second factor on a passphrase vault', () => {
  it('accepts a code once: the same step, or an earlier one, is refused afterwards', async () => {
    const home = newHome();
    const master = await passphraseVault(home, 'a passphrase for tests');
    const vault = openVault(home, { keyProvider: new MemoryKeyProvider(master) });
    const secret = newTotpSecret();
    const t0 = 1_800_000_000_000;
    vault.setTotp({ secret, step: timeStep(t0) });
    const passphrase = 'a passphrase for tests';
    // The confirming code's step is used up already.
    await expect(authenticate(home, { passphrase, code: totpCode(secret, t0) }, t0)).rejects.toMatchObject({ code: 'UNLOCK_FAILED' });
    // The next step works once ...
    const later = t0 + 30_000 + 1000 * 60; // past the delay the failure above set
    const ok = await authenticate(home, { passphrase, code: totpCode(secret, later) }, later);
    ok.vault.close();
    // ... and not twice, nor any earlier step still inside the drift window.
    await expect(authenticate(home, { passphrase, code: totpCode(secret, later) }, later + 1000)).rejects.toMatchObject({ code: 'UNLOCK_FAILED' });
    await expect(authenticate(home, { passphrase, code: totpCode(secret, later - 30_000) }, later + 3000)).rejects.toMatchObject({ code: 'UNLOCK_FAILED' });
    // Two failures in a row: the next attempt waits 2 s, whatever it holds.
    await expect(authenticate(home, { passphrase, code: totpCode(secret, later + 30_000) }, later + 4000)).rejects.toMatchObject({ code: 'UNLOCK_DELAYED' });
    // The step is recorded in the vault file, under its MAC.
    expect(openVault(home, { keyProvider: new MemoryKeyProvider(master) }).header()).toMatchObject({ totp: { lastStep: timeStep(later) } });
  });

  it('says the same thing for a wrong passphrase, a wrong code and an expired code', async () => {
    const home = newHome();
    const master = await passphraseVault(home, 'the right passphrase');
    const secret = newTotpSecret();
    const t0 = 1_900_000_000_000;
    openVault(home, { keyProvider: new MemoryKeyProvider(master) }).setTotp({ secret, step: timeStep(t0) - 10 });
    const wrongPass = await authenticate(home, { passphrase: 'the wrong passphrase', code: totpCode(secret, t0) }, t0).catch((e: Error) => e);
    const t1 = t0 + 5_000;
    const wrongCode = await authenticate(home, { passphrase: 'the right passphrase', code: totpCode(secret, t1 + 600_000) }, t1).catch((e: Error) => e);
    // An expired code: the right passphrase and the code of two minutes ago (never used).
    const t2 = t1 + 10_000;
    const expired = await authenticate(home, { passphrase: 'the right passphrase', code: totpCode(secret, t2 - 120_000) }, t2).catch((e: Error) => e);
    for (const e of [wrongPass, wrongCode, expired]) expect(e).toMatchObject({ code: 'UNLOCK_FAILED', message: 'wrong passphrase or code' });
    // The hint differs only by the wait (it doubles with each failure), never by the factor.
    const said = (e: unknown) => JSON.stringify([(e as Error).message, (e as { hint?: string }).hint?.replace(/\d+ s\b/, 'N s')]);
    expect(new Set([wrongPass, wrongCode, expired].map(said)).size).toBe(1);
  });
});
