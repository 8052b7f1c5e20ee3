import { setFlagsFromString } from 'node:v8';

let depth = 0;

/**
 * Run `fn` with V8 compiling each regular expression it runs straight to machine code.
 *
 * By default V8 first compiles a pattern to bytecode for its interpreter (and optimises that
 * bytecode, which for a pattern of kilobytes with case folding takes milliseconds), then, at the
 * pattern's second run, compiles it again to machine code. A skill scan runs hundreds of large
 * patterns (threat rules, the prose model's acts) on short texts (clauses, code blocks), nearly
 * all of them more than once: the first compile was a third of a fresh process's scan. Matching
 * is the same either way (one engine, two ways to run it); only when the compiling happens differs.
 *
 * The flag is set back when `fn` returns, so nothing else in the process (and no code cache
 * Node writes at exit, which records V8's flags) sees it.
 */
export function withRegexpsCompiledOnce<T>(fn: () => T): T {
  if (depth++ === 0) setFlagsFromString('--no-regexp-tier-up');
  try {
    return fn();
  } finally {
    if (--depth === 0) setFlagsFromString('--regexp-tier-up');
  }
}
