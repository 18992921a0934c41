/**
 * The store's refusals: a machine code for programs and tests, a French message for people, and the
 * field concerned when there is one.
 */
export const STORE_ERROR_CODES = [
  'INVALID_INPUT',
  'DUPLICATE_REF',
  'DUPLICATE_EAN',
  'DUPLICATE_BARCODE',
  'DUPLICATE_SUPPLIER_REF',
  'DUPLICATE_CODE',
  'DUPLICATE_CARD',
  'DUPLICATE_SELLER_CODE',
  'INVALID_EAN',
  'INVALID_SIRET',
  'INVALID_EMAIL',
  'INVALID_PIN',
  'INVALID_DATE_RANGE',
  'NEGATIVE_PRICE',
  'UNKNOWN_VAT_RATE',
  'UNKNOWN_FAMILY',
  'UNKNOWN_TARIFF',
  'UNKNOWN_ARTICLE',
  'UNKNOWN_CUSTOMER',
  'UNKNOWN_STORE',
  'UNKNOWN_DEPOT',
  'UNKNOWN_SELLER',
  'ALREADY_INITIALISED',
  'NOT_INITIALISED',
  'DATABASE_UNREACHABLE',
  'CSV_ENCODING',
  'CSV_QUOTING',
  'CSV_HEADER',
  'ALREADY_ANONYMISED',
  'MAIL_PENDING',
  'UNKNOWN_USER',
  'INVALID_QUANTITY',
  'UNKNOWN_DOCUMENT',
  'ALREADY_VALIDATED',
  'NOT_VALIDATED',
  'ALREADY_RECEIVED',
] as const;

export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly field: string | undefined;

  constructor(code: StoreErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
    this.field = field;
  }

  toJSON(): { code: StoreErrorCode; message: string; field?: string } {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export function isStoreError(value: unknown): value is StoreError {
  return value instanceof StoreError;
}
