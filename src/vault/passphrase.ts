import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedValue } from './crypto.js';

/**
 * The passphrase key provider's cryptography: the 32-byte master key is random and is
 * stored only wrapped (AES-256-GCM) under a key-encryption key derived from the passphrase
 * by Argon2id. The KDF parameters travel with the wrapped key as a PHC string
 * (`$argon2id$v=19$m=65536,t=3,p=4$<salt>`), which is also the wrap's associated data, so
 * the parameters cannot be lowered on disk without the unwrap failing.
 *
 * Argon2id runs in WebAssembly (hash-wasm): no native build at install time, and it is
 * bundled into dist/cli.mjs like everything else.
 */

export interface KdfParams {
  /** Memory in KiB. */
  m: number;
  /** Passes. */
  t: number;
  /** Lanes. */
  p: number;
}

/** RFC 9106, section 4, second recommended option: 64 MiB, 3 passes, 4 lanes. */
export const DEFAULT_KDF: KdfParams = { m: 65536, t: 3, p: 4 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Upper bounds, so a vault file cannot make unlock allocate gigabytes or spin for hours. */
const MAX_KDF: KdfParams = { m: 4 * 1024 * 1024, t: 64, p: 64 };

export interface ParsedKdf extends KdfParams {
  salt: Buffer;
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export function formatPhc(params: KdfParams, salt: Buffer): string {
  return `$argon2id$v=19$m=${params.m},t=${params.t},p=${params.p}$${b64(salt)}`;
}

/** Parse a PHC string this provider wrote; undefined when it is not one (damaged vault). */
export function parsePhc(phc: string): ParsedKdf | undefined {
  const m = /^\$argon2id\$v=19\$m=(\d{1,8}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{16,64})$/.exec(phc);
  if (!m) return undefined;
  const params = { m: Number(m[1]), t: Number(m[2]), p: Number(m[3]) };
  if (params.t < 1 || params.p < 1 || params.m < 8 * params.p || params.m > MAX_KDF.m || params.t > MAX_KDF.t || params.p > MAX_KDF.p) return undefined;
  const salt = Buffer.from(m[4]!, 'base64');
  if (b64(salt) !== m[4]) return undefined;
  return { ...params, salt };
}

/** Whether stored parameters are weaker than today's defaults in any dimension (re-wrap on unlock). */
export function belowDefaults(params: KdfParams): boolean {
  return params.m < DEFAULT_KDF.m || params.t < DEFAULT_KDF.t || params.p < DEFAULT_KDF.p;
}

async function deriveKek(passphrase: string, kdf: ParsedKdf): Promise<Buffer> {
  // Loaded on first use: only unlock, init and migrate derive a key, not every start of the CLI.
  const mod: typeof import('hash-wasm/dist/argon2.umd.min.js') & { default?: typeof import('hash-wasm/dist/argon2.umd.min.js') } = await import('hash-wasm/dist/argon2.umd.min.js');
  const argon2id = mod.argon2id ?? mod.default!.argon2id; // a UMD file: its exports arrive as `default`
  const out = await argon2id({
    password: passphrase.normalize('NFC'),
    salt: kdf.salt,
    parallelism: kdf.p,
    iterations: kdf.t,
    memorySize: kdf.m,
    hashLength: KEY_BYTES,
    outputType: 'binary',
  });
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

const wrapAad = (phc: string) => Buffer.from(`agent-vault/1 master key\0${phc}`, 'utf8');

export interface WrappedKey {
  /** The PHC string of the KDF that derives the wrapping key. */
  kdf: string;
  wrapped: SealedValue;
}

/** Wrap `master` under a fresh salt with `params` (default: DEFAULT_KDF). */
export async function wrapMasterKey(master: Buffer, passphrase: string, params: KdfParams = DEFAULT_KDF): Promise<WrappedKey> {
  const kdf = formatPhc(params, randomBytes(SALT_BYTES));
  const kek = await deriveKek(passphrase, parsePhc(kdf)!);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', kek, iv);
    cipher.setAAD(wrapAad(kdf));
    const ciphertext = Buffer.concat([cipher.update(master), cipher.final()]);
    return { kdf, wrapped: { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') } };
  } finally {
    kek.fill(0);
  }
}

/** The master key, or undefined when the passphrase is wrong (or the wrap was altered). */
export async function unwrapMasterKey(key: WrappedKey, passphrase: string): Promise<Buffer | undefined> {
  const kdf = parsePhc(key.kdf);
  if (!kdf) return undefined;
  const kek = await deriveKek(passphrase, kdf);
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(key.wrapped.iv, 'base64'));
    decipher.setAAD(wrapAad(key.kdf));
    decipher.setAuthTag(Buffer.from(key.wrapped.tag, 'base64'));
    const master = Buffer.concat([decipher.update(Buffer.from(key.wrapped.ciphertext, 'base64')), decipher.final()]);
    return master.length === KEY_BYTES ? master : undefined;
  } catch {
    return undefined;
  } finally {
    kek.fill(0);
  }
}

/** Below this many characters a passphrase gets a strength warning (not a refusal). */
export const PASSPHRASE_WARN_BELOW = 12;
