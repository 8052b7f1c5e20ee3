/**
 * The package as it is published: the CLI is one bundled file, so installing agent-vault
 * must not pull in the packages the bundle already contains, and the version the CLI prints
 * is the package's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/platform/version.js';
import { readmeBlock } from './helpers/readme.js';

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

describe("the README's Quick start and Development commands", () => {
  const commands = [readmeBlock('npm ci && node bin/agent-vault.mjs scan .'), readmeBlock('npm ci            #')]
    .flatMap((b) => b.split('\n'))
    .flatMap((l) => l.replace(/#.*$/, '').split('&&'))
    .map((c) => c.trim())
    .filter(Boolean);

  it('every npm command names a script package.json has, doing what the README says', () => {
    const scripts = pkg.scripts as Record<string, string>;
    const npm = commands.filter((c) => c.startsWith('npm '));
    expect(npm.length).toBeGreaterThan(3);
    for (const c of npm) {
      const script = c === 'npm ci' ? 'prepare' : c === 'npm test' ? 'test' : /^npm run (\S+)$/.exec(c)?.[1];
      expect(script, c).toBeDefined();
      expect(scripts[script!], c).toBeDefined();
    }
    // npm ci: builds dist/ and sets up husky, whose pre-commit hook scans the staged changes.
    expect(scripts.prepare).toMatch(/^node scripts\/build\.mjs && \(husky \|\| true\)$/);
    expect(readFileSync(join(ROOT, '.husky', 'pre-commit'), 'utf8')).toContain('node bin/agent-vault.mjs scan --staged');
    // npm test: type-check, build, every test; npm run build: the CLI and the Action bundle.
    expect(scripts.test).toBe('tsc --noEmit && node scripts/build.mjs && vitest run');
    // (the global setup ran scripts/build.mjs before any test)
    for (const out of ['dist/cli.mjs', 'action/dist/index.js']) expect(existsSync(join(ROOT, out)), out).toBe(true);
    expect(scripts.bench).toContain('bench/run.mjs');
  });

  it('CI runs exactly the README\'s test command on a fresh machine', () => {
    expect(commands).toContain('npm ci');
    expect(commands).toContain('npm test');
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm ci && npm test$/m);
  });
});
