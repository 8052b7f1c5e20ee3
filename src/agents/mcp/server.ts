import { Readable, Writable } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { agentViewConfig, buildRuleset, type AgentVaultConfig } from '../../config/config.js';
import { scanText } from '../../core/scan.js';
import { AgentVaultError } from '../../errors.js';
import { formatError, shellWord } from '../../messages.js';
import type { VaultSession } from '../../session/session.js';
import { openSkillGate } from '../../skill/attest.js';
import { verifySkills } from '../../skill/quarantine.js';
import { COMMAND_BINDING_PREFIX, commandLine, isCommandBinding } from '../../vault/bindings.js';
import { numberLines, readAgentFile, readForAgent, writeForAgent, type AgentFiles } from '../files.js';
import { parseRunKey, runWithSecrets } from '../run.js';

/**
 * `agent-vault mcp`: a stdio MCP server (the official TypeScript SDK, 1.x) whose tools do what
 * the safe commands do, through the same session seam, bindings and redaction. No tool
 * returns a value: read_file is the agent view, run_with_secrets returns the redacted output,
 * errors are the commands' own messages (which never hold one). Nothing but protocol goes to
 * stdout; nothing blocks on a person (clients time tool calls out at about 60 s).
 */

export interface McpContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A fresh session per tool call (a value set meanwhile is seen; the key is never held here). */
  openSession: () => VaultSession;
  settings: () => { config: AgentVaultConfig; root: string | undefined };
}

/** What run_with_secrets returns of each stream at most. */
export const MCP_OUTPUT_CAP = 64 * 1024;

const RULES =
  'Rules: never ask the user to paste a secret into the chat, and never try to read a secret value; values never come back from these tools. When a value is missing or a command is not allowed, tell the user the exact terminal command to run (agent-vault set KEY, agent-vault bind KEY --command \'...\').';

const TOOLS = [
  {
    name: 'list_secrets',
    description: `List the vault's keys: names, descriptions, and where each may be used (files it is bound to, commands run may start with it). Never values. ${RULES}`,
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'has_secrets',
    description: 'Check whether the vault holds these keys. Answers true/false per key, never a value.',
    inputSchema: { type: 'object', properties: { keys: { type: 'array', items: { type: 'string' }, minItems: 1 } }, required: ['keys'], additionalProperties: false },
  },
  {
    name: 'read_file',
    description: `Read a file as agent-vault read shows it: each vaulted value as <agent-vault:KEY>, other suspected secrets as <agent-vault:UNVAULTED:sha256:...> markers, lines numbered like cat -n. Use this instead of cat/head/grep on files that hold secrets. ${RULES}`,
    inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
  },
  {
    name: 'write_file',
    description:
      'Write a file (as agent-vault write): <agent-vault:KEY> placeholders become the real values on disk, but only in files the key is bound to; UNVAULTED markers become the bytes they hid in the file as it is now. Refused (nothing written) for an unbound key, an unknown key or marker, or a file outside the repository.',
    inputSchema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'], additionalProperties: false },
  },
  {
    name: 'run_with_secrets',
    description: `Run a command with vault values in its environment (as agent-vault run): keys as KEY (variable KEY upper-cased, - as _) or KEY=VARIABLE, and/or an env file whose <agent-vault:KEY> placeholders are resolved. A value goes only to a command the user allowed for its key. Returns the exit code and stdout/stderr with every value shown as its placeholder (each capped at ${MCP_OUTPUT_CAP / 1024} KiB). ${RULES}`,
    inputSchema: {
      type: 'object',
      properties: {
        command: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'argv: the program and its arguments (no shell)' },
        keys: { type: 'array', items: { type: 'string' } },
        env_file: { type: 'string' },
        stdin: { type: 'string' },
      },
      required: ['command'],
      additionalProperties: false,
    },
  },
  {
    name: 'request_access',
    description: 'Ask the user for access to a key for a command or file. Never waits: returns what the user must run in their terminal.',
    inputSchema: {
      type: 'object',
      properties: { key: { type: 'string' }, command: { type: 'array', items: { type: 'string' } }, path: { type: 'string' } },
      required: ['key'],
      additionalProperties: false,
    },
  },
  {
    name: 'check_access',
    description: 'Check whether a key may now be used for a command or written to a file (after request_access). Never waits.',
    inputSchema: {
      type: 'object',
      properties: { key: { type: 'string' }, command: { type: 'array', items: { type: 'string' } }, path: { type: 'string' } },
      required: ['key'],
      additionalProperties: false,
    },
  },
  {
    name: 'scan',
    description: 'Scan files or a text for secrets. Returns findings with the secret masked (rule, file, line), never the secret.',
    inputSchema: { type: 'object', properties: { paths: { type: 'array', items: { type: 'string' } }, text: { type: 'string' } }, additionalProperties: false },
  },
  {
    name: 'verify_skills',
    description: 'Verify agent skills (SKILL.md folders): signature, content hash, key validity and revocation, and a rescan, as agent-vault skill verify.',
    inputSchema: { type: 'object', properties: { dirs: { type: 'array', items: { type: 'string' }, minItems: 1 } }, required: ['dirs'], additionalProperties: false },
  },
] as const;

