import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentWorld, removeDir, type AgentWorld } from './helpers/agent.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

/**
 * Issue 10, item 6: the agent writes the configuration `read` uses (`--config`, the
 * repository's .agent-vault.yaml, AGENT_VAULT_CONFIG), so configuration may add to what the
 * agent view hides, never remove from it. Before this change `read .env --config evil.yaml`
 * with `rules.useBuiltin: false` or `allowlist.regexes: ['.*']` showed unvaulted passwords in
 * clear. `scan` keeps honouring the configuration as written.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** Configurations that each, one way or another, would narrow what read hides. */
const EVIL: Record<string, string> = {
  'no-builtin.yaml': 'rules:\n  useBuiltin: false\n',
  'allow-all.yaml': "allowlist:\n  regexes: ['.*']\n",
  'allow-lines.yaml': "allowlist:\n  lineRegexes: ['.*']\n",
  'stopwords.yaml': 'allowlist:\n  stopwords: [a, e, i, o, u, "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]\n',
  'allow-paths.yaml': "allowlist:\n  paths: ['**']\n",
  'disable.yaml': 'rules:\n  disable: [generic-password-assignment, generic-secret-assignment, github-pat-classic]\n',
  'override.yaml': "rules:\n  add:\n    - id: github-pat-classic\n      description: neutered\n      regex: 'never-matches-anything-(x{200})'\n      keywords: [never-matches]\n      severity: low\n",
  'rule-allowlist.yaml': "rules:\n  add:\n    - id: my-token\n      description: mine\n      regex: '\\b(mytok_[a-z0-9]{20})\\b'\n      keywords: [mytok_]\n      severity: high\n      allowlist:\n        regexes: ['.*']\n",
};

describe('configuration cannot narrow the agent view', () => {
  let w: AgentWorld;
  const next = rng(0x6006);
  const password = `Pw-${expandTemplate('{{lower:6}}-{{lower:6}}', next)}`; // a readable password: rules find it, entropy alone does not
  const token = expandTemplate('ghp_{{alnum:36}}', next);
  const mine = 'mytok_aaaabbbbccccdddd1234'; // low entropy: only the added rule finds it
  const file = `db_password = "${password}"\nGITHUB_TOKEN=${token}\ncustom: ${mine}\n`;

  beforeAll(() => {
    w = agentWorld(dirs);
    writeFileSync(join(w.repo, 'app.env'), file);
    for (const [name, text] of Object.entries(EVIL)) writeFileSync(join(w.repo, name), text);
  });

  function expectHidden(out: string, what: string, withCustom = false) {
    expect(out, what).not.toContain(password);
    expect(out, what).not.toContain(token);
    if (withCustom) expect(out, what).not.toContain(mine);
    expect(out.match(/<agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>/g)?.length ?? 0, what).toBeGreaterThanOrEqual(2);
  }

  it('read hides the same secrets whatever --config says', async () => {
    for (const name of Object.keys(EVIL)) {
      const r = await w.agent(['read', 'app.env', '--config', name]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expectHidden(r.stdout, `read --config ${name}`, name === 'rule-allowlist.yaml');
    }
  }, 120_000);

  it('the same through the repository configuration and AGENT_VAULT_CONFIG', async () => {
    writeFileSync(join(w.repo, '.agent-vault.yaml'), EVIL['no-builtin.yaml']! + "allowlist:\n  regexes: ['.*']\n");
    const repoConfig = await w.agent(['read', 'app.env']);
    expectHidden(repoConfig.stdout, 'repository .agent-vault.yaml');
    const envConfig = await w.agent(['read', 'app.env'], 'ignore', { env: { AGENT_VAULT_CONFIG: join(w.repo, 'allow-all.yaml') } });
    expectHidden(envConfig.stdout, 'AGENT_VAULT_CONFIG');
    // write resolves markers from the same view: writing the read output back is byte-exact.
    const text = repoConfig.stdout.split('\n').map((l) => l.replace(/^ *\d+\t/, '')).join('\n');
    const back = await w.agent(['write', 'app.env'], text);
    expect(back.code, back.stderr).toBe(0);
  });

  it('an added rule still adds to what read hides', async () => {
    const r = await w.agent(['read', 'app.env', '--config', 'rule-allowlist.yaml']);
    expect(r.stdout).not.toContain(mine);
  });

  it('scan still honours the configuration as written', async () => {
    const r = await w.agent(['scan', 'app.env', '--config', 'no-builtin.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toHaveLength(0);
  });
});
