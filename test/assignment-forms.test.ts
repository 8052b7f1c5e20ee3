import { describe, expect, it } from 'vitest';
import { ASSIGNMENT_FORMS, compileContext, foldCase } from '../src/core/assignment.js';
import { compileAllowlist, compileRule, Ruleset, type Problem } from '../src/core/rules.js';
import { scanText } from '../src/core/scan.js';
import { SECRET } from '../src/core/types.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

// One made-up provider, "zentrix", whose keys are 32 lower-case letters and digits. Every
// assignment form in the shared table must connect its name to its value, and the value's
// span must be exactly the key (nothing of the quotes or the name).
function ruleset(context: Record<string, unknown>) {
  const problems: Problem[] = [];
  const rule = compileRule({ id: 'zentrix-key', description: 'Zentrix key', context, keywords: ['zentrix'], severity: 'high' }, ['r'], problems);
  expect(problems).toEqual([]);
  return new Ruleset([rule!], compileAllowlist(undefined, [], []), 'test');
}
const zentrix = ruleset({ names: ['zentrix'], value: '[a-z0-9]{32}' });
/** How people write each form: `{name}` stands for the identifier, `{value}` for the secret. */
const FORM_EXAMPLES: Record<string, string[]> = {
  'operator': [
    '{name}={value}',
    'export {name}="{value}"',
    "export {name}='{value}'",
    '{name}: {value}',
    '  {name}: "{value}"',
    '{"{name}": "{value}"}',
    "{'{name}': '{value}'}",
    '{name} = "{value}"',
    '{name} := "{value}"',
    '{name} ::= {value}',
    '{name} :::= {value}',
    '{name} ?= {value}',
    '{name} += {value}',
    '${name} .= \'{value}\';',
    "'{name}' => '{value}',",
    '{name} <- "{value}"',
    'token="${{name}:-{value}}"',
    'const key = process.env.{name} ?? "{value}";',
    'const key = process.env.{name} || \'{value}\';',
    'os.environ["{name}"] = "{value}"',
    // code inside a JSON string: a notebook cell's source, an escaped config blob
    '{"cell_type": "code", "source": ["{name} = \\"{value}\\"\\n"]}',
    '"config": "{\\"{name}\\": \\"{value}\\"}"',
    '$env:{name} = "{value}"',
    '{name}: |\n  {value}',
    '{name}: !secret {value}',
    '**{name}**: {value}',
    '{name} = r"{value}"',
    'deploy --{name}={value}',
    'string {name} = @"{value}";',
    '{name}="""{value}"""',
    'if {name} == "{value}":',
  ],
  'call-argument': [
    "define('{name}', '{value}');",
    'os.environ.setdefault("{name}", "{value}")',
    'os.getenv("{name}", "{value}")',
    'client = new {name}("{value}");',
    "${name}->setApiKey('{value}');",
  ],
  'typed-declaration': [
    'var {name} string = "{value}"',
    'const {name}: string = "{value}";',
    'val {name}: String = "{value}"',
    'const {name}: &str = "{value}";',
    'static {name}: &\'static str = "{value}";',
  ],
  'nested-block': [
    'cohere_settings:\n  {name}:\n    region: eu\n    key: {value}',
    '"{name}": {\n  "region": "eu",\n  "apiKey": "{value}"\n}',
    '[{name}]\nregion = "eu"\napi_key = "{value}"',
    'env:\n  - name: {name}\n    value: "{value}"',
    'client = {name}.Client(api_key="{value}")',
    'variable "{name}" {\n  type    = string\n  default = "{value}"\n}',
    '{name}(\n  "{value}"\n)',
  ],
  'xml-attribute-pair': [
    '<add key="{name}" value="{value}" />',
    "<property name='{name}' value='{value}'/>",
    '<param name="{name}" type="string" value="{value}"/>',
  ],
  'json-name-value-pair': [
    '{"values": [{"key": "{name}", "value": "{value}", "enabled": true}]}',
    '{"key": "{name}", "type": "secret", "value": "{value}"}',
    '"environment": [\n  {\n    "name": "{name}",\n    "value": "{value}"\n  }\n]',
  ],
  'csv-column': [
    'service,{name},owner\nbilling,{value},team-a',
    '{name},service\n{value},billing',
    'id,service,region,{name}\n1,billing,eu,{value}\n2,search,us,',
    'service,"{name}",owner\nreports,"x",b\nbilling,"{value}",team-a',
  ],
  'xml-element': [
    '<{name}>{value}</{name}>',
    '<{name}>\n    {value}\n</{name}>',
    '<entry key="{name}">{value}</entry>',
    '<setting name="{name}" serializeAs="String">\n  <value>{value}</value>\n</setting>',
    '<{name}><![CDATA[{value}]]></{name}>',
  ],
  'markdown-table': ['| {name} | {value} |', '| {name} | production | `{value}` |'],
  'prose': [
    'Set `{name}` to `{value}` in the dashboard.',
    'The {name} api key is {value}',
    'our {name} token is: "{value}"',
    '{name} key -> {value}',
    '- {name} key: **{value}**',
  ],
  'whitespace': ['run --{name} {value}', 'ENV {name} {value}', 'setx {name} "{value}"', 'here is the {name} api key {value}'],
  'header-after-name': [
    'curl https://api.{name}.test/v1/chat -H "Authorization: Bearer {value}"',
    'curl https://api.{name}.test/v1 -u admin:{value}', // agent-vault:allow (a template, not a password)
    'POST https://api.{name}.test/v1/chat\nContent-Type: application/json\nAuthorization: Token {value}',
  ],
  'header-before-name': ['curl -H "Authorization: Bearer {value}" https://api.{name}.test/v1/models', "curl -u '{value}:' https://api.{name}.test/v1/charges"],
  'prose-before-name': ['Use `{value}` as the {name} api key.', 'try {value} for {name}', '"{value}" is the {name} token'],
};

