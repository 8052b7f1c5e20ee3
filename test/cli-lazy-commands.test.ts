/**
 * The CLI loads only the command module a command line needs (src/cli/commands/index.ts): a
 * hook, a filter process or a scan starts without parsing the skill analysis, the team vault's
 * age library, the MCP server or `run`. These tests hold the table of command names to modules
 * to what the modules really register, and show with the built CLI which code a start loads.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS, commandsFor, type RegisterCommand } from '../src/cli/commands/index.js';
import type { CliContext } from '../src/cli/context.js';
import { BIN, gitOk, newRepo, sandbox, writeFiles } from './helpers/sandbox.js';

const program = (registers: readonly RegisterCommand[]) => {
  const p = new Command('agent-vault').enablePositionalOptions();
  for (const register of registers) register(p, {} as CliContext);
  return p;
};

/** A command's whole shape: options, arguments and subcommands, recursively. */
const shape = (c: Command): unknown => ({
  name: c.name(),
  options: c.options.map((o) => o.flags).sort(),
  args: c.registeredArguments.map((a) => a.name()),
  commands: c.commands.map(shape),
});

describe('the command table', () => {
  it('names exactly what each module registers, and every command once', async () => {
    const all = program(await Promise.all(COMMAND_GROUPS.map((g) => g.load())));
    const everyName = all.commands.map((c) => c.name()).sort();
    for (const group of COMMAND_GROUPS) {
      const alone = program([await group.load()]);
      expect(alone.commands.map((c) => c.name()).sort(), `module registering ${group.names.join(', ')}`).toEqual([...group.names].sort());
    }
    expect(COMMAND_GROUPS.flatMap((g) => g.names).sort()).toEqual(everyName);
  });

  it('gives each command, loaded alone, the same options and subcommands as the full program', async () => {
    const all = program(await Promise.all(COMMAND_GROUPS.map((g) => g.load())));
    for (const c of all.commands) {
      const alone = program(await commandsFor([c.name(), '--help']));
      const same = alone.commands.find((x) => x.name() === c.name());
      expect(same, c.name()).toBeDefined();
      expect(shape(same!), c.name()).toEqual(shape(c));
    }
  });

  it('loads every module for help and unknown commands, and none for --version', async () => {
    for (const argv of [[], ['--help'], ['help', 'scan'], ['scna'], ['-V', '--help']]) expect((await commandsFor(argv)).length, argv.join(' ')).toBe(COMMAND_GROUPS.length);
    expect(await commandsFor(['--version'])).toEqual([]);
    expect(await commandsFor(['scan', '--staged'])).toHaveLength(1);
  });
});

// What the built CLI loads: a module hook (node:module register) records every file URL.
const RECORDER = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.AV_LOADED_LOG, url + '\\\\n');
  return next(url, context);
}\`));
`;

/** Code that must not load on a gate's path, by the source path comment esbuild writes before it. */
const HEAVY: Record<string, string> = {
  'the age library (team vaults)': '// node_modules/age-encryption/',
  'the skill analysis': '// src/skill/analysis/',
  'the MCP SDK': '// node_modules/@modelcontextprotocol/',
  '`run`': '// src/agents/run.ts',
  'the skill registry': '// src/registry/',
};

function loadedBy(args: string[], cwd: string, env: NodeJS.ProcessEnv): { status: number | null; code: string } {
  const log = join(cwd, '..', `loaded-${args[0]}.log`);
  const recorder = join(cwd, '..', 'recorder.mjs');
  writeFileSync(recorder, RECORDER);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', recorder, BIN, ...args], { cwd, env: { ...env, AV_LOADED_LOG: log }, input: '' });
  const files = readFileSync(log, 'utf8').split('\n').filter((u) => u.includes('/dist/'));
  return { status: r.status, code: files.map((u) => readFileSync(fileURLToPath(u), 'utf8')).join('\n') };
}

describe('what a start loads (built CLI)', () => {
  it('scan --staged and the pre-commit hook load none of the heavy parts; skill scan loads its analysis', () => {
    const sb = sandbox();
    const repo = newRepo(sb);
    writeFiles(repo, { 'src/a.ts': 'export const a = 1;\n', 'skills/x/SKILL.md': '---\nname: x\ndescription: A skill.\n---\nHello.\n' });
    gitOk(sb, repo, ['add', 'src/a.ts']);
    for (const args of [['scan', '--staged', '--no-progress'], ['hook', 'pre-commit']]) {
      const { status, code } = loadedBy(args, repo, sb.env);
      expect(status, args.join(' ')).toBe(0);
      for (const [part, marker] of Object.entries(HEAVY)) expect(code.includes(marker), `${args.join(' ')} loaded ${part}`).toBe(false);
    }
    // The recorder sees what a command does load: the skill command parses the analysis.
    const skill = loadedBy(['skill', 'scan', 'skills/x'], repo, sb.env);
    expect(skill.code.includes(HEAVY['the skill analysis']!)).toBe(true);
  });
});
