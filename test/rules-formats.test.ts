import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { builtinRulePacks } from '../src/config/builtin-rules.js';
import { scanText } from '../src/core/scan.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

// Provider secrets are written in many shapes of file. Each secret below is planted once in
// every file format and must be found; look-alikes planted the same way must not be reported
// by any provider rule. (rules.test.ts proves each rule's own examples; this proves the rules
// hold up across formats, nested blocks included.)

const packs = builtinRulePacks();
const ruleset = buildRuleset(defaultConfig(), packs);
const PROVIDER_PACKS = new Set(
  ['aws', 'gcp', 'azure', 'digitalocean', 'cloudflare', 'alibaba', 'ibm', 'linode', 'scaleway', 'hetzner', 'github', 'gitlab', 'bitbucket', 'ai', 'payments', 'messaging'].map(
    (n) => `rules/${n}.yaml`,
  ),
);
const providerRuleIds = new Set(packs.filter((p) => PROVIDER_PACKS.has(p.file)).flatMap((p) => p.rules.map((r) => (r as { id: string }).id)));

const UUID = '{{hex:8}}-{{hex:4}}-{{hex:4}}-{{hex:4}}-{{hex:12}}';

/** [variable name, value template]: the name is what a project would call the setting. */
const SECRETS: [string, string][] = [
  ['AWS_ACCESS_KEY_ID', 'AKIA{{upperalnum:16}}'],
  ['AWS_SECRET_ACCESS_KEY', '{{base64:40}}'],
  ['AWS_SESSION_TOKEN', 'IQoJb3JpZ2luX2VjE{{base64:300}}'],
  ['GOOGLE_API_KEY', 'AIza{{base64url:35}}'],
  ['GOOGLE_CLIENT_SECRET', 'GOCSPX-{{base64url:28}}'],
  ['AZURE_CLIENT_SECRET', '{{alnum:3}}8Q~{{base64url:31}}'],
  ['AZURE_STORAGE_KEY', '{{base64:86}}=='],
  ['COSMOS_DB_KEY', '{{base64:86}}=='],
  ['DIGITALOCEAN_TOKEN', 'dop_v1_{{hex:64}}'],
  ['CLOUDFLARE_API_TOKEN', '{{base64url:40}}'],
  ['CLOUDFLARE_API_KEY', '{{hex:37}}'],
  ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', '{{alnum:30}}'],
  ['IBMCLOUD_API_KEY', '{{base64url:44}}'],
  ['LINODE_TOKEN', '{{hex:64}}'],
  ['HCLOUD_TOKEN', '{{alnum:64}}'],
  ['SCW_SECRET_KEY', UUID],
  ['GITHUB_TOKEN', 'ghp_{{alnum:36}}'],
  ['GH_TOKEN', 'github_pat_{{alnum:22}}_{{alnum:59}}'],
  ['GITHUB_CLIENT_SECRET', '{{hex:40}}'],
  ['GITLAB_TOKEN', 'glpat-{{base64url:20}}'],
  ['BITBUCKET_APP_PASSWORD', 'ATBB{{alnum:32}}'],
  ['OPENAI_API_KEY', 'sk-proj-{{base64url:74}}T3BlbkFJ{{base64url:74}}'],
  ['ANTHROPIC_API_KEY', 'sk-ant-api03-{{base64url:93}}AA'],
  ['HF_TOKEN', 'hf_{{alnum:34}}'],
  ['COHERE_API_KEY', '{{alnum:40}}'],
  ['GROQ_API_KEY', 'gsk_{{alnum:52}}'],
  ['MISTRAL_API_KEY', '{{alnum:32}}'],
  ['DEEPSEEK_API_KEY', 'sk-{{hex:32}}'],
  ['TOGETHER_API_KEY', '{{hex:64}}'],
  ['ASSEMBLYAI_API_KEY', '{{hex:32}}'],
  ['WANDB_API_KEY', '{{hex:40}}'],
  ['STRIPE_SECRET_KEY', 'sk_live_51{{alnum:97}}'],
  ['SQUARE_ACCESS_TOKEN', 'EAAA{{base64url:60}}'],
  ['PAYPAL_CLIENT_SECRET', 'E{{base64url:79}}'],
  ['PLAID_SECRET', '{{hex:30}}'],
  ['RAZORPAY_KEY_SECRET', '{{alnum:24}}'],
  ['SLACK_BOT_TOKEN', 'xoxb-{{digits:12}}-{{digits:13}}-{{alnum:24}}'],
  ['SLACK_WEBHOOK_URL', 'https://hooks.slack.com/services/T{{upperalnum:10}}/B{{upperalnum:10}}/{{alnum:24}}'],
  ['TWILIO_AUTH_TOKEN', '{{hex:32}}'],
  ['SENDGRID_API_KEY', 'SG.{{base64url:22}}.{{base64url:43}}'],
  ['TELEGRAM_BOT_TOKEN', '{{digits:10}}:AA{{base64url:33}}'],
  ['DISCORD_BOT_TOKEN', 'M{{alnum:25}}.{{base64url:6}}.{{base64url:38}}'],
  ['POSTMARK_SERVER_TOKEN', UUID],
  ['ZENDESK_API_TOKEN', '{{alnum:40}}'],
  ['PUSHER_APP_SECRET', '{{hex:20}}'],
];

