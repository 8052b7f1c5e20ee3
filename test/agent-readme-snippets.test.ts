import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, REPO } from './helpers/cli.js';

/**
 * The README's MCP configuration snippets, each checked against its client's documented
 * format, and the command they start answers MCP's initialize.
 */
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### The MCP server'), readme.indexOf('### Guard hooks'));
const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));

describe('README MCP snippets', () => {
  it('Claude Code: `claude mcp add NAME -- COMMAND ARGS` and .mcp.json `mcpServers.NAME.{command,args}`', () => {
    // https://code.claude.com/docs/en/mcp ("claude mcp add <name> -- <command> [args...]"; project scope .mcp.json with "mcpServers")
    expect(blocks.find((b) => b.lang === 'bash')!.body.trim()).toBe('claude mcp add agent-vault -- agent-vault mcp');
    const json = JSON.parse(blocks.filter((b) => b.lang === 'json')[0]!.body);
    expect(json).toEqual({ mcpServers: { 'agent-vault': { command: 'agent-vault', args: ['mcp'] } } });
  });

  it('Cursor: .cursor/mcp.json `mcpServers.NAME.{command,args}`', () => {
    // https://cursor.com/docs/context/mcp (stdio servers: "mcpServers" -> name -> command, args)
    const json = JSON.parse(blocks.filter((b) => b.lang === 'json')[1]!.body);
    expect(json).toEqual({ mcpServers: { 'agent-vault': { command: 'agent-vault', args: ['mcp'] } } });
  });

  it('Codex: ~/.codex/config.toml `[mcp_servers.NAME]` with command and args', () => {
    // https://developers.openai.com/codex/mcp ("[mcp_servers.<name>]", command = "...", args = [...])
    const toml = blocks.find((b) => b.lang === 'toml')!.body.trim().split('\n');
    expect(toml[0]).toBe('[mcp_servers.agent-vault]');
    // A minimal TOML reading of the two keys the table needs (strings and an array of strings).
    const kv = Object.fromEntries(toml.slice(1).map((l) => l.split(/\s*=\s*/, 2) as [string, string]));
    expect(JSON.parse(kv.command!)).toBe('agent-vault');
    expect(JSON.parse(kv.args!)).toEqual(['mcp']);
  });

  it('the configured command (agent-vault mcp) answers initialize over stdio', () => {
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'readme-test', version: '1' } } });
    const r = spawnSync(process.execPath, [BIN, 'mcp'], { input: init + '\n', env: { PATH: process.env.PATH, HOME: '/nonexistent-home', AGENT_VAULT_HOME: '/nonexistent-home/.agent-vault' }, timeout: 30_000 });
    const reply = JSON.parse(r.stdout.toString().split('\n')[0]!);
    expect(reply.result.serverInfo.name).toBe('agent-vault');
    expect(reply.result.capabilities.tools).toBeDefined();
  });
});

describe('the agent skill (skills/agent-vault/SKILL.md)', () => {
  it('teaches run and MCP, and passes agent-vault skill scan', () => {
    const skill = readFileSync(join(REPO, 'skills', 'agent-vault', 'SKILL.md'), 'utf8');
    expect(skill).toContain('agent-vault run --key KEY -- COMMAND');
    expect(skill).toContain('run_with_secrets');
    const r = spawnSync(process.execPath, [BIN, 'skill', 'scan', join(REPO, 'skills', 'agent-vault')], { env: { PATH: process.env.PATH, HOME: '/nonexistent-home', NO_COLOR: '1' }, timeout: 60_000 });
    expect(r.status, r.stdout.toString() + r.stderr.toString()).toBe(0);
  });
});
