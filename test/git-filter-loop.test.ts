import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serveFilterProcess, type FilterEngine } from '../src/git/filter-process.js';
import { encodeContent, encodeList, encodeText, FLUSH, MAX_PACKET_DATA, PacketReader, ProtocolError } from '../src/git/pkt-line.js';

/**
 * The long-running filter loop, driven in memory: what git would send, cut into the chunks a
 * pipe would deliver, and what the loop answers. The real git tests (git-filter*.test.ts) show
 * git and the filter agree; these show what the loop does with everything git should never
 * send, and with git going away mid-request.
 */

const WELCOME = encodeList(['git-filter-client', 'version=2']);
const CAPABILITIES = encodeList(['capability=clean', 'capability=smudge']);
const request = (command: string, pathname: string, content: Buffer | string) =>
  Buffer.concat([encodeList([`command=${command}`, `pathname=${pathname}`]), encodeContent(Buffer.from(content))]);

/** An engine that upper-cases on clean and lower-cases on smudge, recording what it was given. */
function recordingEngine() {
  const seen: { command: 'clean' | 'smudge'; pathname: string; content: Buffer }[] = [];
  let created = 0;
  const engine: FilterEngine = {
    clean: async (content, pathname) => (seen.push({ command: 'clean', pathname, content }), Buffer.from(content.toString('latin1').toUpperCase(), 'latin1')),
    smudge: async (content, pathname) => (seen.push({ command: 'smudge', pathname, content }), Buffer.from(content.toString('latin1').toLowerCase(), 'latin1')),
  };
  return {
    seen,
    created: () => created,
    create: () => {
      created++;
      return engine;
    },
  };
}

/** Cut bytes into chunks at the given offsets, as a pipe may deliver them. */
function chunked(bytes: Buffer, cuts: number[] = []): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (c <= pos || c >= bytes.length) continue;
    out.push(bytes.subarray(pos, c));
    pos = c;
  }
  out.push(bytes.subarray(pos));
  return out;
}

interface Session {
  result: { requests: number; errors: number } | undefined;
  error: unknown;
  /** Every packet the loop wrote, in order: text lines, `flush`, or data as a Buffer. */
  packets: (string | Buffer)[];
  log: string[];
}

async function serve(input: Buffer, opts: { cuts?: number[]; createEngine?: () => FilterEngine } = {}): Promise<Session> {
  const output = new PassThrough();
  const written: Buffer[] = [];
  output.on('data', (c: Buffer) => written.push(c));
  const log: string[] = [];
  const session: Session = { result: undefined, error: undefined, packets: [], log };
  try {
    session.result = await serveFilterProcess(Readable.from(chunked(input, opts.cuts)), output, opts.createEngine ?? recordingEngine().create, (l) => log.push(l));
  } catch (e) {
    session.error = e;
  }
  output.end();
  const reader = new PacketReader(Readable.from([Buffer.concat(written)]));
  for (let p = await reader.read(); p !== undefined; p = await reader.read()) {
    if (p === null) session.packets.push('flush');
    else if (p.length > 0 && p.length < 200 && /^[\x20-\x7e]*\n$/.test(p.toString('latin1'))) session.packets.push(p.toString('latin1').slice(0, -1));
    else session.packets.push(p);
  }
  return session;
}

const HANDSHAKE_REPLY = ['git-filter-server', 'version=2', 'flush', 'capability=clean', 'capability=smudge', 'flush'];

describe('the handshake', () => {
  it('refuses a client that does not introduce itself as git-filter-client, and answers nothing', async () => {
    for (const first of ['git-filter-server', 'hello', 'version=2']) {
      const s = await serve(Buffer.concat([encodeList([first, 'version=2']), CAPABILITIES]));
      expect(s.error).toBeInstanceOf(ProtocolError);
      expect((s.error as Error).message).toBe("not git's long-running filter protocol on stdin: expected the git-filter-client greeting, got something else");
      expect((s.error as Error).message).not.toContain(first);
      expect(s.packets).toEqual([]);
    }
  });

  it('names the end of input when git closes before the welcome', async () => {
    const s = await serve(Buffer.alloc(0));
    expect((s.error as Error).message).toBe("not git's long-running filter protocol on stdin: expected the git-filter-client greeting, got the end of input");
    expect(s.packets).toEqual([]);
  });

  it('refuses a client that does not offer version 2, naming what it offered', async () => {
    const v1 = await serve(Buffer.concat([encodeList(['git-filter-client', 'version=1', 'version=3']), CAPABILITIES]));
    expect(v1.error).toBeInstanceOf(ProtocolError);
    expect((v1.error as Error).message).toBe("not git's long-running filter protocol on stdin: git offered version=1, version=3; only version=2 is supported");
    expect(v1.packets).toEqual([]);
    const none = await serve(Buffer.concat([encodeList(['git-filter-client']), CAPABILITIES]));
    expect((none.error as Error).message).toBe("not git's long-running filter protocol on stdin: git offered no versions; only version=2 is supported");
  });

  it('answers only the capabilities both sides have: none when git offers none, never delay', async () => {
    const cases: [string[], string[]][] = [
      [[], []],
      [['capability=delay'], []],
      [['capability=clean'], ['capability=clean']],
      [['capability=smudge', 'capability=delay', 'capability=clean'], ['capability=clean', 'capability=smudge']],
    ];
    for (const [offered, answered] of cases) {
      const s = await serve(Buffer.concat([WELCOME, encodeList(offered)]));
      expect(s.error).toBeUndefined();
      expect(s.packets).toEqual(['git-filter-server', 'version=2', 'flush', ...answered, 'flush']);
      expect(s.result).toEqual({ requests: 0, errors: 0 });
    }
  });

  it('ends cleanly when git closes after the handshake, without creating the engine (the vault is not opened for nothing)', async () => {
    const engine = recordingEngine();
    const s = await serve(Buffer.concat([WELCOME, CAPABILITIES]), { createEngine: engine.create });
    expect(s.error).toBeUndefined();
    expect(s.packets).toEqual(HANDSHAKE_REPLY);
    expect(engine.created()).toBe(0);
  });
});

