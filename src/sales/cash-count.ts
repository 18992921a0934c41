/**
 * Counting the drawer (« comptage de caisse », issue 13): the coins and notes of a currency, a count
 * typed as `value=pieces` pairs (`50=2,20=1,0.10=5`), and amounts typed as decimal strings. Pure: every
 * refusal is a French message, nothing is rounded.
 */
import { type Currency, formatScaled, MAX_INPUT, type Minor, parseScaled } from './money.ts';

/**
 * The coins and notes of each currency that has them here, in minor units, largest first. The euro's:
 * notes of 500 € to 5 €, coins of 2 € to 0,01 €.
 */
export const DENOMINATIONS: ReadonlyMap<string, readonly Minor[]> = new Map([
  ['EUR', [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1]],
]);

/** How many pieces of one coin or note were counted. */
export interface DenominationCount {
  /** The coin's or note's value, in minor units. */
  readonly value: Minor;
  /** The number of pieces: an integer, 0 or more. */
  readonly count: number;
}

export type Reading<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

/** The largest number of pieces of one denomination that a count accepts. */
export const MAX_PIECES = 1_000_000;

function fail<T>(message: string): Reading<T> {
  return { ok: false, message };
}

/** A coin's or note's value as the cashier reads it: `0,10 €`, `50 €`. */
export function denominationLabel(value: Minor, currency: Currency): string {
  const text = formatScaled(value, currency.exponent);
  const trimmed = value % 10 ** currency.exponent === 0 ? text.split('.')[0] : text;
  return `${(trimmed ?? text).replace('.', ',')} ${currency.symbol}`;
}

/**
 * Reads an amount typed as a decimal string (`150`, `150.00`, `0.10`): never negative, never more
 * decimals than the currency has. `what` names it in the message (« Le fonds de caisse »).
 */
export function readAmount(text: string, currency: Currency, what = 'Le montant'): Reading<Minor> {
  const value = parseScaled(text.trim(), currency.exponent, MAX_INPUT);
  if (value === 'decimals') {
    return fail(`${what} a trop de décimales : ${text} (${currency.exponent} au plus en ${currency.code}).`);
  }
  if (value === 'format') return fail(`${what} n'est pas un montant : « ${text} » (par exemple 150.00).`);
  if (value === 'range') return fail(`${what} est trop grand : ${text}.`);
  if (value < 0) return fail(`${what} ne peut pas être négatif : ${text}.`);
  return { ok: true, value };
}

/**
 * Reads a count by denomination: `50=2,20=1,0.10=5` (value in the currency's units, then the number
 * of pieces). Each value must be one of the currency's coins or notes and appear once; each number of
 * pieces a whole number, 0 or more. The counts come back largest value first.
 */
export function readCount(text: string, currency: Currency): Reading<DenominationCount[]> {
  const values = DENOMINATIONS.get(currency.code);
  if (values === undefined) {
    return fail(`Pas de liste de pièces et billets pour ${currency.code} : saisissez un total.`);
  }
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) return fail('Comptage vide : saisissez par exemple « 50=2,20=1,0.10=5 ».');
  const seen = new Map<Minor, number>();
  for (const item of items) {
    const [left, right, ...rest] = item.split('=');
    if (left === undefined || right === undefined || rest.length > 0) {
      return fail(`Comptage illisible : « ${item} » (valeur=nombre, par exemple 20=3).`);
    }
    const value = parseScaled(left.trim(), currency.exponent, MAX_INPUT);
    if (typeof value !== 'number' || !values.includes(value)) {
      return fail(`« ${left.trim()} » n'est pas une pièce ou un billet en ${currency.code}.`);
    }
    const pieces = right.trim();
    if (!/^-?\d+$/.test(pieces)) {
      return fail(`Nombre de pièces invalide pour ${left.trim()} : « ${pieces} » (un nombre entier).`);
    }
    const count = Number(pieces);
    if (count < 0) return fail(`Nombre de pièces négatif pour ${left.trim()} : ${pieces}.`);
    if (count > MAX_PIECES) return fail(`Nombre de pièces trop grand pour ${left.trim()} : ${pieces}.`);
    if (seen.has(value)) return fail(`${left.trim()} est compté deux fois.`);
    seen.set(value, count);
  }
  return {
    ok: true,
    value: values.filter((v) => seen.has(v)).map((v) => ({ value: v, count: seen.get(v) ?? 0 })),
  };
}

/** The total of a count, in minor units. */
export function countTotal(counts: readonly DenominationCount[]): Minor {
  return counts.reduce((sum, c) => sum + c.value * c.count, 0);
}

/** Writes a count back as the command line reads it (`50=2,20=1,0.10=5`). */
export function formatCount(counts: readonly DenominationCount[], currency: Currency): string {
  return counts
    .map((c) => {
      const text = formatScaled(c.value, currency.exponent);
      const value = c.value % 10 ** currency.exponent === 0 ? (text.split('.')[0] ?? text) : text;
      return `${value}=${c.count}`;
    })
    .join(',');
}
