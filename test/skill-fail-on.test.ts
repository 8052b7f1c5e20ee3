import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { av, git, sandbox, skillMd, writeFiles, type Sandbox } from './helpers/skill-env.js';

// skills.failOn lowers the bar a skill must clear. Every message about a failing skill must
// then name the findings that made it fail, not only the high and critical ones.
const MEDIUM_ONLY = skillMd('shell-helper', 'Runs the project scripts for the user.', '\n# Shell helper\n\nRun the scripts in scripts/.\n', 'allowed-tools: Bash\n');
const RULE = 'skill-escalation-unscoped-shell';

let sb: Sandbox;
let repo: string;
beforeAll(() => {
  sb = sandbox();
  repo = join(sb.dir, 'repo');
  writeFiles(repo, { '.agent-vault.yaml': 'skills:\n  failOn: medium\n  requireRevocations: false\n', 'README.md': 'repo\n' });
  git(repo, sb.env, 'init', '-q');
  git(repo, sb.env, 'add', '-A');
  git(repo, sb.env, 'commit', '-qm', 'initial');
});
afterAll(() => rmSync(sb.dir, { recursive: true, force: true }));

describe('skills.failOn: medium', () => {
  it('the pre-commit gate names the medium finding that fails the skill', () => {
    expect(av(sb, repo, 'install').status).toBe(0);
    writeFiles(repo, { 'skills/shell/SKILL.md': MEDIUM_ONLY });
    git(repo, sb.env, 'add', '-A');
    const r = av(sb, repo, 'hook', 'pre-commit');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/skills\/shell\/SKILL\.md {2}SKILL_SCAN_FAILED/);
    expect(r.stderr).toMatch(new RegExp(`skills/shell: ${RULE} at SKILL\\.md:\\d+`));
    git(repo, sb.env, 'reset', '-q', '--hard');
  });

  it('clearing a quarantined skill names the medium finding it still fails on', () => {
    writeFiles(repo, { '.claude/skills/shell/SKILL.md': MEDIUM_ONLY });
    const audit = av(sb, repo, 'skill', 'audit', '.claude/skills', '--format', 'json');
    expect(audit.status, audit.stderr).toBe(1);
    const [record] = (JSON.parse(audit.stdout) as { quarantined: { id: string }[] }).quarantined;
    const clear = av(sb, repo, 'skill', 'quarantine', 'clear', record!.id);
    expect(clear.status).toBe(1);
    expect(clear.stderr).toMatch(new RegExp(`still fails the scan \\(${RULE} at SKILL\\.md:\\d+\\)`));
  });
});
