/**
 * Static decoders for the layers a payload hides behind: base64 (and base32/85 via callers),
 * hex, URL and escape encodings, ROT13 and other letter shifts, single-byte and short-key XOR,
 * reversal and interleaving. Each is bounded in input size; a result is kept only when it is
 * mostly printable text, so random bytes never turn into "code".
 */

const MAX_INPUT = 256 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function printableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 || c > 0x9f) printable++;
  }
  return printable / text.length >= 0.9 ? text : undefined;
}

export function fromBase64(s: string): string | undefined {
  const t = s.replace(/\s+/g, '');
  if (t.length < 4 || t.length > MAX_INPUT || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return undefined;
  return printableText(Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

export function fromHex(s: string): string | undefined {
  const t = s.replace(/\\x|0x|[\s,:]/gi, '');
  if (t.length < 2 || t.length % 2 || t.length > MAX_INPUT || !/^[0-9a-f]+$/i.test(t)) return undefined;
  return printableText(Buffer.from(t, 'hex'));
}

export function fromBase32(s: string): string | undefined {
  const t = s.replace(/=+$/, '').toUpperCase();
  if (t.length < 8 || t.length > MAX_INPUT || !/^[A-Z2-7]+$/.test(t)) return undefined;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of t) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return printableText(Uint8Array.from(out));
}

export function fromUrl(s: string): string | undefined {
  if (!/%[0-9a-f]{2}/i.test(s) || s.length > MAX_INPUT) return undefined;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export function rot(s: string, n: number): string {
  return s.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + n + 26 * 4) % 26) + base);
  });
}

export function reverse(s: string): string {
  return [...s].reverse().join('');
}

export function xorBytes(bytes: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! ^ key[i % key.length]!;
  return out;
}

