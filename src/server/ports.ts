/**
 * What the server needs from the capabilities built beside it, as small interfaces: the books
 * (validation into the fiscal journal), the technical events journal (JET) and the receipt delivery
 * (print, e-mail). `src/server/adapters.ts` plugs the real implementations in.
 */
import type { Kysely } from 'kysely';
import type { TicketOption } from '../mail/dispatch.ts';
import type { TicketState } from '../sales/ticket.ts';
import type { Database } from '../store/schema.ts';

export type Db = Kysely<Database>;

/** What a validated sale is known by afterwards (the journal's answer). */
export interface ValidatedSale {
  /** The register's ticket number (gapless per register). */
  readonly number: number;
  readonly register: number;
  readonly validatedAt: string;
  readonly totalTTC: number;
  readonly signature: string;
  /** The short code printed on the receipt. */
  readonly shortSignature: string;
}

export interface ValidationRequest {
  readonly register: number;
  readonly operator: string;
  readonly seller: string | null;
  readonly customer: string;
  readonly ticket: TicketState;
  readonly idempotencyKey: string;
  readonly now: Date;
}

export interface Books {
  /**
   * Validates the ticket into the journal: signed, chained, numbered, in one transaction in which
   * `within` runs too (the server's own update of the ticket). The same idempotency key gives back
   * the same sale, never a second one; `replayed` then says `within` did not run.
   */
  validate(
    db: Db,
    request: ValidationRequest,
    within: (trx: Db, sale: ValidatedSale) => Promise<void>,
  ): Promise<{ readonly sale: ValidatedSale; readonly replayed: boolean }>;
}

/** The journal's register of held tickets (a closure is refused while one is held, seed 001). */
export interface HeldTickets {
  hold(db: Db, register: number, operator: string, ticketId: string, now: Date): Promise<number>;
  release(db: Db, heldId: number): Promise<void>;
}

/** The technical events the server reports (the journal maps them to JET codes). */
export const EVENT_KINDS = [
  'APPLICATION_START',
  'APPLICATION_STOP',
  'LOGIN',
  'LOGIN_FAILED',
  'LOGIN_LOCKED',
  'LOGOUT',
  'USER_SWITCH',
  'RIGHT_REFUSED',
  'RIGHTS_OVERRIDE',
  'TICKET_ABANDONED',
  'DRAWER_OPENED',
  'PRINT_WAITING',
  'CARD_REQUEST',
  'CARD_ANSWER',
  'CARD_NO_ANSWER',
  'CARD_CONFIRMED',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface TechnicalEvent {
  readonly kind: EventKind;
  readonly register: number;
  /** The user at the register (for an override: the cashier). */
  readonly operator: string;
  /** The second user of an override or a refused override (the manager who gave a code). */
  readonly authorizer?: string;
  /** The confidential operation, or what the event is about. */
  readonly subject?: string;
  readonly detail?: string;
  readonly at: Date;
}

export interface EventJournal {
  /** Appends the event (in its own transaction: never call it inside one). */
  record(db: Db, event: TechnicalEvent): Promise<void>;
}

export type ReceiptChoice = 'print' | 'email' | 'both' | 'none';

export interface ReceiptRequest {
  readonly register: number;
  readonly sale: ValidatedSale;
  readonly choice: ReceiptChoice;
  /** Which documents the sale hands over (« option en caisse »); `ticket` by default. */
  readonly option?: TicketOption;
  readonly email: string | null;
  readonly customer: string;
  readonly now: Date;
  /** The user at the register: the originals handed over and the printed copies are theirs. */
  readonly operator: string;
}

export interface ReceiptOutcome {
  readonly printed: boolean;
  /** The outbox message id when an e-mail was queued. */
  readonly queued: string | null;
  /**
   * The DUPLICATE records of the copies printed besides the originals (option « Ticket + Ticket », or
   * the paper ticket of the choice `both` whose original went by e-mail): their sequence numbers.
   */
  readonly duplicates?: readonly number[];
  /** What the register's printer did with the paper (issue 15). */
  readonly print?: {
    readonly printer: 'queue' | 'browser' | 'none';
    readonly jobs: readonly number[];
    readonly error: string | null;
  };
}

export interface ReceiptDelivery {
  /**
   * Hands the sale's documents over as chosen: each original once (a document whose original was
   * already issued refuses the whole choice, ALREADY_ISSUED), every other copy a DUPLICATE record.
   */
  deliver(db: Db, request: ReceiptRequest): Promise<ReceiptOutcome>;
  /** Stops background work (the mail worker) at shutdown. */
  stop(): Promise<void>;
}
