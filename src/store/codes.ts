/**
 * Check digits and normalised texts: EAN-13, SIRET (Luhn), e-mail shape, and the search form of a
 * text (upper case, no accents) stored next to it so that lookups are case- and accent-insensitive.
 */

const LIGATURES: Readonly<Record<string, string>> = { Œ: 'OE', Æ: 'AE', ß: 'SS', œ: 'OE', æ: 'AE' };

/** `Crème brûlée  Œuf` → `CREME BRULEE OEUF`: what the search columns hold and queries compare with. */
export function searchForm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[ŒÆßœæ]/g, (c) => LIGATURES[c] ?? c)
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The smallest text greater than every text starting with `prefix` (byte order): a range end. */
export function prefixEnd(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1);
  if (last === undefined) return '\u{10FFFF}';
  return prefix.slice(0, -1) + String.fromCodePoint(last + 1);
}

/** The check digit of an EAN-13 from its first twelve digits. */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

/** 14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments: digit sum multiple of 5). */
export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith('356000000')) {
    let digits = 0;
    for (const c of siret) digits += Number(c);
    return digits % 5 === 0;
  }
  let sum = 0;
  for (let i = 0; i < 14; i += 1) {
    let d = Number(siret[13 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A deliberately plain shape check: one @, a dot in the domain, no spaces. */
export function isValidEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}
