import { createHash } from 'node:crypto';
import { closeSync, constants, createReadStream, fstatSync, openSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SKILL_NAME } from '../skill/model.js';
import { parseIndex, PATHS, VERSION } from './model.js';

/**
 * `skill serve`: the registry folder over HTTP, read-only. GET and HEAD only (405 otherwise,
 * with Allow); malformed URLs get 400; nothing outside the layout is reachable (no folder
 * listing, no link followed, no dot files). Every answer carries a strong ETag (the sha256 of
 * the bytes sent) and honours If-None-Match. Files are streamed from an open descriptor, and
 * the ETag is computed from that same descriptor, so the tag always matches the bytes; memory
 * stays bounded whatever the number of concurrent requests. Errors are one JSON line, never a
 * stack trace.
 *
 *   GET /v1/skills/:id            the envelope of the latest published version
 *   GET /v1/skills/:id@:version   the envelope of that version (docs/registry.md)
 *   GET /v1/revocations           the signed revocation list
 *   GET /.well-known/jwks.json    the publisher's public keys (also /keys.json)
 *   GET /index.json, /skills/:id/:version/{bundle.tar,SKILL.sig,envelope.json}  the static layout
 */

const MAX_URL = 2048;
const TYPES: Record<string, string> = { json: 'application/json', tar: 'application/x-tar', sig: 'application/json' };

type Route = { file: string } | { latest: string } | { error: number; message: string };

/** Map a request path to a registry file (or the latest version of a skill), or an error. */
export function route(rawUrl: string): Route {
  if (rawUrl.length > MAX_URL) return { error: 414, message: 'URL too long' };
  if (!rawUrl.startsWith('/')) return { error: 400, message: 'malformed URL' };
  const pathPart = rawUrl.split('?')[0]!;
  const segs: string[] = [];
  for (const raw of pathPart.split('/').slice(1)) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return { error: 400, message: 'malformed URL (bad percent-encoding)' };
    }
    if (/[\0-\x1f\x7f/\\]/.test(seg) || seg === '..' || seg === '.') return { error: 400, message: 'malformed URL (path segment not allowed)' };
    segs.push(seg);
  }
  const p = segs.join('/');
  if (p === 'index.json' || p === 'keys.json' || p === 'revocations.json') return { file: p };
  if (p === '.well-known/jwks.json') return { file: PATHS.jwks };
  if (p === 'v1/revocations') return { file: PATHS.revocations };
  if (segs.length === 3 && segs[0] === 'v1' && segs[1] === 'skills') {
    const [id, version] = segs[2]!.split('@', 2) as [string, string | undefined];
    if (!SKILL_NAME.test(id) || (version !== undefined && !VERSION.test(version))) return { error: 400, message: 'malformed skill id or version' };
    return version === undefined ? { latest: id } : { file: PATHS.envelope(id, version) };
  }
  if (segs.length === 4 && segs[0] === 'skills' && ['bundle.tar', 'SKILL.sig', 'envelope.json'].includes(segs[3]!)) {
    if (!SKILL_NAME.test(segs[1]!) || !VERSION.test(segs[2]!)) return { error: 400, message: 'malformed skill id or version' };
    return { file: segs.join('/') };
  }
  return { error: 404, message: 'not found' };
}

export interface RegistryServer {
  server: Server;
  /** Stop accepting, end idle connections. */
  close(): Promise<void>;
}

export function createRegistryServer(registry: string): RegistryServer {
  const root = realpathSync(registry);
  const etags = new Map<string, { key: string; etag: Promise<string> }>();

  const send = (res: ServerResponse, status: number, message: string) => {
    const body = JSON.stringify({ error: message }) + '\n';
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...(status === 405 ? { allow: 'GET, HEAD' } : {}) });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  /** The ETag of an open file: hashed once per (inode, size, mtime, ctime), from the same descriptor. */
  const etagOf = (file: string, fd: number, st: Stats): Promise<string> => {
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const cached = etags.get(file);
    if (cached?.key === key) return cached.etag;
    const etag = new Promise<string>((done, fail) => {
      const h = createHash('sha256');
      createReadStream('', { fd, start: 0, autoClose: false })
        .on('data', (c) => h.update(c))
        .on('end', () => done(`"sha256-${h.digest('hex')}"`))
        .on('error', fail);
    });
    etags.set(file, { key, etag });
    etag.catch(() => etags.delete(file));
    return etag;
  };

  const serveFile = async (req: IncomingMessage, res: ServerResponse, file: string) => {
    let fd: number;
    try {
      // No link is followed, and only regular files are served.
      fd = openSync(join(root, file), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return send(res, 404, 'not found');
    }
    let handedOff = false;
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return send(res, 404, 'not found');
      // A fresh descriptor for the hash keeps the streaming one's position untouched.
      const etag = await etagOf(file, fd, st);
      const headers = { etag, 'content-type': TYPES[file.split('.').pop()!] ?? 'application/octet-stream', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
      const tags = (req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
      if (tags.includes(etag) || tags.includes('*')) {
        res.writeHead(304, headers);
        return res.end();
      }
      res.writeHead(200, { ...headers, 'content-length': st.size });
      if (req.method === 'HEAD') return res.end();
      handedOff = true;
      const stream = createReadStream('', { fd, start: 0, end: Math.max(0, st.size - 1), autoClose: true });
      if (st.size === 0) {
        stream.destroy();
        return res.end();
      }
      stream.on('error', () => res.destroy());
      res.on('close', () => stream.destroy());
      stream.pipe(res);
    } finally {
      if (!handedOff) closeSync(fd);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, `method ${req.method} not allowed: the registry is read-only`);
    const r = route(req.url ?? '');
    if ('error' in r) return send(res, r.error, r.message);
    if ('file' in r) return serveFile(req, res, r.file);
    let latest: string | null | undefined;
    try {
      latest = parseIndex(readFileSync(join(root, PATHS.index), 'utf8'), PATHS.index).skills[r.latest]?.latest;
    } catch {
      return send(res, 404, 'not found');
    }
    if (!latest) return send(res, 404, 'not found');
    return serveFile(req, res, PATHS.envelope(r.latest, latest));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });
  // A request line node cannot parse: a plain 400, no details.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 26\r\n\r\n{"error":"malformed URL"}\n');
    else socket.destroy();
  });
  return {
    server,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeIdleConnections();
      }),
  };
}
