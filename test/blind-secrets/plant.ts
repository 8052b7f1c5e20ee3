/**
 * Puts one value into one carrier: checks the syntax can hold it, encodes and escapes it,
 * renders the file and records where the value landed.
 */
import { companionFile, MARK, type Carrier, type Ctx } from './carriers.js';
import { mapValue, type Value } from './formats.js';
import { sentWithRequests, type Provider } from './providers.js';
import type { Rand } from './rand.js';

/** What the slot is called and who it belongs to, for the file around it. */
export interface Slot {
  name: string;
  vendor: string;
  noun: string;
  user: string;
}

export interface Rendered {
  /** Path inside the plant's own folder. */
  path: string;
  text: string;
  start: number;
  end: number;
  /** Other secrets in the same file (a key ID next to its secret): neither found nor false. */
  companions: [number, number][];
}

/** Can this carrier hold this value for this kind? (`p` null: a look-alike with no provider.) */
export function canHold(c: Carrier, p: Provider | null, v: Value, slot: Slot): boolean {
  if (p?.only && !p.only.includes(c.id)) return false;
  if (p?.not?.includes(c.id)) return false;
  if (c.accept && (!p || !c.accept(p))) return false;
  if (!c.accept && !p?.only && (c.id === 'aws/credentials-file' || c.id === 'akamai/edgerc')) return false;
  if (c.needsUser && (!p?.user || (slot.user === '' && c.id !== 'shell/curl-u'))) return false;
  if (c.anonymous && p && !p.selfId) return false;
  if (c.sent && (!p || !sentWithRequests(p))) return false;
  const encoded = c.encode ? c.encode(v, ctxFor(slot, null as unknown as Rand)) : v;
  if (c.forbid?.test(encoded.text)) return false;
  if (c.holds && !c.holds(encoded.text)) return false;
  const escaped = c.esc ? c.esc(encoded.text) : encoded.text;
  if (escaped.includes('\n') && !c.multiline && !c.encode) return false;
  if (!escaped.includes('\n') && c.multiline) return false;
  return true;
}

function ctxFor(slot: Slot, r: Rand, ref = false): Ctx {
  // A reference expression brings its own quoting (or needs none); a literal takes the carrier's.
  const q = ref ? () => MARK : (quote = '') => quote + MARK + quote;
  return { r, name: slot.name, vendor: slot.vendor, noun: slot.noun, user: slot.user, q };
}

/**
 * Render a file around a literal value (`ref` false) or around the carrier's reference
 * expression (`ref` true: the value is ignored and the reference is the look-alike).
 */
export function render(c: Carrier, p: Provider | null, slot: Slot, v: Value, r: Rand, ref = false): Rendered {
  const ctx = ctxFor(slot, r, ref);
  const path = c.path(ctx);
  let planted: Value;
  if (ref) {
    if (!c.ref) throw new Error(`carrier ${c.id} has no reference form`);
    const text = c.ref(ctx);
    planted = { text, start: 0, end: text.length };
  } else {
    planted = c.encode ? c.encode(v, ctx) : v;
    if (c.esc) planted = mapValue(planted, c.esc);
  }
  let body: string;
  let companionValues: string[] = [];
  const special = p && !ref ? companionFile(c, p, r, planted.text) : null;
  if (special) {
    body = special.text;
    companionValues = special.companions;
  } else body = c.render(ctx);
  const at = body.indexOf(MARK);
  if (at < 0 || body.indexOf(MARK, at + 1) >= 0) throw new Error(`carrier ${c.id} must render exactly one slot`);
  const text = body.slice(0, at) + planted.text + body.slice(at + 1);
  // A key ID or SID used as the basic-auth user (Twilio SK..., WooCommerce ck_...) is a companion too.
  if (c.needsUser && !ref && slot.user.length >= 16) companionValues = [...companionValues, slot.user];
  const companions: [number, number][] = [];
  for (const cv of companionValues) {
    const i = text.indexOf(cv);
    if (i >= 0) companions.push([i, i + cv.length]);
  }
  return { path, text, start: at + planted.start, end: at + planted.end, companions };
}
