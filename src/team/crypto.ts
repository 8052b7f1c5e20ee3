import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { AgentVaultError } from '../errors.js';
import { TEAM_MSG } from '../messages.js';
import { signedLines, type Member, type TeamFile } from './format.js';

/**
 * The team vault's cryptography. Values: AES-256-GCM (node:crypto) under a 32-byte data key,
 * a fresh 12-byte nonce each, the data key id and the key name as associated data. The data
 * key: a standard age file per member (X25519, the `age-encryption` package), whose plaintext
 * is the key in hex, so `age -d -i identity.txt` prints it. The file: Ed25519 over the
 * signed lines (format.ts), by the member who wrote it.
 */

export const dataKeyIdOf = (dataKey: Buffer) => createHash('sha256').update('agent-vault team data key\n').update(dataKey).digest('hex').slice(0, 32);

export function newDataKey(): { key: Buffer; id: string } {
  const key = randomBytes(32);
  return { key, id: dataKeyIdOf(key) };
}

export const newTeamId = () => randomBytes(8).toString('hex');

// age (with its X25519 and post-quantum curves, ~270 KB of code) is loaded on first use: every
// hook, filter and scan start parses only what it runs, and most repositories have no team vault.
let agePromise: Promise<typeof import('age-encryption')> | undefined;
const age = () => (agePromise ??= import('age-encryption'));

/** The associated data of one value: what the disaster-recovery one-liner rebuilds. */
export const valueAad = (dataKeyId: string, key: string) => Buffer.from(`agent-vault team value 1\n${dataKeyId}\n${key}`, 'utf8');

export function sealValue(dataKey: Buffer, dataKeyId: string, key: string, value: Uint8Array): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', dataKey, nonce);
  c.setAAD(valueAad(dataKeyId, key));
  return Buffer.concat([nonce, c.update(value), c.final(), c.getAuthTag()]).toString('base64');
}

/** The value, or undefined when it does not authenticate (altered, moved to another key, or from another data key). */
export function openValue(dataKey: Buffer, dataKeyId: string, key: string, sealed: string): Buffer | undefined {
  const b = Buffer.from(sealed, 'base64');
  if (b.length < 28) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', dataKey, b.subarray(0, 12));
    d.setAAD(valueAad(dataKeyId, key));
    d.setAuthTag(b.subarray(b.length - 16));
    return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}

export async function wrapDataKey(dataKey: Buffer, recipient: string): Promise<string> {
  const e = new (await age()).Encrypter();
  e.addRecipient(recipient);
  return Buffer.from(await e.encrypt(dataKey.toString('hex'))).toString('base64');
}

/** The data key from a wrap, or undefined when this identity does not open it. */
export async function unwrapDataKey(wrap: string, identity: string): Promise<Buffer | undefined> {
  const d = new (await age()).Decrypter();
  d.addIdentity(identity);
  let text: string;
  try {
    text = await d.decrypt(Buffer.from(wrap, 'base64'), 'text');
  } catch {
    return undefined;
  }
  return /^[0-9a-f]{64}\n?$/.test(text) ? Buffer.from(text.trim(), 'hex') : undefined;
}

/** A new X25519 identity (`AGE-SECRET-KEY-1…`). */
export const newIdentity = async () => (await age()).generateX25519Identity();

/**
 * The X25519 identity in an identity file's text (age-keygen's output: comments, then one
 * AGE-SECRET-KEY-1 line), and its recipient.
 */
export async function parseIdentity(text: string): Promise<{ identity: string; recipient: string }> {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const identity = lines.length === 1 && /^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(lines[0]!) ? lines[0]! : undefined;
  if (!identity) throw new AgentVaultError('usage', TEAM_MSG.badIdentity, { code: 'TEAM_BAD_IDENTITY', hint: TEAM_MSG.badIdentityHint });
  try {
    return { identity, recipient: await (await age()).identityToRecipient(identity) };
  } catch {
    throw new AgentVaultError('usage', TEAM_MSG.badIdentity, { code: 'TEAM_BAD_IDENTITY', hint: TEAM_MSG.badIdentityHint });
  }
}

/** A new Ed25519 signing key: PKCS#8 DER (kept in the local vault) and the raw public key, base64url. */
export function newSigningKey(): { der: Buffer; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { der: privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer, publicKey: publicKey.export({ format: 'jwk' }).x! };
}

export function signingPublicKey(der: Buffer): string {
  return createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x!;
}

/** What the writer signs: a domain line, then the signed lines. */
export const signingMessage = (f: Omit<TeamFile, 'signature'>) => Buffer.from(['agent-vault team signature 1', ...signedLines(f)].join('\n') + '\n', 'utf8');

export function signatureValid(f: TeamFile, signer: Member): boolean {
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: signer.signingKey }, format: 'jwk' });
    return verify(null, signingMessage(f), key, Buffer.from(f.signature, 'base64'));
  } catch {
    return false;
  }
}

/** A short fingerprint of a member's two public keys, for `team keys` and the pins. */
export const memberFingerprint = (m: Member) => createHash('sha256').update(`${m.recipient}\n${m.signingKey}`).digest('hex').slice(0, 16);
