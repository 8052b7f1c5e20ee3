import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import { refusal } from '../errors.js';
import { MSG } from '../messages.js';
import type { CliContext } from './context.js';

type TerminalStream = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/**
 * Line input from an interactive terminal in raw mode, so a secret is never echoed: each
 * typed character shows as '•' (or nothing), Backspace erases, Ctrl-C / Ctrl-D cancel.
 * Input that arrives faster than it is asked for (a paste, typing ahead) is kept for the
 * next question.
 */
export class TerminalInput {
  private buffer = '';
  private readonly decoder = new StringDecoder('utf8');
  private waiting: (() => void) | undefined;
  private ended = false;
  private readonly onData = (chunk: Buffer | string) => {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.waiting?.();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.waiting?.();
  };

  constructor(
    private readonly input: TerminalStream,
    private readonly echo: Writable,
  ) {
    input.setRawMode?.(true);
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    input.resume();
  }

  close(): void {
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.setRawMode?.(false);
    this.input.pause();
  }

  private async nextChar(): Promise<string | undefined> {
    while (this.buffer === '') {
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
    const cp = this.buffer.codePointAt(0)!;
    const ch = String.fromCodePoint(cp);
    this.buffer = this.buffer.slice(ch.length);
    return ch;
  }

  /** Ask a question and read one line. mode 'mask' echoes '•' per character. */
  async question(prompt: string, mode: 'plain' | 'mask' | 'hidden'): Promise<string> {
    this.echo.write(prompt);
    let line = '';
    for (;;) {
      const ch = await this.nextChar();
      if (ch === undefined || ch === '\u0004') {
        if (ch === undefined || line === '') {
          this.echo.write('\n');
          throw refusal('cancelled: no input', 'Nothing was changed.', 'CANCELLED');
        }
        continue;
      }
      if (ch === '\u0003') {
        this.echo.write('\n');
        throw refusal('cancelled', 'Nothing was changed.', 'CANCELLED');
      }
      if (ch === '\r' || ch === '\n') {
        // A CR LF pair (pasted text) counts once.
        if (ch === '\r' && this.buffer.startsWith('\n')) this.buffer = this.buffer.slice(1);
        this.echo.write('\n');
        return line;
      }
      if (ch === '\u007f' || ch === '\b') {
        if (line) {
          line = [...line].slice(0, -1).join('');
          if (mode !== 'hidden') this.echo.write('\b \b');
        }
        continue;
      }
      if (ch === '\u001b') {
        // Drop an escape sequence (arrow keys and the like): ESC [ params final-byte.
        if (this.buffer.startsWith('[')) {
          const m = /^\[[0-9;?]*[@-~]/.exec(this.buffer);
          if (m) this.buffer = this.buffer.slice(m[0].length);
        }
        continue;
      }
      if (ch < ' ') continue;
      line += ch;
      if (mode === 'mask') this.echo.write('•');
      else if (mode === 'plain') this.echo.write(ch);
    }
  }

  async confirm(prompt: string, defaultYes: boolean): Promise<boolean> {
    const answer = (await this.question(`${prompt} ${defaultYes ? '[Y/n]' : '[y/N]'} `, 'plain')).trim().toLowerCase();
    if (answer === '') return defaultYes;
    return answer === 'y' || answer === 'yes';
  }
}

/** Sensitive commands run only for a person at an interactive terminal. */
export function requireTerminal(ctx: CliContext, commandLine: string): void {
  if (!ctx.stdin.isTTY) throw refusal(MSG.vaultNeedsTerminal(commandLine), MSG.vaultNeedsTerminalHint(commandLine), 'TTY_REQUIRED');
}

/** Run `fn` with the terminal in raw mode (prompts echo to stderr), restored afterwards. */
export async function withTerminal<T>(ctx: CliContext, fn: (input: TerminalInput) => Promise<T>): Promise<T> {
  const input = new TerminalInput(ctx.stdin, ctx.stderr);
  try {
    return await fn(input);
  } finally {
    input.close();
  }
}
