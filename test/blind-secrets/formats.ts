/**
 * Building blocks for token shapes: checksums, encodings, PEM armour, JWTs, passwords. The
 * armour and the well-known prefixes are assembled from pieces at run time, so the committed
 * source holds no realistic secret for the repository's self-scan to find.
 */
import type { Rand } from './rand.js';

/** A value as planted: `text` goes into the file, [start, end) inside it is the secret scored. */
export interface Value {
  text: string;
  start: number;
  end: number;
}

export const whole = (text: string): Value => ({ text, start: 0, end: text.length });

/** A value whose secret is `secret`, with `before` and `after` around it (a URL, a header). */
export const around = (before: string, secret: string, after = ''): Value => ({
  text: before + secret + after,
  start: before.length,
  end: before.length + secret.length,
});

/** Apply a per-character escaping to a value, keeping the span on the escaped secret. */
export function mapValue(v: Value, fn: (s: string) => string): Value {
  return around(fn(v.text.slice(0, v.start)), fn(v.text.slice(v.start, v.end)), fn(v.text.slice(v.end)));
}

// ---------------------------------------------------------------- checksums and encodings

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(text: string): number {
  let c = 0xffffffff;
  for (const b of Buffer.from(text, 'utf8')) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/**
 * GitHub's 2021 format (and npm's, which copied it): a prefix, 30 random base62 characters and
 * a 6-character base62 CRC32 of the random part.
 */
export function checksummed(prefix: string, r: Rand): string {
  const body = r.str('alnum', 30);
  return prefix + body + base62(crc32(body), 6);
}

// BIP-173 bech32, as age uses it for identities (AGE-SECRET-KEY-1...) and recipients (age1...).
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

/** Encode bytes as bech32 with a valid checksum; `hrp` is matched case-insensitively by decoders. */
export function bech32(hrp: string, bytes: number[]): string {
  const data: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((acc >>> bits) & 31);
    }
  }
  if (bits) data.push((acc << (5 - bits)) & 31);
  const h = hrp.toLowerCase();
  const expanded = [...[...h].map((c) => c.charCodeAt(0) >>> 5), 0, ...[...h].map((c) => c.charCodeAt(0) & 31)];
  const mod = bech32Polymod([...expanded, ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  return h + '1' + [...data, ...checksum].map((d) => BECH32[d]).join('');
}

export const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
export const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');
export const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

/** Percent-encode everything but unreserved characters (what encodeURIComponent leaves, minus !'()*). */
export const pct = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

export function uuid(r: Rand): string {
  const h = r.str('hex', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${r.pick(['8', '9', 'a', 'b'])}${h.slice(17, 20)}-${h.slice(20)}`;
}

export function randomBytesB64(r: Rand, bytes: number): string {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = r.int(0, 255);
  return buf.toString('base64');
}

// ---------------------------------------------------------------- JWT

export function jwt(r: Rand, payload: Record<string, unknown>, alg: 'HS256' | 'RS256' = 'HS256'): string {
  const header = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = r.str('base64url', alg === 'HS256' ? 43 : 342);
  return `${header}.${body}.${sig}`;
}

// ---------------------------------------------------------------- PEM

const DASHES = '-'.repeat(5);
export const armour = (edge: 'BEGIN' | 'END', label: string) => `${DASHES}${edge} ${label}${DASHES}`;

/** The DER openings of common key encodings, so bodies start the way real ones do. */
export const DER_START = {
  rsa: 'MIIEpAIBAAKCAQEA',
  rsa4096: 'MIIJKAIBAAKCAgEA',
  pkcs8rsa: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ',
  pkcs8ed: 'MC4CAQAwBQYDK2VwBCIEI',
  ec: 'MHcCAQEEI',
  dsa: 'MIIBuwIBAAKBgQ',
  pkcs8enc: 'MIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI',
  openssh: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  opensshEnc: 'b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABB',
  pgp: 'lQOYBG',
} as const;

function wrap(body: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < body.length; i += width) out.push(body.slice(i, i + width));
  return out;
}

/** A PEM block whose body is `start` plus random base64 up to `chars`, wrapped at `width`. */
export function pem(r: Rand, label: string, start: string, chars: number, opts: { width?: number; headers?: string[]; pad?: boolean } = {}): string {
  let body = start + r.str('base64', chars - start.length);
  if (opts.pad) body = body.slice(0, -1) + '=';
  const lines = [armour('BEGIN', label), ...(opts.headers ?? []), ...wrap(body, opts.width ?? 64), armour('END', label)];
  return lines.join('\n');
}

// ---------------------------------------------------------------- passwords

const SPECIALS = '#?%@/!*^~+=-_.:,;';
const URL_HARD = '#?%@/';

/** A password a person or a password manager would pick: 14-28 characters, mixed classes. */
export function password(r: Rand, opts: { specials?: boolean; urlHard?: boolean; len?: number } = {}): string {
  const len = opts.len ?? r.int(14, 28);
  for (;;) {
    let s = '';
    for (let i = 0; i < len; i++) {
      const roll = r.next();
      if (opts.specials && roll < 0.18) s += r.pick([...SPECIALS]);
      else if (roll < 0.45) s += r.str('lower', 1);
      else if (roll < 0.7) s += r.str('upper', 1);
      else s += r.str('digits', 1);
    }
    if (opts.urlHard && ![...URL_HARD].some((c) => s.includes(c))) {
      const at = r.int(1, len - 2);
      s = s.slice(0, at) + r.pick([...URL_HARD]) + s.slice(at + 1);
    }
    // Real passwords start with a letter or digit often enough; starting with one keeps YAML,
    // shells and prose parsers from reading an indicator character.
    if (!/^[A-Za-z0-9]/.test(s)) continue;
    if (!/[A-Z]/.test(s) || !/[a-z]/.test(s) || !/[0-9]/.test(s)) continue;
    return s;
  }
}

/** A mixed-case alphanumeric secret of a generic kind (an API key a service made up). */
export function randomKey(r: Rand, len: number): string {
  for (;;) {
    const s = r.str('alnum', len);
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

// ---------------------------------------------------------------- names

export const lowerSnake = (n: string) => n.toLowerCase();
export const camel = (n: string) => n.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const pascal = (n: string) => camel(n).replace(/^[a-z]/, (c) => c.toUpperCase());
export const kebab = (n: string) => n.toLowerCase().replace(/_/g, '-');
export const dotted = (n: string) => n.toLowerCase().replace(/_/g, '.');
/** Go-style initialisms: API, URL, ID, DB stay upper case. */
export const goName = (n: string) =>
  n
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((w) => (['api', 'url', 'id', 'db', 'dsn', 'jwt', 'pat', 'sas', 'ssh', 'pem', 'aws', 'gcp'].includes(w) ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1)))
    .join('');
