/** Older name of the sandbox helper; see sandbox.ts. */
export { BIN as CLI, git, gitOk, newRepo, read, sandbox, write, type Run, type Sandbox } from './sandbox.js';
export { cli } from './cli.js';
