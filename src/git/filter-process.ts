import type { Writable } from 'node:stream';
import { encodeContent, encodeList, FLUSH, NOT_GIT_HINT, PacketReader, ProtocolError } from './pkt-line.js';

/**
 * What the filter does to one file's content. Both directions get the repository-relative
 * path git is filtering. A thrown error becomes `status=error` for that one file.
 */
export interface FilterEngine {
  clean(content: Buffer, pathname: string): Promise<Buffer>;
  smudge(content: Buffer, pathname: string): Promise<Buffer>;
}

const CAPABILITIES = ['clean', 'smudge'] as const;

/**
 * Serve git's long-running filter protocol (version 2) until git closes our stdin.
 *
 * The engine is created at the first request, not at start-up: git starts the process for
 * commands that may never filter anything, and an unavailable vault must not break the
 * handshake (git would then fail the whole command because the filter is required).
 * Only protocol goes to `output`; diagnostics go through `log` (stderr).
 */
export async function serveFilterProcess(
  input: AsyncIterable<Buffer | string>,
  output: Writable,
  createEngine: () => FilterEngine,
  log: (line: string) => void,
): Promise<{ requests: number; errors: number }> {
  const reader = new PacketReader(input);
  const send = (data: Buffer) => write(output, data);

  // Handshake: git-filter-client + versions, then capabilities; we answer with the subset we serve.
  const welcome = await reader.readList().catch((e: unknown) => {
    throw e instanceof ProtocolError ? new ProtocolError(`not git's long-running filter protocol on stdin: ${e.message}`, NOT_GIT_HINT) : e;
  });
  if (!welcome || welcome[0] !== 'git-filter-client') throw new ProtocolError(`not git's long-running filter protocol on stdin: expected the git-filter-client greeting, got ${welcome ? 'something else' : 'the end of input'}`, NOT_GIT_HINT); // never echoes what came (it may be anything)
  if (!welcome.includes('version=2')) throw new ProtocolError(`not git's long-running filter protocol on stdin: git offered ${welcome.filter((w) => /^version=\d{1,4}$/.test(w)).join(', ') || 'no versions'}; only version=2 is supported`, NOT_GIT_HINT); // versions only: nothing else of the input is echoed
  await send(encodeList(['git-filter-server', 'version=2']));
  const offered = (await reader.readList()) ?? [];
  const served = CAPABILITIES.filter((c) => offered.includes(`capability=${c}`));
  await send(encodeList(served.map((c) => `capability=${c}`)));

  let engine: FilterEngine | undefined;
  let requests = 0;
  let errors = 0;
  for (;;) {
    const header = await reader.readList();
    if (header === undefined) break; // git closed stdin: the command is done
    const fields = new Map<string, string>();
    for (const line of header) {
      const eq = line.indexOf('=');
      if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
    }
    const command = fields.get('command') ?? '';
    const pathname = fields.get('pathname') ?? '';
    // git always sends content after the header list, even for a command we do not know.
    const content = await reader.readContent();
    requests++;
    let result: Buffer;
    try {
      if (command !== 'clean' && command !== 'smudge') throw new Error(`unsupported command "${command}"`);
      engine ??= createEngine();
      result = await (command === 'clean' ? engine.clean(content, pathname) : engine.smudge(content, pathname));
    } catch (error) {
      errors++;
      log(`agent-vault filter: ${command} ${pathname}: ${(error as Error).message}`);
      await send(encodeList(['status=error']));
      continue;
    }
    // status, the content, then an empty list meaning "status unchanged".
    await send(Buffer.concat([encodeList(['status=success']), encodeContent(result), FLUSH]));
  }
  return { requests, errors };
}

function write(stream: Writable, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}