const NAMES = ['ZENTRIX_API_KEY', 'zentrixApiKey', 'zentrix.api.key', 'Zentrix', 'zentrix-key'];

function findIn(rs: Ruleset, text: string) {
  return scanText(text, { path: 'x' }, rs).map((f) => f[SECRET]);
}

describe('the shared assignment forms', () => {
  it('every form in the table has examples here, and every example a form', () => {
    expect(Object.keys(FORM_EXAMPLES).sort()).toEqual(ASSIGNMENT_FORMS.map((f) => f.id).sort());
  });
  for (const form of ASSIGNMENT_FORMS) {
    describe(`form "${form.id}" (${form.covers.slice(0, 60)}...)`, () => {
      it.each((FORM_EXAMPLES[form.id] ?? []).map((e, i) => [i, e] as const))('connects name and value in example #%i', (i, example) => {
        const value = expandTemplate('{{loweralnum:32}}', rng(i + 7));
        for (const name of NAMES) {
          // {name} stands for the whole identifier; prose examples read "the {name} api key".
          const text = example.replaceAll('{name}', name).replaceAll('{value}', value);
          expect(findIn(zentrix, text), `${form.id}: ${JSON.stringify(text)}`).toEqual([value]);
        }
      });
    });
  }
});

describe('what the forms do not accept', () => {
  const value = expandTemplate('{{loweralnum:32}}', rng(99));
  const cases: [string, string][] = [
    ['no name at all', `API_KEY=${value}`],
    ['the name inside another word', `rookzentrixTable=${value}`],
    ['a value one character short', `ZENTRIX_KEY=${value.slice(1)}`],
    ['a value one character long', `ZENTRIX_KEY=${value}a`],
    ['a value of the wrong case', `ZENTRIX_KEY=${value.toUpperCase()}`],
    ['the value inside a longer token', `ZENTRIX_KEY=prefix_${value}`],
    ['a reference, not a value', 'ZENTRIX_KEY=${ZENTRIX_KEY}'],
    ['the value first, the name on another line', `Use \`${value}\` as the\nzentrix key`],
    ['a CSV value in another column than the name', `service,zentrix_key,owner\n${value},billing,team-a`],
    ['a JSON pair whose name is another key', `{"key": "region", "value": "${value}", "note": "zentrix"}`],
    ['a pipe in code after the name, not a table row', `zentrix_mode = a | b | "${value}"`],
    ['a header on a line without the name', `curl -H "Authorization: Bearer ${value}" https://api.other.test\n# zentrix`],
  ];
  it.each(cases)('%s', (_label, text) => {
    expect(findIn(zentrix, text)).toEqual([]);
  });
});

describe('names are matched ignoring case, on a word start; values exactly', () => {
  const value = expandTemplate('{{loweralnum:32}}', rng(5));
  it.each([
    ['upper', `ZENTRIX_TOKEN=${value}`],
    ['camel hump', `const myZentrixToken = "${value}"`],
    ['after an underscore', `MY_ZENTRIX_TOKEN=${value}`],
    ['mixed case', `ZenTrix: ${value}`],
  ])('%s', (_label, text) => {
    expect(findIn(zentrix, text)).toEqual([value]);
  });
  it('the name may not start inside a lower-case word', () => {
    expect(findIn(zentrix, `myzentrix_token=${value}`)).toEqual([]);
  });
});

