/**
 * The exact written forms of a vaulted value besides its raw bytes: how a value looks after a
 * serialiser, an escaper or an encoder wrote it into a file. The matcher (redact.ts) looks for
 * each of them; the agent view hides every one behind an UNVAULTED marker (write restores it
 * from the file's current content), and the gates name the classic ones (json, url, base64,
 * hex) when they block a commit. Pure: bytes in, bytes out.
 *
 * Case needs no forms of its own: the matcher compares ASCII case-folded bytes, so upper- and
 * lower-case hex digits, `%2f`/`%2F`, `\u00E9`/`\u00e9` and `&#X41;` are one form each.
 */

/** How a value was written (bit flags). The first five are the gates' classic encodings. */
export const Form = {
  Raw: 1,
  Json: 2,
  Url: 4,
  Base64: 8,
  Hex: 16,
  /** Every character as an escape: `\uXXXX`, `\xHH`, octal `\ooo`. */
  Escape: 32,
  /** HTML character references: `&#NN;`, `&#xHH;`, and the named escapes of `& < > " '`. */
  Html: 64,
  /** Another Unicode normalisation (NFC, NFD, NFKC, NFKD) of the value's text. */
  Unicode: 128,
} as const;
export type Form = (typeof Form)[keyof typeof Form];

/** The forms the pre-commit gate and the Action report (and block). */
export const GATE_FORMS = Form.Raw | Form.Json | Form.Url | Form.Base64 | Form.Hex;

export interface WrittenForm {
  form: Form;
  bytes: Buffer;
}

/** The written forms of a value that differ from its raw bytes, each at least `minBytes` long, no two alike. */
export function writtenForms(value: Buffer, minBytes: number): WrittenForm[] {
  const out: WrittenForm[] = [];
  const text = value.toString('utf8');
  const isUtf8 = Buffer.from(text, 'utf8').equals(value);
  // Every form below is text; two forms are alike when their text is.
  const seen = new Set<string>(isUtf8 ? [text] : []);
  const add = (form: Form, s: string) => {
    if (seen.has(s)) return;
    seen.add(s);
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length >= minBytes) out.push({ form, bytes });
  };
  const hex = value.toString('hex');
  if (isUtf8) {
    // JSON string escaping as JSON.stringify writes it, then with `/` escaped (PHP, some
    // serialisers) and with every non-ASCII character as \uXXXX (Python's json.dumps).
    const json = JSON.stringify(text).slice(1, -1);
    add(Form.Json, json);
    add(Form.Json, json.replace(/\//g, '\\/'));
    add(Form.Json, json.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
    const url = encodeURIComponent(text);
    add(Form.Url, url);
    add(Form.Url, url.replace(/%20/g, '+')); // form encoding
    if (/[^\x00-\x7f]/.test(text)) for (const nf of ['NFC', 'NFD', 'NFKC', 'NFKD'] as const) add(Form.Unicode, text.normalize(nf));
    // Every UTF-16 unit as \uXXXX (JavaScript, JSON, Java, C#), every code point as an HTML reference.
    let u = '';
    let dec = '';
    let hx = '';
    for (let i = 0; i < text.length; i++) u += '\\u' + text.charCodeAt(i).toString(16).padStart(4, '0');
    for (const c of text) {
      const p = c.codePointAt(0)!;
      dec += `&#${p};`;
      hx += `&#x${p.toString(16)};`;
    }
    add(Form.Escape, u);
    add(Form.Html, dec);
    add(Form.Html, hx);
    // The escaping an HTML or XML writer applies to text and attribute values.
    if (/[&<>"']/.test(text)) {
      const named = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      add(Form.Html, named.replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
      add(Form.Html, named.replace(/"/g, '&quot;').replace(/'/g, '&#x27;'));
      add(Form.Html, named.replace(/"/g, '&#34;').replace(/'/g, '&apos;'));
    }
  } else {
    let url = '';
    for (const b of value) url += /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0');
    add(Form.Url, url);
  }
  // Every byte percent-encoded, as some encoders (and hand-written payloads) do.
  add(Form.Url, hex.replace(/../g, '%$&'));
  // Hex dumps, as key material is often written: plain and with the usual separators.
  add(Form.Hex, hex);
  for (const sep of [':', ' ', '-']) add(Form.Hex, hex.replace(/..(?!$)/g, '$&' + sep));
  // Byte escapes of C, Python, shell printf and friends.
  add(Form.Escape, hex.replace(/../g, '\\x$&'));
  let octal = '';
  for (const b of value) octal += '\\' + (b < 64 ? (b < 8 ? '00' : '0') : '') + b.toString(8);
  add(Form.Escape, octal);
  // Base64 inside a longer base64 text depends on where the value starts modulo 3 bytes;
  // for each alignment keep only the characters that the value's own bits fully decide.
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), value]).toString('base64');
    const core = b64.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + value.length)) / 6));
    add(Form.Base64, core);
    add(Form.Base64, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}
