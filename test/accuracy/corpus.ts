/**
 * A seeded, deterministic corpus for measuring the scanner's recall and false-positive rate:
 * fake secrets of many providers (true positives) and look-alikes that are not secrets (true
 * negatives), each planted in a realistic file of a common type.
 *
 * The token shapes here were written from public knowledge of each provider's format, not
 * from the rule packs' own examples, so the measurement stays independent of the rules.
 * Every value is generated at run time from a template: nothing realistic is committed, and
 * a few literal markers (PEM armour) are assembled from pieces so the repository's own
 * self-scan does not trip over this file.
 */
import { expandTemplate, randomFrom, rng } from '../helpers/fake-secrets.js';

export type FileKind = 'env' | 'yaml' | 'json' | 'toml' | 'tf' | 'sh' | 'py' | 'go' | 'ts' | 'md';
export const FILE_KINDS: readonly FileKind[] = ['env', 'yaml', 'json', 'toml', 'tf', 'sh', 'py', 'go', 'ts', 'md'];

/** One planted value: where it sits in its file and what it is. */
export interface Plant {
  /** Provider (positives) or look-alike class (negatives). */
  label: string;
  kind: FileKind;
  path: string;
  /** Offsets of the secret (positives) or look-alike (negatives) in the file text. */
  start: number;
  end: number;
  /** The planted text itself; never printed, only masked. */
  value: string;
}

export interface CorpusFile {
  path: string;
  text: string;
  plant: Plant;
  positive: boolean;
}

export interface Corpus {
  files: CorpusFile[];
  positives: Plant[];
  negatives: Plant[];
}

type Next = () => number;
/** A generated value; `secret` (a substring of `value`) is the part a scanner should flag. */
interface Made {
  value: string;
  secret?: string;
  /** Print the value bare (a code expression), not as a quoted string. */
  bare?: boolean;
}
interface Spec {
  label: string;
  /** Variable name the value is assigned to (the context a human would write). */
  name: string;
  make: (r: Next) => string | Made;
  /** File kinds to rotate through (default: all). */
  kinds?: readonly FileKind[];
  /** Multi-line value (PEM, JSON document): rendered with kind-specific block syntax. */
  block?: boolean;
  /** How many instances to plant (default 6). */
  count?: number;
}

const t = (template: string) => (r: Next) => expandTemplate(template, r);
const pick = <T>(r: Next, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: Next, n: number) => randomFrom('0123456789', n, r);
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const DASHES = '-'.repeat(5);
const armour = (edge: 'BEGIN' | 'END', label: string) => `${DASHES}${edge} ${label}${DASHES}`;
const uuid = (r: Next) => expandTemplate('{{hex:8}}-{{hex:4}}-4{{hex:3}}-a{{hex:3}}-{{hex:12}}', r);

function pemBody(r: Next, lead: string, chars: number, width = 64): string {
  const body = lead + randomFrom(B64, chars - lead.length, r);
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += width) lines.push(body.slice(i, i + width));
  return lines.join('\n');
}
/** How each key's DER body begins in base64 (public structure: version and algorithm headers). */
const DER_LEAD = {
  rsa: 'MIIEpAIBAAKCAQEA',
  ec: 'MHcCAQEEI',
  openssh: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  pkcs8: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ',
  certificate: 'MIIDdzCCAl+gAwIBAgIE',
};
const pem = (label: string, lead: string, chars: number, width = 64) => (r: Next) =>
  `${armour('BEGIN', label)}\n${pemBody(r, lead, chars, width)}\n${armour('END', label)}`;

function jwt(r: Next): string {
  const header = b64url(JSON.stringify({ alg: pick(r, ['HS256', 'RS256', 'ES256']), typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ sub: uuid(r), iss: pick(r, ['https://auth.acme-corp.net', 'supabase', 'billing-api']), role: pick(r, ['service_role', 'admin', 'user']), iat: 1700000000 + Math.floor(r() * 1e7) }),
  );
  return `${header}.${payload}.${expandTemplate('{{base64url:43}}', r)}`;
}

function gcpServiceAccount(r: Next): Made {
  const project = `${pick(r, ['billing', 'orbit', 'ledger', 'atlas'])}-${digits(r, 6)}`;
  const key = pem('PRIVATE KEY', DER_LEAD.pkcs8, 1620)(r);
  const escaped = key.replace(/\n/g, '\\n') + '\\n';
  const value = JSON.stringify(
    {
      type: 'service_account',
      project_id: project,
      private_key_id: expandTemplate('{{hex:40}}', r),
      private_key: '@@KEY@@',
      client_email: `deployer@${project}.iam.gserviceaccount.com`,
      client_id: digits(r, 21),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
    },
    null,
    2,
  )
    .replace(/\n/g, '\n  ')
    .replace('@@KEY@@', escaped);
  return { value, secret: escaped };
}

const password = (r: Next) => expandTemplate('{{alnum:12}}', r) + pick(r, ['!', '#', '%', '-', '_', '.']) + expandTemplate('{{alnum:6}}', r);
/** A password as it appears inside a URL: percent-encoded, since a raw `#` or `%` would break the URL. */
const urlPassword = (r: Next) => encodeURIComponent(password(r));