/** A text that reads like code or commands the analysis cares about. */
export const CODE_HINT = /\b(?:curl|wget|bash|sh\s+-c|\/bin\/(?:ba)?sh|python[0-9.]*|powershell|exec|eval|import\s+\w|require\(|subprocess|child_process|socket|base64|https?:\/\/|\.ssh\/|\.aws\/|\.env\b|os\.environ|process\.env|nc\s+-|rm\s+-rf|chmod\s+\+x|ignore\s+(?:all\s+)?previous|system\s*\()/i;

export interface Decoded {
  text: string;
  how: string;
}

/**
 * Try the simple ciphers on one candidate (a string literal or number list) and return the
 * first decoding that reads like code. Used on blobs the readers could not decode through the
 * code's own calls (a loop that XORs each byte, a custom shift).
 */
export function bruteForce(candidate: string | Uint8Array, keys: (string | number)[] = []): Decoded | undefined {
  const layers: [Uint8Array, string][] = [];
  if (typeof candidate === 'string') {
    const text = candidate;
    if (text.length > MAX_BRUTE || text.length < 12) return undefined;
    const encodedLike = /^[A-Za-z0-9+/=_-]+$/.test(text);
    if (encodedLike) {
      for (const [fn, how] of [[fromBase64, 'base64'], [fromHex, 'hex'], [fromBase32, 'base32']] as const) {
        const d = fn(text);
        if (d !== undefined) {
          if (CODE_HINT.test(d)) return { text: d, how };
          layers.push([Buffer.from(d, 'latin1'), how]);
        }
      }
      if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) layers.push([Buffer.from(text, 'base64'), 'base64']);
      if (/^[0-9a-f]+$/i.test(text) && text.length % 2 === 0) layers.push([Buffer.from(text, 'hex'), 'hex']);
      const rb = fromBase64(reverse(text));
      if (rb && CODE_HINT.test(rb)) return { text: rb, how: 'reversed base64' };
    } else {
      const tries: [string, string][] = [[reverse(text), 'reversed']];
      for (let n = 1; n < 26; n++) tries.push([rot(text, n), n === 13 ? 'rot13' : `letter shift ${n}`]);
      for (let step = 2; step <= 4; step++) for (let off = 0; off < step; off++) tries.push([[...text].filter((_, i) => i % step === off).join(''), `interleave ${step}/${off}`]);
      for (const [out, how] of tries) if (CODE_HINT.test(out)) return { text: out, how };
      layers.push([Buffer.from(text, 'latin1'), 'text']);
    }
  } else {
    if (candidate.length > MAX_BRUTE || candidate.length < 8) return undefined;
    layers.push([candidate, 'bytes']);
  }
  // XOR: the keys the code names first, then every single byte; then constant byte shifts.
  for (const [layer, how] of layers) {
    const keyList: [Uint8Array, string][] = keys.map((k) => [typeof k === 'number' ? Uint8Array.of(k & 0xff) : Buffer.from(k, 'utf8'), `xor key ${typeof k === 'number' ? k : 'string'}`] as [Uint8Array, string]);
    for (let k = 1; k < 256; k++) keyList.push([Uint8Array.of(k), `xor 0x${k.toString(16)}`]);
    const label = (kh: string) => (how === 'bytes' || how === 'text' ? kh : `${how}, ${kh}`);
    for (const [key, kh] of keyList) {
      if (!key.length || !quickPrintable(layer, (b, i) => b ^ key[i % key.length]!)) continue;
      const out = asciiText(xorBytes(layer, key));
      if (out && CODE_HINT.test(out)) return { text: out, how: label(kh) };
    }
    for (let k = 1; k < 256; k++) {
      if (!quickPrintable(layer, (b) => (b + k) & 0xff)) continue;
      const out = asciiText(layer.map((b) => (b + k) & 0xff));
      if (out && CODE_HINT.test(out)) return { text: out, how: label(`byte shift ${k}`) };
    }
  }
  return undefined;
}

const MAX_BRUTE = 16 * 1024;

function quickPrintable(bytes: Uint8Array, f: (b: number, i: number) => number): boolean {
  for (let i = 0; i < Math.min(24, bytes.length); i++) {
    const c = f(bytes[i]!, i);
    if (!((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13)) return false;
  }
  return true;
}

/** ASCII text (commands and code), without the cost of a UTF-8 decoder. */
function asciiText(bytes: Uint8Array): string | undefined {
  let bad = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (!((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13)) if (++bad > bytes.length / 20) return undefined;
  }
  return Buffer.from(bytes).toString('latin1');
}

/** Unmistakable signs of a command or payload, for decodings of ordinary-looking text. */
const STRICT_HINT = /(?:curl|wget)\s+\S*\s*\S*https?:\/\/|\|\s*(?:ba|z)?sh\b|\/bin\/(?:ba)?sh\b|https?:\/\/[\w.-]+\.[a-z]{2,}\/|os\.system\(|subprocess\.|child_process|base64\s+-d|~\/\.ssh\/|\.aws\/credentials|rm\s+-rf\s+[~/]/;

/**
 * Letter shifts, reversal and interleaving of a string with spaces (a shifted command keeps
 * its spaces). Only a result with an unmistakable command or URL counts.
 */
export function bruteForceText(text: string): Decoded | undefined {
  if (text.length < 24 || text.length > 1024) return undefined;
  // Shifts keep punctuation: a hidden URL or pipe still shows "://" (or "//:" reversed) or "|".
  if (!/:\/\/|\/\/:|\||\s-\w.*\/|\/.*\s-\w/.test(text)) return undefined;
  const tries: [string, string][] = [[reverse(text), 'reversed']];
  for (let n = 1; n < 26; n++) tries.push([rot(text, n), n === 13 ? 'rot13' : `letter shift ${n}`]);
  for (let step = 2; step <= 3; step++) for (let off = 0; off < step; off++) tries.push([[...text].filter((_, i) => i % step === off).join(''), `interleave ${step}/${off}`]);
  for (const [out, how] of tries) if (STRICT_HINT.test(out)) return { text: out, how };
  return undefined;
}
