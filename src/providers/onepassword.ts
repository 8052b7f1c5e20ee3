import { spawn } from 'node:child_process';
import { isValidKey } from '../core/placeholder.js';
import { AgentVaultError } from '../errors.js';
import { PROVIDER_MSG } from '../messages.js';
import { keyNameFor } from '../vault/dotenv.js';
import { keyedNames, type SecretProvider } from './provider.js';

/**
 * 1Password through its CLI, `op` (v2), found on PATH:
 *   op item list --vault V --format json            the items (id, title): key names from titles
 *   op item get ID --vault V --format json          one item's fields: the value of its password
 *                                                   (purpose PASSWORD) or credential field
 *   op read --no-newline op://V/ID/FIELD            one named field, when `field:` is configured
 * Authentication is op's own: a service account token in the environment variable the
 * configuration names (`token-env`, passed to op as OP_SERVICE_ACCOUNT_TOKEN; the token itself
 * is never in the configuration), or an account signed in through the desktop app
 * (`account`). op is started with an argument array (no shell), a timeout, and no terminal;
 * its failures become one clear error each, never its output (which may hold a value).
 *
 * The CLI cannot be installed where agent-vault is tested: the tests run a stand-in
 * (test/fixtures/op/op) that reproduces op's documented JSON and exit codes.
 */
export interface OnePasswordOptions {
  name: string;
  vault: string;
  account?: string | undefined;
  /** The environment variable holding a service account token. */
  tokenEnv?: string | undefined;
  /** A field label or id (or SECTION/FIELD) read with op read; default: the item's password or credential. */
  field?: string | undefined;
  timeoutMs?: number | undefined;
  env: NodeJS.ProcessEnv;
}

interface OpItem {
  id: string;
  title: string;
}

interface OpField {
  id?: string;
  label?: string;
  purpose?: string;
  value?: string;
}

export const OP_DEFAULT_TIMEOUT_MS = 30_000;

/** Only stdout this large is read from op (a list of items, one item). */
const MAX_OUTPUT = 64 * 1024 * 1024;

export class OnePasswordProvider implements SecretProvider {
  readonly name: string;
  private items: Promise<Map<string, OpItem>> | undefined;

  constructor(private readonly options: OnePasswordOptions) {
    this.name = options.name;
  }

  private where(): string {
    return `vault "${this.options.vault}"`;
  }

  private load(): Promise<Map<string, OpItem>> {
    this.items ??= this.op(['item', 'list', '--vault', this.options.vault, '--format', 'json']).then((out) => {
      const parsed = this.json(out, 'item list');
      if (!Array.isArray(parsed) || !parsed.every((i) => i && typeof i === 'object' && typeof i.id === 'string' && typeof i.title === 'string')) throw this.badOutput('item list');
      return keyedNames(parsed as OpItem[], (i) => i.title, keyNameFor, isValidKey);
    });
    return this.items;
  }

  async list(): Promise<string[]> {
    return [...(await this.load()).keys()].sort();
  }

  async get(name: string): Promise<Buffer | undefined> {
    const item = (await this.load()).get(name);
    if (!item) return undefined;
    const field = this.options.field;
    if (field) {
      const ref = `op://${this.options.vault}/${item.id}/${field}`;
      return this.op(['read', '--no-newline', ref], { item: item.title });
    }
    const parsed = this.json(await this.op(['item', 'get', item.id, '--vault', this.options.vault, '--format', 'json'], { item: item.title }), 'item get') as { fields?: unknown } | null;
    const fields = parsed && typeof parsed === 'object' && Array.isArray(parsed.fields) ? (parsed.fields as OpField[]) : undefined;
    if (!fields) throw this.badOutput('item get');
    const chosen = fields.find((f) => f?.purpose === 'PASSWORD') ?? fields.find((f) => f?.id === 'credential') ?? fields.find((f) => f?.id === 'password');
    if (!chosen) throw new AgentVaultError('vault', PROVIDER_MSG.opNoField(this.name, item.title), { code: 'PROVIDER_NO_FIELD', hint: PROVIDER_MSG.opNoFieldHint(this.name) });
    return Buffer.from(typeof chosen.value === 'string' ? chosen.value : '', 'utf8');
  }

  private json(out: Buffer, what: string): unknown {
    try {
      return JSON.parse(out.toString('utf8'));
    } catch {
      throw this.badOutput(what);
    }
  }

  private badOutput(what: string): AgentVaultError {
    return new AgentVaultError('vault', PROVIDER_MSG.opBadOutput(this.name, what), { code: 'PROVIDER_BAD_OUTPUT', hint: PROVIDER_MSG.opBadOutputHint });
  }

