/**
 * The package as it is published: the CLI is one bundled file, so installing agent-vault
 * must not pull in the packages the bundle already contains, and the version the CLI prints
 * is the package's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/platform/version.js';

const ROOT = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

describe('the published package', () => {
  it('has no runtime dependencies: everything the CLI needs is in dist/', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.files).toEqual(expect.arrayContaining(['bin', 'dist', 'hooks']));
  });

  it('prints the version package.json declares', () => {
    expect(VERSION).toBe(pkg.version);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/agent-vault.mjs'), '--version'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('has a changelog entry for its version', () => {
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`## v${pkg.version}`);
  });
});
