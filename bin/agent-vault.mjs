#!/usr/bin/env node
// Node 22.1 and later keep V8's compiled code for the bundle between runs: every hook and
// filter start after the first skips most of the parse. Not in Node's default place (the
// system's temporary folder, shared by every user: whoever creates node-compile-cache there
// first decides what code the others' processes load), but in this user's cache folder, made
// private, and only while it stays a private folder of this user's.
import module from 'node:module';
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

if (module.enableCompileCache && !process.env.NODE_COMPILE_CACHE) {
  try {
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'agent-vault', 'node-compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    // Owner and mode where there are users and modes (POSIX); Windows' profile folders are per user.
    const own = process.getuid ? st.uid === process.getuid() && (st.mode & 0o077) === 0 : true;
    if (st.isDirectory() && own) module.enableCompileCache(dir);
  } catch {
    // No cache: only start-up time is lost.
  }
}
await import('../dist/cli.mjs');
