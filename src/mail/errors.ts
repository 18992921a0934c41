/**
 * The mail capability's refusals: a machine code for programs and tests, a French message for people,
 * and the field concerned when there is one. Nothing is queued when one of these is thrown.
 */
export const MAIL_ERROR_CODES = [
  'INVALID_EMAIL',
  'MISSING_SENDER',
  'UNKNOWN_STORE',
  'UNKNOWN_CUSTOMER',
  'UNKNOWN_JOB',
  'UNKNOWN_SALE',
  'INVALID_TICKET',
  'NOT_RETRYABLE',
  'INVALID_SETTINGS',
  'INVALID_FILTER',
  'FILTER_UNAVAILABLE',
  'SALES_UNAVAILABLE',
  'INVALID_REASON',
] as const;

export type MailErrorCode = (typeof MAIL_ERROR_CODES)[number];

export class MailError extends Error {
  readonly code: MailErrorCode;
  readonly field: string | undefined;

  constructor(code: MailErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'MailError';
    this.code = code;
    this.field = field;
  }

  toJSON(): { code: MailErrorCode; message: string; field?: string } {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export function isMailError(value: unknown): value is MailError {
  return value instanceof MailError;
}
