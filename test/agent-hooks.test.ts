import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { BIN } from './helpers/cli.js';
import { bindKeys } from './helpers/vault.js';

/**
 * Issue 14, the guard hooks: each client's documented hook input (fixtures in
 * test/fixtures/agent-hooks/<client>/, each naming its documentation page) fed to the real
 * `agent-vault guard` process, and the decisions and rewritten outputs checked in that
 * client's wire format; install/uninstall merge into existing settings and remove exactly
 * what they added; a hook that cannot run blocks (exit 2) instead of letting the tool run.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'agent-hooks');
const VALUE = `hookval-${randomBytes(18).toString('base64url')}`;
const BOUND = `boundval-${randomBytes(18).toString('base64url')}`;

function leaks(text: string): string[] {
  const hits: string[] = [];
  for (const v of [VALUE, BOUND]) for (let i = 0; i + 12 <= v.length; i++) if (text.includes(v.slice(i, i + 12))) hits.push(`${v.slice(0, 4)}@${i}`);
  return hits;
}

/** A fixture with {{NAME}} replaced inside its strings (JSON-safe). */
function fixture(client: string, name: string, vars: Record<string, string>): string {
  const data = JSON.parse(readFileSync(join(FIXTURES, client, `${name}.json`), 'utf8')) as unknown;
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\{\{([A-Z]+)\}\}/g, (_, k: string) => vars[k] ?? `{{${k}}}`);
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return JSON.stringify(fill(data));
}

