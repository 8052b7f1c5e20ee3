#!/usr/bin/env node
// Node 22.1 and later keep V8's compiled code for the bundle between runs (in the system's
// temporary folder): every hook and filter start after the first skips most of the parse.
import module from 'node:module';
module.enableCompileCache?.();
await import('../dist/cli.mjs');
