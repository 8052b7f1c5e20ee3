/**
 * Look-alikes: text a scanner meets in real repositories that is not a live secret. Each
 * class says why it is not one; the scorer counts any finding in such a file as a false
 * positive, except in the classes marked `lowOk`, where a finding at severity low or info is
 * an acceptable nudge (a default password, a key that is public by design, a password hash).
 */
import { CARRIERS, type Carrier } from './carriers.js';
import { armour, b64, jwt, pem, randomBytesB64, uuid, whole } from './formats.js';
import { canHold, render, type Slot } from './plant.js';
import { PROVIDERS, type Provider } from './providers.js';
import type { Rand } from './rand.js';

export interface LookAlike {
  kind: string;
  path: string;
  text: string;
  start: number;
  end: number;
}

export interface NegativeClass {
  label: string;
  /** Why it is not a secret, for the spec. */
  why: string;
  /** A finding at severity low/info here is acceptable. */
  lowOk?: boolean;
  weight: number;
  make(r: Rand, usage: Map<string, number>): LookAlike | null;
}

/** A documented public example value, with the page that publishes it. */
export interface PublicExample {
  value: () => string;
  source: string;
  name: string;
  vendor: string;
  noun: string;
}

// Built from pieces so the committed source holds no literal the self-scan could match.
export const PUBLIC_EXAMPLES: PublicExample[] = [
  { value: () => ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join(''), source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html', name: 'AWS_ACCESS_KEY_ID', vendor: 'AWS', noun: 'access key ID' },
  { value: () => ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCY' + 'EXAMPLEKEY'].join('/'), source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html', name: 'AWS_SECRET_ACCESS_KEY', vendor: 'AWS', noun: 'secret access key' },
  { value: () => ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq', 'K1SZFPTOtr', 'KBHBeksoGMGw=='].join('/'), source: 'https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key', name: 'AZURE_STORAGE_KEY', vendor: 'Azurite', noun: 'account key' },
  { value: () => ['C2y6yDjf5', 'R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw', 'Jw=='].join('/'), source: 'https://learn.microsoft.com/azure/cosmos-db/emulator#authentication', name: 'COSMOS_KEY', vendor: 'Cosmos DB emulator', noun: 'key' },
  { value: () => ['123456', 'ABC-DEF1234ghIkl-zyx57W2v1u123ew11'].join(':'), source: 'https://core.telegram.org/bots/api#authorizing-your-bot', name: 'TELEGRAM_BOT_TOKEN', vendor: 'Telegram', noun: 'bot token' },
  { value: () => ['sk', 'test', 'BQokikJOvBiI2HlWgH4olfQ2'].join('_'), source: 'https://docs.stripe.com/api/authentication', name: 'STRIPE_SECRET_KEY', vendor: 'Stripe', noun: 'test key' },
  {
    value: () => ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'].join('.'),
    source: 'https://jwt.io/', name: 'ACCESS_TOKEN', vendor: 'jwt.io', noun: 'example token',
  },
  { value: () => ['POSTMARK', 'API', 'TEST'].join('_'), source: 'https://postmarkapp.com/developer/api/overview#authentication', name: 'POSTMARK_SERVER_TOKEN', vendor: 'Postmark', noun: 'test token' },
  { value: () => ['mongodb://myDBReader', 'D1fficultP%40ssw0rd@mongodb0.example.com:27017/?authSource=admin'].join(':'), source: 'https://www.mongodb.com/docs/manual/reference/connection-string/', name: 'MONGODB_URI', vendor: 'MongoDB', noun: 'connection string' },
  { value: () => ['postgresql://user', 'secret@localhost'].join(':'), source: 'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS', name: 'DATABASE_URL', vendor: 'PostgreSQL', noun: 'connection URI' },
];

// ---------------------------------------------------------------- carrier-based helpers

// A look-alike's user name is a plain name: a realistic key ID there would be a secret of its own.
const slotFor = (p: Provider, r: Rand, name?: string): Slot => ({ name: name ?? r.pick(p.names), vendor: p.vendor, noun: p.noun, user: p.user ? r.pick(['deploy', 'ci-bot', 'jdoe']) : '' });

/** The least-used carrier that can hold the value (ties broken at random). */
function chooseCarrier(r: Rand, usage: Map<string, number>, ok: (c: Carrier) => boolean): Carrier | null {
  const fits = r.shuffle(CARRIERS.filter(ok));
  if (!fits.length) return null;
  fits.sort((a, b) => (usage.get(a.id) ?? 0) - (usage.get(b.id) ?? 0));
  const c = fits[0]!;
  usage.set(c.id, (usage.get(c.id) ?? 0) + 1);
  return c;
}

function viaCarrier(r: Rand, usage: Map<string, number>, p: Provider, value: string, slot?: Slot): LookAlike | null {
  const s = slot ?? slotFor(p, r);
  const v = whole(value);
  // A look-alike never goes where only an encoded form would be scored; it is the literal we test.
  // Files that only exist with their companions (an AWS credentials file) would bring real-looking secrets along.
  const c = chooseCarrier(r, usage, (c) => !c.encode && !COMPANION_FILES.has(c.id) && canHold(c, p, v, s));
  if (!c) return null;
  const out = render(c, p, s, v, r);
  return { kind: c.id, path: out.path, text: out.text, start: out.start, end: out.end };
}

function viaReference(r: Rand, usage: Map<string, number>, p: Provider): LookAlike | null {
  const s = slotFor(p, r);
  const c = chooseCarrier(r, usage, (c) => !!c.ref && !c.needsUser && !c.accept && !(p.only && !p.only.includes(c.id)));
  if (!c) return null;
  const out = render(c, p, s, whole(''), r, true);
  return { kind: c.id, path: out.path, text: out.text, start: out.start, end: out.end };
}

/** Marks the look-alike inside a file template (a control character the files never contain). */
const EDGE = '\u0001';
const M = (s: string) => EDGE + s + EDGE;

/** A whole file with the look-alike marked by M(...). */
function file(kind: string, path: string, marked: string): LookAlike {
  const start = marked.indexOf(EDGE);
  const end = marked.indexOf(EDGE, start + 1) - 1;
  if (start < 0 || end < start) throw new Error(`look-alike ${kind} is not marked`);
  return { kind, path, text: marked.replace(EDGE, '').replace(EDGE, ''), start, end };
}

const COMPANION_FILES = new Set(['aws/credentials-file', 'akamai/edgerc']);
const textual = PROVIDERS.filter((p) => p.group !== 'keys' && p.label !== 'gcp-service-account-key');

// ---------------------------------------------------------------- placeholders

function placeholderFor(r: Rand, p: Provider, name: string): string {
  const kebabNoun = p.noun.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const families: (() => string)[] = [
    () => `REPLACE_WITH_${name}`,
    () => `<your-${kebabNoun}>`,
    () => `<YOUR_${name}>`,
    () => r.pick(['CHANGE_ME', 'changeme', 'change-me-in-production', 'CHANGEME']),
    () => 'x'.repeat(r.int(16, 40)),
    () => 'X'.repeat(r.int(16, 40)),
    () => `your_${name.toLowerCase()}_here`,
    () => r.pick(['INSERT_KEY_HERE', 'TODO', 'TBD', 'FILL_ME_IN', 'REPLACE_ME', 'REDACTED', '<redacted>', '********', '...']),
    () => `\${${name}}`,
    () => `{{ ${name.toLowerCase()} }}`,
    () => `%(${name.toLowerCase()})s`,
    () => (p.exact ? p.exact.prefix + (p.exact.cls === 'upperalnum' || p.exact.cls === 'bech32' ? 'X' : 'x').repeat(p.exact.len) : `${name.toLowerCase()}-xxxxxxxxxxxxxxxx`),
    () => {
      const real = p.make(r).text;
      const cut = real.search(/[_\-.]/) >= 0 && real.search(/[_\-.]/) < 12 ? real.search(/[_\-.]/) + 1 : 4;
      return real.slice(0, cut) + '...';
    },
  ];
  return r.pick(families)();
}

// ---------------------------------------------------------------- file-based look-alikes

function hashFile(r: Rand): LookAlike {
  const h = (n: number) => r.str('hex', n);
  const sri = (alg: 'sha512' | 'sha384' | 'sha256', bytes: number) => `${alg}-${randomBytesB64(r, bytes)}`;
  const pkg = () => r.pick(['lodash', 'react-dom', 'chalk', 'zod', 'esbuild', 'semver', 'debug', 'ms', 'yaml']);
  const ver = () => `${r.int(0, 9)}.${r.int(0, 30)}.${r.int(0, 20)}`;
  switch (r.int(0, 11)) {
    case 0: return file('lock/package-lock', 'package-lock.json', `{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/${pkg()}": {\n      "version": "${ver()}",\n      "resolved": "https://registry.npmjs.org/x/-/x-${ver()}.tgz",\n      "integrity": "${M(`${sri('sha512', 64)}`)}"\n    }\n  }\n}\n`);
    case 1: return file('lock/yarn', 'yarn.lock', `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n${pkg()}@^${ver()}:\n  version "${ver()}"\n  resolved "https://registry.yarnpkg.com/x/-/x-${ver()}.tgz#${h(40)}"\n  integrity ${M(`${sri('sha512', 64)}`)}\n`);
    case 2: return file('lock/go-sum', 'go.sum', `github.com/${pkg()}/${pkg()} v${ver()} h1:${M(`${randomBytesB64(r, 32)}`)}\ngithub.com/${pkg()}/${pkg()} v${ver()}/go.mod h1:${randomBytesB64(r, 32)}\n`);
    case 3: return file('lock/cargo', 'Cargo.lock', `# This file is automatically @generated by Cargo.\nversion = 3\n\n[[package]]\nname = "${pkg()}"\nversion = "${ver()}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${M(`${h(64)}`)}"\n`);
    case 4: return file('lock/poetry', 'poetry.lock', `[[package]]\nname = "${pkg()}"\nversion = "${ver()}"\nfiles = [\n    {file = "x-${ver()}-py3-none-any.whl", hash = "sha256:${M(`${h(64)}`)}"},\n]\n`);
    case 5: return file('lock/requirements-hashes', 'requirements.txt', `${pkg()}==${ver()} \\\n    --hash=sha256:${M(`${h(64)}`)} \\\n    --hash=sha256:${h(64)}\n`);
    case 6: return file('html/sri', 'public/index.html', `<!doctype html>\n<html><head>\n<script src="https://cdn.jsdelivr.net/npm/x@${ver()}/dist/x.min.js" integrity="${M(`${sri('sha384', 48)}`)}" crossorigin="anonymous"></script>\n</head><body></body></html>\n`);
    case 7: return file('docker/digest', 'Dockerfile', `FROM node:20-alpine@sha256:${M(`${h(64)}`)}\nWORKDIR /app\nCOPY . .\n`);
    case 8: return file('git/sha-changelog', 'CHANGELOG.md', `## ${ver()}\n\n- fix retries on 429 (${M(`${h(40)}`)})\n- bump deps (${h(7)})\n`);
    case 9: return file('ci/commit-env', '.github/workflows/build.yml', `jobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      BASE_SHA: ${M(`${h(40)}`)}\n    steps:\n      - uses: actions/checkout@${h(40)}\n`);
    case 10: return file('checksum/sha256sums', 'SHA256SUMS', `${M(`${h(64)}`)}  agent-linux-amd64.tar.gz\n${h(64)}  agent-darwin-arm64.tar.gz\n`);
    default: return file('checksum/md5-manifest', 'assets/manifest.json', `{\n  "app.css": { "md5": "${M(`${h(32)}`)}", "size": ${r.int(1000, 90000)} },\n  "app.js": { "sha1": "${h(40)}" }\n}\n`);
  }
}

function publicKeyFile(r: Rand): LookAlike {
  const host = r.pick(['build-01', 'laptop-jane', 'bastion']);
  switch (r.int(0, 8)) {
    case 0: return file('ssh/authorized-keys', '.ssh/authorized_keys', `${M(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.str('base64', 43)}`)} deploy@${host}\n`);
    case 1: return file('ssh/pub', 'keys/id_rsa.pub', `${M(`ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${r.str('base64', 540)}`)} jane@${host}\n`);
    case 2: return file('ssh/known-hosts', '.ssh/known_hosts', `github.com ${M(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.str('base64', 43)}`)}\n`);
    case 3: return file('pem/public-key', 'keys/jwt-public.pem', `${M(`${pem(r, 'PUBLIC KEY', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 392, { pad: true })}`)}\n`);
    case 4: return file('pem/certificate', 'certs/ca.crt', `${M(`${pem(r, 'CERTIFICATE', 'MIIDdzCCAl+gAwIBAgIU', 1200, { pad: true })}`)}\n`);
    case 5: return file('pem/cert-in-yaml', 'config/tls.yaml', `tls:\n  ca_cert: |\n    ${M(`${pem(r, 'CERTIFICATE', 'MIIDdzCCAl+gAwIBAgIU', 1200, { pad: true }).replace(/\n/g, '\n    ')}`)}\n`);
    case 6: return file('pgp/public-block', 'KEYS.asc', `${M(`${armour('BEGIN', 'PGP PUBLIC KEY BLOCK')}\n\nmQINBG${r.str('base64', 700).match(/.{1,64}/g)!.join('\n')}\n=${r.str('base64', 4)}\n${armour('END', 'PGP PUBLIC KEY BLOCK')}`)}\n`);
    case 7: return file('age/recipient', '.sops.yaml', `creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: ${M(`age1${r.str('loweralnum', 58).replace(/[1bio]/g, 'q')}`)}\n`);
    default: return file('jwks/public', 'public/.well-known/jwks.json', `{"keys":[{"kty":"RSA","use":"sig","kid":"${r.str('hex', 16)}","alg":"RS256","n":"${M(`${r.str('base64url', 342)}`)}","e":"AQAB"}]}\n`);
  }
}

function base64BlobFile(r: Rand): LookAlike {
  switch (r.int(0, 3)) {
    case 0: return file('css/data-uri', 'src/styles/icons.css', `.icon-check {\n  background-image: url("data:image/png;base64,${M(`iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAA${r.str('base64', 300)}`)}");\n}\n`);
    case 1: return file('css/font-face', 'src/styles/fonts.css', `@font-face {\n  font-family: "Inter";\n  src: url(data:font/woff2;base64,${M(`d09GMgABAAAAA${r.str('base64', 900)}`)}) format("woff2");\n}\n`);
    case 2: return file('js/sourcemap-inline', 'dist/worker.js', `"use strict";var a=1;\n//# sourceMappingURL=data:application/json;base64,${M(`${b64(JSON.stringify({ version: 3, sources: ['src/worker.ts'], mappings: r.str('base64', 200) }))}`)}\n`);
    default: return file('svg/embedded-image', 'assets/logo.svg', `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><image href="data:image/jpeg;base64,${M(`/9j/4AAQSkZJRgABAQ${r.str('base64', 600)}`)}" width="64" height="64"/></svg>\n`);
  }
}

function minifiedFile(r: Rand): LookAlike {
  const id = () => r.str('lower', 1) + r.str('alnum', r.int(0, 2));
  const parts: string[] = [];
  for (let i = 0; i < 60; i++) parts.push(`function ${id()}(${id()},${id()}){return ${id()}.${r.pick(['call', 'apply', 'push', 'slice', 'map'])}(${id()},"${r.str('alnum', r.int(2, 12))}")}`);
  const hashName = r.str('hex', 8);
  return file('js/minified', `dist/assets/index-${hashName}.js`, `!function(){"use strict";${M(`${parts.join(';')}`)};var e="${r.str('hex', 20)}";}();\n//# sourceMappingURL=index-${hashName}.js.map\n`);
}

function identifierFile(r: Rand): LookAlike {
  switch (r.int(0, 9)) {
    case 0: return file('code/rook-table', 'src/chess/board.ts', `export const ${M(`rookTable`)} = buildSlidingAttacks([8, -8, 1, -1]);\nexport const bishopTable = buildSlidingAttacks([9, -9, 7, -7]);\n`);
    case 1: return file('code/okta-config', 'src/auth/okta.ts', `export const ${M(`oktaConfig`)} = {\n  issuer: 'https://acme.okta.com/oauth2/default',\n  clientId: '0oa${r.str('alnum', 17)}',\n  redirectUri: window.location.origin + '/login/callback',\n  scopes: ['openid', 'profile', 'email'],\n  pkce: true,\n};\n`);
    case 2: return file('code/stripe-ids', 'src/billing/plans.py', `STRIPE_PRICE_ID = "${M(`price_1${r.str('alnum', 23)}`)}"\nstripe_customer_id = "cus_${r.str('alnum', 14)}"\n`);
    case 3: return file('code/aws-region', 'infra/config.ts', `export const awsRegion = '${M(`eu-west-1`)}';\nexport const awsAccountId = '${r.str('digits', 12)}';\nexport const s3BucketArn = 'arn:aws:s3:::acme-assets-${r.str('loweralnum', 6)}';\n`);
    case 4: return file('code/slack-channel', 'config/notify.yaml', `slack:\n  channel_id: ${M(`C0${r.str('upperalnum', 9)}`)}\n  team_id: T0${r.str('upperalnum', 9)}\n  username: deploy-bot\n`);
    case 5: return file('code/twilio-phone', '.env.example', `TWILIO_PHONE_NUMBER=${M(`+1415555${r.str('digits', 4)}`)}\nTWILIO_MESSAGING_SERVICE_SID=MG${r.str('hex', 32)}\n`);
    case 6: return file('code/sendgrid-template', 'src/mail/templates.ts', `export const TEMPLATES = {\n  welcome: '${M(`d-${r.str('hex', 32)}`)}',\n  reset: 'd-${r.str('hex', 32)}',\n};\n`);
    case 7: return file('code/github-username', 'src/config.py', `GITHUB_USERNAME = "${M(`octo-${r.str('lower', 6)}`)}"\nGITHUB_REPO = "acme/${r.str('lower', 8)}"\nGITHUB_APP_ID = ${r.int(100000, 999999)}\n`);
    case 8: return file('code/token-names', 'src/auth/tokens.go', `package auth\n\nconst (\n\t${M(`TokenTypeBearer`)} = "Bearer"\n\tTokenHeader     = "Authorization"\n\tSecretKeyEnv    = "APP_SECRET_KEY"\n)\n`);
    default: return file('code/keycloak-client', 'realm-export.json', `{\n  "clientId": "${M(`${r.pick(['web-portal', 'mobile-app'])}`)}",\n  "publicClient": true,\n  "redirectUris": ["https://app.acme-corp.com/*"],\n  "clientAuthenticatorType": "client-secret"\n}\n`);
  }
}

function fakeFixtureFile(r: Rand): LookAlike {
  const fakeToken = r.pick([
    () => 'ghp_' + '0'.repeat(36),
    () => 'sk_live_' + 'FAKE'.repeat(6),
    () => 'xoxb-' + '0'.repeat(11) + '-' + '0'.repeat(12) + '-' + 'x'.repeat(24),
    () => 'AKIA' + 'FAKE'.repeat(4),
    () => 'glpat-' + 'test'.repeat(5),
    () => 'dummy-token',
    () => 'not-a-real-secret',
    () => 'test-api-key',
    () => 'fake_password',
    () => 'super-secret-test-value',
    () => 'sk-test-1234567890',
    () => 'npm_' + 'a'.repeat(36),
  ])();
  switch (r.int(0, 4)) {
    case 0: return file('test/go-table', 'internal/client/client_test.go', `package client\n\nimport "testing"\n\nfunc TestAuthHeader(t *testing.T) {\n\tc := New(Config{Token: "${M(`${fakeToken}`)}"})\n\tif c.token == "" {\n\t\tt.Fatal("token not set")\n\t}\n}\n`);
    case 1: return file('test/pytest', 'tests/test_client.py', `def test_sets_header(monkeypatch):\n    monkeypatch.setenv("API_TOKEN", "${M(`${fakeToken}`)}")\n    assert build_headers()["Authorization"].startswith("Bearer ")\n`);
    case 2: return file('test/jest', 'src/__tests__/client.spec.ts', `describe('client', () => {\n  it('sends the key', () => {\n    const client = new Client({ apiKey: '${M(`${fakeToken}`)}' });\n    expect(client.headers()['x-api-key']).toBeDefined();\n  });\n});\n`);
    case 3: return file('test/fixture-json', 'tests/fixtures/config.json', `{\n  "service": "mock",\n  "password": "${M(`${fakeToken}`)}"\n}\n`);
    default: return file('test/rspec', 'spec/client_spec.rb', `RSpec.describe Client do\n  let(:token) { "${M(`${fakeToken}`)}" }\n  it { expect(described_class.new(token).headers).to include("Authorization") }\nend\n`);
  }
}

function defaultCredentialFile(r: Rand): LookAlike {
  const url = r.pick([
    'postgres://postgres:postgres@localhost:5432/app_dev',
    'postgresql://postgres:password@127.0.0.1:5432/test',
    'mysql://root:root@localhost:3306/app',
    'mysql://root:password@127.0.0.1/wordpress',
    'amqp://guest:guest@localhost:5672/',
    'mongodb://admin:admin@localhost:27017/dev',
    'mongodb://mongo:mongo@mongo:27017',
    'redis://:redis@localhost:6379/0',
    'http://admin:admin@localhost:8080/manager/html',
    'http://elastic:changeme@localhost:9200',
    'postgres://user:pass@db:5432/db',
  ]);
  switch (r.int(0, 4)) {
    case 0: return file('default/env-example', '.env.example', `# local development defaults\nDATABASE_URL=${M(`${url}`)}\nDEBUG=true\n`);
    case 1: return file('default/compose', 'docker-compose.dev.yml', `services:\n  app:\n    environment:\n      DATABASE_URL: "${M(`${url}`)}"\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n`);
    case 2: return file('default/readme', 'CONTRIBUTING.md', `## Running locally\n\nStart the stack with \`docker compose up\`, then connect with \`${M(`${url}`)}\`.\n`);
    case 3: return file('default/compose-env', 'docker-compose.yml', `services:\n  db:\n    image: mysql:8\n    environment:\n      MYSQL_ROOT_PASSWORD: ${M(`${r.pick(['root', 'password', 'mysql', 'secret'])}`)}\n      MYSQL_DATABASE: app\n`);
    default: return file('default/test-settings', 'tests/settings_test.py', `DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "test", "USER": "postgres", "PASSWORD": "${M(`postgres`)}", "HOST": "localhost"}}\n`);
  }
}

function publicByDesignFile(r: Rand): LookAlike {
  switch (r.int(0, 8)) {
    case 0: return file('public/stripe-publishable', 'src/checkout.ts', `const stripe = await loadStripe('${M(`pk_live_${r.str('alnum', 24)}`)}');\n`);
    case 1: return file('public/mapbox-public', 'src/map.js', `mapboxgl.accessToken = '${M(`pk.${b64url2(JSON.stringify({ u: 'acme-maps', a: r.str('loweralnum', 25) }))}.${r.str('base64url', 22)}`)}';\n`);
    case 2: return file('public/sentry-dsn', 'src/sentry.client.ts', `Sentry.init({\n  dsn: '${M(`https://${r.str('hex', 32)}@o${r.int(100000, 999999)}.ingest.sentry.io/${r.int(1000000, 9999999)}`)}',\n  tracesSampleRate: 0.1,\n});\n`);
    case 3: return file('public/algolia-search', '.env.production', `NEXT_PUBLIC_ALGOLIA_APP_ID=${r.str('upperalnum', 10)}\nNEXT_PUBLIC_ALGOLIA_SEARCH_KEY=${M(`${r.str('hex', 32)}`)}\n`);
    case 4: return file('public/supabase-anon', '.env.local', `NEXT_PUBLIC_SUPABASE_URL=https://${r.str('lower', 20)}.supabase.co\nNEXT_PUBLIC_SUPABASE_ANON_KEY=${M(`${jwt(r, { iss: 'supabase', ref: r.str('lower', 20), role: 'anon', iat: 1700000000, exp: 2015000000 })}`)}\n`);
    case 5: return file('public/firebase-web', 'src/firebase.ts', `const firebaseConfig = {\n  apiKey: "${M(`AIza${r.str('base64url', 35)}`)}",\n  authDomain: "acme-web.firebaseapp.com",\n  projectId: "acme-web",\n  appId: "1:${r.str('digits', 12)}:web:${r.str('hex', 22)}",\n};\n`);
    case 6: return file('public/recaptcha-site', 'templates/contact.html', `<div class="g-recaptcha" data-sitekey="${M(`6L${r.str('base64url', 38)}`)}"></div>\n`);
    case 7: return file('public/launchdarkly-client-id', 'src/flags.ts', `export const ldClient = initialize('${M(`${r.str('hex', 24)}`)}', { kind: 'user', key: 'anon' });\n`);
    default: return file('public/flutterwave-public', 'src/pay.js', `FlutterwaveCheckout({ public_key: "${M(`FLWPUBK-${r.str('hex', 32)}-X`)}", tx_ref: "order-${r.int(1000, 9999)}" });\n`);
  }
}
const b64url2 = (s: string) => Buffer.from(s).toString('base64url');

function keywordNotSecretFile(r: Rand): LookAlike {
  const pairs: [string, string, string][] = [
    ['config/security.yaml', 'password_min_length', String(r.int(8, 16))],
    ['.env', 'PASSWORD_RESET_TIMEOUT', String(r.pick([900, 3600, 86400]))],
    ['config/app.yaml', 'secret_name', `prod/${r.pick(['orders', 'billing'])}/db-credentials`],
    ['settings.py', 'TOKEN_URL', 'https://oauth2.googleapis.com/token'],
    ['config.toml', 'api_key_header', 'X-API-Key'],
    ['.env', 'JWT_ALGORITHM', 'HS256'],
    ['config/auth.yaml', 'token_endpoint_auth_method', 'client_secret_basic'],
    ['.env', 'SECRET_KEY_FILE', '/run/secrets/django_secret_key'],
    ['config/db.yaml', 'password_file', '/etc/app/db.pass'],
    ['values.yaml', 'existingSecret', `${r.pick(['orders', 'api'])}-db-credentials`],
    ['.env', 'SECRETS_BACKEND', 'aws-secretsmanager'],
    ['config/ssh.yaml', 'private_key_path', '~/.ssh/id_ed25519'],
    ['.env', 'KEY_VAULT_NAME', `kv-prod-${r.pick(['weu', 'eus'])}`],
    ['config/hash.yaml', 'password_hash_algorithm', 'argon2id'],
    ['.env', 'AUTH_TOKEN_TTL', '900'],
    ['config/users.yaml', 'passwordless', 'true'],
    ['.env', 'API_KEY_ENV_VAR', 'DATADOG_API_KEY'],
    ['config/oauth.yaml', 'client_secret_expires_at', '0'],
  ];
  const [path, key, value] = r.pick(pairs);
  if (path.endsWith('.env')) return file('keyword/env', path, `APP_ENV=production\n${key}=${M(`${value}`)}\n`);
  if (path.endsWith('.py')) return file('keyword/python', path, `${key} = "${M(`${value}`)}"\n`);
  if (path.endsWith('.toml')) return file('keyword/toml', path, `[http]\n${key} = "${M(`${value}`)}"\n`);
  if (key === 'existingSecret') return file('keyword/helm', path, `auth:\n  ${key}: ${M(`${value}`)}\n  secretKeys:\n    adminPasswordKey: admin-password\n`);
  return file('keyword/yaml', path, `settings:\n  ${key}: ${M(`${value}`)}\n`);
}

function maskedFile(r: Rand): LookAlike {
  const masked = r.pick([
    `sk_live_${'*'.repeat(20)}${r.str('alnum', 4)}`,
    `ghp_${'*'.repeat(36)}`,
    `AKIA${'*'.repeat(12)}${r.str('upperalnum', 4)}`,
    '[REDACTED]',
    '[FILTERED]',
    '<redacted>',
    '****************',
    `xoxb-${'*'.repeat(10)}`,
    `${r.str('alnum', 4)}${'*'.repeat(28)}`,
  ]);
  switch (r.int(0, 2)) {
    case 0: return file('masked/log', 'logs/startup.log', `2024-05-03T08:00:01Z INFO config api_key=${M(`${masked}`)} region=eu-west-1\n`);
    case 1: return file('masked/docs', 'docs/rotation.md', `After rotation the dashboard shows the key as \`${M(`${masked}`)}\`; only the last four characters are kept.\n`);
    default: return file('masked/json', 'audit/export.json', `{"event":"key.rotated","actor":"jane","secret":"${M(`${masked}`)}","at":"2024-05-03T08:00:01Z"}\n`);
  }
}

function highEntropyFile(r: Rand): LookAlike {
  switch (r.int(0, 7)) {
    case 0: return file('entropy/trace-id', 'logs/trace.log', `2024-05-03T08:00:01Z INFO request done trace_id=${M(`${r.str('hex', 32)}`)} span_id=${r.str('hex', 16)} status=200\n`);
    case 1: return file('entropy/etag', 'fixtures/response.http', `HTTP/1.1 200 OK\nETag: "${M(`${r.str('hex', 32)}`)}"\nCache-Control: max-age=60\n`);
    case 2: return file('entropy/build-id', 'build-info.json', `{"buildId": "${M(`${r.str('base64url', 21)}`)}", "commit": "${r.str('hex', 40)}", "builtAt": "2024-05-03T08:00:01Z"}\n`);
    case 3: return file('entropy/s3-version', 'infra/state.json', `{"bucket": "acme-tf-state", "key": "prod/terraform.tfstate", "version_id": "${M(`${r.str('base64url', 32)}`)}"}\n`);
    case 4: return file('entropy/asset-manifest', 'dist/manifest.json', `{"main.js": "/static/js/main.${M(`${r.str('hex', 8)}`)}.js", "main.css": "/static/css/main.${r.str('hex', 8)}.css"}\n`);
    case 5: return file('entropy/request-id', 'fixtures/error.json', `{"error": {"code": "rate_limited", "request_id": "${M(`req_${r.str('alnum', 14)}`)}"}}\n`);
    case 6: return file('entropy/uuid-config', r.pick(['.env', 'config/azure.yaml']), `AZURE_TENANT_ID=${M(`${uuid(r)}`)}\nAZURE_SUBSCRIPTION_ID=${uuid(r)}\nAZURE_CLIENT_ID=${uuid(r)}\n`);
    default: return file('entropy/guid-sln', 'Acme.sln', `Microsoft Visual Studio Solution File, Format Version 12.00\nProject("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Api", "src\\Api\\Api.csproj", "{${M(`${uuid(r).toUpperCase()}`)}}"\nEndProject\n`);
  }
}

function encryptedFile(r: Rand): LookAlike {
  switch (r.int(0, 2)) {
    case 0: {
      const body = r.str('hex', 640).match(/.{1,80}/g)!.join('\n');
      return file('encrypted/ansible-vault', 'group_vars/prod/vault.yml', `${M(`$ANSIBLE_VAULT;1.1;AES256\n${body}`)}\n`);
    }
    case 1: return file('encrypted/sops', 'secrets/prod.enc.yaml', `db_password: ${M(`ENC[AES256_GCM,data:${r.str('base64', 24)},iv:${r.str('base64', 43)}=,tag:${r.str('base64', 22)}==,type:str]`)}\nsops:\n    age:\n        - recipient: age1${r.str('loweralnum', 58).replace(/[1bio]/g, 'q')}\n    lastmodified: "2024-05-03T08:00:01Z"\n    version: 3.8.1\n`);
    default: return file('encrypted/sealed-secret', 'k8s/sealed-secret.yaml', `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db-credentials\nspec:\n  encryptedData:\n    password: ${M(`AgB${r.str('base64', 700)}`)}\n`);
  }
}

function passwordHashFile(r: Rand): LookAlike {
  const bc = `$2b$12$${r.str('base64', 53).replace(/[+]/g, '.')}`;
  switch (r.int(0, 3)) {
    case 0: return file('hash/apache-apr1', 'deploy/.htpasswd', `admin:${M(`$apr1$${r.str('alnum', 8)}$${r.str('base64', 22).replace(/\+/g, '.')}`)}\n`);
    case 1: return file('hash/bcrypt-seed', 'db/seeds.sql', `INSERT INTO users (email, password_hash) VALUES ('admin@acme-corp.com', '${M(`${bc}`)}');\n`);
    case 2: return file('hash/django-fixture', 'fixtures/users.json', `[{"model": "auth.user", "pk": 1, "fields": {"username": "admin", "password": "${M(`pbkdf2_sha256$600000$${r.str('alnum', 22)}$${randomBytesB64(r, 32)}`)}"}}]\n`);
    default: return file('hash/argon2', 'config/users.yaml', `users:\n  - name: ops\n    password_hash: "${M(`$argon2id$v=19$m=65536,t=3,p=4$${r.str('base64', 22)}$${r.str('base64', 43)}`)}"\n`);
  }
}

function nearMiss(r: Rand, p: Provider): LookAlike {
  const e = p.exact!;
  const cls = e.cls === 'alpha' ? 'alpha' : e.cls;
  const short = r.chance(0.5);
  const body = r.str(cls, short ? e.len - 1 : e.len + 1);
  const value = e.prefix + body;
  const what = short ? 'one character short' : 'one character too long';
  switch (r.int(0, 3)) {
    case 0: return file('nearmiss/go-table', 'internal/format/format_test.go', `package format\n\nimport "testing"\n\nfunc TestRejects(t *testing.T) {\n\tfor _, in := range []string{\n\t\t"${M(`${value}`)}", // ${what}\n\t} {\n\t\tif Valid(in) {\n\t\t\tt.Errorf("accepted %q", in)\n\t\t}\n\t}\n}\n`);
    case 1: return file('nearmiss/pytest', 'tests/test_format.py', `import pytest\n\n\n@pytest.mark.parametrize("candidate", [\n    "${M(`${value}`)}",  # ${what}\n])\ndef test_rejects(candidate):\n    assert not looks_valid(candidate)\n`);
    case 2: return file('nearmiss/jest-each', 'src/format.test.ts', `it.each([\n  ['${M(`${value}`)}'], // ${what}\n])('rejects %s', (candidate) => {\n  expect(isWellFormed(candidate)).toBe(false);\n});\n`);
    default: return file('nearmiss/yaml-cases', 'testdata/malformed.yaml', `# inputs the parser must reject\ncases:\n  - input: ${M(`${value}`)}\n    reason: ${what}\n`);
  }
}

// ---------------------------------------------------------------- the classes

const EXACT = PROVIDERS.filter((p) => p.exact);
const NAMED_SECRETS = ['DB_PASSWORD', 'API_KEY', 'SECRET_KEY', 'AUTH_TOKEN', 'CLIENT_SECRET', 'ADMIN_PASSWORD'];
const RUNS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwerty123456', '1234567890', '123456789012', 'abcdefghijklmnopqrstuvwxyz', 'abcdef0123456789', '0123456789abcdef', '1q2w3e4r5t6y', 'aaaaaaaaaaaaaaaa', 'AAAAAAAAAAAAAAAAAAAA', '11111111111111111111', 'abc123abc123abc123', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'qazwsxedcrfv', '0000000000000000', '9876543210', 'zyxwvutsrqponmlkjihgfedcba', 'abcd1234efgh5678'];

export const NEGATIVE_CLASSES: NegativeClass[] = [
  {
    label: 'placeholder', weight: 17,
    why: 'Template text where a value will go: REPLACE_WITH_..., <your-...>, CHANGE_ME, runs of x, ${VAR}, {{ var }}, %(var)s, a prefix followed by x\'s or an ellipsis.',
    make: (r, usage) => {
      const p = r.pick(textual);
      const name = r.pick(p.names);
      return viaCarrier(r, usage, p, placeholderFor(r, p, name), slotFor(p, r, name));
    },
  },
  {
    label: 'env-reference', weight: 13,
    why: 'The value is read from somewhere else: process.env.X, os.environ["X"], ${{ secrets.X }}, {{ .Values.x }}, var.x, $(X), getenv(), secretKeyRef.',
    make: (r, usage) => viaReference(r, usage, r.pick(textual)),
  },
  {
    label: 'documented-example', weight: 5,
    why: 'A value a provider publishes in its own documentation as an example or a well-known emulator key (source URL per value in SPEC.md).',
    make: (r, usage) => {
      const ex = r.pick(PUBLIC_EXAMPLES);
      const isUrl = ex.value().includes('://');
      const p: Provider = { label: 'documented-example', group: isUrl ? 'urls' : 'generic', vendor: ex.vendor, noun: ex.noun, docs: ex.source, names: [ex.name], selfId: true, make: () => whole(ex.value()) };
      return viaCarrier(r, usage, p, ex.value());
    },
  },
  {
    label: 'near-miss-length', weight: 6,
    why: 'A fixed-length format with one character too few or too many (here in validator test tables): it is not that token.',
    make: (r) => nearMiss(r, r.pick(EXACT)),
  },
  {
    label: 'keyboard-or-counting-run', weight: 5,
    why: 'qwerty rows, counting runs and repeated characters under secret-looking names: no entropy, nobody\'s credential.',
    make: (r, usage) => {
      const p = PROVIDERS.find((x) => x.label === 'generic-password')!;
      const name = r.pick(NAMED_SECRETS);
      return viaCarrier(r, usage, p, r.pick(RUNS), { name, vendor: 'the app', noun: 'password', user: '' });
    },
  },
  { label: 'hash-or-digest', weight: 8, why: 'Integrity hashes, checksums, digests and commit SHAs in lock files, manifests, SRI attributes and changelogs.', make: (r) => hashFile(r) },
  { label: 'public-key-or-certificate', weight: 6, why: 'Public halves: SSH public keys, known_hosts, PUBLIC KEY and CERTIFICATE PEM, PGP public blocks, age recipients, JWKS.', make: (r) => publicKeyFile(r) },
  { label: 'base64-blob', weight: 3, why: 'Images, fonts and source maps inlined as base64.', make: (r) => base64BlobFile(r) },
  { label: 'minified-code', weight: 3, why: 'Minified bundles: long lines of short random-looking identifiers.', make: (r) => minifiedFile(r) },
  { label: 'identifier-with-provider-name', weight: 6, why: 'Identifiers and non-secret IDs that contain a provider\'s name or prefix: rookTable, oktaConfig, price_..., cus_..., d-<hex> template IDs, channel IDs.', make: (r) => identifierFile(r) },
  { label: 'obvious-test-fixture', weight: 5, why: 'Test code with values that announce themselves as fake: zeros, FAKE, dummy-token, not-a-real-secret.', make: (r) => fakeFixtureFile(r) },
  { label: 'default-credential', weight: 4, lowOk: true, why: 'Local defaults in URLs and compose files (postgres:postgres@localhost, guest:guest, root:root): report at low severity at most.', make: (r) => defaultCredentialFile(r) },
  { label: 'public-by-design', weight: 4, lowOk: true, why: 'Keys the provider says belong in client code: Stripe pk_live_, Mapbox pk., Sentry DSN, Algolia search key, Supabase anon key, Firebase web apiKey, reCAPTCHA site key, LaunchDarkly client-side ID, Flutterwave public key.', make: (r) => publicByDesignFile(r) },
  { label: 'keyword-not-secret', weight: 6, why: 'Secret-sounding names with values that are settings, paths or names: password_min_length: 12, secret_name: prod/db, token_url: https://....', make: (r) => keywordNotSecretFile(r) },
  { label: 'masked-or-redacted', weight: 3, why: 'Values already masked by a dashboard or a logger: sk_live_****4242, [REDACTED].', make: (r) => maskedFile(r) },
  { label: 'high-entropy-non-secret', weight: 5, why: 'Random-looking identifiers that grant nothing: trace IDs, ETags, build IDs, S3 version IDs, asset hashes, tenant/subscription/client IDs, solution GUIDs.', make: (r) => highEntropyFile(r) },
  { label: 'encrypted-value', weight: 3, why: 'Ciphertext meant to be committed: ansible-vault, SOPS ENC[...] values, SealedSecret encryptedData.', make: (r) => encryptedFile(r) },
  { label: 'password-hash', weight: 2, lowOk: true, why: 'Password hashes in seeds, fixtures and htpasswd files (bcrypt, apr1, pbkdf2, argon2): not a credential by themselves.', make: (r) => passwordHashFile(r) },
];

export const LOW_OK = new Set(NEGATIVE_CLASSES.filter((c) => c.lowOk).map((c) => c.label));

