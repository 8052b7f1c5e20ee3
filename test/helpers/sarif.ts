import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from './sandbox.js';

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
// Both packages are CommonJS with a default export; require keeps their types honest-free and simple.
const require = createRequire(import.meta.url);
let validator: Validate | undefined;

/**
 * Validate a SARIF log against the official SARIF 2.1.0 (rtm.5) JSON schema, shipped on npm in
 * @microsoft/sarif-matcher-utils. Returns the schema errors (empty when valid).
 */
export function sarifSchemaErrors(log: unknown): unknown[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(REPO, 'node_modules/@microsoft/sarif-matcher-utils/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The schema's language-tag pattern is not valid with the unicode flag; ajv's default.
    const Ajv = require('ajv-draft-04') as new (o: object) => { compile(s: unknown): Validate };
    const addFormats = require('ajv-formats') as (ajv: unknown) => void;
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  const validate = validator;
  return validate(log) ? [] : [...(validate.errors ?? [])];
}
