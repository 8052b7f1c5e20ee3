import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Binary key containers are recognised by their structure and reported, not skipped as
// binary: PKCS#12 (.p12/.pfx), Java keystores (JKS, JCEKS) and DER private keys. Every key here
// is made at test time (node:crypto, openssl, keytool), so nothing realistic is committed.
const dir = mkdtempSync(join(tmpdir(), 'av-keycontainers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = join(__dirname, '..', 'bin', 'agent-vault.mjs');
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
};

/** [file name, expected rule id or undefined for "not a key container"] */
const expected = new Map<string, string | undefined>();
function plant(name: string, bytes: Buffer, rule: string | undefined) {
  writeFileSync(join(dir, name), bytes);
  expected.set(name, rule);
}

beforeAll(() => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 224 });
  plant('rsa-pkcs8.der', rsa.privateKey.export({ type: 'pkcs8', format: 'der' }), 'private-key-der-pkcs8');
  plant('rsa-pkcs1.der', rsa.privateKey.export({ type: 'pkcs1', format: 'der' }), 'private-key-der-rsa');
  plant('ec-sec1.key', ec.privateKey.export({ type: 'sec1', format: 'der' }), 'private-key-der-ec');
  plant('ec-pkcs8.der', ec.privateKey.export({ type: 'pkcs8', format: 'der' }), 'private-key-der-pkcs8');
  plant('ed25519.der', ed.privateKey.export({ type: 'pkcs8', format: 'der' }), 'private-key-der-pkcs8');
  plant('dsa.der', dsa.privateKey.export({ type: 'pkcs8', format: 'der' }), 'private-key-der-pkcs8');
  plant('rsa-encrypted.der', rsa.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'test-only' }), 'private-key-der-pkcs8-encrypted');
  // look-alikes that are public or not keys at all
  plant('rsa-public.der', rsa.publicKey.export({ type: 'spki', format: 'der' }), undefined);
  plant('rsa-public-pkcs1.der', rsa.publicKey.export({ type: 'pkcs1', format: 'der' }), undefined);
  plant('random.bin', Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00, 0x00]), randomBytes(256)]), undefined);
  plant('image.png', Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(64)]), undefined);
  if (have('openssl')) {
    run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=example.test']);
    run('openssl', ['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'bundle.p12', '-passout', 'pass:test-only']);
    run('openssl', ['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'legacy.pfx', '-passout', 'pass:test-only', '-legacy']);
    run('openssl', ['x509', '-in', 'c.pem', '-outform', 'der', '-out', 'cert.der']);
    rmSync(join(dir, 'k.pem'));
    rmSync(join(dir, 'c.pem'));
    expected.set('bundle.p12', 'pkcs12-keystore').set('legacy.pfx', 'pkcs12-keystore').set('cert.der', undefined);
  }
  if (have('keytool')) {
    for (const type of ['JKS', 'JCEKS']) {
      const file = `store.${type.toLowerCase()}`;
      run('keytool', ['-genkeypair', '-alias', 'example', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=example.test', '-keystore', file, '-storetype', type, '-storepass', 'test-only', '-keypass', 'test-only']);
      expected.set(file, type === 'JKS' ? 'java-keystore-jks' : 'java-keystore-jceks');
    }
  } else {
    // the same headers keytool writes, around random entries
    plant('store.jks', Buffer.concat([Buffer.from('feedfeed000000020000000100000001', 'hex'), randomBytes(400)]), 'java-keystore-jks');
    plant('store.jceks', Buffer.concat([Buffer.from('cececece000000020000000100000001', 'hex'), randomBytes(400)]), 'java-keystore-jceks');
  }
}, 60_000);

describe('binary key containers', () => {
  it('are reported by their structure; public keys, certificates and other binaries are not', () => {
    const gitConfig = join(dir, 'gitconfig');
    writeFileSync(gitConfig, '');
    const r = spawnSync(process.execPath, [cli, 'scan', '.', '--format', 'json', '--no-progress'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: dir, NO_COLOR: '1', CI: '1' },
    });
    const report = JSON.parse(r.stdout) as { findings: { path: string; ruleId: string; secret: string; line: number }[]; skipped: { path: string; reason: string }[] };
    const got = new Map(report.findings.map((f) => [f.path, f.ruleId]));
    for (const [file, rule] of expected) expect([file, got.get(file)]).toEqual([file, rule]);
    expect(report.skipped.map((s) => [s.path, s.reason])).toContainEqual(['image.png', 'binary']);
    for (const f of report.findings) {
      expect(f.line).toBe(1);
      // the report shows a masked prefix, never bytes of the key
      expect(f.secret).toMatch(/^[\x20-\x7e]*\*{8}$/);
      const bytes = readFileSync(join(dir, f.path)).toString('latin1');
      expect(r.stdout.includes(bytes.slice(8, 40))).toBe(false);
    }
  });
});
