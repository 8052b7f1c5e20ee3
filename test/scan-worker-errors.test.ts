import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/config.js';
import { AgentVaultError } from '../src/errors.js';
import { scanInWorkers } from '../src/sources/scan-run.js';
import { REPO, removeDir, tempDir } from './helpers/cli.js';

const dir = tempDir('av-worker-');
afterAll(() => removeDir(dir));

describe('scan worker threads', () => {
  it('send back the error they hit as the error family (kind, message, hint), not as an internal error', async () => {
    writeFileSync(join(dir, 'a.txt'), 'hello\n');
    // A rule that does not compile: the worker's own ruleset build refuses it.
    const config = { ...defaultConfig(), file: 'ci.yaml', customRules: [{ id: 'broken-rule', description: 'broken', regex: '(', keywords: ['x'], severity: 'high' }] };
    const error = await scanInWorkers([{ abs: join(dir, 'a.txt'), display: 'a.txt' }], { config }, join(REPO, 'dist', 'scan-worker.mjs'), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentVaultError);
    expect((error as AgentVaultError).kind).toBe('config');
    expect((error as AgentVaultError).message).toContain('ci.yaml: rules.add.0');
  });
});
