/**
 * The RLMC key of a cheque's account (« clé RLMC », issue 13, seed 004): two digits that make bank
 * code (5 digits), branch code (5 digits), account number (11 characters) and key, read as one number,
 * a multiple of 97. Letters of the account number count as digits (A, J → 1; B, K, S → 2; … I, R → 9).
 * Pure.
 */

export interface ChequeAccount {
  /** Code banque: 5 digits. */
  readonly bank: string;
  /** Code guichet: 5 digits. */
  readonly branch: string;
  /** Numéro de compte: 11 digits or capital letters. */
  readonly account: string;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The digit of each letter: A–I are 1–9, J–R are 1–9, S–Z are 2–9. */
function digitOf(char: string): number {
  if (char >= '0' && char <= '9') return Number(char);
  const index = LETTERS.indexOf(char);
  if (index < 0) throw new RangeError(`Caractère invalide : ${char}`);
  if (index < 9) return index + 1;
  if (index < 18) return index - 8;
  return index - 16;
}

/** Why a cheque's account cannot be read, in French; undefined when it can. */
export function chequeAccountError(a: ChequeAccount): string | undefined {
  if (!/^\d{5}$/.test(a.bank)) return `Code banque invalide : « ${a.bank} » (5 chiffres).`;
  if (!/^\d{5}$/.test(a.branch)) return `Code guichet invalide : « ${a.branch} » (5 chiffres).`;
  if (!/^[0-9A-Z]{11}$/.test(a.account.toUpperCase())) {
    return `Numéro de compte invalide : « ${a.account} » (11 chiffres ou lettres).`;
  }
  return undefined;
}

/**
 * The key of an account: 97 − ((89 × bank + 15 × branch + 3 × account) mod 97), since 10^18 ≡ 89,
 * 10^13 ≡ 15 and 10^2 ≡ 3 modulo 97. Throws a `RangeError` on an unreadable account.
 */
export function rlmcKey(a: ChequeAccount): number {
  const error = chequeAccountError(a);
  if (error !== undefined) throw new RangeError(error);
  const account = Number([...a.account.toUpperCase()].map(digitOf).join('')); /* 11 digits: below 2^53 */
  const rest = (89 * Number(a.bank) + 15 * Number(a.branch) + 3 * account) % 97;
  return 97 - rest;
}

/** Whether `key` (two digits, `01`…`97`) is the account's key. */
export function rlmcKeyIsValid(a: ChequeAccount, key: string): boolean {
  if (!/^\d{2}$/.test(key) || chequeAccountError(a) !== undefined) return false;
  return Number(key) === rlmcKey(a);
}

/** Why a cheque number is refused (digits only, 1 to 7 of them), or undefined. */
export function chequeNumberError(number: string): string | undefined {
  if (!/^\d{1,7}$/.test(number)) {
    return `Numéro de chèque invalide : « ${number} » (des chiffres seulement, 7 au plus).`;
  }
  return undefined;
}