describe('agent-vault guard (hook runtime)', () => {
  let w: AgentWorld;
  const guard = async (client: string, input: string) => {
    const r = await w.agent(['guard', '--client', client], input);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    return { ...r, json: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, any>) : undefined };
  };
  const claudeBash = (command: string) => guard('claude', fixture('claude', 'PreToolUse-Bash', { REPO: w.repo, COMMAND: command }));

  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE);
    await personSets(w, 'api-key', BOUND);
    // A protected file (filter=agent-vault) and a bound file, both holding restored values.
    writeFileSync(join(w.repo, '.gitattributes'), 'secrets.env filter=agent-vault\n');
    writeFileSync(join(w.repo, 'secrets.env'), `DB_PASSWORD=${VALUE}\n`);
    writeFileSync(join(w.repo, 'config.yaml'), `api: ${BOUND}\n`);
    writeFileSync(join(w.repo, 'README.md'), '# hello\n');
    bindKeys(w.vault, { 'api-key': [join(w.repo, 'config.yaml')] });
  }, 120_000);

  it('Claude Code PreToolUse/Bash: denies raw reads of protected and bound files and the vault home, naming the safe command', async () => {
    for (const command of ['cat secrets.env', 'head -5 config.yaml', 'grep DB < secrets.env', 'sudo -n cat ./secrets.env', 'ls && tail -f config.yaml', 'xxd secrets.env | head', `cp secrets.env /tmp/x`, 'echo "$(cat secrets.env)"']) {
      const r = await claudeBash(command);
      expect(r.code, command).toBe(0);
      expect(r.json?.hookSpecificOutput, command).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'deny' });
      expect(r.json!.hookSpecificOutput.permissionDecisionReason, command).toMatch(/agent-vault read (secrets\.env|config\.yaml)/);
    }
    for (const command of ['cat ~/.agent-vault/vault.key', 'ls $HOME/.agent-vault', `python3 -c "print(open('${join(w.vault, 'vault.json')}').read())"`, 'cp -r "$AGENT_VAULT_HOME" /tmp/v']) {
      const r = await claudeBash(command);
      expect(r.json?.hookSpecificOutput?.permissionDecision, command).toBe('deny');
      expect(r.json!.hookSpecificOutput.permissionDecisionReason).toContain('vault home');
    }
    const smudge = await claudeBash('git cat-file --filters HEAD:secrets.env');
    expect(smudge.json?.hookSpecificOutput?.permissionDecision).toBe('deny');
    // Ordinary commands pass without an answer (the normal permission flow decides).
    for (const command of ['ls -la', 'cat README.md', 'git status', 'agent-vault read secrets.env', 'npm test']) {
      const r = await claudeBash(command);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toBe('');
    }
  }, 180_000);

  it('Claude Code PreToolUse/Read and Edit: protected files, the vault home and the hook settings', async () => {
    const read = async (path: string) => guard('claude', fixture('claude', 'PreToolUse-Read', { REPO: w.repo, PATH: path }));
    expect((await read(join(w.repo, 'secrets.env'))).json?.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect((await read(join(w.vault, 'vault.key'))).json?.hookSpecificOutput?.permissionDecisionReason).toContain('vault home');
    expect((await read(join(w.repo, 'README.md'))).stdout).toBe('');
    const edit = async (tool: string, path: string) => guard('claude', fixture('claude', 'PreToolUse-Edit', { REPO: w.repo, PATH: path, TOOL: tool }));
    const e = await edit('Edit', join(w.repo, 'config.yaml'));
    expect(e.json?.hookSpecificOutput?.permissionDecisionReason).toContain('agent-vault write config.yaml');
    const s = await edit('Write', join(w.repo, '.claude', 'settings.json'));
    expect(s.json?.hookSpecificOutput?.permissionDecisionReason).toContain('agent-hooks');
    const rm = await claudeBash('rm .claude/settings.json');
    expect(rm.json?.hookSpecificOutput?.permissionDecisionReason).toContain('agent-hooks');
    const redirect = await claudeBash('echo {} > .claude/settings.json');
    expect(redirect.json?.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect((await edit('Write', join(w.repo, 'README.md'))).stdout).toBe('');
  }, 180_000);

  it('Claude Code PostToolUse: replaces a tool output holding values (raw or encoded) with the agent view', async () => {
    const stdout = `DB: ${VALUE}\nB64: ${Buffer.from(VALUE).toString('base64')}\nAPI: ${BOUND}\n`;
    const r = await guard('claude', fixture('claude', 'PostToolUse-Bash', { REPO: w.repo, STDOUT: stdout }));
    expect(r.json?.hookSpecificOutput?.hookEventName).toBe('PostToolUse');
    const out = r.json!.hookSpecificOutput.updatedToolOutput;
    expect(out.stdout).toMatch(/^DB: <agent-vault:db-password>\nB64: <agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>[A-Za-z0-9+/=]{0,3}\nAPI: <agent-vault:api-key>\n$/);
    expect(out).toMatchObject({ stderr: '', interrupted: false, isImage: false });
    const clean = await guard('claude', fixture('claude', 'PostToolUse-Bash', { REPO: w.repo, STDOUT: 'all good\n' }));
    expect(clean.stdout).toBe('');
  }, 180_000);

  it('Claude Code UserPromptSubmit: blocks a prompt holding a vaulted value or a recognised token, telling the person to use set', async () => {
    const token = 'ghp_' + randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36);
    for (const prompt of [`use ${VALUE} for the db`, `my token is ${token}`]) {
      const r = await guard('claude', fixture('claude', 'UserPromptSubmit', { REPO: w.repo, PROMPT: prompt }));
      expect(r.json).toMatchObject({ decision: 'block' });
      expect(r.json!.reason).toContain('agent-vault set');
      expect(r.stdout).not.toContain(token.slice(4, 16));
    }
    expect((await guard('claude', fixture('claude', 'UserPromptSubmit', { REPO: w.repo, PROMPT: 'fix the failing test' }))).stdout).toBe('');
  }, 180_000);

  it('Cursor: beforeShellExecution, beforeReadFile and beforeSubmitPrompt answers', async () => {
    const shell = await guard('cursor', fixture('cursor', 'beforeShellExecution', { REPO: w.repo, COMMAND: 'cat secrets.env' }));
    expect(shell.json).toEqual({ permission: 'deny', user_message: expect.stringContaining('agent-vault read secrets.env'), agent_message: expect.stringContaining('agent-vault read secrets.env') });
    expect((await guard('cursor', fixture('cursor', 'beforeShellExecution', { REPO: w.repo, COMMAND: 'npm test' }))).json).toEqual({ permission: 'allow' });
    expect((await guard('cursor', fixture('cursor', 'beforeReadFile', { REPO: w.repo, PATH: join(w.repo, 'config.yaml') }))).json).toEqual({ permission: 'deny' });
    expect((await guard('cursor', fixture('cursor', 'beforeReadFile', { REPO: w.repo, PATH: join(w.repo, 'README.md') }))).json).toEqual({ permission: 'allow' });
    const prompt = await guard('cursor', fixture('cursor', 'beforeSubmitPrompt', { REPO: w.repo, PROMPT: `password ${VALUE}` }));
    expect(prompt.json).toEqual({ continue: false, user_message: expect.stringContaining('agent-vault set') });
    expect((await guard('cursor', fixture('cursor', 'beforeSubmitPrompt', { REPO: w.repo, PROMPT: 'hello' }))).json).toEqual({ continue: true });
  }, 180_000);

  it('Codex: only documented fields (PreToolUse deny, apply_patch on the hooks, PostToolUse block, UserPromptSubmit block)', async () => {
    const pre = await guard('codex', fixture('codex', 'PreToolUse-Bash', { REPO: w.repo, COMMAND: 'cat secrets.env' }));
    expect(Object.keys(pre.json!)).toEqual(['hookSpecificOutput']);
    expect(Object.keys(pre.json!.hookSpecificOutput).sort()).toEqual(['hookEventName', 'permissionDecision', 'permissionDecisionReason']);
    expect(pre.json!.hookSpecificOutput.permissionDecision).toBe('deny');
    expect((await guard('codex', fixture('codex', 'PreToolUse-Bash', { REPO: w.repo, COMMAND: 'ls' }))).stdout).toBe('');
    const patch = await guard('codex', fixture('codex', 'PreToolUse-apply_patch', { REPO: w.repo, PATH: '.codex/hooks.json' }));
    expect(patch.json?.hookSpecificOutput?.permissionDecision).toBe('deny');
    const post = await guard('codex', fixture('codex', 'PostToolUse-Bash', { REPO: w.repo, STDOUT: `x=${VALUE}\n` }));
    expect(Object.keys(post.json!).sort()).toEqual(['decision', 'reason']);
    expect(post.json!.decision).toBe('block');
    const prompt = await guard('codex', fixture('codex', 'UserPromptSubmit', { REPO: w.repo, PROMPT: `key ${BOUND}` }));
    expect(Object.keys(prompt.json!).sort()).toEqual(['decision', 'reason']);
  }, 180_000);

  it('fails closed: bad input blocks (Claude/Codex exit 2, Cursor deny)', async () => {
    const claude = await w.agent(['guard', '--client', 'claude'], 'not json');
    expect(claude.code).toBe(2);
    expect(claude.stderr).toContain('agent-vault doctor');
    const cursor = await w.agent(['guard', '--client', 'cursor'], '{');
    expect(JSON.parse(cursor.stdout)).toMatchObject({ permission: 'deny' });
  }, 180_000);
});

