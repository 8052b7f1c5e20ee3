/**
 * Generates fake secrets at test time so that no realistic token is committed (push
 * protection and our own self-scan would rightly object). Templates in rule examples use
 * `{{class:length}}`, e.g. `ghp_{{alnum:36}}`.
 */
const CLASSES: Record<string, string> = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upperalnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  loweralnum: 'abcdefghijklmnopqrstuvwxyz0123456789',
  digits: '0123456789',
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  base32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  // bech32's data characters (age identities and recipients, BIP-173), upper and lower case
  BECH32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  bech32: 'qpzry9x8gf2tvdw0s3jn54khce6mua7l',
};

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomFrom(chars: string, length: number, next: () => number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(next() * chars.length)];
  return out;
}

const TEMPLATE = /\{\{(\w+):(\d+)\}\}/g;

/** Expand `{{class:length}}` placeholders with random characters of that class. */
export function expandTemplate(template: string, next: () => number = rng(0x5eed)): string {
  return template.replace(TEMPLATE, (_, cls: string, len: string) => {
    const chars = CLASSES[cls];
    if (!chars) throw new Error(`unknown character class "${cls}" in example template`);
    return randomFrom(chars, Number(len), next);
  });
}

export const CHARACTER_CLASSES = Object.keys(CLASSES);
