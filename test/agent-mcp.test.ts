import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { commandBinding } from '../src/vault/bindings.js';
import { openVault } from '../src/vault/index.js';
import { listAudit } from '../src/audit/query.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { BIN } from './helpers/cli.js';
import { bindKeys } from './helpers/vault.js';

/**
 * Issue 14, `agent-vault mcp`: the SDK's own client over a real stdio child. Every tool is
 * called; no tool result and no stderr line holds a value (every value and every 12-byte
 * window grepped); errors come back as tool errors with the commands' wording.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const VALUE = `mcpval-${randomBytes(18).toString('base64url')}`;
const OTHER = `mcpother-${randomBytes(18).toString('base64url')}`;

function leaks(text: string): string[] {
  const hits: string[] = [];
  for (const v of [VALUE, OTHER]) for (let i = 0; i + 12 <= v.length; i++) if (text.includes(v.slice(i, i + 12))) hits.push(`${v.slice(0, 4)}@${i}`);
  return hits;
}

describe('agent-vault mcp (stdio, the SDK client)', () => {
  let w: AgentWorld;
  let client: Client;
  let stderr = '';
  const seen: string[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const r = (await client.callTool({ name, arguments: args })) as { content: { type: string; text: string }[]; isError?: boolean };
    const t = r.content.map((c) => c.text).join('\n');
    seen.push(t);
    return { text: t, isError: !!r.isError, json: () => JSON.parse(t) as any };
  };

  const auditRuns = () => listAudit(w.vault, { event: 'run' }).map((e) => ({ keys: e.keys ?? [], destination: e.destination ?? '', outcome: e.outcome ?? '' }));

  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE);
    await personSets(w, 'other-secret', OTHER);
    writeFileSync(join(w.repo, 'child.cjs'), "process.stdout.write('migrating with ' + process.env.DB_PASSWORD + '\\n'); process.stderr.write('warn ' + Buffer.from(process.env.DB_PASSWORD).toString('base64') + '\\n'); process.exit(3);");
    writeFileSync(join(w.repo, 'config.yaml'), `db: ${VALUE}\nother: ${OTHER}\n`);
    const v = openVault(w.vault);
    v.bind('db-password', [commandBinding('node child.cjs')]);
    bindKeys(w.vault, { 'db-password': [join(w.repo, 'out.yaml')] });
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: w.repo, env: w.env as Record<string, string>, stderr: 'pipe' });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: 'agent-vault-test', version: '1.0.0' });
    await client.connect(transport);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    // Every tool result and the server's stderr, grepped for every value and 12-byte window.
    expect(leaks(seen.join('\n') + stderr)).toEqual([]);
  });

  it('lists the tools, each teaching the rules where values are involved', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['check_access', 'has_secrets', 'list_secrets', 'read_file', 'request_access', 'run_with_secrets', 'scan', 'verify_skills', 'write_file']);
    expect(tools.find((t) => t.name === 'read_file')!.description).toContain('never ask the user to paste a secret');
  });

  it('list_secrets and has_secrets: names and bindings, never values', async () => {
    const list = (await call('list_secrets')).json();
    const db = list.keys.find((k: any) => k.key === 'db-password');
    expect(db.commands).toEqual(['node child.cjs']);
    expect(db.files).toEqual([join(w.repo, 'out.yaml')]);
    expect((await call('has_secrets', { keys: ['db-password', 'nope'] })).json()).toEqual({ 'db-password': true, nope: false });
  });

  it('read_file is the agent view; write_file restores only where bound', async () => {
    const r = await call('read_file', { path: 'config.yaml' });
    expect(r.text).toBe('     1\tdb: <agent-vault:db-password>\n     2\tother: <agent-vault:other-secret>\n');
    const ok = await call('write_file', { path: 'out.yaml', content: 'db: <agent-vault:db-password>\n' });
    expect(ok.isError).toBe(false);
    expect(readFileSync(join(w.repo, 'out.yaml'), 'utf8')).toBe(`db: ${VALUE}\n`);
    const refused = await call('write_file', { path: 'exfil.sh', content: 'echo <agent-vault:db-password>\n' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('agent-vault bind db-password');
    const home = await call('read_file', { path: join(w.vault, 'vault.json') });
    expect(home.isError).toBe(true);
  });

  it('run_with_secrets: the child gets the value, the agent sees the placeholder and the exit code', async () => {
    const r = await call('run_with_secrets', { command: ['node', 'child.cjs'], keys: ['db-password'] });
    expect(r.isError).toBe(false);
    const out = r.json();
    expect(out.exit_code).toBe(3);
    expect(out.stdout).toBe('migrating with <agent-vault:db-password>\n');
    expect(out.stderr).toMatch(/^warn <agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>/);
    // The audit log holds the run the tool made.
    const audit = auditRuns();
    expect(audit.some((e) => e.keys.includes('db-password') && e.destination.includes('child.cjs') && e.outcome === 'allowed')).toBe(true);
    const refused = await call('run_with_secrets', { command: ['node', '-e', 'console.log(process.env.OTHER_SECRET)'], keys: ['other-secret'] });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('agent-vault bind other-secret --command');
  });

  it('request_access / check_access never wait: pending with the terminal command, then allowed', async () => {
    const pending = (await call('request_access', { key: 'other-secret', command: ['node', 'child.cjs'] })).json();
    expect(pending.status).toBe('pending');
    expect(pending.how_the_user_approves).toContain("agent-vault bind other-secret --command 'node child.cjs'");
    expect((await call('check_access', { key: 'db-password', command: ['node', 'child.cjs'] })).json().status).toBe('allowed');
  });

  it('scan: masked findings for text and files (vaulted values by key)', async () => {
    const token = 'ghp_' + randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36);
    const r = (await call('scan', { text: `token = ${token}\n`, paths: ['config.yaml'] })).json();
    expect(r.findings.some((f: any) => f.path === '<text>' && f.secret.endsWith('********'))).toBe(true);
    expect(r.findings.some((f: any) => f.rule === 'vaulted-value' && f.secret === '<agent-vault:db-password>')).toBe(true);
    expect(JSON.stringify(r)).not.toContain(token.slice(4, 20));
  });

  it('verify_skills: a tool error for an unsigned skill, with its code', async () => {
    const dir = join(w.repo, 'skills', 'demo');
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'SKILL.md'), '---\nname: demo\ndescription: a demo skill\n---\nHello.\n');
    const r = await call('verify_skills', { dirs: [dir] });
    expect(r.isError).toBe(true);
    expect(r.json().skills[0].ok).toBe(false);
  });

  it('unknown tools and bad arguments are tool errors, and the server keeps serving', async () => {
    expect((await call('get_secret', { key: 'db-password' })).isError).toBe(true);
    expect((await call('has_secrets', { keys: 'db-password' })).isError).toBe(true);
    expect((await call('has_secrets', { keys: ['db-password'] })).json()).toEqual({ 'db-password': true });
  });
});
