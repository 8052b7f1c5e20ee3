// Loaded before every test file (vitest setupFiles): scratch folders made outside a test
// (module level, describe, beforeAll) are removed when the file's tests end.
import { afterAll } from 'vitest';
import { removeAllScratch } from './helpers/sandbox.js';

afterAll(removeAllScratch);
