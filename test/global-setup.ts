import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './helpers/cli.js';

/** Tests run the real CLI bundle: build it once, fresh, before any test starts. */
export default function setup() {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
