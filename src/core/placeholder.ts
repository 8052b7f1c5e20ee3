import { createHash, createHmac } from 'node:crypto';

/**
 * The placeholder token grammar shared by every component, and restore, its one reader that
 * turns tokens back into bytes. KEY is lower-case, so the upper-case words below can never
 * be keys:
 *
 *   <agent-vault:KEY>                          a vaulted value; KEY = [a-z0-9](?:[a-z0-9-]*[a-z0-9])?
 *   <agent-vault:UNVAULTED:sha256:XXXXXXXX>    a suspect the vault does not hold (read only):
 *                                              first 8 hex of sha256 of the bytes it hides
 *   <agent-vault:LITERAL:BODY>                 the text `<agent-vault:BODY>` as it was written
 *
 * INVARIANT (why LITERAL exists): a file may already contain placeholder text, e.g. a README
 * that documents `<agent-vault:openai-key>`. If redact left it alone, restore could not tell
 * it from a redacted value and would write the real key into the README. So redact escapes
 * every literal `<agent-vault:(LITERAL:)*BODY>` whose BODY restore would act on (a key the
 * vault knows, or an UNVAULTED marker) by adding one `LITERAL:`, and restore removes exactly
 * one. A `<agent-vault:KEY>` in redacted output therefore always stands for the vault's value
 * and never for text, and `restore(redact(x)) == x` for every byte string x whose vaulted
 * values are the current ones (an earlier, rotated-out value comes back as the current one).
 * Placeholders for keys the vault does not know are neither escaped nor restored, so text
 * holding them passes both ways untouched. Callers that want placeholder text to mean the
 * placeholder (the clean filter, where a checkout without a key leaves `<agent-vault:key>` in
 * the working tree) pass `{ escapeLiterals: false }` to both sides and give up exactness
 * for inputs holding a literal placeholder of a known key.
 */
const KEY_PATTERN = '[a-z0-9](?:[a-z0-9-]{0,126}[a-z0-9])?';
const KEY_RE = new RegExp(`^${KEY_PATTERN}$`);
export const PLACEHOLDER_PREFIX = '<agent-vault:';

/** Matches either placeholder form; group 1 = key, group 2 = unvaulted hash. */
export function placeholderRegex(): RegExp {
  return new RegExp(`<agent-vault:(?:(${KEY_PATTERN})|UNVAULTED:sha256:([0-9a-f]{8}))>`, 'g');
}

export function isValidKey(key: string): boolean {
  return KEY_RE.test(key);
}

export function placeholderFor(key: string): string {
  return `<agent-vault:${key}>`;
}

export function unvaultedMarker(hash8: string): string {
  return `<agent-vault:UNVAULTED:sha256:${hash8}>`;
}

/** True when [start, end) of text lies inside a placeholder or UNVAULTED marker. */
export function insidePlaceholder(text: string, start: number, end: number): boolean {
  // Look back a bounded window only: a search back to offset 0 for every candidate made
  // scans of large files without placeholders quadratic.
  const lo = Math.max(0, start - 200);
  const at = text.slice(lo, start + PLACEHOLDER_PREFIX.length).lastIndexOf(PLACEHOLDER_PREFIX);
  if (at < 0 || lo + at > start) return false;
  const from = lo + at;
  const re = placeholderRegex();
  re.lastIndex = from;
  const m = re.exec(text);
  return m !== null && m.index === from && from + m[0].length >= end;
}

export const PREFIX = Buffer.from(PLACEHOLDER_PREFIX, 'latin1');
export const LITERAL = Buffer.from('LITERAL:', 'latin1');
const UNVAULTED = Buffer.from('UNVAULTED:sha256:', 'latin1');
const MAX_KEY = 128;

/**
 * The UNVAULTED marker's fingerprint of the bytes it hides: 8 hex digits of HMAC-SHA256 under
 * the vault home's marker key. Without a key it would be sha256, and 32 bits of sha256 of a
 * password in an agent's context (and so in model providers' and proxies' logs) confirm a
 * dictionary guess offline; under a key that stays on this machine they confirm nothing.
 * No key (tests of the grammar only): plain sha256.
 */
export function hash8(bytes: Uint8Array, key?: Uint8Array): string {
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(bytes).digest('hex').slice(0, 8);
}

/** One token of the grammar, parsed from bytes. */
export interface Token {
  end: number;
  /** Number of LITERAL: escapes. */
  literals: number;
  /** The key, or undefined for an UNVAULTED marker. */
  key: string | undefined;
  hash: string | undefined;
}

function startsWithAt(input: Uint8Array, at: number, what: Buffer): boolean {
  if (at + what.length > input.length) return false;
  for (let i = 0; i < what.length; i++) if (input[at + i] !== what[i]) return false;
  return true;
}