describe('requests', () => {
  it('answers an unknown command with status=error for that request only, reads its content and goes on', async () => {
    const engine = recordingEngine();
    const s = await serve(Buffer.concat([WELCOME, CAPABILITIES, request('frobnicate', 'a.env', 'payload'), request('clean', 'b.env', 'abc')]), { createEngine: engine.create });
    expect(s.error).toBeUndefined();
    expect(s.result).toEqual({ requests: 2, errors: 1 });
    expect(s.packets.slice(HANDSHAKE_REPLY.length)).toEqual(['status=error', 'flush', 'status=success', 'flush', Buffer.from('ABC'), 'flush', 'flush']);
    expect(engine.seen.map((x) => `${x.command} ${x.pathname}`)).toEqual(['clean b.env']);
    expect(s.log).toEqual(['agent-vault filter: frobnicate a.env: unsupported command "frobnicate"']);
  });

  it('a request without a command is an unknown command too', async () => {
    const s = await serve(Buffer.concat([WELCOME, CAPABILITIES, encodeList(['pathname=x']), encodeContent(Buffer.from('x'))]));
    expect(s.result).toEqual({ requests: 1, errors: 1 });
    expect(s.packets.slice(HANDSHAKE_REPLY.length)).toEqual(['status=error', 'flush']);
  });

  it('an engine that cannot be created or that fails answers status=error for that file and keeps serving', async () => {
    let attempts = 0;
    const engine = recordingEngine();
    const createEngine = () => {
      if (++attempts === 1) throw new Error('vault unavailable');
      return engine.create();
    };
    const s = await serve(Buffer.concat([WELCOME, CAPABILITIES, request('smudge', 'a.env', 'A'), request('smudge', 'b.env', 'B')]), { createEngine });
    expect(s.result).toEqual({ requests: 2, errors: 1 });
    expect(s.packets.slice(HANDSHAKE_REPLY.length)).toEqual(['status=error', 'flush', 'status=success', 'flush', Buffer.from('b'), 'flush', 'flush']);
    expect(s.log).toEqual(['agent-vault filter: smudge a.env: vault unavailable']);
  });

  it('takes content over several packets, whatever chunks the pipe cuts it into, and answers in packets of at most 65516 bytes', async () => {
    const content = Buffer.alloc(MAX_PACKET_DATA * 2 + 10);
    for (let i = 0; i < content.length; i++) content[i] = 0x61 + (i % 26);
    const input = Buffer.concat([WELCOME, CAPABILITIES, request('clean', 'big.txt', content)]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: input.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const engine = recordingEngine();
        const s = await serve(input, { cuts, createEngine: engine.create });
        expect(s.error).toBeUndefined();
        expect(engine.seen).toHaveLength(1);
        expect(engine.seen[0]!.content.equals(content)).toBe(true);
        const reply = s.packets.slice(HANDSHAKE_REPLY.length);
        expect(reply.slice(0, 2)).toEqual(['status=success', 'flush']);
        const data = reply.slice(2, -2) as Buffer[];
        expect(data.map((d) => d.length)).toEqual([MAX_PACKET_DATA, MAX_PACKET_DATA, 10]);
        expect(Buffer.concat(data).equals(Buffer.from(content.toString('latin1').toUpperCase(), 'latin1'))).toBe(true);
        expect(reply.slice(-2)).toEqual(['flush', 'flush']);
      }),
      { numRuns: 25 },
    );
  });

  it('an empty file is answered with an empty content (just the flush)', async () => {
    const s = await serve(Buffer.concat([WELCOME, CAPABILITIES, encodeList(['command=smudge', 'pathname=e']), FLUSH]));
    expect(s.packets.slice(HANDSHAKE_REPLY.length)).toEqual(['status=success', 'flush', 'flush', 'flush']);
  });
});

describe('git going away mid-request', () => {
  const content = Buffer.from('x'.repeat(1000));
  const full = request('clean', 'a.txt', content);
  const header = encodeList(['command=clean', 'pathname=a.txt']);
  const cases: [string, Buffer, string][] = [
    ['inside the header list', encodeText('command=clean'), 'input ended inside a list'],
    ['inside a header packet', header.subarray(0, 10), 'input ended inside a packet'],
    ['after the header, before any content', header, 'input ended inside content'],
    ['inside a content packet', full.subarray(0, header.length + 500), 'input ended inside a packet'],
    ['after a content packet, before its flush', full.subarray(0, full.length - FLUSH.length), 'input ended inside content'],
    ['inside a packet length', Buffer.concat([header, Buffer.from('03')]), 'input ended inside a packet header'],
  ];
  it.each(cases)('%s: fails with a protocol error, answers nothing for that request and never filters half a file', async (_where, tail, message) => {
    const engine = recordingEngine();
    const s = await serve(Buffer.concat([WELCOME, CAPABILITIES, request('smudge', 'done.txt', 'DONE'), tail]), { createEngine: engine.create });
    expect(s.error).toBeInstanceOf(ProtocolError);
    expect((s.error as Error).message).toBe(message);
    // The request before was answered in full; nothing after it.
    expect(s.packets.slice(HANDSHAKE_REPLY.length)).toEqual(['status=success', 'flush', Buffer.from('done'), 'flush', 'flush']);
    expect(engine.seen.map((x) => x.pathname)).toEqual(['done.txt']);
  });
});
