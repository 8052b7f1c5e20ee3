import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

const REPO = resolve(import.meta.dirname, '..');

/**
 * Tests run the real CLI bundle: build it once, fresh, before any test starts. Every scratch
 * folder of the run lives under one folder made here and removed when the run ends, so a run
 * leaves nothing in /tmp even when a worker dies before its own clean-up.
 */
export default function setup(project: TestProject) {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const scratchRoot = mkdtempSync(join(tmpdir(), 'av-tests-'));
  project.provide('scratchRoot', scratchRoot);
  return () => rmSync(scratchRoot, { recursive: true, force: true });
}