/** Parse `<agent-vault:(LITERAL:)*(KEY|UNVAULTED:sha256:hex8)>` at `at`, or undefined. */
export function parseToken(input: Uint8Array, at: number): Token | undefined {
  if (!startsWithAt(input, at, PREFIX)) return undefined;
  let p = at + PREFIX.length;
  let literals = 0;
  while (startsWithAt(input, p, LITERAL)) {
    literals++;
    p += LITERAL.length;
  }
  if (startsWithAt(input, p, UNVAULTED)) {
    p += UNVAULTED.length;
    let hash = '';
    for (let i = 0; i < 8; i++) {
      const c = input[p + i];
      if (c === undefined || !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return undefined;
      hash += String.fromCharCode(c);
    }
    p += 8;
    if (input[p] !== 0x3e) return undefined;
    return { end: p + 1, literals, key: undefined, hash };
  }
  let key = '';
  while (p < input.length && key.length <= MAX_KEY) {
    const c = input[p]!;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) {
      key += String.fromCharCode(c);
      p++;
    } else break;
  }
  if (input[p] !== 0x3e || !isValidKey(key)) return undefined;
  return { end: p + 1, literals, key, hash: undefined };
}

export interface RestoreResult {
  output: Buffer;
  /** Placeholders replaced by a vault value. */
  restored: number;
  /** Keys whose placeholders stayed because the vault does not hold them (sorted, unique). */
  unknown: string[];
  /** UNVAULTED markers replaced through the `unvaulted` resolver. */
  unvaultedRestored: number;
  /** Fingerprints of UNVAULTED markers left as they are (no resolver, or it had no bytes). */
  unresolved: string[];
  /**
   * Where restored bytes (values and marker contents, not unescaped literals) sit in
   * `output`, in order: what `write` checks the agent view still hides. `key` names the
   * placeholder's key, `hash` an UNVAULTED marker's fingerprint.
   */
  restoredSpans: { start: number; end: number; key?: string; hash?: string }[];
}

export interface RestoreOptions {
  /** Bytes for an UNVAULTED marker's fingerprint (write: from the file's current content). */
  unvaulted?: (hash8: string) => Uint8Array | undefined;
  /** Must match the redact side (see INVARIANT). Default true. */
  escapeLiterals?: boolean;
  /**
   * Whether the vault holds a key, for unescaping `<agent-vault:LITERAL:KEY>` (redact escapes
   * literals of every stored key). Default: the lookup found a value. A caller whose lookup
   * withholds some stored keys' values (key bindings) says so here, so literal text stays exact.
   */
  known?: (key: string) => boolean;
}

/**
 * placeholder -> value; a placeholder whose key the lookup does not know stays as it is
 * (lossless) and is reported; `<agent-vault:LITERAL:...>` loses one LITERAL when what it
 * escapes is a known key or an UNVAULTED marker (the inverse of redact's escaping).
 */
export function restorePlaceholders(input: Uint8Array, lookup: (key: string) => Uint8Array | undefined, options: RestoreOptions = {}): RestoreResult {
  const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const parts: Buffer[] = [];
  const unknown = new Set<string>();
  const unresolved = new Set<string>();
  const escape = options.escapeLiterals !== false;
  const restoredSpans: RestoreResult['restoredSpans'] = [];
  let restored = 0;
  let unvaultedRestored = 0;
  let at = 0;
  let from = 0;
  let size = 0; // bytes in parts so far
  while ((from = src.indexOf(PREFIX, from)) !== -1) {
    const t = parseToken(src, from);
    if (!t) {
      from += 1;
      continue;
    }
    let replacement: Uint8Array | undefined;
    if (t.literals > 0) {
      if (escape && (t.key === undefined || (options.known ? options.known(t.key) : lookup(t.key) !== undefined))) {
        replacement = Buffer.concat([PREFIX, src.subarray(from + PREFIX.length + LITERAL.length, t.end)]);
      }
    } else if (t.key !== undefined) {
      replacement = lookup(t.key);
      if (replacement === undefined) unknown.add(t.key);
      else restored++;
    } else {
      replacement = options.unvaulted?.(t.hash!);
      if (replacement === undefined) unresolved.add(t.hash!);
      else unvaultedRestored++;
    }
    if (replacement !== undefined) {
      if (from > at) {
        parts.push(src.subarray(at, from));
        size += from - at;
      }
      parts.push(Buffer.from(replacement.buffer, replacement.byteOffset, replacement.byteLength));
      if (t.literals === 0) restoredSpans.push({ start: size, end: size + replacement.byteLength, ...(t.key !== undefined ? { key: t.key } : { hash: t.hash! }) });
      size += replacement.byteLength;
      at = t.end;
    }
    from = t.end;
  }
  if (at < src.length) parts.push(src.subarray(at));
  return { output: Buffer.concat(parts), restored, unknown: [...unknown].sort(), unvaultedRestored, unresolved: [...unresolved].sort(), restoredSpans };
}