describe('agent-vault agent-hooks install / uninstall / status', () => {
  let w: AgentWorld;
  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE);
    writeFileSync(join(w.repo, '.gitattributes'), 'secrets.env filter=agent-vault\n');
    writeFileSync(join(w.repo, 'secrets.env'), `DB_PASSWORD=${VALUE}\n`);
  }, 120_000);

  it('merges into existing Claude settings, keeps other hooks, is idempotent, and uninstall restores the file exactly', async () => {
    const path = join(w.repo, '.claude', 'settings.json');
    mkdirSync(dirname(path), { recursive: true });
    const original = { permissions: { allow: ['Bash(npm test)'] }, hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo mine' }] }], Stop: [{ hooks: [{ type: 'command', command: 'echo stop' }] }] } };
    writeFileSync(path, JSON.stringify(original, null, 2));
    expect((await w.agent(['agent-hooks', 'install', '--claude'])).code).toBe(0);
    expect((await w.agent(['agent-hooks', 'install', '--claude'])).code).toBe(0);
    const installed = JSON.parse(readFileSync(path, 'utf8'));
    expect(installed.permissions).toEqual(original.permissions);
    expect(installed.hooks.Stop).toEqual(original.hooks.Stop);
    expect(installed.hooks.PreToolUse).toHaveLength(2);
    expect(installed.hooks.PreToolUse[0]).toEqual(original.hooks.PreToolUse[0]);
    expect(installed.hooks.PostToolUse).toHaveLength(1);
    const status = await w.agent(['agent-hooks', 'status', '--claude']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('✓ claude: PreToolUse, PostToolUse, UserPromptSubmit');
    // The installed command, run as Claude Code runs it (sh -c, event JSON on stdin), denies.
    const command = installed.hooks.PreToolUse[1].hooks[0].command as string;
    const input = fixture('claude', 'PreToolUse-Bash', { REPO: w.repo, COMMAND: 'cat secrets.env' });
    const ran = spawnSync('sh', ['-c', command], { cwd: w.repo, env: w.env, input });
    expect(ran.status).toBe(0);
    expect(JSON.parse(ran.stdout.toString()).hookSpecificOutput.permissionDecision).toBe('deny');
    // Any failure of agent-vault (here: the program gone) becomes exit 2, which blocks.
    const broken = spawnSync('sh', ['-c', command.replace(BIN, '/nonexistent/agent-vault.mjs')], { cwd: w.repo, env: w.env, input });
    expect(broken.status).toBe(2);
    expect(broken.stderr.toString()).toContain('blocked to stay safe');
    // An agent cannot remove the guard; the person can, and gets the file back as it was.
    const agentTry = await w.agent(['agent-hooks', 'uninstall', '--claude']);
    expect(agentTry.code).toBe(1);
    const person = await w.person('agent-hooks uninstall --claude');
    expect(person.code, person.screen).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(original);
  }, 180_000);

  it('creates Cursor and Codex files with fail-closed entries, and uninstall removes files that held only ours', async () => {
    expect((await w.agent(['agent-hooks', 'install', '--cursor', '--codex'])).code).toBe(0);
    const cursor = JSON.parse(readFileSync(join(w.repo, '.cursor', 'hooks.json'), 'utf8'));
    expect(cursor.version).toBe(1);
    for (const e of ['beforeShellExecution', 'beforeReadFile', 'beforeSubmitPrompt']) expect(cursor.hooks[e][0]).toMatchObject({ failClosed: true });
    const codex = JSON.parse(readFileSync(join(w.repo, '.codex', 'hooks.json'), 'utf8'));
    expect(codex.hooks.PreToolUse[0].matcher).toBe('Bash|apply_patch');
    // Cursor runs the command with the event on stdin: a deny for a raw read.
    const input = fixture('cursor', 'beforeShellExecution', { REPO: w.repo, COMMAND: 'less secrets.env' });
    const ran = spawnSync('sh', ['-c', cursor.hooks.beforeShellExecution[0].command], { cwd: w.repo, env: w.env, input });
    expect(JSON.parse(ran.stdout.toString()).permission).toBe('deny');
    const person = await w.person('agent-hooks uninstall --cursor --codex');
    expect(person.code, person.screen).toBe(0);
    expect(existsSync(join(w.repo, '.cursor', 'hooks.json'))).toBe(false);
    expect(existsSync(join(w.repo, '.codex', 'hooks.json'))).toBe(false);
    const status = await w.agent(['agent-hooks', 'status', '--cursor']);
    expect(status.code).toBe(1);
  }, 180_000);

  it('the README lines: install --claude --cursor --codex at once, status of all three, uninstall --claude leaves the others', async () => {
    const claude = join(w.repo, '.claude', 'settings.json');
    mkdirSync(dirname(claude), { recursive: true });
    const before = JSON.stringify({ permissions: { allow: ['Bash(npm test)'] } }, null, 2);
    writeFileSync(claude, before);
    expect((await w.agent(['agent-hooks', 'install', '--claude', '--cursor', '--codex'])).code).toBe(0);
    for (const f of [claude, join(w.repo, '.cursor', 'hooks.json'), join(w.repo, '.codex', 'hooks.json')]) expect(readFileSync(f, 'utf8')).toMatch(/guard'? '?--client/);
    const status = await w.agent(['agent-hooks', 'status']);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    for (const client of ['claude', 'cursor', 'codex']) expect(status.stdout).toMatch(new RegExp(`✓ ${client}:`));
    const person = await w.person('agent-hooks uninstall --claude');
    expect(person.code, person.screen).toBe(0);
    expect(JSON.parse(readFileSync(claude, 'utf8'))).toEqual(JSON.parse(before));
    expect((await w.agent(['agent-hooks', 'status', '--cursor', '--codex'])).code).toBe(0);
    expect((await w.agent(['agent-hooks', 'status', '--claude'])).code).toBe(1);
    expect((await w.person('agent-hooks uninstall --cursor --codex')).code).toBe(0);
  }, 180_000);

  it('doctor runs each installed hook once and reports one that would fail open', async () => {
    expect((await w.agent(['agent-hooks', 'install', '--claude'])).code).toBe(0);
    const good = await w.agent(['doctor']);
    expect(good.stdout).toContain('✓ claude guard hook: blocks a read of the vault home');
    const path = join(w.repo, '.claude', 'settings.json');
    const settings = JSON.parse(readFileSync(path, 'utf8'));
    // A hook edited to always allow (what an agent that removed the guard would leave).
    settings.hooks.PreToolUse[0].hooks[0].command = 'true # agent-vault-guard';
    writeFileSync(path, JSON.stringify(settings));
    const bad = await w.agent(['doctor']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✗ claude guard hook: would fail open');
    expect(leaks(good.stdout + good.stderr + bad.stdout + bad.stderr)).toEqual([]);
  }, 180_000);
});