describe('a qualifier narrows the name to one of its settings', () => {
  const rs = ruleset({ names: ['zentrix'], qualifier: 'secret', value: '[a-z0-9]{32}' });
  const value = expandTemplate('{{loweralnum:32}}', rng(11));
  it.each([
    ['in the identifier', `ZENTRIX_APP_SECRET=${value}`],
    ['in a nested key', `zentrix:\n  app_id: 12345\n  secret: ${value}`],
    ['in prose', `The zentrix client secret is ${value}`],
    ['value first', `use ${value} as the zentrix secret`],
  ])('found %s', (_label, text) => {
    expect(findIn(rs, text)).toEqual([value]);
  });
  it.each([
    ['another setting', `ZENTRIX_APP_ID=${value}`],
    ['another nested key', `zentrix:\n  app_id: ${value}`],
  ])('not found for %s', (_label, text) => {
    expect(findIn(rs, text)).toEqual([]);
  });
});

describe('extra contexts ("also") sit right before the value', () => {
  const rs = ruleset({ names: ['zentrix'], value: '[a-z0-9]{32}', also: ['ZX-[0-9]{6}:'] });
  const value = expandTemplate('{{loweralnum:32}}', rng(12));
  it('finds the value after the extra context', () => {
    expect(findIn(rs, `zentrix_creds = "zx-123456:${value}"`)).toEqual([value]);
  });
});

describe('context rules are validated', () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['no names', { value: 'x{3}' }, /names is required/],
    ['no value', { names: ['a'] }, /value is required/],
    ['a capturing group in the value', { names: ['a'], value: '(ab){3}' }, /capturing groups/],
    ['an unknown key', { names: ['a'], value: 'x', name: 'a' }, /unknown context key/],
  ];
  it.each(bad)('%s', (_label, context, message) => {
    const problems: Problem[] = [];
    compileRule({ id: 'x-key', description: 'x', context, keywords: ['x'], severity: 'high' }, ['r'], problems);
    expect(problems.map((p) => p.message).join('\n')).toMatch(message);
  });
  it('regex and context together are refused', () => {
    const problems: Problem[] = [];
    compileRule({ id: 'x-key', description: 'x', regex: 'x', context: { names: ['a'], value: 'x' }, keywords: ['x'], severity: 'high' }, ['r'], problems);
    expect(problems.map((p) => p.message)).toContain('a rule has one of regex, context or url, not regex and context');
  });
  it('context rules get the template stopwords', () => {
    const problems: Problem[] = [];
    const rule = compileRule({ id: 'x-key', description: 'x', context: { names: ['a'], value: 'x' }, keywords: ['x'], severity: 'high' }, ['r'], problems);
    expect(rule!.allowlist.stopwords).toEqual(expect.arrayContaining(['your', 'dummy', 'sample']));
  });
});

describe('foldCase', () => {
  it.each([
    ['cohere', /^(?:cohere|COHERE|CoHeRe)$/],
    ['co[_.-]api[_.-]key', /^(?:CO_API_KEY|co-api-key|Co.Api.Key)$/],
    ['(?<![A-Za-z0-9])secret[a-c]{2}\\x60', /^(?:SECRETAB`|secretcc`)$/],
  ])('%s matches every spelling', (source, spellings) => {
    const re = new RegExp(`^(?:${foldCase(source)})$`);
    for (const s of spellings.source.slice(4, -2).split('|')) expect(re.test(s), s).toBe(true);
  });
  it('keeps escapes, lookarounds and quantifiers intact', () => {
    expect(foldCase('\\x60\\w{0,3}(?<=a)(?!b)')).toBe('\\x60\\w{0,3}(?<=[aA])(?![bB])');
  });
  it('every compiled context is a valid regex', () => {
    const { primary, valueFirst } = compileContext({ names: ['a(?:b|c)d'], qualifier: 'x[_.-]?y', value: '[0-9]{8}', also: ['z='] });
    expect(new RegExp(primary.source, 'gd').exec('ACD_X_Y = "12345678"')?.[primary.secretGroup]).toBe('12345678');
    for (const p of valueFirst) expect(() => new RegExp(p.source, 'yd')).not.toThrow();
  });
});
