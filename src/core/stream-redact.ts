import type { SuspectSpan } from './suspects.js';

/**
 * Streaming agent view (`run`, the MCP `run_with_secrets` tool): a child's output, chunk by
 * chunk, with every vaulted value (raw or encoded) replaced as `read` would, and the
 * scanner's suspects on complete lines. Pure: the view of each part comes from `viewPart`
 * (the session's `agentViewPart`, which holds the values), the suspects from `suspects`.
 *
 * Bytes are held back only while later bytes can change what they become: a suffix that may
 * be the start of a value or its encoding (so a value split across chunks, a multi-byte
 * character or a PEM block across lines is matched whole), and the current incomplete line,
 * which the scanner has not judged yet. `flushLine` (the caller's idle timer) lets a prompt
 * without a newline through; the value prefixes stay held even then. Fed without
 * `flushLine`, the concatenated output equals the view of the whole output at once. Without
 * it, a line's last bytes that might begin a run of a long value or a split value (joined
 * with the next line) wait for more output; the idle flush lets those through too, and then
 * only holds the start of a whole value, a written form or a placeholder token.
 */

export interface PartView {
  output: Buffer;
  consumed: number;
}

/** `offset`: where `input` starts in the stream (the matcher reads the stream in aligned 4-byte blocks, so a part is matched as in the whole). */
export type ViewPart = (input: Uint8Array, suspects: SuspectSpan[], options: { limit: number; end: boolean; offset: number; idle: boolean }) => Promise<PartView>;
export type Suspects = (input: Uint8Array) => SuspectSpan[] | Promise<SuspectSpan[]>;

const NEWLINE = 0x0a;
/** A line longer than this is judged in pieces (a child writing megabytes without a newline). */
const MAX_LINE = 64 * 1024;

export class StreamRedactor {
  private carry: Buffer = Buffer.alloc(0);
  /** Stream offset of `carry`. */
  private offset = 0;
  private ended = false;

  constructor(
    private readonly viewPart: ViewPart,
    private readonly suspects: Suspects = () => [],
  ) {}

  /** Bytes held back now (for the caller's idle timer). */
  get held(): number {
    return this.carry.length;
  }

  /** The redacted bytes that may be shown after `chunk`. Calls must not overlap. */
  async push(chunk: Uint8Array): Promise<Buffer> {
    if (this.ended) throw new Error('StreamRedactor: push after end');
    this.carry = this.joined(chunk);
    const lineEnd = this.carry.lastIndexOf(NEWLINE) + 1;
    return this.step(this.carry.length - lineEnd > MAX_LINE ? this.carry.length : lineEnd, false, false);
  }

  /** Let the incomplete line through (judged as it is); a possible value start stays held. */
  async flushLine(): Promise<Buffer> {
    if (this.ended || !this.carry.length) return Buffer.alloc(0);
    return this.step(this.carry.length, false, true);
  }

  /** Everything that is left: the stream has ended. */
  async end(): Promise<Buffer> {
    if (this.ended) return Buffer.alloc(0);
    this.ended = true;
    return this.step(this.carry.length, true, false);
  }

  /**
   * `carry` and `chunk` in one buffer (the chunk itself when nothing is held and it sits where
   * it should), placed `offset` mod 4 bytes past a 4-byte boundary: the matcher reads the
   * stream in aligned 4-byte blocks and then needs no copy of its own. Read only, never written.
   */
  private joined(chunk: Uint8Array): Buffer {
    const lead = this.offset & 3;
    if (!this.carry.length && (chunk.byteOffset & 3) === lead && chunk.byteOffset >= lead) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const size = this.carry.length + chunk.length;
    // allocUnsafe starts on an 8-byte boundary (its own memory or the pool's); every byte is set below.
    const out = Buffer.allocUnsafe(size + lead).subarray(lead);
    out.set(this.carry, 0);
    out.set(chunk, this.carry.length);
    return out;
  }

  private async step(limit: number, end: boolean, idle: boolean): Promise<Buffer> {
    const input = this.carry;
    if (!input.length || (limit === 0 && !end)) return Buffer.alloc(0);
    const spans = await this.suspects(input.subarray(0, limit));
    const part = await this.viewPart(input, spans, { limit, end, offset: this.offset, idle });
    this.carry = input.subarray(part.consumed);
    this.offset += part.consumed;
    return part.output;
  }
}
