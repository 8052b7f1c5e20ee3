import type { Readable, Writable } from 'node:stream';

/** What a command may touch of the outside world; entry points build it, tests can fake it. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /**
   * The status of a normal result, when the result is a verdict: `has` (1: a key is missing),
   * `scan` (1: findings), `status` (1: something not installed), the skill checks (the code
   * of the first failing skill). A failure is never set here: it throws an AgentVaultError,
   * which carries its status (errors.ts), and main turns it into one; a hook that blocks is
   * such a failure (GATE_BLOCKED).
   */
  exitCode: number;
}

export function processContext(): CliContext {
  return { cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, exitCode: 0 };
}

/** Write to a stream and wait until it is flushed (pipes to a parent are asynchronous). */
export function writeOut(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (text === '') return resolve();
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/** All of a readable stream (a command's standard input), as bytes. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}
