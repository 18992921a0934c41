/**
 * Money and fixed-point numbers, exact.
 *
 * An amount is an integer count of the currency's minor unit (`Minor`): cents for EUR, yen for JPY,
 * millimes for TND. Quantities are thousandths (`Milli`), percentages are hundredths of a percent
 * (`Centi`). Products and quotients are computed exactly, through `bigint` when they could leave the
 * safe integer range, and rounded once, half away from zero.
 */

/** An integer number of the currency's minor unit. */
export type Minor = number;
/** A quantity in thousandths: 1.250 kg is 1250. */
export type Milli = number;
/** A percentage in hundredths: 5.5 % is 550, 20 % is 2000. */
export type Centi = number;

export interface Currency {
  /** ISO 4217 code. */
  readonly code: string;
  /** ISO 4217 exponent: how many decimals the minor unit has. */
  readonly exponent: number;
  /** The symbol printed after the amount in French formatting. */
  readonly symbol: string;
}

const table: readonly Currency[] = [
  { code: 'EUR', exponent: 2, symbol: '€' },
  { code: 'USD', exponent: 2, symbol: '$' },
  { code: 'GBP', exponent: 2, symbol: '£' },
  { code: 'CHF', exponent: 2, symbol: 'CHF' },
  { code: 'CAD', exponent: 2, symbol: '$CA' },
  { code: 'XPF', exponent: 0, symbol: 'F CFP' },
  { code: 'XOF', exponent: 0, symbol: 'F CFA' },
  { code: 'XAF', exponent: 0, symbol: 'F CFA' },
  { code: 'JPY', exponent: 0, symbol: '¥' },
  { code: 'KRW', exponent: 0, symbol: '₩' },
  { code: 'MAD', exponent: 2, symbol: 'DH' },
  { code: 'DZD', exponent: 2, symbol: 'DA' },
  { code: 'TND', exponent: 3, symbol: 'DT' },
  { code: 'KWD', exponent: 3, symbol: 'KD' },
  { code: 'BHD', exponent: 3, symbol: 'BD' },
];

export const CURRENCIES: ReadonlyMap<string, Currency> = new Map(table.map((c) => [c.code, c]));

export function currencyOf(code: string): Currency | undefined {
  return CURRENCIES.get(code);
}

/** The largest amount (in minor units) or scaled number accepted from the outside. */
export const MAX_INPUT = 100_000_000_000;

/** Why a decimal text could not be read. */
export type DecimalError = 'format' | 'decimals' | 'range';

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Reads a decimal string such as `"12.34"`, `"-0.5"` or `"20"` into an integer scaled by `10^scale`.
 * More decimals than `scale` is an error (never silently rounded), and so is a value whose scaled
 * magnitude exceeds `max`.
 */
export function parseScaled(text: string, scale: number, max: number = MAX_INPUT): number | DecimalError {
  const match = decimalPattern.exec(text);
  if (match === null) return 'format';
  const [, minus, whole = '', fraction = ''] = match;
  if (fraction.length > scale) return 'decimals';
  if (whole.replace(/^0+/, '').length > 16) return 'range';
  const value = Number(whole) * 10 ** scale + (fraction === '' ? 0 : Number(fraction.padEnd(scale, '0')));
  if (!Number.isSafeInteger(value) || value > max) return 'range';
  return minus === undefined || value === 0 ? value : -value;
}

/** Writes an integer scaled by `10^scale` as a decimal string with exactly `scale` decimals. */
export function formatScaled(value: number, scale: number): string {
  const negative = value < 0;
  const digits = String(Math.abs(value));
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Like `formatScaled`, then drops trailing zero decimals down to `minScale` decimals. */
export function formatTrimmed(value: number, scale: number, minScale = 0): string {
  let text = formatScaled(value, scale);
  let decimals = scale;
  while (decimals > minScale && text.endsWith('0')) {
    text = text.slice(0, -1);
    decimals -= 1;
  }
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

export function formatMoney(amount: Minor, currency: Currency): string {
  return formatScaled(amount, currency.exponent);
}

/** French display: `1 234,56 €` (narrow no-break space avoided for printers: plain space). */
export function formatMoneyFr(amount: Minor, currency: Currency): string {
  const [whole = '', fraction] = formatScaled(Math.abs(amount), currency.exponent).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const sign = amount < 0 ? '-' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `,${fraction}`} ${currency.symbol}`;
}

/** `n / d` rounded half away from zero, exactly. `d` must not be zero. */
export function divRoundBig(n: bigint, d: bigint): bigint {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d;
  const r = n - q * d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * `a × b / c` rounded half away from zero, exactly, for integers. Stays on doubles while the product
 * is a safe integer (fmod is exact there) and goes through bigint otherwise.
 */
export function mulDivRound(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= SAFE && p >= -SAFE && c <= SAFE && c >= -SAFE) {
    if (c < 0) return mulDivRound(-a, b, -c);
    const r = p % c;
    const q = (p - r) / c;
    if (Math.abs(r) * 2 >= c) return p < 0 ? q - 1 : q + 1;
    return q;
  }
  return Number(divRoundBig(BigInt(a) * BigInt(b), BigInt(c)));
}

/** Rounds `value` to the nearest multiple of `step` (half away from zero). */
export function roundToStep(value: Minor, step: Minor): Minor {
  return mulDivRound(value, 1, step) * step;
}

/** Converts an amount between two exponents of ten, rounding half away from zero. */
export function rescale(value: number, fromScale: number, toScale: number): number {
  if (toScale >= fromScale) return value * 10 ** (toScale - fromScale);
  return mulDivRound(value, 1, 10 ** (fromScale - toScale));
}
