/** The journal's refusals: a machine code, a French message, and the engine's errors when any. */
export const JOURNAL_ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_REGISTER',
  'UNKNOWN_USER',
  'UNKNOWN_CUSTOMER',
  'UNKNOWN_SELLER',
  'SELLER_REQUIRED',
  'CURRENCY_MISMATCH',
  'TICKET_REFUSED',
  'RECEIVED_ZERO',
  'TOTALS_INCOHERENT',
  'CLOSURE_OVERDUE',
  'HELD_TICKETS',
  'IDEMPOTENCY_CONFLICT',
  'UNKNOWN_RECORD',
  'NOT_CANCELLABLE',
  'ALREADY_CANCELLED',
  'ALREADY_ISSUED',
  'KEYS_MISSING',
  'KEY_NOT_ENROLLED',
  'JOURNAL_INCONSISTENT',
  'CLOCK_BEHIND',
  'DAY_ALREADY_CLOSED',
  'PERIOD_NOT_ENDED',
  'TILL_NOT_OPEN',
  'TILL_ALREADY_OPEN',
  'REASON_REQUIRED',
  'RIGHT_REQUIRED',
  'CASH_OUT_OVER_EXPECTED',
  'INSTRUMENT_REFUSED',
  'RETURN_REFUSED',
  'OUT_OF_STOCK',
] as const;

export type JournalErrorCode = (typeof JOURNAL_ERROR_CODES)[number];

export interface JournalErrorItem {
  readonly code: string;
  readonly message: string;
}

export class JournalError extends Error {
  readonly code: JournalErrorCode;
  /** Every reason, the first being this error's own (the engine's errors for `TICKET_REFUSED`). */
  readonly errors: readonly JournalErrorItem[];

  constructor(code: JournalErrorCode, message: string, errors?: readonly JournalErrorItem[]) {
    super(message);
    this.name = 'JournalError';
    this.code = code;
    this.errors = errors ?? [{ code, message }];
  }

  toJSON(): { code: JournalErrorCode; message: string; errors: readonly JournalErrorItem[] } {
    return { code: this.code, message: this.message, errors: this.errors };
  }
}

export function isJournalError(value: unknown): value is JournalError {
  return value instanceof JournalError;
}
