// Loaded before every test file (vitest setupFiles): scratch folders made outside a test
// (module level, describe, beforeAll) are removed when the file's tests end.
import { afterAll } from 'vitest';
import fc from 'fast-check';
import { removeAllScratch } from './helpers/sandbox.js';

afterAll(removeAllScratch);

// Property tests draw a fresh random seed on every run, so local runs keep exploring new inputs.
// FC_SEED pins it (CI sets one, so a landing run is reproducible; a failure prints its seed and
// counterexample either way, and `FC_SEED=<seed> npx vitest run <file>` replays it).
if (process.env['FC_SEED']) {
  const seed = Number(process.env['FC_SEED']);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(process.env['FC_SEED'])}`);
  fc.configureGlobal({ seed });
}
