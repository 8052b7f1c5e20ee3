import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * The second factor: RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30-second steps), the parameters
 * every authenticator app supports. The algorithm is otpauth's; the clock is always passed
 * in, so tests drive it (and the RFC's own vectors check it).
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps of clock drift accepted either side of now (RFC 6238 section 5.2 recommends one). */
const DRIFT_STEPS = 1;
const SECRET_BYTES = 20;

export interface TotpOptions {
  digits?: number;
  algorithm?: 'SHA1' | 'SHA256' | 'SHA512';
}

function totp(secret: Uint8Array, options: TotpOptions = {}, label = 'vault'): TOTP {
  // otpauth wants an ArrayBuffer of exactly the secret's bytes.
  const buffer = new Uint8Array(secret).buffer;
  return new TOTP({
    issuer: 'agent-vault',
    label,
    algorithm: options.algorithm ?? 'SHA1',
    digits: options.digits ?? TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: new Secret({ buffer }),
  });
}

export function newTotpSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** The secret as an authenticator app takes it typed in (RFC 4648 base32, no padding). */
export function totpBase32(secret: Uint8Array): string {
  return new Secret({ buffer: new Uint8Array(secret).buffer }).base32;
}

/** The otpauth:// URI the QR code carries. */
export function totpUri(secret: Uint8Array, label: string): string {
  return totp(secret, {}, label).toString();
}

/** The time step a moment falls in. */
export function timeStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for the moment `nowMs` (tests, and the RFC vectors). */
export function totpCode(secret: Uint8Array, nowMs: number, options: TotpOptions = {}): string {
  return totp(secret, options).generate({ timestamp: nowMs });
}

/**
 * The time step `code` belongs to, within one step of drift around `nowMs`, or undefined.
 * The caller refuses a step at or before the last one accepted (replay).
 */
export function codeStep(secret: Uint8Array, code: string, nowMs: number): number | undefined {
  const token = code.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(token)) return undefined;
  const delta = totp(secret).validate({ token, timestamp: nowMs, window: DRIFT_STEPS });
  return delta === null ? undefined : timeStep(nowMs) + delta;
}
