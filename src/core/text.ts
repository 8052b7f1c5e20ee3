import { isUtf8 } from 'node:buffer';

/** 1 for the C0 control bytes that make text binary. */
const CONTROL = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 0x20; b++) t[b] = 1;
  for (const ok of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b]) t[ok] = 0;
  return t;
})();

/**
 * Whether bytes are text `read` may show an agent: valid UTF-8 with no control bytes other
 * than tab, line feed, vertical tab, form feed, carriage return and escape. Anything else
 * (NUL, UTF-16, key material, compressed or encrypted data) is binary: neither the scanner
 * nor the value matcher can see a secret spelled in it, so showing it could leak one. The
 * whole input is checked, not a prefix: a key appended after a page of text is still a key.
 */
export function isShowableText(bytes: Uint8Array): boolean {
  if (!isUtf8(bytes)) return false;
  const n = bytes.length;
  const whole = n >>> 2;
  // Four bytes at a time: (x - 0x20202020) & ~x & 0x80808080 is non-zero when some byte is
  // below 0x20 (line feeds and tabs make that common, so each such word is then checked byte
  // by byte). An aligned view needs an aligned offset; otherwise go byte by byte.
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, whole);
    for (let w = 0; w < whole; w++) {
      const x = words[w]!;
      if (((x - 0x20202020) & ~x & 0x80808080) === 0) continue;
      const at = w << 2;
      if (CONTROL[bytes[at]!] || CONTROL[bytes[at + 1]!] || CONTROL[bytes[at + 2]!] || CONTROL[bytes[at + 3]!]) return false;
    }
    for (let i = whole << 2; i < n; i++) if (CONTROL[bytes[i]!]) return false;
    return true;
  }
  for (let i = 0; i < n; i++) if (CONTROL[bytes[i]!]) return false;
  return true;
}