  /** The environment op runs with: ours, with the service account token under the name op reads. */
  private childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...this.options.env };
    const tokenEnv = this.options.tokenEnv;
    if (tokenEnv) {
      const token = env[tokenEnv];
      if (!token) throw new AgentVaultError('vault', PROVIDER_MSG.opTokenUnset(this.name, tokenEnv), { code: 'PROVIDER_NOT_SIGNED_IN', hint: PROVIDER_MSG.opTokenUnsetHint(tokenEnv) });
      env.OP_SERVICE_ACCOUNT_TOKEN = token;
    }
    return env;
  }

  /** Run op; its stdout, or the documented failure as an AgentVaultError. */
  private op(args: string[], context: { item?: string } = {}): Promise<Buffer> {
    const argv = [...args, ...(this.options.account ? ['--account', this.options.account] : [])];
    const env = this.childEnv();
    const timeoutMs = this.options.timeoutMs ?? OP_DEFAULT_TIMEOUT_MS;
    return new Promise<Buffer>((resolve, reject) => {
      const child = spawn('op', argv, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let failed: AgentVaultError | undefined;
      child.stdout.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_OUTPUT) {
          failed ??= this.badOutput(args.slice(0, 2).join(' '));
          child.kill('SIGKILL');
        } else out.push(c);
      });
      child.stderr.on('data', (c: Buffer) => {
        if (err.reduce((n, b) => n + b.length, 0) < 64 * 1024) err.push(c);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        failed ??=
          e.code === 'ENOENT'
            ? new AgentVaultError('vault', PROVIDER_MSG.opMissing(this.name), { code: 'PROVIDER_OP_MISSING', hint: PROVIDER_MSG.opMissingHint })
            : new AgentVaultError('vault', PROVIDER_MSG.opFailed(this.name, args[0]!, e.code ?? 'error'), { code: 'PROVIDER_FAILED', hint: PROVIDER_MSG.opFailedHint });
      });
      child.on('close', (code, signal) => {
        if (failed) return reject(failed);
        if (code === 0) return resolve(Buffer.concat(out));
        if (signal) return reject(new AgentVaultError('vault', PROVIDER_MSG.opTimeout(this.name, Math.round(timeoutMs / 1000)), { code: 'PROVIDER_TIMEOUT', hint: PROVIDER_MSG.opTimeoutHint }));
        reject(this.failure(Buffer.concat(err).toString('utf8'), code ?? -1, args, context));
      });
    });
  }

  /**
   * op exits 1 for every failure and says which on stderr ("[ERROR] <date> <sentence>"). The
   * sentence is classified, never repeated: what op prints about a reference may hold a value.
   */
  private failure(stderr: string, code: number, args: string[], context: { item?: string }): AgentVaultError {
    const text = stderr.toLowerCase();
    const has = (...needles: string[]) => needles.some((n) => text.includes(n));
    if (has('not currently signed in', 'not signed in', 'no accounts configured', 'session expired', 'invalid service account token', 'authentication', 'unauthorized')) {
      return new AgentVaultError('vault', PROVIDER_MSG.opNotSignedIn(this.name), { code: 'PROVIDER_NOT_SIGNED_IN', hint: PROVIDER_MSG.opNotSignedInHint(this.options.tokenEnv) });
    }
    if (has("isn't a vault", 'vault not found')) return new AgentVaultError('vault', PROVIDER_MSG.opVaultNotFound(this.name, this.options.vault), { code: 'PROVIDER_VAULT_NOT_FOUND', hint: PROVIDER_MSG.opVaultNotFoundHint });
    if (has("isn't an item", 'item not found')) return new AgentVaultError('vault', PROVIDER_MSG.opItemNotFound(this.name, context.item ?? '?', this.where()), { code: 'PROVIDER_ITEM_NOT_FOUND', hint: PROVIDER_MSG.opItemNotFoundHint });
    if (has('field cannot be found', "isn't a field", 'could not find field')) return new AgentVaultError('vault', PROVIDER_MSG.opNoField(this.name, context.item ?? '?'), { code: 'PROVIDER_NO_FIELD', hint: PROVIDER_MSG.opNoFieldHint(this.name) });
    return new AgentVaultError('vault', PROVIDER_MSG.opFailed(this.name, args.slice(0, 2).join(' '), `exit ${code}`), { code: 'PROVIDER_FAILED', hint: PROVIDER_MSG.opFailedHint });
  }
}
