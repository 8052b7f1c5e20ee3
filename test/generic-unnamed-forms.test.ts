import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { scanText } from '../src/core/scan.js';
import { SECRET } from '../src/core/types.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

// Three ways a credential is written with a generic name only (no provider named anywhere
// near it), each a class the blind corpus missed on every seed: a setter or builder call, a
// CSV row whose first cell names the value, and prose around inline code. `{v}` stands for a
// value made at test time; every row must be found with exactly that span, and every
// look-alike must stay quiet.
const ruleset = buildRuleset(defaultConfig());

interface Row {
  text: string;
  value: string;
}

function row(template: string, valueTemplate: string, seed: number): Row {
  const value = expandTemplate(valueTemplate, rng(seed));
  return { text: template.replace('{v}', value), value };
}

const FOUND: Record<string, [string, string][]> = {
  'setter or builder call': [
    ['    meter.setApiKey("{v}");', '{{hex:32}}'],
    ['    mailer.setAccessToken("{v}");', '{{alnum:40}}'],
    ['    relay.setDefaultPass("{v}");', '{{alnum:14}}'],
    ['    vault.setKeySecret("{v}");', '{{alnum:32}}'],
    ["    Client.builder().withClientSecret('{v}').build();", '{{base64url:40}}'],
    ['    hooks.set_signing_secret("{v}")', '{{alnum:36}}'],
    ['    cfg.SetAuthToken("{v}", true)', '{{alnum:30}}'],
  ],
  'CSV row, name in the first cell': [
    ['service,credential,environment\nsearch,,staging\nmetrics_api_key,{v},production\n', '{{hex:32}}'],
    ['name,value\nbroker_password,{v}\n', '{{alnum:16}}'],
    ['key,secret,owner\nwebhook_signing_secret,{v},platform\n', '{{base64url:32}}'],
    ['name,value\r\nreporting_auth_token,{v}\r\n', '{{alnum:40}}'],
  ],
  'prose around inline code': [
    ['Ask in #infra for access, then use `{v}` as the Quillmetric API key when prompted.', '{{hex:40}}'],
    ['Use `{v}` as the staging database password.', '{{alnum:12}}!{{alnum:6}}'],
    ['`{v}` is our nightly deploy token.', '{{base64url:36}}'],
    ['Paste `{v}` as your access key in the dialog.', '{{alnum:32}}'],
  ],
};

const QUIET: Record<string, string[]> = {
  'setter or builder call': [
    'captcha.setSiteKey("{{alnum:40}}");',
    'request.setPageToken("{{base64url:32}}");',
    'client.setApiKey(System.getenv("METRICS_API_KEY"));',
    'client.setApiKey("your-api-key-here");',
    'store.setSecret("metrics_api_key", loaded);',
    'cache.setCacheKey("{{hex:32}}");',
  ],
  'CSV row, name in the first cell': [
    'field,type\nuser_password,varchar(255)\nuser_password_confirmation,varchar(255)\n',
    'grant,fields\naccess_token,refresh_token,expires_in\n',
    'name,value\napi_key,${METRICS_API_KEY}\n',
    'name,value\napi_key,changeme-please\n',
  ],
  'prose around inline code': [
    'Use `METRICS_API_KEY` as the name of the API key variable.',
    'Use `${METRICS_API_KEY}` as the API key.',
    'Use `process.env.METRICS_TOKEN` as the token.',
    'Use `{{hex:40}}` as the commit to build from.',
    'Pass `--api-key-file` as the API key source.',
    "`NAME=value` is one run ('=' is a token character for base64 padding).",
  ],
};

describe.each(Object.entries(FOUND))('found: %s', (_cls, rows) => {
  it.each(rows.map(([t, v], i) => [i, t, v] as const))('row %i: %s', (i, template, valueTemplate) => {
    const { text, value } = row(template, valueTemplate, 4200 + i);
    const findings = scanText(text, { path: 'notes.txt' }, ruleset);
    expect(findings.map((f) => f[SECRET])).toContain(value);
  });
});

describe.each(Object.entries(QUIET))('quiet: %s', (_cls, rows) => {
  it.each(rows.map((t, i) => [i, t] as const))('row %i: %s', (i, template) => {
    const text = expandTemplate(template, rng(9100 + i));
    expect(scanText(text, { path: 'notes.txt' }, ruleset).map((f) => f.ruleId)).toEqual([]);
  });
});
