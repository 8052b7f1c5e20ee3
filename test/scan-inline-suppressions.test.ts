import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { scanText } from '../src/core/scan.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

// Teams moving over from secretlint keep their disable comments: secretlint-disable-line,
// secretlint-disable-next-line and secretlint-disable ... secretlint-enable blocks suppress
// findings exactly as agent-vault:allow and gitleaks:allow do. Each case plants two tokens
// (T1 on the line marked @1, T2 on @2) and says which must still be reported.
const ruleset = buildRuleset(defaultConfig());

const CASES: [string, string, number[]][] = [
  ['disable-line (JS comment)', 'a = "@1" // secretlint-disable-line\nb = "@2"', [2]],
  ['disable-line (shell comment)', 'A="@1"  # secretlint-disable-line\nB="@2"', [2]],
  ['disable-line with a rule id', 'a = "@1" // secretlint-disable-line @secretlint/secretlint-rule-github\nb = "@2"', [2]],
  ['disable-next-line', '// secretlint-disable-next-line\na = "@1"\nb = "@2"', [2]],
  ['disable-next-line covers one line only', '# secretlint-disable-next-line\n\na = "@1"\nb = "@2"', [1, 2]],
  ['a disable ... enable block', 'x = 1\n/* secretlint-disable */\na = "@1"\n/* secretlint-enable */\nb = "@2"', [2]],
  ['a block in YAML comments', '# secretlint-disable\na: "@1"\nb: "@2"\n# secretlint-enable\nc: 3', []],
  ['a block never re-enabled runs to the end', 'a: "@1"\n# secretlint-disable\nb: "@2"', [1]],
  ['two blocks', '# secretlint-disable\na: "@1"\n# secretlint-enable\n# secretlint-disable\nb: "@2"\n# secretlint-enable', []],
  ['enable without disable changes nothing', '# secretlint-enable\na: "@1"\nb: "@2"', [1, 2]],
  ['agent-vault:allow', 'a = "@1" # agent-vault:allow\nb = "@2"', [2]],
  ['agent-vault:allow-next-line', '# agent-vault:allow-next-line\na = "@1"\nb = "@2"', [2]],
  ['gitleaks:allow', 'a = "@1" // gitleaks:allow\nb = "@2"', [2]],
  ['detect-secrets pragma', 'a = "@1"  # pragma: allowlist secret\nb = "@2"', [2]],
];

describe('inline suppression comments', () => {
  it.each(CASES)('%s', (_label, template, reported) => {
    const r = rng(17);
    const tokens = [expandTemplate('ghp_{{alnum:36}}', r), expandTemplate('ghp_{{alnum:36}}', r)];
    const text = template.replace('@1', tokens[0]!).replace('@2', tokens[1]!);
    const found = scanText(text, { path: 'x.ts' }, ruleset).map((f) => f.line);
    const expected = reported.map((n) => text.split('\n').findIndex((l) => l.includes(tokens[n - 1]!)) + 1);
    expect(found).toEqual(expected);
  });

  it('are ignored where inline suppressions are turned off (skills, the agent view)', () => {
    const tok = expandTemplate('ghp_{{alnum:36}}', rng(18));
    for (const text of [`# secretlint-disable\na: "${tok}"`, `a: "${tok}" # secretlint-disable-line`]) {
      expect(scanText(text, { path: 'x' }, ruleset, { inlineSuppressions: false })).toHaveLength(1);
    }
  });
});
