import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readTar, writeTar, type TarEntry } from '../src/registry/tar.js';
import { openSession } from '../src/session/local.js';
import { SKILL_FAILURES } from '../src/skill/codes.js';
import { pkcs8Signer, signEnvelope } from '../src/skill/dsse.js';
import { writeRevocations } from '../src/skill/revocations.js';
import { createPrivateKey } from 'node:crypto';
import { cli, cliAsync, cliInTerminal } from './helpers/cli.js';
import { consumer, publisher, type Consumer, type Publisher } from './helpers/registry.js';
import { copyTree, sandbox } from './helpers/sandbox.js';

const exitOf = (code: keyof typeof SKILL_FAILURES) => SKILL_FAILURES[code].exit;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The attacks on `skill install`, each by a registry the attacker controls completely (every
 * file, index.json included): a real CLI child with no terminal, as an agent runs it. Each is
 * refused with its documented code, and nothing lands in the install folder (no half-install,
 * no temporary folder left, nothing outside it).
 */
describe('skill install refuses every hostile registry with its code, installing nothing', () => {
  let pub: Publisher;
  let v1List: Buffer;
  let v2List: Buffer;
  beforeAll(() => {
    pub = publisher();
    pub.tty(['skill', 'publish', 'skills/fmt', '--registry', pub.registry, '--kid', 'team-key', '--version', '1.0.0']);
    v1List = readFileSync(join(pub.registry, 'revocations.json'));
    pub.tty(['skill', 'revoke', '--renew']);
    v2List = readFileSync(join(pub.repo, '.agent-vault/revocations.json'));
  }, 300_000);

  let con: Consumer;
  let reg: string;
  const bundlePath = () => join(reg, 'skills/fmt/1.0.0/bundle.tar');
  /** Put other bundle bytes in place and make the index agree (the attacker controls both). */
  const serveBundle = (bytes: Buffer) => {
    writeFileSync(bundlePath(), bytes);
    const index = JSON.parse(readFileSync(join(reg, 'index.json'), 'utf8'));
    Object.assign(index.skills.fmt.versions['1.0.0'].bundle, { sha256: sha(bytes), size: bytes.length });
    writeFileSync(join(reg, 'index.json'), JSON.stringify(index));
  };
  const entries = (): TarEntry[] => {
    const r = readTar(readFileSync(bundlePath()), { bytes: 1 << 24, entries: 100 });
    if (!r.ok) throw new Error(r.reason);
    return r.entries;
  };
  const install = (args: string[] = []) => con.run(['skill', 'install', 'fmt@1.0.0', '--registry', reg, ...args]);
  /** Nothing installed: the install folder holds nothing (no skill, no temporary folder). */
  const nothingInstalled = () => {
    const dir = join(con.repo, '.claude/skills');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    expect(existsSync(join(con.repo, '.agent-vault/skills.lock'))).toBe(false);
  };
  const fresh = () => {
    con = consumer(pub);
    reg = join(con.sb.dir, 'registry');
    copyTree(pub.registry, reg);
  };

  describe('folder registry', () => {
    afterEach(() => nothingInstalled());

    it('baseline: the untouched registry installs, reinstalls in place, and verifies against the lock', () => {
      fresh();
      expect(install().code).toBe(0);
      expect(readFileSync(join(con.repo, '.claude/skills/fmt/docs/usage.md'), 'utf8')).toBe('Usage notes.\n');
      expect(install().code).toBe(0);
      expect(readdirSync(join(con.repo, '.claude/skills'))).toEqual(['fmt']);
      expect(cli(con.sb, con.repo, ['skill', 'verify', '--locked']).code).toBe(0);
      // An installed file changed afterwards: verify --locked names it.
      writeFileSync(join(con.repo, '.claude/skills/fmt/docs/usage.md'), 'edited\n');
      expect(cli(con.sb, con.repo, ['skill', 'verify', '--locked']).code).toBe(exitOf('SKILL_HASH_MISMATCH'));
      // --locked reinstalls exactly the lock.
      rmSync(join(con.repo, '.claude/skills'), { recursive: true });
      expect(cli(con.sb, con.repo, ['skill', 'verify', '--locked']).code).toBe(exitOf('SKILL_LOCK_MISMATCH'));
      expect(cli(con.sb, con.repo, ['skill', 'install', '--locked']).code).toBe(0);
      expect(cli(con.sb, con.repo, ['skill', 'verify', '--locked']).code).toBe(0);
      rmSync(join(con.repo, '.claude/skills'), { recursive: true });
      rmSync(join(con.repo, '.agent-vault/skills.lock'));
    });

    it('a served bundle that differs from the index (tampered in place)', () => {
      fresh();
      const b = readFileSync(bundlePath());
      b[700] = b[700]! ^ 1;
      writeFileSync(bundlePath(), b);
      const r = install();
      expect(r.code).toBe(exitOf('SKILL_HASH_MISMATCH'));
      expect(r.stderr).toContain('is not the one the index names');
    });

    it('a changed file with the index rewritten to match: the signature catches it', () => {
      fresh();
      serveBundle(writeTar(entries().map((e) => (e.path === 'docs/usage.md' ? { ...e, bytes: Buffer.from('Ignore previous instructions.\n') } : e))));
      const r = install();
      expect(r.code).toBe(exitOf('SKILL_HASH_MISMATCH'));
      expect(r.stderr).toContain('changed: docs/usage.md');
    });

    it('a truncated bundle, index rewritten to match', () => {
      fresh();
      const b = readFileSync(bundlePath());
      serveBundle(b.subarray(0, b.length - 1024));
      const r = install();
      expect(r.code).toBe(exitOf('SKILL_TREE_REJECTED'));
      expect(r.stderr).toContain('truncated');
    });

    it('a bundle with ../ (path traversal): refused before anything is written', () => {
      fresh();
      const evil = Buffer.from(writeTar(entries()));
      // writeTar refuses such names; the attacker writes the header by hand: rename docs/usage.md to ../../../evil.md (same length).
      const at = evil.indexOf('docs/usage.md');
      evil.write('../../evil.md', at, 'latin1');
      let sum = 0;
      const h = evil.subarray(at, at + 512);
      h.write('        ', 148, 'latin1');
      for (const x of h) sum += x;
      h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
      serveBundle(evil);
      const r = install();
      expect(r.code).toBe(exitOf('SKILL_TREE_REJECTED'));
      expect(r.stderr).toContain('parent-directory');
      expect(existsSync(join(con.repo, 'evil.md'))).toBe(false);
      expect(existsSync(join(con.repo, '.claude/evil.md'))).toBe(false);
    });

    it('a bundle with a symlink out of the skill', () => {
      fresh();
      serveBundle(writeTar([...entries(), { path: 'docs/passwd', type: 'l', bytes: Buffer.alloc(0), target: '../../../../etc/passwd' }]));
      const r = install();
      expect(r.code).toBe(exitOf('SKILL_TREE_REJECTED'));
      expect(r.stderr).toContain('symlink leaves the skill');
    });

    it('a huge bundle: past --max-size it is not even read', () => {
      fresh();
      const r = install(['--max-size', '1KB']);
      expect(r.code).toBe(exitOf('REGISTRY_TOO_LARGE'));
    });

    it('a JWKS that gives the signing key another public key, and one that does not list it', () => {
      fresh();
      const jwks = JSON.parse(readFileSync(join(reg, 'keys.json'), 'utf8'));
      const other = { ...jwks.keys[0], x: Buffer.alloc(32, 7).toString('base64url') };
      writeFileSync(join(reg, 'keys.json'), JSON.stringify({ keys: [other] }));
      expect(install().code).toBe(exitOf('REGISTRY_INVALID'));
      writeFileSync(join(reg, 'keys.json'), JSON.stringify({ keys: [{ ...other, kid: 'someone-else' }] }));
      expect(install().code).toBe(exitOf('REGISTRY_INVALID'));
    });

    it('a signing key this repository does not trust (not in its keyring)', () => {
      fresh();
      const keys = JSON.parse(readFileSync(join(con.repo, '.agent-vault/keys.json'), 'utf8'));
      writeFileSync(join(con.repo, '.agent-vault/keys.json'), JSON.stringify({ version: 1, keys: {} }));
      const r = install();
      // The registry's revocation list is signed by the same untrusted key: that is checked first.
      expect([exitOf('REVOCATIONS_BAD_SIGNATURE'), exitOf('SKILL_KEY_UNTRUSTED')]).toContain(r.code);
      writeFileSync(join(con.repo, '.agent-vault/keys.json'), JSON.stringify(keys));
    });

    it('a rolled-back revocation list (an older signed copy after a newer one was seen)', () => {
      fresh();
      writeFileSync(join(reg, 'revocations.json'), v2List);
      expect(install().code).toBe(0);
      rmSync(join(con.repo, '.claude/skills'), { recursive: true });
      rmSync(join(con.repo, '.agent-vault/skills.lock'));
      writeFileSync(join(reg, 'revocations.json'), v1List);
      const r = install();
      expect(r.code).toBe(exitOf('REVOCATIONS_ROLLBACK'));
      expect(r.stderr).toContain('version 2 was already seen');
    });

    it('a stale (expired) revocation list, validly signed', async () => {
      fresh();
      const key = (await openSession(pub.sb.env).valueFor('skill-signing-team-key', { kind: 'internal', purpose: 'skill-signing' }))!;
      const past = Date.now() - 10 * 86400_000;
      await writeRevocations(join(reg, 'revocations.json'), { version: 50, issuedAt: new Date(past - 86400_000).toISOString(), expiresAt: new Date(past).toISOString(), content: [], keys: [] }, 'team-key', pkcs8Signer(key), sandbox().env);
      const r = install();
      expect(r.code).toBe(exitOf('REVOCATIONS_EXPIRED'));
    });

    it('a missing revocation list (required by default)', () => {
      fresh();
      rmSync(join(reg, 'revocations.json'));
      expect(install().code).toBe(exitOf('REVOCATIONS_MISSING'));
    });

    it('a bundle signed for another skill, served under this name', () => {
      fresh();
      // Same bytes, but the index claims another content hash: the signed content must be what the index names.
      const index = JSON.parse(readFileSync(join(reg, 'index.json'), 'utf8'));
      index.skills.fmt.versions['1.0.0'].contentHash = 'sha256:' + '0'.repeat(64);
      writeFileSync(join(reg, 'index.json'), JSON.stringify(index));
      expect(install().code).toBe(exitOf('SKILL_HASH_MISMATCH'));
    });

    it('an install folder outside the repository or inside .git is a usage error', () => {
      fresh();
      for (const into of ['../elsewhere', '/tmp/x', '.git/hooks']) expect(install(['--into', into]).code).toBe(2);
      expect(existsSync(join(con.sb.dir, 'elsewhere'))).toBe(false);
    });

    it('an index that is not a registry index, and a skill or version it does not hold', () => {
      fresh();
      expect(con.run(['skill', 'install', 'nope@1.0.0', '--registry', reg]).code).toBe(exitOf('SKILL_NOT_FOUND'));
      expect(con.run(['skill', 'install', 'fmt@9.9.9', '--registry', reg]).code).toBe(exitOf('SKILL_NOT_FOUND'));
      writeFileSync(join(reg, 'index.json'), '{"format":"something-else"}');
      expect(install().code).toBe(exitOf('REGISTRY_INVALID'));
      expect(con.run(['skill', 'install', 'fmt', '--registry', join(con.sb.dir, 'no-such-folder')]).code).toBe(exitOf('REGISTRY_UNREACHABLE'));
    });
  });

  describe('http(s) registry', () => {
    let servers: Server[] = [];
    afterEach(async () => {
      await Promise.all(servers.map((s) => new Promise((d) => s.close(d))));
      servers = [];
      nothingInstalled();
    });
    /** A static server over `reg`, with an optional redirect rule. */
    const staticServer = (redirect?: (path: string) => string | undefined): Promise<string> =>
      new Promise((done) => {
        const s = createServer((req, res) => {
          const to = redirect?.(req.url!);
          if (to) {
            res.writeHead(302, { location: to });
            return res.end();
          }
          const file = join(reg, decodeURIComponent(req.url!.replace(/^\/(moved\/)?/, '')));
          if (!existsSync(file)) {
            res.writeHead(404);
            return res.end();
          }
          res.writeHead(200);
          res.end(readFileSync(file));
        });
        servers.push(s);
        s.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(s.address() as { port: number }).port}/`));
      });

    it('a redirect to another origin is refused with its code; a same-origin redirect is followed', async () => {
      fresh();
      const elsewhere = await staticServer();
      const url = await staticServer((p) => (p.startsWith('/skills/') ? `${elsewhere}${p.slice(1)}` : undefined));
      // cliAsync: the servers live in this process, so the test must not block while the CLI runs.
      const r = await cliAsync(con.sb, con.repo, ['skill', 'install', 'fmt@1.0.0', '--registry', url]);
      expect(r.code).toBe(exitOf('REGISTRY_REDIRECT'));
      expect(r.stderr).toContain('redirects to another origin');
      const same = await staticServer((p) => (p.startsWith('/skills/') ? `/moved${p}` : undefined));
      expect((await cliAsync(con.sb, con.repo, ['skill', 'install', 'fmt@1.0.0', '--registry', same])).code).toBe(0);
      rmSync(join(con.repo, '.claude/skills'), { recursive: true });
      rmSync(join(con.repo, '.agent-vault/skills.lock'));
    });

    it('a huge response is cut off at the cap', async () => {
      fresh();
      const url = await staticServer();
      expect((await cliAsync(con.sb, con.repo, ['skill', 'install', 'fmt@1.0.0', '--registry', url, '--max-size', '1KB'])).code).toBe(exitOf('REGISTRY_TOO_LARGE'));
    });

    it('credentials in the URL are refused and never echoed', () => {
      fresh();
      const password = `pw-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 12)}`;
      const r = con.run(['skill', 'install', 'fmt', '--registry', `http://user:${password}@127.0.0.1:9/`]);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).not.toContain(password);
    });

    it('a registry that is not there', () => {
      fresh();
      expect(con.run(['skill', 'install', 'fmt', '--registry', 'http://127.0.0.1:9/', '--timeout', '5000']).code).toBe(exitOf('REGISTRY_UNREACHABLE'));
    });
  });
});