/** True positives: each provider's real token shape, with plausible variable names. */
const POSITIVES: Spec[] = [
  { label: 'aws-access-key-id', name: 'AWS_ACCESS_KEY_ID', make: t('AKIA{{upperalnum:16}}') },
  { label: 'aws-secret-access-key', name: 'AWS_SECRET_ACCESS_KEY', make: t('{{base64:40}}') },
  { label: 'gcp-service-account', name: 'GOOGLE_CREDENTIALS', make: gcpServiceAccount, kinds: ['json'], block: true, count: 4 },
  { label: 'gcp-api-key', name: 'GOOGLE_MAPS_API_KEY', make: t('AIza{{base64url:35}}') },
  {
    label: 'azure-storage-connection-string',
    name: 'AZURE_STORAGE_CONNECTION_STRING',
    make: (r) => {
      const key = expandTemplate('{{base64:86}}==', r);
      return { value: `DefaultEndpointsProtocol=https;AccountName=${pick(r, ['stprodlogs', 'acmeassets', 'billingarchive'])};AccountKey=${key};EndpointSuffix=core.windows.net`, secret: key };
    },
  },
  { label: 'digitalocean', name: 'DIGITALOCEAN_TOKEN', make: (r) => `${pick(r, ['dop', 'doo', 'dor'])}_v1_${expandTemplate('{{hex:64}}', r)}` },
  { label: 'cloudflare-api-token', name: 'CLOUDFLARE_API_TOKEN', make: t('{{base64url:40}}') },
  { label: 'cloudflare-global-key', name: 'CLOUDFLARE_API_KEY', make: t('{{hex:37}}') },
  { label: 'alibaba-access-key-id', name: 'ALIBABA_CLOUD_ACCESS_KEY_ID', make: t('LTAI{{alnum:20}}') },
  { label: 'alibaba-access-key-secret', name: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', make: t('{{alnum:30}}') },
  { label: 'github-ghp', name: 'GITHUB_TOKEN', make: t('ghp_{{alnum:36}}') },
  { label: 'github-gho', name: 'GH_OAUTH_TOKEN', make: t('gho_{{alnum:36}}') },
  { label: 'github-ghu', name: 'GITHUB_USER_TOKEN', make: t('ghu_{{alnum:36}}') },
  { label: 'github-ghs', name: 'GITHUB_APP_TOKEN', make: t('ghs_{{alnum:36}}') },
  { label: 'github-ghr', name: 'GITHUB_REFRESH_TOKEN', make: t('ghr_{{alnum:36}}') },
  { label: 'github-fine-grained', name: 'GH_TOKEN', make: t('github_pat_{{alnum:22}}_{{alnum:59}}') },
  { label: 'gitlab', name: 'GITLAB_TOKEN', make: t('glpat-{{base64url:20}}') },
  { label: 'bitbucket-app-password', name: 'BITBUCKET_APP_PASSWORD', make: t('ATBB{{alnum:32}}') },
  { label: 'openai-project', name: 'OPENAI_API_KEY', make: t('sk-proj-{{base64url:74}}T3BlbkFJ{{base64url:74}}') },
  { label: 'openai-legacy', name: 'OPENAI_API_KEY', make: t('sk-{{alnum:20}}T3BlbkFJ{{alnum:20}}') },
  { label: 'anthropic', name: 'ANTHROPIC_API_KEY', make: t('sk-ant-api03-{{base64url:93}}AA') },
  { label: 'huggingface', name: 'HF_TOKEN', make: (r) => `hf_${randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34, r)}` },
  { label: 'cohere', name: 'COHERE_API_KEY', make: t('{{alnum:40}}') },
  { label: 'groq', name: 'GROQ_API_KEY', make: t('gsk_{{alnum:52}}') },
  { label: 'mistral', name: 'MISTRAL_API_KEY', make: t('{{alnum:32}}') },
  { label: 'replicate', name: 'REPLICATE_API_TOKEN', make: t('r8_{{alnum:37}}') },
  { label: 'stripe-secret', name: 'STRIPE_SECRET_KEY', make: t('sk_live_51{{alnum:97}}') },
  { label: 'stripe-restricted', name: 'STRIPE_RESTRICTED_KEY', make: t('rk_live_51{{alnum:97}}') },
  { label: 'square-access-token', name: 'SQUARE_ACCESS_TOKEN', make: t('EAAA{{base64url:60}}') },
  { label: 'square-oauth-secret', name: 'SQUARE_APPLICATION_SECRET', make: t('sq0csp-{{base64url:43}}') },
  { label: 'braintree', name: 'BRAINTREE_ACCESS_TOKEN', make: t('access_token$production${{loweralnum:16}}${{hex:32}}') },
  { label: 'slack-bot', name: 'SLACK_BOT_TOKEN', make: (r) => `xoxb-${digits(r, 12)}-${digits(r, 13)}-${expandTemplate('{{alnum:24}}', r)}` },
  { label: 'slack-user', name: 'SLACK_USER_TOKEN', make: (r) => `xoxp-${digits(r, 12)}-${digits(r, 12)}-${digits(r, 13)}-${expandTemplate('{{hex:32}}', r)}` },
  { label: 'slack-webhook', name: 'SLACK_WEBHOOK_URL', make: t('https://hooks.slack.com/services/T{{upperalnum:10}}/B{{upperalnum:10}}/{{alnum:24}}') },
  { label: 'twilio-api-key', name: 'TWILIO_API_KEY', make: t('SK{{hex:32}}') },
  { label: 'twilio-auth-token', name: 'TWILIO_AUTH_TOKEN', make: t('{{hex:32}}') },
  { label: 'sendgrid', name: 'SENDGRID_API_KEY', make: t('SG.{{base64url:22}}.{{base64url:43}}') },
  { label: 'mailgun', name: 'MAILGUN_API_KEY', make: (r) => (r() < 0.5 ? expandTemplate('key-{{hex:32}}', r) : expandTemplate('{{hex:32}}-{{hex:8}}-{{hex:8}}', r)) },
  { label: 'mailchimp', name: 'MAILCHIMP_API_KEY', make: (r) => `${expandTemplate('{{hex:32}}', r)}-us${1 + Math.floor(r() * 20)}` },
  { label: 'telegram-bot', name: 'TELEGRAM_BOT_TOKEN', make: (r) => `${digits(r, 10)}:AA${expandTemplate('{{base64url:33}}', r)}` },
  { label: 'discord-bot', name: 'DISCORD_BOT_TOKEN', make: (r) => `${pick(r, ['M', 'N', 'O'])}${expandTemplate('{{base64url:25}}.{{base64url:6}}.{{base64url:38}}', r)}` },
  { label: 'discord-webhook', name: 'DISCORD_WEBHOOK_URL', make: (r) => `https://discord.com/api/webhooks/${digits(r, 19)}/${expandTemplate('{{base64url:68}}', r)}` },
  { label: 'npm', name: 'NPM_TOKEN', make: t('npm_{{alnum:36}}') },
  { label: 'pypi', name: 'PYPI_API_TOKEN', make: t('pypi-AgEIcHlwaS5vcmcCJ{{base64url:150}}') },
  { label: 'rubygems', name: 'GEM_HOST_API_KEY', make: t('rubygems_{{hex:48}}') },
  { label: 'nuget', name: 'NUGET_API_KEY', make: t('oy2{{loweralnum:43}}') },
  { label: 'dockerhub', name: 'DOCKERHUB_TOKEN', make: t('dckr_pat_{{base64url:27}}') },
  { label: 'vault', name: 'VAULT_TOKEN', make: (r) => (r() < 0.5 ? expandTemplate('hvs.{{alnum:24}}', r) : expandTemplate('hvs.CAESI{{base64url:86}}', r)) },
  { label: 'terraform-cloud', name: 'TFE_TOKEN', make: t('{{alnum:14}}.atlasv1.{{alnum:67}}') },
  { label: 'pulumi', name: 'PULUMI_ACCESS_TOKEN', make: t('pul-{{hex:40}}') },
  { label: 'doppler', name: 'DOPPLER_TOKEN', make: (r) => `dp.${pick(r, ['pt', 'st', 'sa', 'ct'])}.${expandTemplate('{{alnum:43}}', r)}` },
  { label: 'databricks', name: 'DATABRICKS_TOKEN', make: t('dapi{{hex:32}}') },
  { label: 'datadog-api-key', name: 'DD_API_KEY', make: t('{{hex:32}}') },
  { label: 'datadog-app-key', name: 'DD_APP_KEY', make: t('{{hex:40}}') },
  { label: 'newrelic-user-key', name: 'NEW_RELIC_API_KEY', make: t('NRAK-{{upperalnum:27}}') },
  { label: 'newrelic-license', name: 'NEW_RELIC_LICENSE_KEY', make: t('{{hex:36}}NRAL') },
  { label: 'sentry', name: 'SENTRY_AUTH_TOKEN', make: (r) => (r() < 0.5 ? expandTemplate('sntryu_{{hex:64}}', r) : `sntrys_${b64url(JSON.stringify({ iat: 1700000000, url: 'https://sentry.io', org: 'acme' }))}_${expandTemplate('{{base64url:43}}', r)}`) },
  { label: 'grafana', name: 'GRAFANA_TOKEN', make: (r) => (r() < 0.5 ? expandTemplate('glsa_{{alnum:32}}_{{hex:8}}', r) : `glc_${expandTemplate('{{base64:80}}', r)}`) },
  { label: 'postman', name: 'POSTMAN_API_KEY', make: t('PMAK-{{hex:24}}-{{hex:34}}') },
  { label: 'linear', name: 'LINEAR_API_KEY', make: t('lin_api_{{alnum:40}}') },
  { label: 'atlassian', name: 'JIRA_API_TOKEN', make: t('ATATT3xFfGF0{{base64url:170}}={{HEX:8}}') },
  { label: 'shopify', name: 'SHOPIFY_ACCESS_TOKEN', make: (r) => `${pick(r, ['shpat', 'shpss', 'shpca', 'shppa'])}_${expandTemplate('{{hex:32}}', r)}` },
  { label: 'supabase', name: 'SUPABASE_ACCESS_TOKEN', make: t('sbp_{{hex:40}}') },
  { label: 'supabase-service-role', name: 'SUPABASE_SERVICE_ROLE_KEY', make: jwt },
  { label: 'vercel', name: 'VERCEL_TOKEN', make: t('{{alnum:24}}') },
  { label: 'netlify', name: 'NETLIFY_AUTH_TOKEN', make: (r) => (r() < 0.5 ? expandTemplate('nfp_{{alnum:36}}', r) : expandTemplate('{{base64url:43}}', r)) },
  { label: 'heroku', name: 'HEROKU_API_KEY', make: (r) => (r() < 0.5 ? uuid(r) : expandTemplate('HRKU-AA{{base64url:58}}', r)) },
  { label: 'age-secret-key', name: 'SOPS_AGE_KEY', make: (r) => `AGE-SECRET-KEY-1${randomFrom(BECH32, 58, r)}` },
  { label: 'pem-rsa', name: 'TLS_PRIVATE_KEY', make: pem('RSA PRIVATE KEY', DER_LEAD.rsa, 1590), block: true },
  { label: 'pem-ec', name: 'SIGNING_KEY', make: pem('EC PRIVATE KEY', DER_LEAD.ec, 160), block: true },
  { label: 'pem-openssh', name: 'DEPLOY_SSH_KEY', make: pem('OPENSSH PRIVATE KEY', DER_LEAD.openssh, 380, 70), block: true },
  { label: 'pem-pkcs8', name: 'JWT_PRIVATE_KEY', make: pem('PRIVATE KEY', DER_LEAD.pkcs8, 1620), block: true },
  { label: 'jwt', name: 'SESSION_TOKEN', make: jwt },
  {
    label: 'database-url',
    name: 'DATABASE_URL',
    make: (r) => {
      const pw = urlPassword(r);
      const [scheme, port] = pick(r, [['postgres', 5432], ['postgresql', 5432], ['mysql', 3306], ['mongodb+srv', 0], ['redis', 6379]] as const);
      const host = pick(r, ['db.internal.acme-corp.net', 'prod-cluster.k8s.local', '10.0.4.17']);
      return { value: `${scheme}://${pick(r, ['app', 'admin', 'svc_billing'])}:${pw}@${host}${port ? ':' + port : ''}/${pick(r, ['orders', 'app', 'ledger'])}`, secret: pw };
    },
  },
  {
    label: 'broker-url',
    name: 'BROKER_URL',
    make: (r) => {
      const pw = urlPassword(r);
      return { value: `${pick(r, ['amqp', 'amqps'])}://worker:${pw}@mq.acme-corp.net:5672/jobs`, secret: pw };
    },
  },
  {
    label: 'basic-auth-url',
    name: 'REGISTRY_URL',
    make: (r) => {
      const pw = urlPassword(r);
      return { value: `https://deploy:${pw}@registry.acme-corp.net/v2/`, secret: pw };
    },
  },
  { label: 'generic-password', name: 'password', make: password },
  { label: 'generic-api-secret', name: 'API_SECRET', make: t('{{alnum:32}}') },
];

/** True negatives: values that look like secrets but are not, each where it usually appears. */
const NEGATIVES: Spec[] = [
  { label: 'aws-documented-key-id', name: 'AWS_ACCESS_KEY_ID', make: () => 'AKIAIOSFODNN7EXAMPLE', count: 20 },
  { label: 'aws-documented-secret', name: 'AWS_SECRET_ACCESS_KEY', make: () => 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', count: 20 },
  { label: 'env-var-reference', name: 'API_KEY', make: (r) => `\${${pick(r, ['OPENAI_API_KEY', 'STRIPE_SECRET_KEY', 'GITHUB_TOKEN', 'DB_PASSWORD'])}}`, count: 24 },
  {
    label: 'code-env-reference',
    name: 'apiKey',
    make: (r) => ({ value: pick(r, ['process.env.STRIPE_SECRET_KEY', 'process.env["OPENAI_API_KEY"]', 'os.environ["AWS_SECRET_ACCESS_KEY"]', 'os.getenv("GITHUB_TOKEN")', 'os.Getenv("SLACK_BOT_TOKEN")', 'var.db_password', 'secrets.NPM_TOKEN']), bare: true }),
    kinds: ['ts', 'py', 'go', 'tf', 'yaml', 'md'],
    count: 30,
  },
  // Assignments whose right-hand side is code, under names that say token or password: the
  // ordinary way programs pass credentials around (seen in the benchmark corpus as noise).
  {
    label: 'code-expression',
    name: 'REPORT_TOKEN',
    make: (r) => ({ value: pick(r, ["request.headers['authorization']", 'session.refreshToken', 'await vault.read(path)', 'config.get("repoPassword")']), bare: true }),
    kinds: ['ts', 'py', 'go'],
    count: 12,
  },
  { label: 'terraform-reference', name: 'server_auth', make: (r) => ({ value: pick(r, ['var.message_response', 'local.registry_auth', 'module.iam.service_auth', 'random_password.db.result']), bare: true }), kinds: ['tf'], count: 12 },
  // Names of secrets, not secrets: where a secret lives, and the words around password fields.
  {
    label: 'secret-locator',
    name: 'DB_SECRET_ARN',
    make: (r) =>
      pick(r, [
        `arn:aws:secretsmanager:eu-west-1:${digits(r, 12)}:secret:prod/${pick(r, WORDS)}/db-${expandTemplate('{{alnum:6}}', r)}`,
        `projects/${pick(r, WORDS)}-${digits(r, 6)}/secrets/db-password/versions/latest`,
        `arn:aws:kms:us-east-1:${digits(r, 12)}:key/${uuid(r)}`,
        `secret/data/${pick(r, WORDS)}/production`,
      ]),
    count: 20,
  },
  { label: 'ui-label', name: 'password', make: (r) => pick(r, ['Enter your password', 'Password', 'Forgot password?', 'new-password', 'Passwords must match', 'current-password']), count: 20 },
  { label: 'token-type', name: 'token_type', make: (r) => pick(r, ['bearer', 'Bearer', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:token-type:jwt']), count: 12 },
  { label: 'template-value', name: 'password', make: (r) => pick(r, ['changeme', 'your-api-key-here', '<your-token>', 'REPLACE_ME', 'TODO', 'xxxxxxxxxxxxxxxx', '********', 'your_api_key']), count: 30 },
  {
    label: 'low-entropy-token',
    name: 'GITHUB_TOKEN',
    make: (r) => pick(r, ['ghp_' + 'x'.repeat(36), 'sk-' + 'x'.repeat(48), 'sk_live_' + 'x'.repeat(24), 'glpat-' + 'x'.repeat(20), 'xoxb-' + '0'.repeat(24), 'AKIA' + 'X'.repeat(16), 'npm_' + '0'.repeat(36)]),
    count: 28,
  },
  { label: 'lockfile-integrity', name: 'integrity', make: t('sha512-{{base64:86}}=='), count: 24 },
  { label: 'git-sha', name: 'commit', make: t('{{hex:40}}'), count: 24 },
  { label: 'uuid', name: 'request_id', make: uuid, count: 24 },
  {
    label: 'checksum-line',
    name: 'checksum',
    make: (r) => ({ value: `${expandTemplate('{{hex:64}}', r)}  ${pick(r, ['dist/agent-linux-amd64.tar.gz', 'terraform_1.9.0_linux_arm64.zip', 'node-v20.20.2-linux-x64.tar.xz'])}` }),
    count: 24,
  },
  {
    label: 'ssh-public-key',
    name: 'public_key',
    make: (r) => (r() < 0.5 ? `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${expandTemplate('{{base64:340}}', r)} deploy@build-01` : `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${expandTemplate('{{base64:43}}', r)} ops@laptop`),
    count: 24,
  },
  { label: 'certificate', name: 'TLS_CERT', make: pem('CERTIFICATE', DER_LEAD.certificate, 1200), block: true, count: 24 },
  { label: 'data-uri', name: 'icon', make: (r) => `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ${expandTemplate('{{base64:300}}', r)}=`, count: 24 },
  { label: 'base64-image', name: 'logo_png', make: (r) => `iVBORw0KGgoAAAANSUhEUgAAACAAAAAg${expandTemplate('{{base64:400}}', r)}==`, count: 20 },
  { label: 'agent-vault-placeholder', name: 'STRIPE_SECRET_KEY', make: (r) => (r() < 0.7 ? `<agent-vault:${pick(r, ['stripe-live', 'openai', 'db-password', 'github-token'])}>` : `<agent-vault:UNVAULTED:sha256:${expandTemplate('{{hex:8}}', r)}>`), count: 24 },
  {
    label: 'code-identifier',
    name: 'token',
    make: (r) => ({ value: `${pick(r, ['getAuthenticationTokenFromRequestHeaders', 'refreshAccessTokenIfExpiredOrMissing', 'buildSignedRequestAuthorizationHeader', 'useSessionTokenRefreshCallbackHandler'])}(${pick(r, ['req', 'ctx', 'options'])})`, bare: true }),
    kinds: ['ts', 'py', 'go', 'md'],
    count: 20,
  },
  { label: 'minified-identifier', name: 'className', make: (r) => `css-${expandTemplate('{{loweralnum:7}}', r)} ${pick(r, ['jsx', 'sc', 'emotion'])}-${expandTemplate('{{loweralnum:6}}', r)}`, count: 16 },
  {
    label: 'hash-in-url',
    name: 'asset_url',
    make: (r) =>
      pick(r, [
        `https://cdn.acme-corp.net/assets/app.${expandTemplate('{{hex:32}}', r)}.js`,
        `https://github.com/acme-corp/api/commit/${expandTemplate('{{hex:40}}', r)}`,
        `https://downloads.acme-corp.net/releases/v2.3.1/agent.tgz?sha256=${expandTemplate('{{hex:64}}', r)}`,
      ]),
    count: 24,
  },
  { label: 'container-digest', name: 'image', make: (r) => `ghcr.io/acme-corp/api@sha256:${expandTemplate('{{hex:64}}', r)}`, count: 16 },
  { label: 'url-without-password', name: 'DATABASE_URL', make: (r) => pick(r, ['postgres://localhost:5432/app', 'postgres://app:${DB_PASSWORD}@db:5432/app', 'redis://localhost:6379/0', 'mysql://root@127.0.0.1:3306/test_db', 'amqp://guest:guest@localhost:5672/']), count: 20 },
];

/** Benign surroundings per file kind, so values sit in files that look like the real thing. */
const WORDS = ['orders', 'billing', 'ledger', 'gateway', 'inventory', 'reports', 'search', 'notifier', 'scheduler', 'identity'];

function frame(kind: FileKind, r: Next, name: string): { path: string; head: string; tail: string } {
  const svc = pick(r, WORDS);
  const port = 3000 + Math.floor(r() * 5000);
  const lower = name.toLowerCase();
  switch (kind) {
    case 'env':
      return { path: `${svc}/.env.production`, head: `# ${svc} service\nNODE_ENV=production\nPORT=${port}\nLOG_LEVEL=info\n`, tail: `\nFEATURE_FLAGS=search,export\nTOKEN_TTL_SECONDS=3600\n` };
    case 'yaml':
      return { path: `deploy/${svc}/values.yaml`, head: `service:\n  name: ${svc}\n  replicas: 3\n  port: ${port}\nenv:\n`, tail: `\n  timeout: 30s\nresources:\n  limits:\n    memory: 512Mi\n` };
    case 'json':
      return { path: `config/${svc}.json`, head: `{\n  "service": "${svc}",\n  "port": ${port},\n  "retries": 3,\n`, tail: `\n  "passwordMinLength": 12\n}\n` };
    case 'toml':
      return { path: `${svc}/config.toml`, head: `[server]\nhost = "0.0.0.0"\nport = ${port}\n\n[${svc}]\n`, tail: `\nmax_connections = 20\n` };
    case 'tf':
      return { path: `infra/${svc}/main.tf`, head: `resource "kubernetes_secret" "${svc}" {\n  metadata {\n    name = "${svc}-credentials"\n  }\n  data = {\n`, tail: `\n  }\n}\n` };
    case 'sh':
      return { path: `scripts/deploy-${svc}.sh`, head: `#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")/.."\n`, tail: `\n./bin/deploy --service ${svc} --port ${port}\n` };
    case 'py':
      return { path: `${svc}/settings.py`, head: `import os\n\nDEBUG = False\nALLOWED_HOSTS = ["${svc}.acme-corp.net"]\n`, tail: `\nTOKEN_EXPIRY_MINUTES = 15\n` };
    case 'go':
      return { path: `internal/${svc}/config.go`, head: `package ${svc}\n\nimport "os"\n\nvar _ = os.Getenv\n\n`, tail: `\n\nconst defaultPort = ${port}\n` };
    case 'ts':
      return { path: `src/${svc}/config.ts`, head: `import { createClient } from './client';\n\nexport const port = ${port};\n`, tail: `\nexport const client = createClient({ port });\n` };
    case 'md':
      return { path: `docs/${svc}-${lower.replace(/[^a-z0-9]+/g, '-')}.md`, head: `# Running ${svc}\n\nSet the credentials before starting the service:\n\n\`\`\`bash\n`, tail: `\n\`\`\`\n\nThen run \`make ${svc}\`.\n` };
  }
}

const camel = (name: string) => name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (name: string) => camel(name).replace(/^[a-z]/, (c) => c.toUpperCase());

/** The line(s) that assign the value, split around it so its offset is known. */
function assignment(kind: FileKind, name: string, made: Made, block: boolean, variant: number): [string, string] {
  const lower = name.toLowerCase();
  const v = made.value;
  if (block) {
    switch (kind) {
      case 'json':
        return ['  "credentials": ', ',\n  "scopes": ["cloud-platform"],'];
      case 'yaml':
        return [`  ${lower}: |\n    `, ''];
      case 'tf':
        return [`    ${lower} = <<-EOT\n`, '\n    EOT'];
      case 'py':
        return [`${name} = """`, '"""'];
      case 'ts':
        return [`export const ${camel(name)} = \``, '`;'];
      case 'sh':
        return [`cat > /etc/${lower}.pem <<'EOF'\n`, '\nEOF'];
      case 'go':
        return [`const ${camel(name)} = \``, '`'];
      case 'toml':
        return [`${lower} = """\n`, '"""'];
      case 'env':
        return [`${name}="`, '"'];
      case 'md':
        return ['', ''];
    }
  }
  if (made.bare) {
    switch (kind) {
      case 'ts':
        return [`export const ${camel(name)} = `, ';'];
      case 'py':
        return [`${lower} = `, ''];
      case 'go':
        return [`var ${camel(name)} = `, ''];
      case 'tf':
        return [`    ${lower} = `, ''];
      case 'yaml':
        return [`  ${lower}: \${{ `, ' }}'];
      default:
        return [`${lower} = `, ''];
    }
  }
  const dq = v.includes('"') ? "'" : '"';
  const sq = v.includes("'") ? '"' : "'";
  // A second everyday shape per file type (compose lists, object literals, inline env...).
  if (variant === 1) {
    switch (kind) {
      case 'env':
        return [`${name}=${dq}`, dq];
      case 'yaml':
        return [`  environment:\n    - ${name}=`, ''];
      case 'json':
        return [`  "${name}": "`, '",'];
      case 'toml':
        return [`${name} = ${dq}`, dq];
      case 'tf':
        return [`    ${name} = "`, '"'];
      case 'sh':
        return [`${name}=${sq}`, `${sq} ./bin/start`];
      case 'py':
        return [`${name} = ${dq}`, dq];
      case 'go':
        return [`var cfg = Config{${pascal(name)}: "`, '"}'];
      case 'ts':
        return [`export const config = { ${camel(name)}: ${sq}`, `${sq} };`];
      case 'md':
        return [`Set \`${name}\` to \``, '\` in the deployment settings.'];
    }
  }
  switch (kind) {
    case 'env':
      return [`${name}=`, ''];
    case 'yaml':
      return [`  ${lower}: ${dq}`, dq];
    case 'json':
      return [`  "${camel(name)}": "`, '",'];
    case 'toml':
      return [`${lower} = ${dq}`, dq];
    case 'tf':
      return [`    ${lower} = "`, '"'];
    case 'sh':
      return [`export ${name}="`, '"'];
    case 'py':
      return [`${name} = os.environ.get("${name}", ${dq}`, `${dq})`];
    case 'go':
      return [`const ${camel(name)} = "`, '"'];
    case 'ts':
      return [`export const ${camel(name)} = '`, "';"];
    case 'md':
      return [`export ${name}=`, ''];
  }
}

function plantAll(specs: Spec[], positive: boolean, r: Next, out: CorpusFile[]): Plant[] {
  const plants: Plant[] = [];
  specs.forEach((spec, si) => {
    const kinds = spec.kinds ?? FILE_KINDS;
    const count = spec.count ?? 6;
    for (let i = 0; i < count; i++) {
      const kind = kinds[(i + si) % kinds.length]!;
      const raw = spec.make(r);
      const made: Made = typeof raw === 'string' ? { value: raw } : raw;
      // A multi-line value is written the way each format holds one: indented under its key
      // in YAML, an escaped string in JSON (unless it is itself a JSON document).
      const embed = (s: string) =>
        !spec.block ? s : kind === 'yaml' ? s.replace(/\n/g, '\n    ') : kind === 'json' && !made.value.startsWith('{') ? JSON.stringify(s).slice(1, -1) : s;
      const value = spec.block && kind === 'json' && !made.value.startsWith('{') ? `"${embed(made.value)}"` : embed(made.value);
      const secret = embed(made.secret ?? made.value);
      const { path, head, tail } = frame(kind, r, spec.name);
      const [before, after] = assignment(kind, spec.name, made, !!spec.block, r() < 0.5 ? 0 : 1);
      const dir = `${positive ? 'p' : 'n'}${String(out.length).padStart(4, '0')}`;
      const text = head + before + value + after + tail;
      const valueAt = head.length + before.length;
      const inValue = value.indexOf(secret);
      if (inValue < 0) throw new Error(`corpus bug: secret of ${spec.label} not inside its value`);
      const start = valueAt + inValue;
      const end = start + secret.length;
      const plant: Plant = { label: spec.label, kind, path: `${dir}/${path}`, start, end, value: text.slice(start, end) };
      out.push({ path: plant.path, text, plant, positive });
      plants.push(plant);
    }
  });
  return plants;
}

/**
 * Whole files for the classes the assignment table, URL handling, decoding and the
 * false-positive families cover: each `make` returns a file and the text a scanner should flag
 * (positives) or the look-alike (negatives); the span is where that text sits in the file.
 * An encoded secret's span is the encoded text, which is where it is reported.
 */
interface Scenario {
  label: string;
  kind: FileKind;
  count?: number;
  make: (r: Next) => { path: string; text: string; mark: string };
}

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');
const hexOf = (s: string) => Buffer.from(s, 'latin1').toString('hex');
const alnum = (r: Next, n: number) => expandTemplate(`{{alnum:${n}}}`, r);
const hex = (r: Next, n: number) => expandTemplate(`{{hex:${n}}}`, r);
/** A password as people type it into .env files: with characters a URL should have escaped. */
const rawPassword = (r: Next) => `${alnum(r, 8)}${pick(r, ['#', '?', '%', '@', '/'])}${alnum(r, 4)}${pick(r, ['#', '?', '%', '@', '/', '!'])}${alnum(r, 5)}`;

const SCENARIO_POSITIVES: Scenario[] = [
  // assignment forms
  { label: 'form-go-short-assign', kind: 'go', make: (r) => { const v = alnum(r, 32); return { path: 'internal/llm/client.go', text: `package llm\n\nfunc newClient() *Client {\n\tmistralKey := "${v}"\n\treturn &Client{key: mistralKey}\n}\n`, mark: v }; } },
  { label: 'form-go-var-typed', kind: 'go', make: (r) => { const v = alnum(r, 40); return { path: 'internal/rerank/config.go', text: `package rerank\n\nvar cohereAPIKey string = "${v}"\n`, mark: v }; } },
  { label: 'form-makefile', kind: 'sh', make: (r) => { const v = hex(r, 64); const op = pick(r, ['::=', ':::=', '?=', '+=', ':=']); return { path: 'Makefile', text: `LINODE_REGION ${op} eu-central\nLINODE_TOKEN ${op} ${v}\n\ndeploy:\n\tterraform apply\n`, mark: v }; } },
  { label: 'form-php', kind: 'ts', make: (r) => { const v = hex(r, 32); return pick(r, [true, false]) ? { path: 'config/services.php', text: `<?php\nreturn [\n    'twilio' => [\n        'sid' => 'AC${hex(r, 32)}',\n        'auth_token' => '${v}',\n    ],\n];\n`, mark: v } : { path: 'lib/sms.php', text: `<?php\n$twilioAuthToken = '';\n$twilioAuthToken .= '${v}';\n`, mark: v }; } },
  { label: 'form-xml-element-own-line', kind: 'yaml', make: (r) => { const v = alnum(r, 32); return { path: 'conf/settings.xml', text: `<settings>\n  <MistralApiKey>\n    ${v}\n  </MistralApiKey>\n</settings>\n`, mark: v }; } },
  { label: 'form-xml-attribute-pair', kind: 'yaml', make: (r) => { const v = alnum(r, 40); return { path: 'Web.config', text: `<configuration>\n  <appSettings>\n    <add key="Cohere:ApiKey" value="${v}" />\n  </appSettings>\n</configuration>\n`, mark: v }; } },
  { label: 'form-nuget-config', kind: 'yaml', make: (r) => { const v = alnum(r, 24); return { path: 'NuGet.config', text: `<configuration>\n  <packageSourceCredentials>\n    <corp-feed>\n      <add key="Username" value="ci-bot" />\n      <add key="ClearTextPassword" value="${v}" />\n    </corp-feed>\n  </packageSourceCredentials>\n</configuration>\n`, mark: v }; } },
  { label: 'form-cli-flag', kind: 'sh', make: (r) => { const v = alnum(r, 40); return { path: 'scripts/sync-tickets.sh', text: `#!/bin/sh\n./bin/sync ${pick(r, [`--zendesk-token ${v}`, `--zendesk-token=${v}`])} --since 7d\n`, mark: v }; } },
  { label: 'form-curl-user', kind: 'sh', make: (r) => { const v = `${alnum(r, 14)}${pick(r, ['!', '-', '_'])}${alnum(r, 4)}`; return { path: 'scripts/backup.sh', text: `#!/bin/sh\ncurl -u backup:${v} -X POST https://nexus.corp.test/service/rest/v1/tasks\n`, mark: v }; } },
  { label: 'form-bearer-header-then-host', kind: 'sh', make: (r) => { const v = alnum(r, 32); return { path: 'scripts/models.sh', text: `#!/bin/sh\ncurl -s -H "Authorization: Bearer ${v}" https://api.mistral.ai/v1/models | jq .\n`, mark: v }; } },
  { label: 'form-http-file', kind: 'md', make: (r) => { const v = uuid(r); return { path: 'requests/send-email.http', text: `POST https://api.postmarkapp.com/email\nAccept: application/json\nX-Postmark-Server-Token: ${v}\n\n{"From": "ops@corp.test"}\n`, mark: v }; } },
  { label: 'form-markdown-table', kind: 'md', make: (r) => { const v = alnum(r, 40); return { path: 'docs/credentials.md', text: `# Credentials\n\n| Name | Value |\n|---|---|\n| COHERE_API_KEY | \`${v}\` |\n| REGION | eu |\n`, mark: v }; } },
  { label: 'prose-set-to', kind: 'md', make: (r) => { const v = alnum(r, 32); return { path: 'docs/setup.md', text: `## Setup\n\nSet \`MISTRAL_API_KEY\` to \`${v}\` before you run the evaluation.\n`, mark: v }; } },
  { label: 'prose-use-as', kind: 'md', make: (r) => { const v = alnum(r, 40); return { path: 'notes/onboarding.md', text: `For the staging cluster, use \`${v}\` as the Cohere API key.\n`, mark: v }; } },
  { label: 'prose-the-token-is', kind: 'md', make: (r) => { const v = hex(r, 64); return { path: 'notes/chat-log.md', text: `**alice**: which linode token do we use for the demo?\n**bob**: the Linode token is ${v}, it expires Friday\n`, mark: v }; } },
  // passwords through the shared assignment forms (generic-password-named) and the files that hold them
  { label: 'password-go-var-typed', kind: 'go', make: (r) => { const v = rawPassword(r); return { path: 'internal/store/db.go', text: `package store\n\nvar replicaPassword string = "${v}"\n`, mark: v }; } },
  { label: 'password-rust-const', kind: 'go', make: (r) => { const v = alnum(r, 18); return { path: 'src/db.rs', text: `pub const DB_PASSWORD: &str = "${v}";\n`, mark: v }; } },
  { label: 'password-c-define', kind: 'go', make: (r) => { const v = alnum(r, 16); return { path: 'firmware/wifi.h', text: `#pragma once\n#define WIFI_PASSWORD "${v}"\n`, mark: v }; } },
  { label: 'password-java-setter', kind: 'ts', make: (r) => { const v = alnum(r, 16); return { path: 'src/main/java/Db.java', text: `HikariConfig cfg = new HikariConfig();\ncfg.setUsername("orders");\ncfg.setPassword("${v}");\n`, mark: v }; } },
  { label: 'password-sql', kind: 'md', make: (r) => { const v = alnum(r, 16); return { path: 'db/init.sql', text: pick(r, [`CREATE ROLE reporting LOGIN PASSWORD '${v}';\n`, `CREATE USER 'etl'@'%' IDENTIFIED BY '${v}';\n`]), mark: v }; } },
  { label: 'password-pgpass', kind: 'env', make: (r) => { const v = alnum(r, 20); return { path: '.pgpass', text: `db.internal:5432:orders:app:${v}\n`, mark: v }; } },
  { label: 'password-csv-column', kind: 'md', make: (r) => { const v = alnum(r, 16); return { path: 'exports/logins.csv', text: `name,url,username,password,note\nbilling db,https://db.corp.test,app,${v},\n`, mark: v }; } },
  { label: 'password-k8s-env', kind: 'yaml', make: (r) => { const v = alnum(r, 16); return { path: 'k8s/deploy.yaml', text: `containers:\n  - name: api\n    env:\n      - name: SMTP_PASSWORD\n        value: "${v}"\n`, mark: v }; } },
  { label: 'password-postman-env', kind: 'json', make: (r) => { const v = alnum(r, 16); return { path: 'postman/staging.postman_environment.json', text: `{"name": "staging", "values": [{"key": "adminPassword", "value": "${v}", "type": "secret", "enabled": true}]}\n`, mark: v }; } },
  { label: 'password-dockerfile-env', kind: 'sh', make: (r) => { const v = alnum(r, 16); return { path: 'Dockerfile', text: `FROM postgres:16\nENV POSTGRES_PASSWORD ${v}\n`, mark: v }; } },
  { label: 'password-notebook-cell', kind: 'json', make: (r) => { const v = alnum(r, 16); return { path: 'notebooks/explore.ipynb', text: `{"cells": [{"cell_type": "code", "source": ["import psycopg\\n", "warehouse_password = \\"${v}\\"\\n"]}]}\n`, mark: v }; } },
  { label: 'password-chat', kind: 'md', make: (r) => { const v = alnum(r, 16); return { path: 'notes/standup.md', text: `**carol**: the grafana admin password is ${v} until we rotate it\n`, mark: v }; } },
  // connection strings as people write them
  {
    label: 'url-raw-password',
    kind: 'env',
    count: 12,
    make: (r) => {
      const pw = rawPassword(r);
      const url = pick(r, [
        `postgres://app:${pw}@db.internal:5432/orders`,
        `mongodb+srv://svc:${pw}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true`,
        `mongodb://svc:${pw}@mongo-0:27017,mongo-1:27017/app`,
        `mysql://report:${pw}@mysql.internal:3306/shop`,
        `rediss://default:${pw}@cache.internal:6380/0`,
        `amqp://worker:${pw}@rabbit.internal:5672/jobs`,
        `https://deploy:${pw}@registry.corp.test/v2/`,
      ]);
      return { path: '.env', text: `NODE_ENV=production\nSERVICE_URL=${url}\nLOG_LEVEL=info\n`, mark: pw };
    },
  },
  // encodings
  { label: 'k8s-secret-token', kind: 'yaml', make: (r) => { const v = `ghp_${alnum(r, 36)}`; return { path: 'k8s/ci-secret.yaml', text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ntype: Opaque\ndata:\n  GITHUB_TOKEN: ${b64(v)}\n`, mark: b64(v) }; } },
  { label: 'k8s-secret-named-key', kind: 'yaml', make: (r) => { const v = alnum(r, 40); return { path: 'k8s/rerank-secret.yaml', text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: rerank\ndata:\n  COHERE_API_KEY: ${b64(v)}\n`, mark: b64(v) }; } },
  { label: 'k8s-secret-password', kind: 'yaml', make: (r) => { const v = `${alnum(r, 14)}${pick(r, ['!', '#', '-'])}${alnum(r, 3)}`; return { path: 'k8s/db-secret.yaml', text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  username: ${b64('orders')}\n  password: ${b64(v)}\n`, mark: b64(v) }; } },
  { label: 'base64-wrapped-token', kind: 'json', make: (r) => { const v = b64(`${pick(r, ['ghp', 'gho'])}_${alnum(r, 36)}`); return { path: 'config/ci.json', text: `{\n  "encodedToken": "${v}"\n}\n`, mark: v }; } },
  { label: 'hex-wrapped-assignment', kind: 'py', make: (r) => { const v = hexOf(`SLACK_BOT_TOKEN=xoxb-${digits(r, 12)}-${digits(r, 13)}-${alnum(r, 24)}`); return { path: 'tools/blob.py', text: `BLOB = "${v}"\n`, mark: v }; } },
  { label: 'percent-encoded-url', kind: 'ts', make: (r) => { const v = encodeURIComponent(`postgres://app:${alnum(r, 16)}@db.internal:5432/app`); return { path: 'src/links.ts', text: `export const admin = 'https://admin.corp.test/connect?dsn=${v}';\n`, mark: v }; } },
  { label: 'basic-auth-header-token', kind: 'sh', make: (r) => { const v = b64(`x-access-token:ghp_${alnum(r, 36)}`); return { path: 'scripts/clone.sh', text: `#!/bin/sh\ngit -c http.extraHeader="Authorization: Basic ${v}" clone https://git.corp.test/org/repo.git\n`, mark: v }; } },
];

const SCENARIO_NEGATIVES: Scenario[] = [
  {
    label: 'url-placeholder-password',
    kind: 'env',
    count: 12,
    make: (r) => {
      const url = pick(r, [
        'postgres://app:REPLACE_WITH_DB_PASSWORD@db.internal:5432/orders',
        'redis://default:CHANGE_ME@redis.internal:6379/0',
        'mongodb+srv://<user>:<your-password>@cluster0.mongodb.net/prod',
        'https://deploy:changeit@registry.corp.test/v2/',
        'amqp://worker:your_rabbit_password@rabbit.internal:5672/',
        'mongodb://mongodb:mongodb@localhost:27017/app',
        'postgres://postgres:postgres@localhost:5432/dev',
        'mysql://app:${MYSQL_PASSWORD}@mysql:3306/app',
      ]);
      return { path: '.env.example', text: `SERVICE_URL=${url}\n`, mark: url };
    },
  },
  { label: 'placeholder-family', kind: 'env', count: 12, make: (r) => { const v = pick(r, ['COHERE_API_KEY=YourCohereApiKeyGoesHere0000000000000000', 'MISTRAL_API_KEY=1234567890abcdefghijklmnopqrstuv', 'LINODE_TOKEN=REPLACE_WITH_YOUR_LINODE_TOKEN', 'OPENAI_API_KEY=sk-proj-REPLACE_WITH_YOUR_KEY_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'DB_PASSWORD=CHANGE_ME', 'API_SECRET=<your-api-secret>', 'AUTH_TOKEN=qwertyuiopasdfghjklzxcvbnm123456', 'STRIPE_SECRET_KEY=sk_live_EXAMPLEKEY0000000000000000000000']); return { path: '.env.sample', text: `# copy to .env\n${v}\n`, mark: v }; } },
  { label: 'name-inside-a-word', kind: 'ts', make: (r) => { const v = `00${alnum(r, 40)}`; return { path: 'src/chess/table.ts', text: `export const rookTableStateHash = "${v}";\n`, mark: v }; } },
  // password hashes, near misses of fixed-length formats, documented example connection strings
  {
    label: 'password-hash',
    kind: 'json',
    make: (r) => {
      const h = pick(r, [`pbkdf2_sha256$720000$${alnum(r, 22)}$${alnum(r, 43)}=`, `$2b$12$${alnum(r, 53)}`, `$argon2id$v=19$m=65536,t=3,p=4$${alnum(r, 22)}$${alnum(r, 43)}`, `{SSHA}${alnum(r, 32)}`]);
      return { path: 'fixtures/users.json', text: `[{"model": "auth.user", "fields": {"username": "ana", "password": "${h}"}}]\n`, mark: h };
    },
  },
  { label: 'near-miss-age-key', kind: 'py', make: (r) => { const v = `AGE-SECRET-KEY-1${randomFrom(BECH32, pick(r, [57, 59]), r)}`; return { path: 'tests/test_keys.py', text: `@pytest.mark.parametrize("bad", ["${v}"])\ndef test_rejects(bad):\n    assert not is_identity(bad)\n`, mark: v }; } },
  {
    label: 'documented-example-url',
    kind: 'md',
    make: (r) => {
      const v = pick(r, [['mongodb://myDBReader:', 'D1fficultP%40ssw0rd', '@mongodb0.example.com:27017/?authSource=admin'], ['mongodb+srv://myDatabaseUser:', 'D1fficultP%40ssw0rd', '@cluster0.example.mongodb.net/']]).join('');
      return { path: 'docs/connect.md', text: `Connect with \`${v}\` as in the MongoDB manual.\n`, mark: v };
    },
  },
  {
    label: 'documented-example-value',
    kind: 'py',
    make: (r) => {
      // assembled so this file holds the documented values only in pieces
      const v = pick(r, [['sk_test_', 'BQokikJOvBiI2HlWgH4olfQ2'], ['AIzaSy', 'DOCAbC123dEf456GhI789jKl012-MnO'], ['key-', '3ax6xnjp29jd6fds4gc373sgvjxteol0']]).join('');
      return { path: 'examples/quickstart.py', text: `# from the provider's quick start\nclient = Client("${v}")\n`, mark: v };
    },
  },
  { label: 'encoded-harmless', kind: 'yaml', make: (r) => { const v = pick(r, [b64('Welcome to the staging cluster, be kind.'), b64(randomFrom(B64, 60, r)), hexOf('release notes for v2.3'), 'hello%20world%2C%20see%20you']); return { path: 'k8s/configmap.yaml', text: `kind: ConfigMap\ndata:\n  motd: ${v}\n`, mark: v }; } },
  { label: 'k8s-secret-placeholder', kind: 'yaml', make: (r) => { const v = b64(pick(r, ['changeme', 'REPLACE_ME_BEFORE_DEPLOY', 'your-password-here'])); return { path: 'k8s/secret.example.yaml', text: `kind: Secret\ndata:\n  password: ${v}\n`, mark: v }; } },
];

function plantScenarios(scenarios: Scenario[], positive: boolean, r: Next, out: CorpusFile[]): Plant[] {
  const plants: Plant[] = [];
  for (const sc of scenarios) {
    for (let i = 0; i < (sc.count ?? 6); i++) {
      const { path, text, mark } = sc.make(r);
      const start = text.indexOf(mark);
      if (start < 0) throw new Error(`corpus bug: ${sc.label} has no mark`);
      const dir = `${positive ? 'p' : 'n'}${String(out.length).padStart(4, '0')}`;
      const plant: Plant = { label: sc.label, kind: sc.kind, path: `${dir}/${path}`, start, end: start + mark.length, value: mark };
      out.push({ path: plant.path, text, plant, positive });
      plants.push(plant);
    }
  }
  return plants;
}

/** Build the corpus; the same seed always gives the same files. */
export function generateCorpus(seed = 20261124): Corpus {
  const r = rng(seed);
  const files: CorpusFile[] = [];
  const positives = plantAll(POSITIVES, true, r, files);
  const negatives = plantAll(NEGATIVES, false, r, files);
  positives.push(...plantScenarios(SCENARIO_POSITIVES, true, r, files));
  negatives.push(...plantScenarios(SCENARIO_NEGATIVES, false, r, files));
  return { files, positives, negatives };
}
