import type { Destination, VaultSession } from '../session/session.js';
import { SKILL_SIGNING_KEY_PREFIX } from '../vault/bindings.js';

/** Key ids: the vault's placeholder-key grammar, so `skill-signing-<kid>` is a valid vault key. */
export const KID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Vault key holding the private signing key of a key id. */
const signingKeyName = (kid: string) => `${SKILL_SIGNING_KEY_PREFIX}${kid}`;

/** The one use a private signing key is handed out for: never written anywhere. */
const SIGNING: Destination = { kind: 'internal', purpose: 'skill-signing' };

/**
 * Where private signing keys live: the vault, under `skill-signing-<kid>`, reached through the
 * vault session like every other value (PKCS#8 DER). The vault is created on first use
 * (keygen is a sensitive, terminal-only command, like agent-vault init). Because every vault
 * value is also a redaction target, a private key that ever lands in a file is redacted like
 * any secret.
 */
export class SigningKeyStore {
  constructor(private readonly session: VaultSession) {}

  /** Where the keys are, for messages (never the key itself). */
  get location(): string {
    return `the vault at ${this.session.home}`;
  }

  /** The private key of `kid` for signing, or undefined when this vault does not hold one. */
  privateKey(kid: string): Promise<Buffer | undefined> {
    return this.session.valueFor(signingKeyName(kid), SIGNING);
  }

  set(kid: string, pkcs8Der: Buffer, description: string): Promise<void> {
    return this.session.set([{ key: signingKeyName(kid), value: pkcs8Der, description, internal: true }], { interactive: true });
  }

  /** The key ids among `kids` whose private key is here. */
  async held(kids: string[]): Promise<Set<string>> {
    const present = await this.session.has(kids.map(signingKeyName));
    return new Set(kids.filter((_, i) => present[i]));
  }
}
