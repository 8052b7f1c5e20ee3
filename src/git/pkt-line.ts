/**
 * git's pkt-line framing, as used by the long-running filter protocol (gitprotocol-common,
 * gitattributes "Long Running Filter Process").
 *
 * A packet is a 4-digit lower-case hex length that counts itself, then the data. `0000` is a
 * flush packet that ends a list or a content stream. git rejects packets longer than 65520
 * bytes in total, so data is at most 65516 bytes per packet. `0001`-`0003` are not valid here.
 */
import { AgentVaultError } from '../errors.js';

export const MAX_PACKET_DATA = 65516;
export const FLUSH = Buffer.from('0000', 'latin1');

/** One data packet; `data` must fit in a single packet. */
export function encodePacket(data: Uint8Array): Buffer {
  if (data.length > MAX_PACKET_DATA) throw new RangeError(`pkt-line data of ${data.length} bytes exceeds ${MAX_PACKET_DATA}`);
  const header = Buffer.from((data.length + 4).toString(16).padStart(4, '0'), 'latin1');
  return Buffer.concat([header, data]);
}

/** A text packet: git's convention is one key=value line ending in LF. */
export function encodeText(line: string): Buffer {
  return encodePacket(Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8'));
}

/** A list of text packets followed by a flush. */
export function encodeList(lines: string[]): Buffer {
  return Buffer.concat([...lines.map(encodeText), FLUSH]);
}

/**
 * Content split into packets of at most MAX_PACKET_DATA bytes, then a flush. Empty content is
 * just the flush: git never sends or expects a zero-length data packet.
 */
export function encodeContent(content: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < content.length; i += MAX_PACKET_DATA) parts.push(encodePacket(content.subarray(i, i + MAX_PACKET_DATA)));
  parts.push(FLUSH);
  return Buffer.concat(parts);
}

/**
 * Input that breaks git's pkt-line protocol: a git error (exit 2), not a bug. Mid-stream it
 * means git went away; in the handshake, that something other than git is talking (the
 * filter process run by hand), and the hint then says who runs it.
 */
export class ProtocolError extends AgentVaultError {
  constructor(message: string, hint?: string) {
    super('git', message, hint === undefined ? {} : { hint });
  }
}

/** The hint for a handshake that is not git's: who runs the filter process, and the by-hand way. */
export const NOT_GIT_HINT =
  'git runs agent-vault filter-process itself (filter.agent-vault.process, set up by agent-vault install); to filter one file by hand: agent-vault clean PATH < PATH (or smudge)';

/** A data packet's bytes, or `null` for a flush packet. */
export type Packet = Buffer | null;

/**
 * Incremental decoder over an async byte stream. Reads exactly what it needs, so a request
 * can be answered before git sends the next one (git waits for each reply).
 */
export class PacketReader {
  private buffered: Buffer[] = [];
  private size = 0;
  private ended = false;
  private readonly iterator: AsyncIterator<Buffer | string>;

  constructor(source: AsyncIterable<Buffer | string>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Ensure at least n bytes are buffered; false if the stream ended first. */
  private async fill(n: number): Promise<boolean> {
    while (this.size < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'latin1') : next.value;
      if (chunk.length === 0) continue;
      this.buffered.push(chunk);
      this.size += chunk.length;
    }
    return this.size >= n;
  }

  private take(n: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.size);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buffered = rest.length ? [rest] : [];
    this.size = rest.length;
    return out;
  }

  /**
   * The next packet; `undefined` when the stream ends cleanly between packets (git closes
   * stdin when it has no more requests). A stream that ends inside a packet is an error.
   */
  async read(): Promise<Packet | undefined> {
    if (!(await this.fill(4))) {
      if (this.size === 0) return undefined;
      throw new ProtocolError('input ended inside a packet header');
    }
    const header = this.take(4).toString('latin1');
    if (!/^[0-9a-f]{4}$/.test(header)) throw new ProtocolError('a packet header is not four hex digits');
    const length = parseInt(header, 16);
    if (length === 0) return null;
    if (length < 4) throw new ProtocolError(`unexpected special packet ${header}`);
    if (length === 4) return Buffer.alloc(0);
    if (!(await this.fill(length - 4))) throw new ProtocolError('input ended inside a packet');
    // Copy: the slice would otherwise pin the whole chunk it came from.
    return Buffer.from(this.take(length - 4));
  }

  /** A text packet without its trailing LF; errors on flush or end of input. */
  async readText(): Promise<string> {
    const p = await this.read();
    if (p === undefined) throw new ProtocolError('input ended where a text packet was expected');
    if (p === null) throw new ProtocolError('flush packet where a text packet was expected');
    return textOf(p);
  }

  /**
   * Text packets up to the next flush. `undefined` when the input ends before the first
   * packet (the normal end of a session); an end in the middle of a list is an error.
   */
  async readList(): Promise<string[] | undefined> {
    const lines: string[] = [];
    for (;;) {
      const p = await this.read();
      if (p === undefined) {
        if (lines.length === 0) return undefined;
        throw new ProtocolError('input ended inside a list');
      }
      if (p === null) return lines;
      lines.push(textOf(p));
    }
  }

  /** Data packets up to the next flush, concatenated. */
  async readContent(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      const p = await this.read();
      if (p === undefined) throw new ProtocolError('input ended inside content');
      if (p === null) return Buffer.concat(parts);
      parts.push(p);
    }
  }
}

function textOf(p: Buffer): string {
  const s = p.toString('utf8');
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}
