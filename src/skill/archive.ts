import { foreignErrorDetail } from '../messages.js';
import { gunzipSync, inflateRawSync } from 'node:zlib';

/** One member of an archive, with its bytes; or why it could not be read. */
export type ArchiveMember = { path: string; bytes: Buffer } | { path: string; unreadable: string };

export type ArchiveListing = { ok: true; members: ArchiveMember[] } | { ok: false; reason: string };

/**
 * Read the members of a tar, tar.gz or zip archive so that a skill's archives are scanned
 * like its other files instead of passing unread. Sizes are bounded by `limit` (total
 * uncompressed bytes), which also stops decompression bombs. Formats node:zlib cannot read
 * (7z, rar, xz, bzip2, zstd) are reported as not analysable by the caller.
 */
export function readArchive(bytes: Buffer, limit: number): ArchiveListing {
  try {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      let inner: Buffer;
      try {
        inner = gunzipSync(bytes, { maxOutputLength: limit });
      } catch (e) {
        return { ok: false, reason: /maxOutputLength|buffer/i.test((e as Error).message) ? `decompresses to more than ${limit} bytes` : 'corrupt gzip stream' };
      }
      if (isTar(inner)) return readTar(inner, limit);
      return { ok: true, members: [{ path: '(gunzipped)', bytes: inner }] };
    }
    if (bytes.readUInt32LE(0) === 0x04034b50 || bytes.readUInt32LE(0) === 0x06054b50) return readZip(bytes, limit);
    if (isTar(bytes)) return readTar(bytes, limit);
  } catch (e) {
    return { ok: false, reason: `cannot parse archive (${foreignErrorDetail(e)})` };
  }
  return { ok: false, reason: 'unsupported archive format' };
}

function isTar(b: Buffer): boolean {
  return b.length >= 512 && b.subarray(257, 262).toString('latin1') === 'ustar';
}

const cstr = (b: Buffer) => {
  const nul = b.indexOf(0);
  return (nul === -1 ? b : b.subarray(0, nul)).toString('utf8');
};

function readTar(b: Buffer, limit: number): ArchiveListing {
  const members: ArchiveMember[] = [];
  let off = 0;
  let total = 0;
  let longName: string | undefined;
  while (off + 512 <= b.length) {
    const h = b.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const sizeField = cstr(h.subarray(124, 136)).trim();
    const size = sizeField ? parseInt(sizeField, 8) : 0;
    if (!Number.isFinite(size) || size < 0) return { ok: false, reason: 'corrupt tar header' };
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = cstr(h.subarray(345, 500));
    let name = longName ?? (prefix ? `${prefix}/${cstr(h.subarray(0, 100))}` : cstr(h.subarray(0, 100)));
    longName = undefined;
    const data = b.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cstr(data);
      continue;
    }
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    if (type === 'g') continue;
    if (type === '0' || type === '\0' || type === '7') {
      total += size;
      if (total > limit) return { ok: false, reason: `more than ${limit} bytes of content` };
      members.push({ path: name, bytes: Buffer.from(data) });
    } else if (type === '1' || type === '2') {
      name += ` -> ${cstr(h.subarray(157, 257))}`;
      members.push({ path: name, bytes: Buffer.alloc(0) });
    }
  }
  return { ok: true, members };
}

function readZip(b: Buffer, limit: number): ArchiveListing {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) return { ok: false, reason: 'zip without a central directory' };
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  if (p === 0xffffffff || count === 0xffff) return { ok: false, reason: 'zip64 archives are not supported' };
  const members: ArchiveMember[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (b.readUInt32LE(p) !== 0x02014b50) return { ok: false, reason: 'corrupt zip central directory' };
    const flags = b.readUInt16LE(p + 8);
    const method = b.readUInt16LE(p + 10);
    const csize = b.readUInt32LE(p + 20);
    const usize = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    const name = b.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (flags & 1) {
      members.push({ path: name, unreadable: 'encrypted' });
      continue;
    }
    total += usize;
    if (total > limit) return { ok: false, reason: `more than ${limit} bytes of content` };
    if (b.readUInt32LE(local) !== 0x04034b50) return { ok: false, reason: 'corrupt zip local header' };
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const raw = b.subarray(start, start + csize);
    if (method === 0) members.push({ path: name, bytes: Buffer.from(raw) });
    else if (method === 8) members.push({ path: name, bytes: inflateRawSync(raw, { maxOutputLength: Math.max(usize, 1) }) });
    else members.push({ path: name, unreadable: `compression method ${method}` });
  }
  return { ok: true, members };
}
