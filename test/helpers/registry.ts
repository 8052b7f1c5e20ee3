/**
 * The skill registry's test fixtures: a publisher (a repository with signing keys made in a
 * terminal and a skill), a registry folder, a consumer (another repository, another HOME and
 * vault home, trusting the publisher's keyring), and a real `skill serve` child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { cli, cliInTerminal, type Run } from './cli.js';
import { BIN, gitOk, sandbox, writeFiles, type Sandbox } from './sandbox.js';
import { skillMd } from './skill-env.js';

export interface Publisher {
  sb: Sandbox;
  repo: string;
  registry: string;
  /** Run in a terminal; throws unless it exits 0. */
  tty(args: string[]): Run;
}

export function inTerminal(sb: Sandbox, cwd: string, args: string[]): Run {
  const r = cliInTerminal(sb, cwd, args);
  if (r.code !== 0) throw new Error(`agent-vault ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r;
}

let base: Sandbox | undefined;

/** A publisher with key team-key and the skill `fmt` (SKILL.md, an executable script, a doc); built once per file, copied per call. */
export function publisher(): Publisher {
  if (!base) {
    base = sandbox({ lifetime: 'file' });
    const dir = join(base.dir, 'pub');
    writeFiles(dir, {
      'skills/fmt/SKILL.md': skillMd('fmt', 'Formats the changed files with the project formatter.', '\n# Formatter\n\nRun `scripts/run.sh` on the changed files.\n', 'allowed-tools: Read, Bash(npx prettier:*)\n'),
      'skills/fmt/scripts/run.sh': '#!/bin/sh\nnpx prettier --write "$@"\n',
      'skills/fmt/docs/usage.md': 'Usage notes.\n',
    });
    chmodSync(join(dir, 'skills/fmt/scripts/run.sh'), 0o755);
    gitOk(base, dir, ['init', '-q']);
    inTerminal(base, dir, ['skill', 'keygen', '--kid', 'team-key']);
  }
  const sb = sandbox({ from: base });
  const repo = join(sb.dir, 'pub');
  const registry = join(sb.dir, 'registry');
  return { sb, repo, registry, tty: (args) => inTerminal(sb, repo, args) };
}

export interface Consumer {
  sb: Sandbox;
  repo: string;
  run(args: string[], opts?: { input?: string }): Run;
}

/** A second repository on "another machine" that trusts the publisher's keyring (committed by a person). */
export function consumer(pub: Publisher): Consumer {
  const sb = sandbox();
  const repo = join(sb.dir, 'app');
  mkdirSync(join(repo, '.agent-vault'), { recursive: true });
  copyFileSync(join(pub.repo, '.agent-vault', 'keys.json'), join(repo, '.agent-vault', 'keys.json'));
  writeFiles(repo, { 'README.md': 'app\n' });
  gitOk(sb, repo, ['init', '-q']);
  return { sb, repo, run: (args, opts = {}) => cli(sb, repo, args, opts) };
}

export interface Served {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/** A real `agent-vault skill serve --port 0` child; stopped when the test ends. */
export function serve(sb: Sandbox, registry: string): Promise<Served> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'skill', 'serve', '--registry', registry, '--port', '0'], { cwd: sb.dir, env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const stop = () =>
      new Promise<number | null>((end) => {
        if (child.exitCode !== null) return end(child.exitCode);
        child.once('exit', (code) => end(code));
        child.kill('SIGTERM');
      });
    onTestFinished(async () => {
      await stop();
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /read-only at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) done({ url: m[1]!, child, stop });
    });
    child.on('exit', (code) => fail(new Error(`skill serve exited ${code}: ${out}${err}`)));
  });
}
