/**
 * agent-vault installed the way its users install it, in a temporary project of their own:
 * as a devDependency, globally and through npx, with the real lefthook from npm and the real
 * pre-commit framework (Debian's 3.0.4) pointing at a clone of this repository. The hook
 * manager snippets are read from the README, so the README cannot drift from what works.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { git, gitOk, sandbox, write, type Sandbox } from './helpers/git-sandbox.js';

const ROOT = resolve(__dirname, '..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const LEFTHOOK = 'lefthook@2.2.1';

/** The fenced block that follows `<!-- snippet: NAME` in the README. */
function snippet(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- snippet: ${name} `);
  if (at < 0) throw new Error(`README has no snippet ${name}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  return m![1]!;
}

let sb: Sandbox;
let tarball: string;
/** node_modules with agent-vault (from the tarball) and lefthook (from npm), copied into each project. */
let template: string;

/**
 * npm with the machine's cache (what `npm ci` fetched is used offline: prefer-offline) and
 * no update check, and the machine's way to reach its registry (certificate authorities,
 * proxies, registry), as a user's npm has: the pre-commit framework runs `npm install` in its
 * clone of this repository, which needs every devDependency's metadata.
 */
const NETWORK_ENV = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'npm_config_registry'];
function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const network = Object.fromEntries(NETWORK_ENV.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
  const userconfig = process.env.npm_config_userconfig || join(homedir(), '.npmrc');
  return {
    ...sb.env,
    ...network,
    ...(existsSync(userconfig) ? { npm_config_userconfig: userconfig } : {}),
    npm_config_cache: process.env.npm_config_cache || join(homedir(), '.npm'),
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    CI: '1',
    ...extra,
  };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

function ok(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = run(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.all}`);
  return r;
}

/** PATH without the sandbox's own `agent-vault` wrapper: only what the project installed resolves. */
function pathWithout(...extra: string[]): string {
  return [...extra, ...(sb.env.PATH ?? '').split(':').filter((d) => d && d !== sb.binDir && !existsSync(join(d, 'agent-vault')))].join(':');
}

beforeAll(() => {
  sb = sandbox();
  const packDir = join(sb.root, 'pack');
  mkdirSync(packDir);
  // npm test has built dist/ already; --ignore-scripts packs it as it is.
  const packed = ok('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], ROOT, npmEnv());
  tarball = join(packDir, packed.stdout.trim().split('\n').pop()!);
  template = join(sb.root, 'template');
  mkdirSync(template);
  writeFileSync(join(template, 'package.json'), JSON.stringify({ name: 'template', version: '1.0.0', private: true }));
  ok('npm', ['install', '--save-dev', '--prefer-offline', tarball, LEFTHOOK], template, npmEnv());
}, 240_000);
afterAll(() => sb?.cleanup());

/** A project of a user's: a git repository with agent-vault and lefthook in node_modules. */
function project(name: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = join(sb.root, name);
  mkdirSync(dir);
  ok('git', ['init', '-q'], dir, sb.env);
  cpSync(join(template, 'node_modules'), join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  write(dir, 'package.json', JSON.stringify({ name, version: '1.0.0', private: true, devDependencies: { 'agent-vault': VERSION } }, null, 2));
  write(dir, '.gitignore', 'node_modules/\n');
  write(dir, '.agent-vault.yaml', 'protected:\n  - config.yaml\n');
  write(dir, 'config.yaml', 'retries: 3\n');
  const env = { ...sb.env, PATH: pathWithout() };
  ok('git', ['add', '-A'], dir, env);
  ok('git', ['commit', '-qm', 'initial', '--no-verify'], dir, env);
  return { dir, env };
}

const token = () => expandTemplate('ghp_{{alnum:36}}', rng(Date.now() & 0xffff));

/** A fresh token in a new file is refused by the gate; a clean file goes through. */
function expectCommitGate(dir: string, env: NodeJS.ProcessEnv) {
  // As the README says: commit .gitattributes, which install wrote.
  ok('git', ['add', '.gitattributes'], dir, env);
  ok('git', ['commit', '-qm', 'protect config', '--no-verify'], dir, env);
  write(dir, 'leak.txt', `github_token = "${token()}"\n`);
  ok('git', ['add', 'leak.txt'], dir, env);
  const blocked = run('git', ['commit', '-m', 'leak'], dir, env);
  expect(blocked.code, blocked.all).not.toBe(0);
  expect(blocked.all).toContain('agent-vault pre-commit: blocked');
  ok('git', ['rm', '-q', '--cached', 'leak.txt'], dir, env);
  write(dir, 'notes.txt', 'nothing secret\n');
  ok('git', ['add', 'notes.txt'], dir, env);
  const passed = run('git', ['commit', '-m', 'notes'], dir, env);
  expect(passed.code, passed.all).toBe(0);
  // The pre-commit framework shows a passing hook as one "Passed" line, not its output.
  expect(passed.all).toMatch(/agent-vault pre-commit: \d+ files? checked|agent-vault secret gate \(staged changes\)\.+Passed/);
}

/** A commit made with --no-verify is stopped at push. */
function expectPushGate(dir: string, env: NodeJS.ProcessEnv) {
  const remote = `${dir}-remote.git`;
  ok('git', ['init', '-q', '--bare', remote], dir, env);
  ok('git', ['remote', 'add', 'origin', remote], dir, env);
  write(dir, 'leak.txt', `github_token = "${token()}"\n`);
  ok('git', ['add', 'leak.txt'], dir, env);
  ok('git', ['commit', '-qm', 'leak', '--no-verify'], dir, env);
  const push = run('git', ['push', '-q', 'origin', 'HEAD:main'], dir, env);
  expect(push.code, push.all).not.toBe(0);
  expect(push.all).toContain('agent-vault pre-push: blocked');
}

function lefthookInstall(dir: string, env: NodeJS.ProcessEnv) {
  ok(join(dir, 'node_modules/.bin/lefthook'), ['install'], dir, env);
}

describe('with lefthook from npm, every README snippet works as installed', () => {
  it('devDependency: the gate runs from node_modules/.bin without agent-vault on PATH', () => {
    const { dir, env } = project('lefthook-dev');
    write(dir, 'lefthook.yml', snippet('lefthook-devdependency'));
    lefthookInstall(dir, env);
    ok('./node_modules/.bin/agent-vault', ['install', '--no-hooks'], dir, env);
    const status = run('./node_modules/.bin/agent-vault', ['status'], dir, env);
    expect(status.code, status.all).toBe(0);
    expect(status.stdout).toContain('✓ hook pre-commit: run by lefthook.yml');
    expectCommitGate(dir, env);
    expectPushGate(dir, env);
  });

  it('global install: the gate runs from the global bin folder on PATH', () => {
    const { dir } = project('lefthook-global');
    const prefix = join(sb.root, 'global');
    ok('npm', ['install', '--global', '--prefix', prefix, '--offline', tarball], dir, npmEnv());
    const env = { ...sb.env, PATH: pathWithout(join(prefix, 'bin')) };
    write(dir, 'lefthook.yml', snippet('lefthook-global'));
    lefthookInstall(dir, env);
    ok('agent-vault', ['install', '--no-hooks'], dir, env);
    expect(run('agent-vault', ['status'], dir, env).stdout).toContain('✓ hook pre-push: run by lefthook.yml');
    expectCommitGate(dir, env);
  });

  it('npx: the pinned package is fetched and run by npx (here from the packed tarball)', () => {
    const { dir, env } = project('lefthook-npx');
    // The README pins agent-vault@VERSION from the registry; the test serves that same
    // package from the tarball, so nothing depends on what is published.
    const yml = snippet('lefthook-npx');
    expect(yml).toContain(`agent-vault@${VERSION} hook pre-commit`);
    write(dir, 'lefthook.yml', yml.split(`agent-vault@${VERSION}`).join(`--package=${tarball} agent-vault`));
    lefthookInstall(dir, env);
    ok('./node_modules/.bin/agent-vault', ['install', '--no-hooks'], dir, env);
    // Install in your project: `npx --yes agent-vault@VERSION scan .`, "without installing anything".
    const scan = run('npx', ['--yes', `--package=${tarball}`, 'agent-vault', 'scan', '.'], dir, npmEnv({ PATH: env.PATH, npm_config_offline: 'true' }));
    expect(scan.code, scan.all).toBe(0);
    expect(scan.stdout).toMatch(/no secrets found in \d+ files? scanned/i);
    expectCommitGate(dir, { ...env, npm_config_update_notifier: 'false', npm_config_offline: 'true' });
  }, 300_000);

  it('status reports a hook whose command does not resolve, instead of calling it installed', () => {
    const { dir, env } = project('lefthook-unresolved');
    write(dir, 'lefthook.yml', snippet('lefthook-global'));
    ok('./node_modules/.bin/agent-vault', ['install', '--no-hooks'], dir, env);
    const status = run('./node_modules/.bin/agent-vault', ['status'], dir, env);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/✗ hook pre-commit: run by lefthook\.yml, but agent-vault is not on PATH/);
  });
});

describe('a moved or removed install', () => {
  it('fails with one sentence naming what is gone, and git status in a clean tree keeps working', () => {
    const { dir, env } = project('moved');
    const inst = run('./node_modules/.bin/agent-vault', ['install'], dir, env);
    expect(inst.code, inst.all).toBe(0);
    ok('git', ['add', '.gitattributes'], dir, env);
    ok('git', ['commit', '-qm', 'protect config'], dir, env);
    renameSync(join(dir, 'node_modules'), join(sb.root, 'moved-away'));

    const status = run('git', ['status', '--porcelain'], dir, env);
    expect(status.code, status.all).toBe(0);
    expect(status.stdout).toBe('');

    // A stat-dirty protected file needs the filter: it fails, in one sentence, closed.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'config.yaml'), later, later);
    const dirty = run('git', ['status'], dir, env);
    expect(dirty.code).not.toBe(0);
    expect(dirty.stderr).toContain('agent-vault: cannot run:');
    expect(dirty.stderr).toContain('npx agent-vault uninstall');
    expect(dirty.stderr).not.toMatch(/MODULE_NOT_FOUND|node:internal|at Module\./);

    write(dir, 'notes.txt', 'x\n');
    ok('git', ['add', 'notes.txt'], dir, env);
    const commit = run('git', ['commit', '-m', 'x'], dir, env);
    expect(commit.code).not.toBe(0);
    expect(commit.stderr).toContain('agent-vault: cannot run:');
    expect(commit.stderr).not.toMatch(/MODULE_NOT_FOUND|node:internal/);

    // Putting the package back is one of the two ways out, and everything works again.
    renameSync(join(sb.root, 'moved-away'), join(dir, 'node_modules'));
    expect(run('git', ['status', '--porcelain'], dir, env).code).toBe(0);
  });
});

describe('install with protected files already staged', () => {
  it('renormalises staged raw values through the filter, and names the command when it cannot', () => {
    const { dir, env } = project('staged');
    const value = expandTemplate('{{alnum:24}}', rng(7));
    // The value goes in through stdin (spawnSync's input), never through argv.
    const set = spawnSync(process.execPath, [join(dir, 'node_modules/agent-vault/bin/agent-vault.mjs'), 'set', 'api-token', '--stdin'], { cwd: dir, env, input: value });
    expect(set.status, set.stderr.toString()).toBe(0);
    write(dir, 'config.yaml', `retries: 3\ntoken: ${value}\n`);
    write(dir, 'other.yaml', 'x: 1\n');
    write(dir, '.agent-vault.yaml', 'protected:\n  - config.yaml\n  - other.yaml\n');
    ok('git', ['add', 'config.yaml', 'other.yaml', '.agent-vault.yaml'], dir, env);
    // other.yaml: staged, then changed again in the working tree (partly staged).
    write(dir, 'other.yaml', `x: 2\ntoken: ${value}\n`);
    expect(gitOk(sb, dir, ['show', ':config.yaml'])).toContain(value);

    const inst = run('./node_modules/.bin/agent-vault', ['install'], dir, env);
    expect(inst.code, inst.all).toBe(0);
    expect(inst.stdout).toContain('renormalised 1 staged protected file through the filter: config.yaml');
    expect(gitOk(sb, dir, ['show', ':config.yaml'])).toBe('retries: 3\ntoken: <agent-vault:api-token>\n');
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toContain(value);
    expect(inst.stderr).toContain('git add --renormalize -- other.yaml');
    expect(inst.all).not.toContain(value);

    // The command the warning names does what it says.
    ok('git', ['add', '--renormalize', '--', 'other.yaml'], dir, env);
    expect(gitOk(sb, dir, ['show', ':other.yaml'])).toBe('x: 2\ntoken: <agent-vault:api-token>\n');
  });
});

describe('with the pre-commit framework', () => {
  it('installs the hooks from a clone of this repository at a commit (repo: + rev:) and blocks a token', () => {
    // The repository as it is on disk, committed in a throwaway clone: `rev:` must be a commit.
    const source = join(sb.root, 'agent-vault-src');
    mkdirSync(source);
    ok('git', ['init', '-q'], source, sb.env);
    const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
    for (const f of files) {
      if (!existsSync(join(ROOT, f))) continue;
      mkdirSync(dirname(join(source, f)), { recursive: true });
      cpSync(join(ROOT, f), join(source, f), { verbatimSymlinks: true });
    }
    ok('git', ['add', '-A'], source, sb.env);
    ok('git', ['commit', '-qm', 'snapshot', '--no-verify'], source, sb.env);
    const rev = gitOk(sb, source, ['rev-parse', 'HEAD']).trim();

    const { dir, env } = project('framework');
    const config = snippet('pre-commit-framework').replace('https://github.com/<owner>/agent-vault', source).replace(`v${VERSION}`, rev);
    write(dir, '.pre-commit-config.yaml', config);
    const fwEnv = npmEnv({ PATH: env.PATH, PRE_COMMIT_HOME: join(sb.root, 'pre-commit-home') });
    ok('pre-commit', ['install', '-t', 'pre-commit', '-t', 'pre-push'], dir, fwEnv);
    ok('./node_modules/.bin/agent-vault', ['install', '--no-hooks'], dir, env);
    expectCommitGate(dir, fwEnv);
    const hooks = readdirSync(join(sb.root, 'pre-commit-home'));
    expect(hooks.length).toBeGreaterThan(0);
  }, 600_000);
});
