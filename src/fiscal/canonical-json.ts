/**
 * Canonical JSON (docs/fiscal-format.md § 2.1): the one spelling of a value made of objects, arrays,
 * strings, booleans and safe integers. It is RFC 8785 (JCS) restricted to those values: object keys
 * sorted by UTF-16 code units, no whitespace, strings escaped as ECMAScript's `JSON.stringify` does,
 * integers in base 10. `null`, `undefined`, fractions and non-finite numbers are refused, so that a
 * value has exactly one text and the text exactly one value.
 */
import { createHash } from 'node:crypto';

/** Thrown when a value cannot be written canonically (French message). */
export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

function write(value: unknown, path: string, out: string[]): void {
  if (typeof value === 'string') {
    if (/[\uD800-\uDFFF]/u.test(value)) {
      throw new CanonicalJsonError(`Texte invalide (caractère Unicode isolé) en ${path}.`);
    }
    out.push(JSON.stringify(value));
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`Entier invalide en ${path} : ${value}.`);
    out.push(String(value === 0 ? 0 : value));
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, `${path}[${i}]`, out);
    });
    out.push(']');
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push('{');
    entries.forEach(([key, v], i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      write(v, `${path}.${key}`, out);
    });
    out.push('}');
  } else {
    throw new CanonicalJsonError(`Valeur non admise en ${path} : ${String(value)}.`);
  }
}

/** The canonical JSON text of `value`; an absent (undefined) object member is left out. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out);
  return out.join('');
}

/** SHA-256 (lower-case hex) of the UTF-8 bytes of the canonical JSON of `value`. */
export function canonicalSha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
