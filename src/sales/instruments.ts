import { currencyOf, formatMoneyFr, type Minor } from './money.ts';

/**
 * Numbered instruments with a balance (issue 14 item 3), pure: credit notes (avoirs), own vouchers
 * (bons d'achat), gift cards (cartes cadeaux, reloadable) and deposits (acomptes). Their number, its
 * check digit, their expiry and the balance derived from their ledger. The store keeps the ledger
 * (append-only) and draws the random digits; nothing here reads a clock or a random source.
 */

export const INSTRUMENT_KINDS = ['credit-note', 'voucher', 'gift-card', 'deposit'] as const;
export type InstrumentKind = (typeof INSTRUMENT_KINDS)[number];

/** The payment mode that redeems each kind (the register's payment modes carry the same codes). */
export const INSTRUMENT_MODE: Readonly<Record<InstrumentKind, string>> = {
  'credit-note': 'CREDIT_NOTE',
  voucher: 'VOUCHER',
  'gift-card': 'GIFT_CARD',
  deposit: 'DEPOSIT',
};

export const INSTRUMENT_LABELS: Readonly<Record<InstrumentKind, string>> = {
  'credit-note': "Bon d'avoir",
  voucher: "Bon d'achat",
  'gift-card': 'Carte cadeau',
  deposit: "Bon d'acompte",
};

/** The kind redeemed by a payment mode, or undefined for a mode that is not an instrument. */
export function kindOfMode(mode: string): InstrumentKind | undefined {
  return INSTRUMENT_KINDS.find((k) => INSTRUMENT_MODE[k] === mode);
}

/** The first digit of a number tells its kind (a cashier sees it before any lookup). */
const KIND_DIGIT: Readonly<Record<InstrumentKind, string>> = {
  'credit-note': '1',
  voucher: '2',
  'gift-card': '3',
  deposit: '4',
};

/** 14 random digits: 10^14 numbers per kind, so that a guess among a million issued hits once in 10^8. */
export const RANDOM_DIGITS = 14;
export const NUMBER_LENGTH = 1 + RANDOM_DIGITS + 1;

/**
 * Damm's quasigroup table (H. M. Damm, 2004). Damm rather than Luhn: it catches every single-digit
 * error AND every transposition of two adjacent digits (Luhn misses 09 ↔ 90), with one digit.
 */
const DAMM: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/** The Damm check digit of a string of digits (a valid number with its digit gives 0). */
export function dammDigit(digits: string): number {
  let interim = 0;
  for (const ch of digits) interim = DAMM[interim]?.[ch.charCodeAt(0) - 48] ?? 0;
  return interim;
}

/** A new instrument number from its kind and `RANDOM_DIGITS` random digits drawn by the caller. */
export function instrumentNumber(kind: InstrumentKind, randomDigits: string): string {
  if (!new RegExp(`^\\d{${RANDOM_DIGITS}}$`).test(randomDigits)) {
    throw new RangeError(`${RANDOM_DIGITS} chiffres aléatoires attendus.`);
  }
  const body = `${KIND_DIGIT[kind]}${randomDigits}`;
  return `${body}${dammDigit(body)}`;
}

/** The number as printed: groups of four digits. */
export function formatInstrumentNumber(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export type NumberReading =
  | { readonly ok: true; readonly number: string; readonly kind: InstrumentKind }
  | { readonly ok: false; readonly message: string };

/**
 * Reads a typed or scanned number (spaces and dashes allowed) and checks its digit: a typo is caught
 * here, before any lookup.
 */
export function readInstrumentNumber(text: string): NumberReading {
  const number = text.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(number) || number.length !== NUMBER_LENGTH) {
    return {
      ok: false,
      message: `Numéro de bon invalide : « ${text} » (${NUMBER_LENGTH} chiffres attendus).`,
    };
  }
  if (dammDigit(number) !== 0) {
    return {
      ok: false,
      message: `Numéro de bon erroné : « ${text} » (clé de contrôle fausse, vérifiez la saisie).`,
    };
  }
  const kind = INSTRUMENT_KINDS.find((k) => KIND_DIGIT[k] === number[0]);
  if (kind === undefined) return { ok: false, message: `Numéro de bon inconnu : « ${text} ».` };
  return { ok: true, number, kind };
}

/** One movement of an instrument: issued or reloaded (positive), redeemed (negative). */
export interface LedgerEntry {
  readonly amount: Minor;
}

function money(amount: Minor, code: string): string {
  const currency = currencyOf(code);
  return currency === undefined ? `${amount} ${code}` : formatMoneyFr(amount, currency);
}

/** The balance: the sum of the ledger, never stored. */
export function balanceOf(entries: readonly LedgerEntry[]): Minor {
  return entries.reduce((s, e) => s + e.amount, 0);
}

/** The expiry of an instrument issued at `issuedAt` valid `validityDays` days (null: never). */
export function expiryOf(issuedAt: Date, validityDays: number | null): Date | null {
  if (validityDays === null) return null;
  return new Date(issuedAt.getTime() + validityDays * 86_400_000);
}

export interface InstrumentState {
  readonly number: string;
  readonly kind: InstrumentKind;
  readonly currency: string;
  readonly expiresAt: Date | null;
  readonly balance: Minor;
}

/**
 * Why a redemption of `amount` with payment mode `mode` at `now` is refused, or null when it may go.
 * The French message names the number, the balance and the expiry.
 */
export function redemptionRefusal(
  instrument: InstrumentState,
  mode: string,
  amount: Minor,
  now: Date,
): { code: string; message: string } | null {
  const shown = formatInstrumentNumber(instrument.number);
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    return { code: 'INVALID_AMOUNT', message: `Le montant utilisé du bon ${shown} doit être positif.` };
  }
  if (INSTRUMENT_MODE[instrument.kind] !== mode) {
    return {
      code: 'WRONG_MODE',
      message: `Le bon ${shown} est un(e) ${INSTRUMENT_LABELS[instrument.kind].toLowerCase()} : réglez-le en ${INSTRUMENT_MODE[instrument.kind]}.`,
    };
  }
  if (instrument.expiresAt !== null && now.getTime() >= instrument.expiresAt.getTime()) {
    return {
      code: 'EXPIRED',
      message: `Le bon ${shown} a expiré le ${instrument.expiresAt.toISOString().slice(0, 10)}.`,
    };
  }
  if (instrument.balance <= 0) return { code: 'SPENT', message: `Le bon ${shown} est épuisé (solde nul).` };
  if (amount > instrument.balance) {
    return {
      code: 'INSUFFICIENT_BALANCE',
      message: `Le bon ${shown} n’a plus que ${money(instrument.balance, instrument.currency)} de solde.`,
    };
  }
  return null;
}
