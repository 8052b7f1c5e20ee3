/**
 * repoRoot keeps a folder's answer for the life of the process (a hook asked git the same
 * question three times), but a long-lived process (the MCP server, the session agent) must
 * still see a repository made inside the one it knew, or a repository that went away.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/platform/exec.js';
import { gitOk, newRepo, sandbox } from './helpers/sandbox.js';

describe('repoRoot', () => {
  it('answers from what it kept, and sees a nested repository or a removed one', () => {
    const sb = sandbox();
    const repo = newRepo(sb);
    const sub = join(repo, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    const env = process.env;
    process.env = { ...env, ...sb.env };
    try {
      expect(repoRoot(sub)).toBe(repo);
      expect(repoRoot(sub)).toBe(repo);
      gitOk(sb, join(repo, 'a'), ['init', '-q']);
      expect(repoRoot(sub)).toBe(join(repo, 'a'));
      rmSync(join(repo, 'a', '.git'), { recursive: true, force: true });
      expect(repoRoot(sub)).toBe(repo);
      rmSync(join(repo, '.git'), { recursive: true, force: true });
      expect(repoRoot(sub)).toBeUndefined();
    } finally {
      process.env = env;
    }
  });
});
