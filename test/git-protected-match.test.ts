import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterAttributes, protectedMatcher } from '../src/git/protected.js';
import { newRepo, sandbox, write } from './helpers/sandbox.js';

describe('protected path globs follow gitattributes semantics', () => {
  it('matches a glob without a slash at any depth, and one with a slash from the root only', () => {
    const m = protectedMatcher(['*.env', 'config.yaml', 'deploy/secrets/**', '/top.json']);
    expect(m('.env')).toBe(true); // as in gitattributes, a leading dot is not special
    expect(m('prod.env')).toBe(true);
    expect(m('a/b/prod.env')).toBe(true);
    expect(m('svc/config.yaml')).toBe(true);
    expect(m('deploy/secrets/x/y.txt')).toBe(true);
    expect(m('other/deploy/secrets/y.txt')).toBe(false);
    expect(m('top.json')).toBe(true);
    expect(m('sub/top.json')).toBe(false);
    expect(protectedMatcher([])('anything')).toBe(false);
  });

  it('protects everything under a protected folder, but not a file named like the folder (the Action uses this matcher too)', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (rest) => {
        expect(protectedMatcher(['secrets/**'])(['secrets', ...rest].join('/'))).toBe(true);
        expect(protectedMatcher(['secrets/**'])(['public', ...rest].join('/'))).toBe(false);
      }),
    );
    expect(protectedMatcher(['secrets/**'])('secrets')).toBe(false);
    expect(protectedMatcher(['secrets/**', '*.env'])('a/secrets')).toBe(false);
  });

  it('agrees with git check-attr on generated paths and globs', () => {
    const sb = sandbox();
    try {
      const repo = newRepo(sb, 'repo');
      const segment = fc.stringMatching(/^[a-z][a-z.]{0,5}$/);
      const glob = fc.constantFrom('*.env', 'config.*', 'a/**', '**/b.env', 'x/*.yaml', 'a/b/*', 'secrets/**', '*.y?ml', 'c*');
      fc.assert(
        fc.property(fc.uniqueArray(fc.array(segment, { minLength: 1, maxLength: 4 }).map((p) => p.join('/')), { minLength: 1, maxLength: 40 }), fc.uniqueArray(glob, { minLength: 1, maxLength: 3 }), (paths, globs) => {
          write(repo, '.gitattributes', globs.map((g) => `${g} filter=agent-vault\n`).join(''));
          const attrs = filterAttributes(repo, sb.env, paths, false);
          const isProtected = protectedMatcher(globs);
          for (const p of paths) expect([p, isProtected(p)]).toEqual([p, attrs.get(p) === 'agent-vault']);
        }),
        { numRuns: 40 },
      );
    } finally {
      sb.cleanup();
    }
  });
});
