/**
 * The ports plugged into the fiscal journal (src/store/journal): validation through `validateTicket`,
 * technical events as JET records, held tickets in the journal's table.
 */
import { instantOf, type JetCodeName, type JournalRecord } from '../fiscal/record.ts';
import { shortCodeOf } from '../fiscal/signing.ts';
import { toInput } from '../sales/ticket.ts';
import {
  appendJet,
  holdTicket,
  isJournalError,
  type JournalContext,
  type JournalErrorCode,
  releaseHeldTicket,
  validateTicket,
} from '../store/journal/index.ts';
import { ApiError } from './errors.ts';
import type { Books, Db, EventJournal, EventKind, HeldTickets, ValidatedSale } from './ports.ts';

const JOURNAL_STATUS: Partial<Record<JournalErrorCode, number>> = {
  UNKNOWN_REGISTER: 404,
  UNKNOWN_USER: 404,
  UNKNOWN_CUSTOMER: 404,
  UNKNOWN_SELLER: 404,
  UNKNOWN_RECORD: 404,
  IDEMPOTENCY_CONFLICT: 409,
  ALREADY_CANCELLED: 409,
  ALREADY_ISSUED: 409,
  HELD_TICKETS: 409,
  CLOSURE_OVERDUE: 409,
  TILL_NOT_OPEN: 409,
  TILL_ALREADY_OPEN: 409,
  REASON_REQUIRED: 400,
  RIGHT_REQUIRED: 403,
  CASH_OUT_OVER_EXPECTED: 409,
  NOT_CANCELLABLE: 409,
  KEYS_MISSING: 503,
  KEY_NOT_ENROLLED: 503,
  JOURNAL_INCONSISTENT: 503,
  CLOCK_BEHIND: 503,
  DAY_ALREADY_CLOSED: 409,
  PERIOD_NOT_ENDED: 409,
  OUT_OF_STOCK: 409,
};

/** A journal refusal as an API error (undefined for anything else). */
export function fromJournalError(error: unknown): ApiError | undefined {
  if (!isJournalError(error)) return undefined;
  return new ApiError(
    JOURNAL_STATUS[error.code] ?? 422,
    error.code,
    error.message,
    undefined,
    error.errors.length > 1 ? { errors: error.errors } : undefined,
  );
}

export function journalBooks(ctx: JournalContext): Books {
  return {
    async validate(db, request, within) {
      let ran = false;
      const saleOf = (record: JournalRecord): ValidatedSale => ({
        number: record.sequence,
        register: request.register,
        validatedAt: instantOf(record.timestamp).toISOString(),
        totalTTC: record.type === 'TICKET' || record.type === 'TRAINING' ? record.payload.totalTtc : 0,
        signature: record.signature,
        shortSignature: shortCodeOf(record.signature),
      });
      const validated = await validateTicket(
        db,
        ctx,
        {
          register: request.register,
          idempotencyKey: request.idempotencyKey,
          cashier: request.operator,
          ...(request.seller === null ? {} : { seller: request.seller }),
          customer: request.customer,
          ticket: toInput(request.ticket),
        },
        {
          afterAppend: async (trx, record) => {
            ran = true;
            await within(trx, saleOf(record));
          },
        },
      );
      return { sale: saleOf(validated.record), replayed: validated.replayed || !ran };
    },
  };
}

const JET_OF: Readonly<Record<EventKind, JetCodeName>> = {
  APPLICATION_START: 'APPLICATION_START',
  APPLICATION_STOP: 'TERMINAL_STOP',
  LOGIN: 'LOGIN',
  LOGIN_FAILED: 'LOGIN',
  LOGIN_LOCKED: 'LOGIN',
  LOGOUT: 'LOGOUT',
  USER_SWITCH: 'LOGIN',
  RIGHT_REFUSED: 'RIGHTS_OVERRIDE',
  RIGHTS_OVERRIDE: 'RIGHTS_OVERRIDE',
  TICKET_ABANDONED: 'TICKET_ABANDONED',
  DRAWER_OPENED: 'DRAWER_OPENED',
  PRINT_WAITING: 'PRINT_WAITING',
  CARD_REQUEST: 'CARD_REQUEST',
  CARD_ANSWER: 'CARD_ANSWER',
  CARD_NO_ANSWER: 'CARD_NO_ANSWER',
  CARD_CONFIRMED: 'CARD_CONFIRMED',
};

const RESULT_OF: Readonly<Record<EventKind, string>> = {
  APPLICATION_START: 'démarrage',
  APPLICATION_STOP: 'arrêt',
  LOGIN: 'connexion',
  LOGIN_FAILED: 'échec du code PIN',
  LOGIN_LOCKED: 'verrouillage après trop d’essais',
  LOGOUT: 'déconnexion',
  USER_SWITCH: 'changement d’utilisateur',
  RIGHT_REFUSED: 'refus',
  RIGHTS_OVERRIDE: 'dérogation accordée',
  TICKET_ABANDONED: 'abandon',
  DRAWER_OPENED: 'tiroir ouvert',
  PRINT_WAITING: 'en attente',
  CARD_REQUEST: 'demande envoyée',
  CARD_ANSWER: 'réponse reçue',
  CARD_NO_ANSWER: 'sans réponse',
  CARD_CONFIRMED: 'confirmé par un responsable',
};

export function journalEvents(ctx: JournalContext): EventJournal {
  return {
    async record(db, event) {
      const parts = [
        `événement=${event.kind}`,
        `résultat=${RESULT_OF[event.kind]}`,
        `utilisateur=${event.operator}`,
      ];
      if (event.authorizer !== undefined) parts.push(`second utilisateur=${event.authorizer}`);
      if (event.subject !== undefined) parts.push(`objet=${event.subject}`);
      if (event.detail !== undefined) parts.push(`détail=${event.detail}`);
      await appendJet(db, ctx, event.register, JET_OF[event.kind], parts.join('; '), event.operator);
    },
  };
}

export const journalHeldTickets: HeldTickets = {
  hold: (db, register, operator, ticketId, now) =>
    holdTicket(db, register, operator, { ticketId }, now, ticketId),
  async release(db, heldId) {
    await releaseHeldTicket(db, heldId);
  },
};

/** The journal's head per register and chain (sequence and short signature), for `GET /api/health`. */
export async function journalHeads(db: Db): Promise<unknown> {
  const rows = await db
    .selectFrom('journal')
    .select(['register', 'chain', (eb) => eb.fn.max('sequence').as('sequence')])
    .groupBy(['register', 'chain'])
    .orderBy('register')
    .orderBy('chain')
    .execute();
  return rows.map((r) => ({ register: r.register, chain: r.chain, sequence: Number(r.sequence) }));
}