type Args = Record<string, unknown>;
const strings = (v: unknown, what: string): string[] => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new AgentVaultError('usage', `${what} must be a list of strings`);
  return v as string[];
};
const string = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new AgentVaultError('usage', `${what} must be a string`);
  return v;
};

const text = (t: string, isError = false) => ({ content: [{ type: 'text' as const, text: t }], ...(isError ? { isError: true } : {}) });

/** A stream that keeps the first `cap` bytes and counts the rest. */
class Capture extends Writable {
  private chunks: Buffer[] = [];
  size = 0;
  constructor(private readonly cap: number) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    const room = this.cap - Math.min(this.size, this.cap);
    if (room > 0) this.chunks.push(chunk.subarray(0, room));
    this.size += chunk.length;
    done();
  }
  text(): string {
    const t = Buffer.concat(this.chunks).toString('utf8');
    return this.size > this.cap ? `${t}\n[agent-vault: output cut at ${this.cap} bytes of ${this.size}]` : t;
  }
}

export async function callTool(ctx: McpContext, name: string, args: Args): Promise<ReturnType<typeof text>> {
  const session = ctx.openSession();
  const files: AgentFiles = { cwd: ctx.cwd, session, settings: () => ctx.settings() };
  try {
    switch (name) {
      case 'list_secrets': {
        const metas = await session.list();
        const keys = metas.map((m) => ({
          key: m.key,
          description: m.description,
          files: m.bindings.filter((b) => !isCommandBinding(b)),
          commands: m.bindings.filter(isCommandBinding).map((b) => b.slice(COMMAND_BINDING_PREFIX.length)),
          internal: m.internal,
        }));
        return text(JSON.stringify({ keys }, null, 2));
      }
      case 'has_secrets': {
        const keys = strings(args.keys, 'keys');
        const has = await session.has(keys);
        return text(JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, has[i]]))));
      }
      case 'read_file': {
        const view = await readForAgent(files, string(args.path, 'path'));
        return text(numberLines(view.view).toString('utf8'));
      }
      case 'write_file': {
        const path = string(args.path, 'path');
        const { restored } = await writeForAgent(files, path, Buffer.from(string(args.content, 'content'), 'utf8'));
        return text(`written: ${path} (${restored} ${restored === 1 ? 'placeholder' : 'placeholders'} restored)`);
      }
      case 'run_with_secrets': {
        const argv = strings(args.command, 'command');
        const keys = args.keys === undefined ? [] : strings(args.keys, 'keys').map(parseRunKey);
        const stdout = new Capture(MCP_OUTPUT_CAP);
        const stderr = new Capture(MCP_OUTPUT_CAP);
        const stdin = Readable.from(args.stdin === undefined ? [] : [Buffer.from(string(args.stdin, 'stdin'), 'utf8')]);
        const r = await runWithSecrets(session, {
          argv,
          keys,
          ...(args.env_file !== undefined ? { envFile: string(args.env_file, 'env_file') } : {}),
          cwd: ctx.cwd,
          env: ctx.env,
          stdin,
          stdout,
          stderr,
          settings: () => ctx.settings(),
          pty: false,
        });
        return text(JSON.stringify({ exit_code: r.status, ...(r.signal ? { signal: r.signal } : {}), stdout: stdout.text(), stderr: stderr.text() }, null, 2));
      }
      case 'request_access':
      case 'check_access': {
        const key = string(args.key, 'key');
        const argv = args.command === undefined ? undefined : strings(args.command, 'command');
        const path = args.path === undefined ? undefined : string(args.path, 'path');
        const allowed = argv ? await allowedFor(session, key, argv, ctx.cwd) : undefined;
        const how = argv ? `agent-vault bind ${key} --command ${shellWord(commandLine(argv))}` : `agent-vault bind ${key} ${path ? shellWord(path) : 'FILE'}`;
        if (allowed) return text(JSON.stringify({ status: 'allowed', key }));
        return text(
          JSON.stringify({
            status: 'pending',
            key,
            how_the_user_approves: `Ask the user to run in their own terminal: ${how}. Then call check_access again (do not wait in this call).`,
          }),
        );
      }
      case 'scan': {
        const { config } = ctx.settings();
        const ruleset = buildRuleset(agentViewConfig(config));
        const inputs: { path: string; text: string }[] = [];
        if (typeof args.text === 'string') inputs.push({ path: '<text>', text: args.text });
        for (const p of args.paths === undefined ? [] : strings(args.paths, 'paths')) inputs.push({ path: p, text: readAgentFile({ cwd: ctx.cwd, session }, p).toString('latin1') });
        const findings = inputs.flatMap((i) => scanText(i.text, { path: i.path }, ruleset).map((f) => ({ rule: f.ruleId, description: f.description, path: f.path, line: f.line, column: f.column, secret: f.masked })));
        // Vaulted values in the text or files count too (by key, never by value).
        for (const i of inputs) {
          for (const v of await session.findValues(Buffer.from(i.text, 'latin1'))) findings.push({ rule: 'vaulted-value', description: `the value of ${v.key} (${v.encoding})`, path: i.path, line: 0, column: 0, secret: `<agent-vault:${v.key}>` });
        }
        return text(JSON.stringify({ findings }, null, 2));
      }
      case 'verify_skills': {
        const { config, root } = ctx.settings();
        const results = verifySkills(openSkillGate(root ?? ctx.cwd, config, ctx.env), strings(args.dirs, 'dirs'), ctx.cwd);
        return text(JSON.stringify({ skills: results.map((r) => ({ dir: r.dir, ok: r.ok, code: r.code ?? null, message: r.message })) }, null, 2), results.some((r) => !r.ok));
      }
      default:
        return text(`unknown tool: ${name}`, true);
    }
  } catch (e) {
    // The commands' own error text (message and hint): written never to hold a value.
    return text(formatError(e).trim(), true);
  } finally {
    await session.close();
  }
}

/** Whether the session would hand `key` to this command (asks with a harmless probe that never starts anything). */
async function allowedFor(session: VaultSession, key: string, argv: string[], cwd: string): Promise<boolean> {
  try {
    const v = await session.valueFor(key, { kind: 'command', argv, cwd });
    v?.fill(0);
    return v !== undefined;
  } catch {
    return false;
  }
}

export async function startMcpServer(ctx: McpContext, version: string): Promise<void> {
  const server = new Server({ name: 'agent-vault', version }, { capabilities: { tools: {} }, instructions: RULES });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS.map((t) => ({ ...t })) as never }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => callTool(ctx, req.params.name, (req.params.arguments ?? {}) as Args));
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(new StdioServerTransport());
  await closed;
}
