import { createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/**
 * DSSE (Dead Simple Signing Envelope): the signature covers PAE(payloadType, payload), so a
 * signature made for one payload type never verifies as another.
 */
export interface Envelope {
  payloadType: string;
  /** Standard base64 of the payload bytes. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SKILL_PREDICATE_TYPE = 'https://agent-vault.dev/attestation/skill/v1';
export const REVOCATIONS_PAYLOAD_TYPE = 'application/vnd.agent-vault.revocations+json';

/** Pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export function signEnvelope(payloadType: string, payload: Uint8Array, keyid: string, privateKey: KeyObject): Envelope {
  const sig = cryptoSign(null, pae(payloadType, payload), privateKey);
  return { payloadType, payload: Buffer.from(payload).toString('base64'), signatures: [{ keyid, sig: sig.toString('base64') }] };
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64: canonical standard alphabet only, so one envelope has one encoding. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!B64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Parse an envelope's JSON; a description of what is wrong, or the envelope. */
export function parseEnvelope(text: string): Envelope | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const e = v as Record<string, unknown>;
  if (typeof e.payloadType !== 'string' || !e.payloadType) return 'payloadType missing';
  if (typeof e.payload !== 'string' || decodeBase64(e.payload) === undefined) return 'payload is not canonical base64';
  if (!Array.isArray(e.signatures) || e.signatures.length === 0) return 'no signatures';
  for (const s of e.signatures) {
    if (!s || typeof s !== 'object' || typeof s.keyid !== 'string' || typeof s.sig !== 'string') return 'a signature lacks keyid or sig';
    if (decodeBase64(s.sig) === undefined) return 'a signature is not canonical base64';
  }
  return { payloadType: e.payloadType, payload: e.payload, signatures: e.signatures as Envelope['signatures'] };
}

/**
 * Verify one signature of an envelope with a public key the caller chose from its keyring.
 * The algorithm is the keyring's (Ed25519); nothing in the envelope selects it.
 */
export function verifySignature(env: Envelope, sig: { sig: string }, publicKey: KeyObject): boolean {
  const payload = decodeBase64(env.payload);
  const signature = decodeBase64(sig.sig);
  if (!payload || !signature || signature.length !== 64) return false;
  if (publicKey.asymmetricKeyType !== 'ed25519') return false;
  try {
    return cryptoVerify(null, pae(env.payloadType, payload), publicKey, signature);
  } catch {
    return false;
  }
}

export function publicKeyFromJwk(jwk: { kty: string; crv: string; x: string }): KeyObject {
  return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
}
