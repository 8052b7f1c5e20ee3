import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { protectedMatcher } from '../action/src/checks.js';

describe('protected: globs match as .gitattributes patterns do', () => {
  it('a glob without a slash matches the file name at any depth; one with a slash is anchored at the root', () => {
    const isProtected = protectedMatcher(['*.env', 'secrets/**', '/config/prod.yaml']);
    expect(['.env', 'a.env', 'deep/dir/b.env', 'secrets/db.yaml', 'secrets/x/y.json', 'config/prod.yaml'].filter(isProtected)).toHaveLength(6);
    expect(['env', 'a.env.example', 'app/secrets/db.yaml', 'other/config/prod.yaml', 'config/dev.yaml'].filter(isProtected)).toEqual([]);
  });

  it('any file under a protected folder is protected, whatever its name', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (rest) => {
        expect(protectedMatcher(['secrets/**'])(['secrets', ...rest].join('/'))).toBe(true);
        expect(protectedMatcher(['secrets/**'])(['public', ...rest].join('/'))).toBe(false);
      }),
    );
  });
});