/** Values that look like secrets but are not; none may be reported by a provider rule. */
const LOOK_ALIKES = [
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  '${API_TOKEN}',
  'process.env.API_TOKEN',
  'changeme',
  'your-api-key-here',
  '<your-token>',
  'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
  'sk_live_1234567890abcdefghijklmnopqrstuvwxyz',
  'sha512-{{base64:86}}==',
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{{base64:340}} dev@laptop',
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA{{base64:400}}=',
  '<agent-vault:api-token>',
];
/** Identifier-shaped values; only a provider's own name may make them a finding. */
const IDENTIFIERS = ['{{hex:40}}', '{{hex:64}}', '{{hex:32}}', UUID, '{{hex:64}}  dist/app.tar.gz'];
const NEUTRAL_NAMES = ['COMMIT_SHA', 'BUILD_ID', 'REQUEST_ID', 'CHECKSUM', 'IMAGE_DIGEST'];

const lower = (n: string) => n.toLowerCase();
const camel = (n: string) => lower(n).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const head = (n: string) => lower(n.split('_')[0]!);
const tail = (n: string) => n.split('_').slice(1).join('_') || n;

const FORMATS: Record<string, (name: string, value: string) => string> = {
  '.env': (n, v) => `# settings\nAPP_ENV=production\n${n}=${v}\nLOG_LEVEL=info\n`,
  '.yaml': (n, v) => `app:\n  name: demo\n  ${lower(n)}: ${v}\n`,
  'k8s.yaml': (n, v) => `env:\n  - name: ${n}\n    value: "${v}"\n`,
  'nested.yaml': (n, v) => `${head(n)}:\n  region: eu\n  ${lower(tail(n))}: ${v}\n`,
  '.json': (n, v) => `{\n  "name": "demo",\n  "${camel(n)}": "${v}",\n  "debug": false\n}\n`,
  'nested.json': (n, v) => `{"${head(n)}": {"${camel(tail(n))}": "${v}"}}\n`,
  '.toml': (n, v) => `[${head(n)}]\n${lower(tail(n))} = "${v}"\n`,
  '.tf': (n, v) => `resource "demo" "this" {\n  ${lower(n)} = "${v}"\n}\n`,
  '.sh': (n, v) => `#!/bin/sh\nexport ${n}='${v}'\n./run.sh --${lower(n).replace(/_/g, '-')} ${v}\n`,
  '.py': (n, v) => `import os\n${n} = "${v}"\n`,
  '.go': (n, v) => `package main\n\nconst ${camel(n)} = "${v}"\n`,
  '.ts': (n, v) => `export const config = {\n  ${camel(n)}: '${v}',\n};\n`,
  '.md': (n, v) => `## Setup\n\n\`\`\`bash\nexport ${n}=${v}\n\`\`\`\n\nOr set \`${n}\` to \`${v}\`.\n\n| Name | Value |\n|---|---|\n| ${n} | ${v} |\n`,
  '.xml': (n, v) => `<settings>\n  <${camel(n)}>${v}</${camel(n)}>\n</settings>\n`,
};

const scan = (text: string, path: string) => scanText(text, { path }, ruleset);

describe('provider rules across file formats', () => {
  it('find each planted provider secret in every common file format', () => {
    const missed: string[] = [];
    let planted = 0;
    SECRETS.forEach(([name, template], i) => {
      Object.entries(FORMATS).forEach(([ext, format], j) => {
        const value = expandTemplate(template, rng(1000 + i * 37 + j));
        const text = format(name, value);
        planted++;
        const found = scan(text, `config/app${ext}`).some((f) => providerRuleIds.has(f.ruleId) && f.secretLength === value.length);
        if (!found) missed.push(`${ext} ${name}=${template}`);
      });
    });
    expect(planted).toBe(SECRETS.length * Object.keys(FORMATS).length);
    expect(missed).toEqual([]);
  });

  it('do not report look-alikes, whatever the setting is called', () => {
    const reported: string[] = [];
    const names = [...SECRETS.map(([n]) => n), ...NEUTRAL_NAMES];
    names.forEach((name, i) => {
      LOOK_ALIKES.forEach((template, j) => {
        for (const [ext, format] of Object.entries(FORMATS)) {
          const text = format(name, expandTemplate(template, rng(7 + i * 100 + j)));
          for (const f of scan(text, `config/app${ext}`)) if (providerRuleIds.has(f.ruleId)) reported.push(`${ext} ${name}=${template} -> ${f.ruleId}`);
        }
      });
    });
    expect(reported).toEqual([]);
  });

  it('do not report commit ids, checksums or UUIDs under names that are not a provider secret', () => {
    const reported: string[] = [];
    NEUTRAL_NAMES.forEach((name, i) => {
      IDENTIFIERS.forEach((template, j) => {
        for (const [ext, format] of Object.entries(FORMATS)) {
          const text = format(name, expandTemplate(template, rng(3 + i * 100 + j)));
          for (const f of scan(text, `config/app${ext}`)) if (providerRuleIds.has(f.ruleId)) reported.push(`${ext} ${name}=${template} -> ${f.ruleId}`);
        }
      });
    });
    expect(reported).toEqual([]);
  });
});
