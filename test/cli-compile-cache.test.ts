/**
 * The launcher keeps Node's compile cache (Node 22.1 and later) in the user's own cache folder,
 * never in Node's default, the system temporary folder: that one is shared by every user, and
 * whoever creates node-compile-cache there first chooses the compiled code the others' hooks,
 * filter and session agent would load. A cache folder that is not private is not used.
 */
import { existsSync, mkdirSync, readdirSync, statSync, chmodSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { sandbox } from './helpers/sandbox.js';

const hasCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe('the compile cache', () => {
  it('is never made in the temporary folder', () => {
    const sb = sandbox();
    const tmp = join(sb.root, 'tmp-probe');
    mkdirSync(tmp);
    const r = cli(sb, sb.root, ['--version'], { env: { TMPDIR: tmp, XDG_CACHE_HOME: join(sb.root, 'cache'), NODE_COMPILE_CACHE: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it.skipIf(!hasCache)('lives in the user cache folder, private (Node 22.1 and later)', () => {
    const sb = sandbox();
    const cache = join(sb.root, 'cache');
    const r = cli(sb, sb.root, ['--version'], { env: { XDG_CACHE_HOME: cache, NODE_COMPILE_CACHE: '' } });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cache, 'agent-vault', 'node-compile-cache');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
  });

  it.skipIf(!hasCache)('is not used when its folder is open to others (Node 22.1 and later)', () => {
    const sb = sandbox();
    const cache = join(sb.root, 'cache');
    const dir = join(cache, 'agent-vault', 'node-compile-cache');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const r = cli(sb, sb.root, ['--version'], { env: { XDG_CACHE_HOME: cache, NODE_COMPILE_CACHE: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(dir) && readdirSync(dir)).toEqual([]);
  });
});