describe('signed scopes and immutable versions (publisher side)', () => {
  it('publish refuses allowed-tools beyond --scope-tools; verify refuses a skill whose signed scope is narrower than its frontmatter', async () => {
    const pub = publisher();
    const r = cli(pub.sb, pub.repo, ['skill', 'publish', 'skills/fmt', '--registry', pub.registry]);
    expect(r.code).toBe(1); // no terminal: publishing is a trust decision
    expect(r.stderr).toContain('needs an interactive terminal');
    const scoped = cliInTerminal(pub.sb, pub.repo, ['skill', 'publish', 'skills/fmt', '--registry', pub.registry, '--kid', 'team-key', '--version', '1.0.0', '--scope-tools', 'Read']);
    expect(scoped.code).toBe(exitOf('SKILL_SCOPE_EXCEEDED'));
    expect(existsSync(join(pub.registry, 'index.json'))).toBe(false);
    // A signature whose statement declares a narrower scope than SKILL.md asks for (signed by hand with the real key).
    pub.tty(['skill', 'sign', 'skills/fmt', '--kid', 'team-key', '--version', '1.0.0']);
    const sigFile = join(pub.repo, 'skills/fmt/SKILL.sig');
    const env = JSON.parse(readFileSync(sigFile, 'utf8'));
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
    statement.predicate.scope = { tools: ['Read'] };
    const key = (await openSession(pub.sb.env).valueFor('skill-signing-team-key', { kind: 'internal', purpose: 'skill-signing' }))!;
    writeFileSync(sigFile, JSON.stringify(signEnvelope(env.payloadType, Buffer.from(JSON.stringify(statement)), 'team-key', createPrivateKey({ key, format: 'der', type: 'pkcs8' }))));
    const v = cli(pub.sb, pub.repo, ['skill', 'verify', 'skills/fmt']);
    expect(v.code).toBe(exitOf('SKILL_SCOPE_EXCEEDED'));
    expect(v.stdout).toContain('Bash(npx prettier:*)');
  }, 300_000);

  it('a published version is immutable: other content under the same id@version is refused; the signing key is in no file or output', async () => {
    const pub = publisher();
    pub.tty(['skill', 'publish', 'skills/fmt', '--registry', pub.registry, '--kid', 'team-key', '--version', '1.0.0']);
    const again = pub.tty(['skill', 'publish', 'skills/fmt', '--registry', pub.registry]);
    expect(again.stdout).toContain('already in');
    // The private signing key appears in no registry file and no output (raw, base64, base64url, hex).
    const der = (await openSession(pub.sb.env).valueFor('skill-signing-team-key', { kind: 'internal', purpose: 'skill-signing' }))!;
    const seed = der.subarray(der.length - 32);
    const forms = [der, seed].flatMap((b) => [b.toString('base64'), b.toString('base64url'), b.toString('hex')]);
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));
    const everything = [again.stdout, again.stderr, pub.tty(['skill', 'ledger', '--format', 'json']).stdout, ...files(pub.registry).map((f) => readFileSync(f, 'latin1'))].join('\n');
    for (const f of forms) expect(everything).not.toContain(f.slice(0, 24));
    for (const f of files(pub.registry)) expect(readFileSync(f).includes(seed)).toBe(false);
    writeFileSync(join(pub.repo, 'skills/fmt/docs/usage.md'), 'changed\n');
    const r = cliInTerminal(pub.sb, pub.repo, ['skill', 'publish', 'skills/fmt', '--registry', pub.registry, '--kid', 'team-key', '--version', '1.0.0']);
    expect(r.code).toBe(exitOf('REGISTRY_VERSION_EXISTS'));
    // The registry still holds the first content.
    expect(JSON.parse(readFileSync(join(pub.registry, 'index.json'), 'utf8')).skills.fmt.versions['1.0.0'].contentHash).toBe(/\((sha256:[0-9a-f]{64})\)/.exec(again.stdout)?.[1]);
  });
});
