import { closeSync, fstatSync, lstatSync, openSync, realpathSync, constants } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isAbsolute, resolve, sep } from 'node:path';
import { usageError } from '../errors.js';
import { readFully } from '../platform/safe-path.js';
import { skillFailure } from '../skill/codes.js';

/**
 * Where a registry's files come from: a folder on disk, or an http(s) URL (a static host, a
 * git host's raw files, `skill serve`). This is the only network client in agent-vault; it
 * fetches only the files of the registry layout, with a size cap per file, a timeout, and no
 * redirect to another origin (same-origin redirects are followed, at most five).
 */
export interface RegistrySource {
  /** How the registry is named in messages and the lock file (a URL without credentials, or a folder). */
  readonly label: string;
  /** A stable id of the registry (for the rollback record of its revocation list). */
  readonly id: string;
  /** The file's bytes; REGISTRY_UNREACHABLE when it is not there, REGISTRY_TOO_LARGE past `cap`. */
  get(path: string, cap: number): Promise<Buffer>;
}

export interface SourceOptions {
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Open `spec` (a folder, relative to `base`, or an http(s) URL). */
export function openSource(spec: string, base: string, opts: SourceOptions = { timeoutMs: DEFAULT_TIMEOUT_MS }): RegistrySource {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return urlSource(spec, opts);
  return folderSource(spec, base);
}

const tooLarge = (label: string, cap: number) => skillFailure('REGISTRY_TOO_LARGE', `${label} is larger than ${cap} bytes`, 'Raise the cap with --max-size only if you trust the registry, or ask its publisher.');

function folderSource(spec: string, base: string): RegistrySource {
  const root = resolve(base, spec);
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    throw skillFailure('REGISTRY_UNREACHABLE', `registry folder ${spec} does not exist`, 'Give the folder that holds index.json, or an http(s) URL.');
  }
  const open = (path: string): number | undefined => {
    const abs = resolve(real, path);
    if (!abs.startsWith(real + sep)) throw skillFailure('REGISTRY_INVALID', `${path} lies outside the registry folder`);
    // Not followed: a link in a registry could point at any file of the machine.
    try {
      if (!lstatSync(abs).isFile()) return undefined;
      return openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return undefined;
    }
  };
  return {
    label: isAbsolute(spec) ? spec : root,
    id: `file:${real}`,
    async get(path, cap) {
      const fd = open(path);
      if (fd === undefined) throw skillFailure('REGISTRY_UNREACHABLE', `${path} is not in the registry ${spec} (or is not a regular file)`);
      try {
        const size = fstatSync(fd).size;
        if (size > cap) throw tooLarge(`${spec}/${path}`, cap);
        const buf = Buffer.alloc(size);
        return buf.subarray(0, readFully(fd, buf, 0));
      } finally {
        closeSync(fd);
      }
    },
  };
}

function urlSource(spec: string, opts: SourceOptions): RegistrySource {
  let base: URL;
  try {
    base = new URL(spec.endsWith('/') ? spec : spec + '/');
  } catch {
    throw usageError(`--registry ${JSON.stringify(spec)} is not a valid URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw usageError(`--registry: only http(s) URLs and folders are supported, not ${base.protocol}`);
  // Credentials in a URL end up in the lock file, logs and messages: refused, never echoed.
  if (base.username || base.password) throw usageError('--registry URL must not carry a user name or password', 'Serve the registry without credentials (it holds only signed, public files).');
  if (base.search || base.hash) throw usageError('--registry URL must not carry a query or fragment');
  const label = base.href;
  const fetchOnce = (url: URL, cap: number): Promise<{ status: number; location?: string; body?: Buffer }> =>
    new Promise((done, fail) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers: { accept: '*/*', 'user-agent': 'agent-vault' } }, (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return done({ status, location: res.headers.location });
        }
        if (status !== 200) {
          res.resume();
          return done({ status });
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > cap) {
          res.destroy();
          return fail(tooLarge(url.href, cap));
        }
        const chunks: Buffer[] = [];
        let got = 0;
        res.on('data', (c: Buffer) => {
          got += c.length;
          if (got > cap) {
            res.destroy();
            fail(tooLarge(url.href, cap));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          if (!res.complete) return fail(skillFailure('REGISTRY_UNREACHABLE', `${url.href}: the connection closed before the whole file arrived`));
          done({ status, body: Buffer.concat(chunks) });
        });
        res.on('error', () => fail(skillFailure('REGISTRY_UNREACHABLE', `${url.href}: the connection failed while reading`)));
      });
      req.setTimeout(opts.timeoutMs, () => req.destroy(skillFailure('REGISTRY_UNREACHABLE', `${url.href}: no answer within ${opts.timeoutMs} ms`)));
      req.on('error', (e: Error & { code?: string }) => fail(e.name === 'AgentVaultError' ? e : skillFailure('REGISTRY_UNREACHABLE', `${url.href}: ${e.code ?? 'connection failed'}`, 'Check the URL and that the registry is being served.')));
      req.end();
    });
  const fetchFile = async (path: string, cap: number): Promise<{ status: number; body?: Buffer }> => {
    let url = new URL(path, base);
    for (let hop = 0; ; hop++) {
      const r = await fetchOnce(url, cap);
      if (r.status < 300 || r.status >= 400) return r;
      if (hop === 5) throw skillFailure('REGISTRY_UNREACHABLE', `${url.href}: more than 5 redirects`);
      let next: URL;
      try {
        next = new URL(r.location ?? '', url);
      } catch {
        throw skillFailure('REGISTRY_UNREACHABLE', `${url.href}: redirect without a valid Location`);
      }
      if (next.origin !== base.origin) throw skillFailure('REGISTRY_REDIRECT', `${url.href} redirects to another origin (${next.protocol}//${next.host}); refused`, 'A registry answers from its own origin; use the final address as --registry if you trust it.');
      url = next;
    }
  };
  return {
    label,
    id: `url:${label}`,
    async get(path, cap) {
      const r = await fetchFile(path, cap);
      if (r.status !== 200 || !r.body) throw skillFailure('REGISTRY_UNREACHABLE', `${new URL(path, base).href}: HTTP ${r.status}`);
      return r.body;
    },
  };
}
