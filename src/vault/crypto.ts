import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, hkdfSync, randomBytes, sign, timingSafeEqual } from 'node:crypto';

/** One value sealed with AES-256-GCM. Base64 fields. */
export interface SealedValue {
  iv: string;
  tag: string;
  ciphertext: string;
}

/** Keys derived from the master key, one per purpose, so no key serves two algorithms. */
export interface VaultKeys {
  encryption: Buffer;
  integrity: Buffer;
  /** The Ed25519 seed the audit log's checkpoints are signed with (never stored: derived). */
  audit: Buffer;
}

export function deriveKeys(master: Buffer): VaultKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { encryption: derive('agent-vault/1 value encryption'), integrity: derive('agent-vault/1 file integrity'), audit: derive('agent-vault/1 audit checkpoint signing') };
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Sign with an Ed25519 private key given as PKCS#8 DER (zeroed afterwards); returns the signature and the raw public key. */
export function signWithPkcs8(der: Buffer, message: Uint8Array): { signature: Buffer; publicKey: Buffer } {
  try {
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    return { signature: sign(null, message, privateKey), publicKey: Buffer.from(jwk.x ?? '', 'base64url') };
  } finally {
    der.fill(0);
  }
}

/** Sign with the Ed25519 key whose seed is `seed`. */
export const signWithSeed = (seed: Buffer, message: Uint8Array) => signWithPkcs8(Buffer.concat([ED25519_PKCS8_PREFIX, seed]), message);

/**
 * Associated data: the key name and the entry's version. Moving a ciphertext to another
 * key, or replaying an older value as the current one, fails authentication.
 */
function aad(key: string, version: number): Buffer {
  return Buffer.from(`agent-vault/1\0${key}\0${version}`, 'utf8');
}

export function seal(keys: VaultKeys, key: string, version: number, value: Uint8Array): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
  cipher.setAAD(aad(key, version));
  const ciphertext = Buffer.concat([cipher.update(value), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/** Decrypt, or undefined when authentication fails (tampered, swapped or wrong key). */
export function open(keys: VaultKeys, key: string, version: number, sealed: SealedValue): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(aad(key, version));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}

export function mac(keys: VaultKeys, text: string): string {
  return createHmac('sha256', keys.integrity).update(text, 'utf8').digest('hex');
}

/** A short, non-secret tag of the key, so a wrong key file is told apart from tampering. */
export function keyCheck(keys: VaultKeys): string {
  return createHmac('sha256', keys.integrity).update('agent-vault/1 key check').digest('hex').slice(0, 16);
}

export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
