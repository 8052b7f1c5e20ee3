import { isValidKey } from '../core/placeholder.js';
import { AgentVaultError } from '../errors.js';
import { PROVIDER_MSG } from '../messages.js';
import { writeFileAtomicSync } from '../platform/atomic.js';
import { classifyPath, type ProtectedFolders } from '../platform/safe-path.js';
import { formatDotenvLine, keyNameFor, parseDotenv, type DotenvEntry } from '../vault/dotenv.js';
import { keyedNames, type SecretProvider } from './provider.js';

/**
 * An `.env`-style file as a provider (a sandbox's secrets, a file another tool keeps): the
 * same parser as `import` (comments, `export `, single/double/backtick quotes, escapes in
 * double quotes, empty values, CRLF). Variable STRIPE_SECRET_KEY is key `stripe-secret-key`.
 * A file that does not exist holds no keys (nothing to hand in, nothing to redact). The file is read once per session, through the same path checks as `read` (never a file in
 * the vault home, never a FIFO or device), and written only by `set`, atomically, mode 0600.
 */
export class EnvFileProvider implements SecretProvider {
  private entries: Map<string, DotenvEntry> | undefined;

  constructor(
    readonly name: string,
    /** Absolute path of the file. */
    readonly path: string,
    private readonly folders: ProtectedFolders,
  ) {}

  private load(): Map<string, DotenvEntry> {
    if (this.entries) return this.entries;
    const text = this.text();
    this.entries = keyedNames(text === undefined ? [] : parseDotenv(text), (e) => e.name, keyNameFor, isValidKey);
    return this.entries;
  }

  /** The file's text; undefined when it does not exist (set creates it). */
  private text(): string | undefined {
    const read = classifyPath(this.path, this.folders);
    if (read.ok) return read.bytes.toString('utf8');
    if ('refusal' in read) throw new AgentVaultError('vault', PROVIDER_MSG.envFileRefused(this.name, this.path, read.refusal.code === 'PATH_IN_VAULT_HOME' ? 'it is inside the vault home' : `it is ${read.refusal.kind}`), { code: 'PROVIDER_FILE_REFUSED', hint: PROVIDER_MSG.envFileRefusedHint });
    if (read.missing.code === 'ENOENT') return undefined;
    throw new AgentVaultError('vault', PROVIDER_MSG.envFileUnreadable(this.name, this.path, read.missing.code ?? 'error'), { code: 'PROVIDER_UNAVAILABLE', hint: PROVIDER_MSG.envFileUnreadableHint });
  }

  async list(): Promise<string[]> {
    return [...this.load().keys()].sort();
  }

  async get(name: string): Promise<Buffer | undefined> {
    const e = this.load().get(name);
    return e ? Buffer.from(e.value, 'utf8') : undefined;
  }

  /** Replace the variable's line(s), or append a new variable (KEY-NAME -> KEY_NAME). */
  async set(name: string, value: Buffer): Promise<void> {
    if (!isValidKey(name)) throw new AgentVaultError('usage', PROVIDER_MSG.badKey(name));
    const text = value.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(value) || text.includes('\0')) throw new AgentVaultError('usage', PROVIDER_MSG.envFileNotText(this.name, name));
    const before = this.text() ?? '';
    this.entries = undefined;
    const existing = keyedNames(parseDotenv(before), (e) => e.name, keyNameFor, isValidKey).get(name);
    const eol = before.includes('\r\n') ? '\r\n' : '\n';
    const lines = before === '' ? [] : before.split(/\r?\n/);
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    if (existing) lines.splice(existing.line - 1, existing.endLine - existing.line + 1, formatDotenvLine(existing.name, text));
    else lines.push(formatDotenvLine(name.toUpperCase().replace(/-/g, '_'), text));
    writeFileAtomicSync(this.path, lines.join(eol) + eol, 0o600);
  }
}
