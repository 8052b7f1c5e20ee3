import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argon2id } from 'hash-wasm/dist/argon2.umd.min.js';
import { deriveKeys, open, type SealedValue } from '../src/vault/crypto.js';
import { vaultPaths } from '../src/vault/index.js';
import { parsePhc, unwrapMasterKey } from '../src/vault/passphrase.js';
import { isolatedEnv, removeDir, runCli, tempDir } from './helpers/cli.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { agentPids, stopAgentsOf, terminal, waitFor } from './helpers/locked.js';

/**
 * The same-user attacker against a locked passphrase vault: a process of the person's own OS
 * user, with no terminal, that reads every file under the vault home and under /tmp, and the
 * argv and environment of every process it can see, after the vault was used through the
 * session agent and then locked (once with `agent-vault lock`, once by a SIGKILL of the
 * agent). It must not get a value: no plaintext value, no master key, no derived key, no
 * passphrase-derived key, and no 32-byte window of any file (raw, or decoded from base64 or
 * hex) that opens a sealed value or the wrapped master key.
 *
 * The control (a key-file vault, attacked the same way) shows the attacker does find the key
 * when one is on disk, so the locked case passing means something.
 */

const dirs: string[] = [];
const homes: string[] = [];
afterEach(() => homes.splice(0).forEach(stopAgentsOf));
afterAll(() => dirs.splice(0).forEach(removeDir));

const next = rng(7272);
// Made at run time: a literal here would also sit in every copy of this file under /tmp (a test
// that snapshots the repository runs beside this one) and be "found" there.
const PASS = `attack passphrase ${randomBytes(6).toString('hex')}`;
const VALUES = [expandTemplate('fake-db-{{alnum:26}}', next), expandTemplate('fake-api-{{alnum:34}}', next)];

interface VaultFile {
  entries: Record<string, { version: number; value: SealedValue; earlier: (SealedValue & { version: number })[] }>;
  header?: { provider: string; kdf: string; wrappedKey: SealedValue };
}

const readVault = (home: string) => JSON.parse(readFileSync(vaultPaths(home).file, 'utf8')) as VaultFile;

/** Every regular file under `dir` (no symbolic links followed), skipping what cannot be read. */
function walk(dir: string, keep: (path: string, size: number, mtimeMs: number) => boolean, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(path, keep, out);
    else if (st.isFile() && keep(path, st.size, st.mtimeMs)) out.push(path);
  }
  return out;
}

function readable(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** What a reader of the process list sees: argv and environment of every process of this user it may read. */
function processList(): Buffer[] {
  const out: Buffer[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    for (const f of ['cmdline', 'environ']) {
      const b = readable(`/proc/${pid}/${f}`);
      if (b) out.push(b);
    }
  }
  return out;
}

/** The bytes a blind attacker tries: the file, and every base64 or hex run in it decoded. */
function decodings(content: Buffer): Buffer[] {
  const text = content.toString('latin1');
  const out = [content];
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{43,}={0,2}/g)) out.push(Buffer.from(m[0], m[0].includes('-') || m[0].includes('_') ? 'base64url' : 'base64'));
  for (const m of text.matchAll(/[0-9a-fA-F]{64,}/g)) out.push(Buffer.from(m[0].length % 2 ? m[0].slice(1) : m[0], 'hex'));
  return out;
}

/**
 * The blind attack: every 32-byte window tried as the master key (opening a sealed value),
 * as the value-encryption key itself, and as a key-encryption key (opening the wrapped master
 * key). Returns how many windows opened something.
 */
function blindAttack(contents: Buffer[], vault: VaultFile): number {
  const target = Object.entries(vault.entries)[0]!;
  const [name, entry] = target;
  const wrap = vault.header?.provider === 'passphrase' ? vault.header : undefined;
  const openWith = (aesKey: Buffer, sealed: SealedValue, aad: Buffer) => {
    try {
      const d = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(sealed.iv, 'base64'));
      d.setAAD(aad);
      d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      Buffer.concat([d.update(Buffer.from(sealed.ciphertext, 'base64')), d.final()]);
      return true;
    } catch {
      return false;
    }
  };
  const valueAad = Buffer.from(`agent-vault/1\0${name}\0${entry.version}`, 'utf8');
  let opened = 0;
  const seen = new Set<string>();
  for (const content of contents.flatMap(decodings)) {
    for (let at = 0; at + 32 <= content.length; at++) {
      const w = content.subarray(at, at + 32);
      const id = w.toString('latin1');
      if (seen.has(id)) continue;
      seen.add(id);
      if (open(deriveKeys(w), name, entry.version, entry.value)) opened++;
      else if (openWith(w, entry.value, valueAad)) opened++;
      else if (wrap && openWith(w, wrap.wrappedKey, Buffer.from(`agent-vault/1 master key\0${wrap.kdf}`, 'utf8'))) opened++;
    }
  }
  return opened;
}

/** Every spelling of a byte string a reader could find it in. */
const spellings = (b: Buffer) => [b, Buffer.from(b.toString('hex')), Buffer.from(b.toString('base64').replace(/=+$/, '')), Buffer.from(b.toString('base64url'))];

