import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliAsync } from './helpers/cli.js';
import { publisher, serve, type Publisher } from './helpers/registry.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, opts: { method?: string; headers?: Record<string, string>; agent?: Agent } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** A raw request line, for URLs no HTTP client would send. */
function raw(url: string, line: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((done, fail) => {
    const s = connect(Number(port), '127.0.0.1', () => s.write(`${line}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let out = '';
    s.on('data', (c) => (out += c.toString('latin1')));
    s.on('end', () => done(out));
    s.on('error', fail);
  });
}

/**
 * `skill serve` as a real child process: read-only routes, ETags, 400/405 without stack
 * traces, nothing outside the layout reachable, and 1,000 concurrent requests all answered
 * correctly with bounded memory.
 */
describe('skill serve', () => {
  let pub: Publisher;
  beforeAll(() => {
    pub = publisher();
    // A 1 MiB asset: buffering it per request would need ~1 GiB for 1,000 concurrent requests.
    writeFileSync(join(pub.repo, 'skills/fmt/docs/big.md'), Array.from({ length: 32768 }, (_, i) => `line ${String(i).padStart(6, '0')} of the formatting notes.\n`).join('').slice(0, 1 << 20));
    pub.tty(['skill', 'publish', 'skills/fmt', '--registry', pub.registry, '--kid', 'team-key', '--version', '1.0.0']);
  }, 300_000);
  const file = (p: string) => readFileSync(join(pub.registry, p));

  it('serves the envelope, the static layout, the revocation list and the JWKS, with ETags and 304', async () => {
    const s = await serve(pub.sb, pub.registry);
    const latest = await get(`${s.url}v1/skills/fmt`);
    expect(latest.status).toBe(200);
    expect(latest.body.equals(file('skills/fmt/1.0.0/envelope.json'))).toBe(true);
    const env = JSON.parse(latest.body.toString());
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['skill_id', 'version', 'content', 'assets', 'content_hash', 'signature', 'scan_record', 'ledger_block']));
    expect(env.assets.map((a: { path: string }) => a.path)).toEqual(['docs/big.md', 'docs/usage.md', 'scripts/run.sh']);
    expect((await get(`${s.url}v1/skills/fmt@1.0.0`)).body.equals(latest.body)).toBe(true);
    expect((await get(`${s.url}v1/revocations`)).body.equals(file('revocations.json'))).toBe(true);
    const jwks = await get(`${s.url}.well-known/jwks.json`);
    expect(JSON.parse(jwks.body.toString()).keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'team-key', alg: 'EdDSA' });
    const bundle = await get(`${s.url}skills/fmt/1.0.0/bundle.tar`);
    expect(bundle.headers.etag).toBe(`"sha256-${sha(file('skills/fmt/1.0.0/bundle.tar'))}"`);
    const again = await get(`${s.url}skills/fmt/1.0.0/bundle.tar`, { headers: { 'if-none-match': bundle.headers.etag as string } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await get(`${s.url}index.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(file('index.json').length);
    expect(head.body.length).toBe(0);
    for (const p of ['v1/skills/nope', 'v1/skills/fmt@9.9.9', 'skills/fmt/1.0.0/other.txt', '', 'registry.lock', '.agent-vault-registry.lock']) expect((await get(`${s.url}${p}`)).status).toBe(404);
  });

  it('is read-only (405 with Allow), answers malformed URLs with 400, never with a stack trace, and follows no link', async () => {
    const s = await serve(pub.sb, pub.registry);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await get(`${s.url}index.json`, { method });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
    const answers = await Promise.all(['GET /%E0%A4%A HTTP/1.1', 'GET /skills/%2e%2e/%2e%2e/etc/passwd HTTP/1.1', 'GET /skills/fmt/..%2F..%2Findex.json/bundle.tar HTTP/1.1', 'GET /index.json%00 HTTP/1.1', 'GET /v1/skills/..%5C HTTP/1.1', 'GET http://evil/ HTTP/1.1', 'GARBAGE', 'GET /v1/skills/FMT HTTP/1.1'].map((l) => raw(s.url, l)));
    for (const a of answers) {
      expect(a).toMatch(/^HTTP\/1\.1 400 /);
      expect(a).not.toMatch(/at .*\.(m?js|ts):\d+|Error:|node:internal/);
    }
    // A link placed in the registry is not followed, even where a layout file belongs.
    symlinkSync('/etc/hostname', join(pub.registry, 'skills/fmt/1.0.0/SKILL.sig.link'));
    symlinkSync(join(pub.registry, 'index.json'), join(pub.registry, 'keys-link'));
    const copy = join(pub.registry, 'revocations.json');
    const saved = readFileSync(copy);
    const { rmSync } = await import('node:fs');
    rmSync(copy);
    symlinkSync('/etc/hostname', copy);
    expect((await get(`${s.url}revocations.json`)).status).toBe(404);
    rmSync(copy);
    writeFileSync(copy, saved);
  });

  it('a bad --port or a missing --registry folder is a usage error (exit 2)', async () => {
    expect((await cliAsync(pub.sb, pub.sb.dir, ['skill', 'serve', '--registry', pub.registry, '--port', '70000'])).code).toBe(2);
    expect((await cliAsync(pub.sb, pub.sb.dir, ['skill', 'serve', '--registry', 'no-such-folder', '--port', '0'])).code).toBe(2);
  });

  it('answers 1,000 concurrent requests correctly, with bounded memory', async () => {
    const s = await serve(pub.sb, pub.registry);
    const routes: [string, Buffer | number][] = [
      ['skills/fmt/1.0.0/bundle.tar', file('skills/fmt/1.0.0/bundle.tar')],
      ['v1/skills/fmt@1.0.0', file('skills/fmt/1.0.0/envelope.json')],
      ['v1/skills/fmt', file('skills/fmt/1.0.0/envelope.json')],
      ['index.json', file('index.json')],
      ['.well-known/jwks.json', file('.well-known/jwks.json')],
      ['v1/revocations', file('revocations.json')],
      ['v1/skills/nope', 404],
    ];
    const agent = new Agent({ keepAlive: false, maxSockets: 1000 });
    const N = 1000;
    // Mostly bundles (1 MiB each): the case that would blow memory if the server buffered.
    const picks = Array.from({ length: N }, (_, i) => routes[i % 2 === 0 ? 0 : i % routes.length]!);
    const answers = await Promise.all(picks.map(([p]) => get(`${s.url}${p}`, { agent })));
    agent.destroy();
    let bad = 0;
    answers.forEach((a, i) => {
      const want = picks[i]![1];
      if (typeof want === 'number' ? a.status !== want : a.status !== 200 || !a.body.equals(want)) bad++;
    });
    expect(bad).toBe(0);
    expect(answers.filter((a) => a.status === 200 && a.body.length > 1 << 20)).toHaveLength(picks.filter(([p]) => p === routes[0]![0]).length);
    // Peak resident memory of the server process (Linux).
    const status = readFileSync(`/proc/${s.child.pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]);
    expect(peakKb).toBeLessThan(400 * 1024);
  }, 600_000); // correctness and memory, not timing
});
