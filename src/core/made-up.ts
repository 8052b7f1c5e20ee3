/**
 * Words that mark a value as made up, applied by the engine to every rule (built-in, custom,
 * with or without the built-in packs), so no rule can forget them: counting and keyboard runs
 * (`1234567`, `abcdefg`, `qwerty`), which appear in invented values and practically never in
 * random ones, and the placeholder families of documentation and templates (`REPLACE_WITH_...`,
 * `<your-...>`, `CHANGE_ME`, `...EXAMPLE...`).
 *
 * Stopwords are case-insensitive substrings of the secret, so each must be long or odd enough
 * that a random secret, even a 3 KB private key, practically never contains it: seven counting
 * characters, six keyboard letters, or a word with its separator (`your_`, `fake-`). Binary
 * secrets (key containers) are exempt: a certificate inside one may say anything.
 */

/** Runs of seven digits or letters in order, and keyboard rows. */
export const COUNTING_RUNS: readonly string[] = [
  '0123456',
  '1234567',
  '2345678',
  '3456789',
  '9876543',
  '8765432',
  '7654321',
  '6543210',
  'abcdefg',
  'bcdefgh',
  'cdefghi',
  'qwerty',
  'qwertz',
  'azerty',
  'asdfgh',
  'zxcvbn',
  // the same rows backwards, and the keyboard's columns (1qaz2wsx, 1q2w3e4r) people type for a
  // password they do not mean to keep
  'ytrewq',
  'poiuyt',
  'hgfdsa',
  'lkjhgf',
  'nbvcxz',
  'mnbvcx',
  'qazwsx',
  'zaq1xsw2',
  '1qaz2wsx',
  '1q2w3e',
  'q1w2e3',
  'asdfasdf',
  'zyxwvu',
];

/** The placeholder families: template words people leave where a secret goes. */
export const PLACEHOLDER_WORDS: readonly string[] = [
  'example',
  'placeholder',
  'redacted',
  'xxxxxxxx',
  'replace_with',
  'replace-with',
  'replacewith',
  'replace_me',
  'replace-me',
  'replaceme',
  'change_me',
  'change-me',
  'changeme',
  'change_this',
  'change-this',
  'changethis',
  'changeit',
  'your_',
  'your-',
  'yourapi',
  'yourkey',
  'yourtoken',
  'yoursecret',
  'yourpass',
  'insert_',
  'insert-',
  'insertyour',
  'enter_your',
  'enter-your',
  'enteryour',
  'put_your',
  'put-your',
  'dummy',
  'fake_',
  'fake-',
  'fakekey',
  'faketoken',
  'not_a_real',
  'not-a-real',
  'notarealkey',
  'notreal',
  'fixme',
];

/** Every stopword the engine adds to each rule. */
export const MADE_UP_STOPWORDS: readonly string[] = [...COUNTING_RUNS, ...PLACEHOLDER_WORDS];
