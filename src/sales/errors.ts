/**
 * The sales engine's error codes (sales-arithmetic.md), each with the French message shown to the
 * cashier. The order of this list is the order in which a ticket's errors are reported.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'EMPTY_TICKET',
  'DISCOUNT_TOO_LARGE',
  'DISCOUNT_LIMIT_EXCEEDED',
  'NEGATIVE_TOTAL',
  'UNKNOWN_PAYMENT_MODE',
  'OVERPAYMENT_NOT_ALLOWED',
  'PAYMENT_MISMATCH',
  'NO_LINE_POINTED',
  'LINE_NOT_FOUND',
  'TICKET_HELD',
  'WRONG_PHASE',
  'PAYMENT_NOT_FOUND',
  'NOTHING_TO_PAY',
  'COMPOSITION_LOCKED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SalesError {
  readonly code: ErrorCode;
  readonly message: string;
}

const MESSAGES: Record<ErrorCode, string> = {
  INVALID_INPUT: 'Saisie invalide',
  EMPTY_TICKET: 'Le ticket doit comporter au moins une ligne',
  DISCOUNT_TOO_LARGE: 'Remise supérieure au montant remisé',
  DISCOUNT_LIMIT_EXCEEDED: 'Remise supérieure à la limite autorisée',
  NEGATIVE_TOTAL: 'Le total du ticket ne peut pas être négatif',
  UNKNOWN_PAYMENT_MODE: 'Mode de règlement inconnu',
  OVERPAYMENT_NOT_ALLOWED: 'Rendu non autorisé',
  PAYMENT_MISMATCH: 'Le total des règlements ne correspond pas au total du ticket',
  NO_LINE_POINTED: 'Aucune ligne pointée',
  LINE_NOT_FOUND: 'Ligne introuvable',
  TICKET_HELD: 'Le ticket est en attente',
  WRONG_PHASE: 'Opération impossible à ce stade du ticket',
  PAYMENT_NOT_FOUND: 'Règlement introuvable',
  NOTHING_TO_PAY: 'Rien à régler',
  COMPOSITION_LOCKED: "Seule la quantité d'un article composé se modifie en saisie de ticket",
};

/** The error with its French message; `detail` names what it is about (a payment mode, a field). */
export function salesError(code: ErrorCode, detail?: string): SalesError {
  const base = MESSAGES[code];
  return { code, message: detail === undefined ? base : `${base} pour ${detail}` };
}

/** Sorts errors in the order of `ERROR_CODES` and drops exact repeats. */
export function normaliseErrors(errors: readonly SalesError[]): SalesError[] {
  const seen = new Set<string>();
  const unique: SalesError[] = [];
  for (const error of errors) {
    const key = `${error.code}\u0000${error.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(error);
    }
  }
  return unique.sort((a, b) => ERROR_CODES.indexOf(a.code) - ERROR_CODES.indexOf(b.code));
}