interface Box {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

function box(): Box {
  const dir = tempDir('av-locked-attack-');
  dirs.push(dir);
  const env = isolatedEnv(join(dir, 'home'));
  const home = env.AGENT_VAULT_HOME!;
  homes.push(home);
  mkdirSync(join(dir, 'work'));
  return { dir, home, env };
}

const run = (b: Box, args: string[], input?: string) => runCli(args, { cwd: join(b.dir, 'work'), env: b.env, ...(input !== undefined ? { input } : {}) });
const unlock = (b: Box) => terminal(join(b.dir, 'work'), b.env, 'unlock --ttl 10m', [{ after: 'Passphrase: ', keys: `${PASS}\r` }]);

describe('a same-user process against a locked passphrase vault', () => {
  it('reads every file under the vault home and /tmp, and the process list, and decrypts nothing', { timeout: 300_000 }, async () => {
    const t0 = Date.now() - 1000;
    const b = box();
    const init = await terminal(join(b.dir, 'work'), b.env, 'init --passphrase', [
      { after: 'New passphrase: ', keys: `${PASS}\r` },
      { after: 'Repeat the passphrase: ', keys: `${PASS}\r` },
    ]);
    expect(init.code, init.screen).toBe(0);

    // Use the vault through the agent: store values (they cross the socket), read and list.
    const first = await unlock(b);
    expect(first.code, first.screen).toBe(0);
    expect(run(b, ['set', 'db-password', '--stdin'], VALUES[0]).code).toBe(0);
    expect(run(b, ['set', 'api-key', '--stdin'], VALUES[1]).code).toBe(0);
    writeFileSync(join(b.dir, 'work', 'app.yaml'), 'db: <agent-vault:db-password>\n');
    expect(run(b, ['read', 'app.yaml']).code).toBe(0);
    expect(run(b, ['list']).stdout).toBe('api-key\ndb-password\n');
    expect(run(b, ['lock']).code).toBe(0);
    await waitFor(() => agentPids(b.home).length === 0, 15_000, 'the agent to exit after lock');

    // Again, and this time the agent dies by SIGKILL: no chance to clean up.
    const second = await unlock(b);
    expect(second.code, second.screen).toBe(0);
    expect(run(b, ['has', 'db-password', 'api-key']).code).toBe(0);
    const [pid] = agentPids(b.home);
    expect(pid).toBeTypeOf('number');
    // While unlocked, the agent's own argv and environment (visible to the attacker) hold no key.
    const liveProc = Buffer.concat([readFileSync(`/proc/${pid}/cmdline`), readFileSync(`/proc/${pid}/environ`)]);
    process.kill(pid!, 'SIGKILL');
    await waitFor(() => agentPids(b.home).length === 0, 15_000, 'the killed agent to be gone');
    const locked = run(b, ['read', 'app.yaml']);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('agent-vault unlock');

    // The attacker's haul: the vault home, the test's own folder, and every file under /tmp
    // written since the scenario began (key material could only land in those), plus /proc.
    const homeFiles = walk(b.home, () => true);
    expect(homeFiles).toContain(vaultPaths(b.home).file);
    const tmpFiles = walk(tmpdir(), (path, size, mtimeMs) => path.startsWith(b.dir) || (mtimeMs >= t0 && size <= 64 * 1024 * 1024));
    const local = [...new Set([...homeFiles, ...walk(b.dir, () => true)])].map(readable).filter((x): x is Buffer => !!x);
    expect(local.length).toBeGreaterThan(3);

    // What the attacker is after, computed here from the passphrase the attacker does not have.
    const vault = readVault(b.home);
    expect(vault.header?.provider).toBe('passphrase');
    const master = (await unwrapMasterKey({ kdf: vault.header!.kdf, wrapped: vault.header!.wrappedKey }, PASS))!;
    expect(master).toHaveLength(32);
    const keys = deriveKeys(master);
    const kdf = parsePhc(vault.header!.kdf)!;
    const kek = Buffer.from(await argon2id({ password: PASS, salt: kdf.salt, parallelism: kdf.p, iterations: kdf.t, memorySize: kdf.m, hashLength: 32, outputType: 'binary' }));
    const forbidden = [...VALUES.map((v) => Buffer.from(v)), Buffer.from(PASS), ...[master, keys.encryption, keys.integrity, kek].flatMap(spellings)];
    const hits: string[] = [];
    const search = (what: string, content: Buffer | undefined) => {
      if (content) for (const [i, f] of forbidden.entries()) if (content.indexOf(f) !== -1) hits.push(`${what}: forbidden #${i}`);
    };
    local.forEach((c, i) => search(`local file ${i}`, c));
    for (const path of tmpFiles) search(path, readable(path)); // one at a time: /tmp is shared and may be large
    processList().forEach((c, i) => search(`process entry ${i}`, c));
    search('the live agent', liveProc);
    expect(hits).toEqual([]);
    expect(tmpFiles.length).toBeGreaterThan(0);

    // The blind attack on everything small enough to try every window of (the vault home and the test folder).
    expect(blindAttack(local, vault)).toBe(0);
  });

  it('control: the same attacker opens a key-file vault from vault.key', { timeout: 120_000 }, async () => {
    const b = box();
    expect(run(b, ['set', 'db-password', '--stdin'], VALUES[0]).code).toBe(0);
    const local = walk(b.home, () => true).map(readable).filter((x): x is Buffer => !!x);
    expect(blindAttack(local, readVault(b.home))).toBeGreaterThan(0);
  });
});
