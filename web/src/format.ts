/**
 * Pure helpers of the register screen: amounts in minor units shown the French way, and what the
 * cashier types in the viseur read as integers (cents, thousandths, hundredths of a percent) without
 * ever going through a float.
 */

const NBSP = '\u00a0';

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
}

/** 123456 → "1 234,56 €" (minor units, two decimals). */
export function formatMoney(minor: number, currency = '€'): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(minor));
  const units = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${group(String(units))},${cents}${currency === '' ? '' : `${NBSP}${currency}`}`;
}

/** 1500 thousandths → "1,5"; 2000 → "2". */
export function formatQuantity(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / 1000);
  const rest = String(abs % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${rest === '' ? '' : `,${rest}`}`;
}

/** 2000 hundredths → "20 %"; 550 → "5,5 %". */
export function formatRate(centi: number): string {
  const whole = Math.floor(centi / 100);
  const rest = String(centi % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${rest === '' ? '' : `,${rest}`}${NBSP}%`;
}

/**
 * Reads a decimal typed by the cashier ("12", "12,5", "12.50", "-3") as an integer scaled by
 * 10^decimals; undefined when it is not a number or has too many decimals.
 */
export function parseDecimal(text: string, decimals: number): number | undefined {
  const match = /^\s*(-?)(\d{0,9})(?:[.,](\d*))?\s*$/.exec(text);
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  if (fraction.length > decimals) return undefined;
  const scaled =
    Number(whole === '' ? '0' : whole) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
  return sign === '-' ? -scaled : scaled;
}

/** Cents from "12,50". */
export const parseMoney = (text: string): number | undefined => parseDecimal(text, 2);
/** Thousandths from "1,5". */
export const parseQuantity = (text: string): number | undefined => parseDecimal(text, 3);
/** Hundredths of a percent from "12,5". */
export const parsePercent = (text: string): number | undefined => parseDecimal(text, 2);

/** What a scanner sends: an EAN-8, UPC-A, EAN-13 or ITF-14 made of digits only. */
export function looksLikeBarcode(text: string): boolean {
  return /^\d{8}$|^\d{12,14}$/.test(text.trim());
}
