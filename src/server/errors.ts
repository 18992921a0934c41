/**
 * Every refusal of the API: an HTTP status, a machine code and a French message (and the field, when
 * one is at fault). Errors from the store and the sales engine are translated here; anything else is a
 * bug and answers 500 without details.
 */
import { ArchiveError, type ArchiveErrorCode } from '../fiscal/archive.ts';
import { isMailError, type MailError, type MailErrorCode } from '../mail/errors.ts';
import type { SalesError } from '../sales/errors.ts';
import { isStoreError, type StoreErrorCode } from '../store/errors.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, field?: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }

  body(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  readonly details?: unknown;
}

export const notFound = (code: string, message: string): ApiError => new ApiError(404, code, message);
export const conflict = (code: string, message: string, details?: unknown): ApiError =>
  new ApiError(409, code, message, undefined, details);

const STORE_STATUS: Partial<Record<StoreErrorCode, number>> = {
  UNKNOWN_ARTICLE: 404,
  UNKNOWN_CUSTOMER: 404,
  UNKNOWN_STORE: 404,
  UNKNOWN_DEPOT: 404,
  UNKNOWN_SELLER: 404,
  DUPLICATE_CODE: 409,
  DUPLICATE_REF: 409,
  DUPLICATE_EAN: 409,
  DUPLICATE_BARCODE: 409,
  DUPLICATE_SUPPLIER_REF: 409,
  DUPLICATE_CARD: 409,
  DUPLICATE_SELLER_CODE: 409,
  ALREADY_INITIALISED: 409,
  ALREADY_ANONYMISED: 409,
  MAIL_PENDING: 409,
  UNKNOWN_DOCUMENT: 404,
  ALREADY_VALIDATED: 409,
  NOT_VALIDATED: 409,
  ALREADY_RECEIVED: 409,
  NOT_INITIALISED: 503,
  DATABASE_UNREACHABLE: 503,
  UNKNOWN_USER: 404,
};

/** The sales engine refused a command: the ticket is unchanged. */
export function fromSalesError(error: SalesError): ApiError {
  const status = error.code === 'LINE_NOT_FOUND' || error.code === 'PAYMENT_NOT_FOUND' ? 404 : 422;
  return new ApiError(status, error.code, error.message);
}

const MAIL_STATUS: Partial<Record<MailErrorCode, number>> = {
  INVALID_EMAIL: 400,
  INVALID_TICKET: 400,
  INVALID_FILTER: 400,
  UNKNOWN_STORE: 404,
  UNKNOWN_CUSTOMER: 404,
  UNKNOWN_JOB: 404,
  UNKNOWN_SALE: 404,
  NOT_RETRYABLE: 409,
};

/** A refusal of the mail capability (nothing was queued). */
export function fromMailError(error: MailError): ApiError {
  return new ApiError(MAIL_STATUS[error.code] ?? 422, error.code, error.message, error.field);
}

const ARCHIVE_STATUS: Partial<Record<ArchiveErrorCode, number>> = {
  BAD_PERIOD: 400,
  PERIOD_NOT_CLOSED: 409,
  EMPTY_PERIOD: 409,
  UNKNOWN_REGISTER: 404,
  INTEGRITY_FLAW: 409,
};

/** Turns a thrown value into an API error when it is a known refusal; undefined for bugs. */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isMailError(error)) return fromMailError(error);
  if (error instanceof ArchiveError && error.code !== 'UNREADABLE_ARCHIVE') {
    return new ApiError(ARCHIVE_STATUS[error.code] ?? 422, error.code, error.message);
  }
  if (isStoreError(error)) {
    return new ApiError(STORE_STATUS[error.code] ?? 422, error.code, error.message, error.field);
  }
  return undefined;
}

/** French messages for the framework's own refusals (before any route code runs). */
const FRAMEWORK: Readonly<Record<string, readonly [code: string, message: string]>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['MALFORMED_JSON', 'Corps de requête illisible : JSON invalide'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['MALFORMED_JSON', 'Corps de requête vide alors que le type annoncé est JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['BODY_TOO_LARGE', 'Corps de requête trop volumineux'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UNSUPPORTED_MEDIA_TYPE',
    'Type de contenu non pris en charge : envoyez du JSON (application/json)',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['BAD_CONTENT_LENGTH', 'Longueur de contenu incohérente'],
  FST_ERR_CTP_INVALID_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Type de contenu invalide'],
  FST_ERR_BAD_URL: ['BAD_URL', 'Adresse de requête invalide'],
  FST_ERR_NOT_FOUND: ['ROUTE_NOT_FOUND', 'Route inconnue'],
  FST_ERR_ASYNC_CONSTRAINT: ['BAD_REQUEST', 'Requête invalide'],
};

/** A framework error with a 4xx status, in the API's shape. */
export function fromFrameworkError(error: {
  code?: string;
  statusCode?: number;
  message?: string;
}): ApiError {
  const known = error.code === undefined ? undefined : FRAMEWORK[error.code];
  const status = error.statusCode ?? 400;
  if (known !== undefined) return new ApiError(status, known[0], known[1]);
  if (error instanceof SyntaxError) {
    return new ApiError(400, 'MALFORMED_JSON', 'Corps de requête illisible : JSON invalide');
  }
  return new ApiError(status, 'BAD_REQUEST', 'Requête invalide');
}
