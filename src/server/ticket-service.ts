/**
 * Tickets in progress, held by the server (issue 7): each is the sales engine's state plus who opened
 * it, persisted as JSON after every accepted command (a restart finds it again). Commands on one ticket
 * are serialized by a per-ticket queue; tickets of different registers never wait on each other.
 * Validation goes through the books inside one transaction with the ticket's own update.
 */
import { randomUUID } from 'node:crypto';
import { computeTicket } from '../sales/compute.ts';
import { currencyOf } from '../sales/money.ts';
import {
  applyCommand,
  type CustomerData,
  type TicketCommand,
  type TicketSettings,
  type TicketState,
  toInput,
} from '../sales/ticket.ts';
import type { PaymentModeRule } from '../sales/ticket-input.ts';
import { readRegisterSettings } from '../store/setup.ts';
import { inNonFiscalTransaction } from '../store/transaction.ts';
import { ApiError, conflict, fromSalesError, notFound } from './errors.ts';
import type {
  Books,
  Db,
  EventJournal,
  HeldTickets,
  ReceiptChoice,
  ReceiptOutcome,
  ValidatedSale,
} from './ports.ts';
import type { Session } from './sessions.ts';

export type TicketStatus = 'open' | 'held' | 'validated' | 'abandoned';

export interface Notice {
  readonly code: string;
  readonly message: string;
}

/** What the view shows besides the engine's state: names, and the warnings of the last command. */
export interface TicketMeta {
  readonly customerName: string | null;
  readonly sellerName: string | null;
  /** The journal's held-ticket id while the ticket is held. */
  readonly heldId?: number | null;
}

export interface ReceiptRecord {
  readonly choice: ReceiptChoice;
  readonly email: string | null;
  readonly outcome: ReceiptOutcome;
  readonly at: string;
}

export interface TicketEntry {
  readonly id: string;
  readonly register: number;
  readonly openedBy: string;
  readonly status: TicketStatus;
  readonly version: number;
  readonly state: TicketState;
  readonly meta: TicketMeta;
  readonly idempotencyKey: string | null;
  readonly sale: ValidatedSale | null;
  readonly receipt: ReceiptRecord | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface RegisterContext {
  readonly number: number;
  readonly settings: TicketSettings;
  readonly depotCode: string;
  readonly defaultCustomer: string;
  readonly defaultSeller: string | null;
  readonly sellerMandatory: boolean;
  /** Lot/serial articles are sold, their number captured on the line. */
  readonly allowLotSerial: boolean;
}

interface StoredState {
  readonly state: Omit<TicketState, 'result' | 'settings'> & {
    readonly settings: Omit<TicketSettings, 'paymentModes'> & {
      readonly paymentModes: readonly (readonly [string, PaymentModeRule])[];
    };
  };
  readonly meta: TicketMeta;
}

function encode(state: TicketState, meta: TicketMeta): string {
  const { result: _result, settings, ...rest } = state;
  const stored: StoredState = {
    state: { ...rest, settings: { ...settings, paymentModes: [...settings.paymentModes] } },
    meta,
  };
  return JSON.stringify(stored);
}

function decode(json: string): { state: TicketState; meta: TicketMeta } {
  const stored = JSON.parse(json) as StoredState;
  const base = {
    ...stored.state,
    settings: { ...stored.state.settings, paymentModes: new Map(stored.state.settings.paymentModes) },
  };
  return { state: { ...base, result: computeTicket(toInput(base)) }, meta: stored.meta };
}

/** The entry with the register's current settings (the same entry when they have not changed). */
function withSettings(entry: TicketEntry, settings: TicketSettings): TicketEntry {
  if (entry.state.settings === settings) return entry;
  const base = { ...entry.state, settings };
  return { ...entry, state: { ...base, result: computeTicket(toInput(base)) } };
}

type Row = {
  id: string;
  register_number: number;
  opened_by: string;
  status: string;
  state: string;
  version: number;
  idempotency_key: string | null;
  sale: string | null;
  receipt: string | null;
  created_at: string;
  updated_at: string;
};

function fromRow(row: Row): TicketEntry {
  const { state, meta } = decode(row.state);
  return {
    id: row.id,
    register: row.register_number,
    openedBy: row.opened_by,
    status: row.status as TicketStatus,
    version: row.version,
    state,
    meta,
    idempotencyKey: row.idempotency_key,
    sale: row.sale === null ? null : (JSON.parse(row.sale) as ValidatedSale),
    receipt: row.receipt === null ? null : (JSON.parse(row.receipt) as ReceiptRecord),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The outcome of a step run on a ticket under its lock. */
export interface Change {
  readonly state: TicketState;
  readonly meta?: TicketMeta;
}

export class TicketService {
  private readonly cache = new Map<string, TicketEntry>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly registers = new Map<number, RegisterContext>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly pending: {
    write: (trx: Db) => Promise<boolean>;
    resolve: (updated: boolean) => void;
    reject: (error: unknown) => void;
  }[] = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly books: Books,
    private readonly events: EventJournal,
    private readonly held: HeldTickets,
    private readonly clock: () => Date,
  ) {}

  /** Runs `fn` after every earlier call for the same ticket has finished. */
  private exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }

  /** Forgets the registers' settings read so far (they were changed): each is read again at next use. */
  forgetRegisters(): void {
    this.registers.clear();
  }

  /** The register's ticket settings, read once (until `forgetRegisters`). */
  async register(number: number): Promise<RegisterContext> {
    const known = this.registers.get(number);
    if (known !== undefined) return known;
    const row = await this.db
      .selectFrom('registers')
      .innerJoin('stores', 'stores.id', 'registers.store_id')
      .select([
        'registers.id',
        'registers.store_id',
        'registers.depot_code',
        'registers.default_customer_code',
        'registers.default_seller_code',
        'registers.settings',
        'stores.currency',
      ])
      .where('registers.number', '=', number)
      .executeTakeFirst();
    if (row === undefined) throw new ApiError(404, 'UNKNOWN_REGISTER', `Caisse inconnue : ${number}`);
    const settings = readRegisterSettings(row.settings);
    const modes = await this.db
      .selectFrom('payment_modes')
      .select(['code', 'excess', 'rounding_step', 'register_id'])
      .where('store_id', '=', row.store_id)
      .where('active', '=', 1)
      .where((eb) => eb.or([eb('register_id', 'is', null), eb('register_id', '=', row.id)]))
      .orderBy('position')
      .execute();
    const paymentModes = new Map<string, PaymentModeRule>();
    for (const mode of modes) {
      // A register's own mode replaces the store's of the same code.
      if (paymentModes.has(mode.code) && mode.register_id === null) continue;
      paymentModes.set(mode.code, {
        excess: mode.excess as PaymentModeRule['excess'],
        rounding: mode.rounding_step > 1 ? mode.rounding_step : null,
      });
    }
    const currency = currencyOf(row.currency);
    if (currency === undefined) throw new Error(`Devise inconnue en base : ${row.currency}`);
    const context: RegisterContext = {
      number,
      settings: {
        currency,
        mode: 'TTC',
        standardVatRate: 2000,
        limits: {
          maxDiscountPercent: settings.discountLimitPercent,
          maxDiscountAmount: settings.discountLimitAmount,
        },
        paymentModes,
      },
      depotCode: row.depot_code,
      defaultCustomer: row.default_customer_code,
      defaultSeller: row.default_seller_code,
      sellerMandatory: settings.sellerMandatory,
      allowLotSerial: settings.allowLotSerial,
    };
    this.registers.set(number, context);
    return context;
  }

  private async load(id: string): Promise<TicketEntry> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const row = await this.db
      .selectFrom('server_tickets')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) throw notFound('TICKET_NOT_FOUND', `Ticket introuvable : ${id}`);
    const entry = fromRow(row);
    if (entry.status === 'open' || entry.status === 'held') this.cache.set(id, entry);
    return entry;
  }

  /** A ticket of the session's register. */
  async get(session: Session, id: string): Promise<TicketEntry> {
    const entry = await this.load(id);
    if (entry.register !== session.register) {
      throw notFound('TICKET_NOT_FOUND', `Ticket introuvable sur la caisse ${session.register} : ${id}`);
    }
    return entry;
  }

  async list(session: Session, status: TicketStatus | undefined): Promise<TicketEntry[]> {
    let query = this.db
      .selectFrom('server_tickets')
      .selectAll()
      .where('register_number', '=', session.register);
    query =
      status === undefined
        ? query.where('status', 'in', ['open', 'held'])
        : query.where('status', '=', status);
    const rows = await query.orderBy('created_at').limit(200).execute();
    return rows.map((row) => this.cache.get(row.id) ?? fromRow(row));
  }

  /**
   * Opens a ticket for `customer`. Its seller (seed 001: « si non [renseigné], c'est celui de la fiche
   * client qui est ramené »): the customer record's seller, else the register's default seller, else
   * the user's own seller code; a seller typed later replaces it.
   */
  async open(
    session: Session,
    customer: CustomerData & { name: string; sellerCode?: string | null },
  ): Promise<TicketEntry> {
    const context = await this.register(session.register);
    const now = this.clock().toISOString();
    const base = {
      settings: context.settings,
      customer: { code: customer.code, taxExempt: customer.taxExempt },
      seller: customer.sellerCode ?? context.defaultSeller ?? session.user.sellerCode,
      items: [],
      pointer: null,
      footerDiscount: null,
      shipping: null,
      payments: [],
      phase: 'lines' as const,
      held: false,
      nextId: 1,
    };
    const state: TicketState = { ...base, result: computeTicket(toInput(base)) };
    const meta: TicketMeta = { customerName: customer.name, sellerName: null };
    const entry: TicketEntry = {
      id: randomUUID(),
      register: session.register,
      openedBy: session.user.code,
      status: 'open',
      version: 1,
      state,
      meta,
      idempotencyKey: null,
      sale: null,
      receipt: null,
      createdAt: now,
      updatedAt: now,
    };
    await inNonFiscalTransaction(this.db, (trx) =>
      trx
        .insertInto('server_tickets')
        .values({
          id: entry.id,
          register_number: entry.register,
          opened_by: entry.openedBy,
          status: entry.status,
          state: encode(state, meta),
          version: entry.version,
          idempotency_key: null,
          sale: null,
          receipt: null,
          created_at: now,
          updated_at: now,
        })
        .execute(),
    );
    this.cache.set(entry.id, entry);
    return entry;
  }

  /**
   * Changes a ticket being entered: `step` gets the current entry and gives the new state (or throws
   * a refusal, and nothing changes). Persisted before it is answered.
   */
  async change(
    session: Session,
    id: string,
    step: (entry: TicketEntry) => Promise<Change> | Change,
  ): Promise<TicketEntry> {
    return this.exclusive(id, async () => {
      const stored = await this.get(session, id);
      if (stored.status === 'validated') throw conflict('TICKET_VALIDATED', 'Ce ticket est déjà validé');
      if (stored.status === 'abandoned') throw conflict('TICKET_ABANDONED', 'Ce ticket a été abandonné');
      // Every step is checked against the register's settings of now (a discount limit lowered
      // while the ticket was open applies on the spot, not only at validation).
      const entry = withSettings(stored, (await this.register(stored.register)).settings);
      const change = await step(entry);
      const status: TicketStatus = change.state.held ? 'held' : 'open';
      const meta = change.meta ?? entry.meta;
      if (status === entry.status) return this.save(entry, { ...entry, state: change.state, meta, status });
      // Held or resumed: the journal's held-ticket register changes in the same transaction.
      return this.db.transaction().execute(async (trx) => {
        let heldId = entry.meta.heldId ?? null;
        if (status === 'held') {
          heldId = await this.held.hold(trx, entry.register, session.user.code, entry.id, this.clock());
        } else if (heldId !== null) {
          await this.held.release(trx, heldId);
          heldId = null;
        }
        return this.save(entry, { ...entry, state: change.state, meta: { ...meta, heldId }, status }, trx);
      });
    });
  }

  /** Applies one engine command; a refusal leaves the ticket unchanged. */
  apply(
    session: Session,
    id: string,
    command: TicketCommand,
    meta?: Partial<TicketMeta>,
  ): Promise<TicketEntry> {
    return this.change(session, id, (entry) => ({
      state: run(entry.state, command),
      meta: { ...entry.meta, ...meta },
    }));
  }

  /**
   * Group commit: the updates of tickets being entered that arrive together are written in one
   * transaction (`inNonFiscalTransaction`: on SQLite the commit does not wait for the disk; the
   * ticket's validation, a fiscal commit, does); each caller is answered once its batch is
   * committed. A database error fails the whole batch, and each of its callers gets it.
   */
  private writeGrouped(write: (trx: Db) => Promise<boolean>): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        try {
          // Tickets being entered are not fiscal: their commit does not wait for the disk.
          const results = await inNonFiscalTransaction(this.db, async (trx) => {
            const out: boolean[] = [];
            for (const item of batch) out.push(await item.write(trx));
            return out;
          });
          batch.forEach((item, i) => {
            item.resolve(results[i] ?? false);
          });
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async save(
    before: TicketEntry,
    after: TicketEntry,
    db?: Db,
    remember = true,
  ): Promise<TicketEntry> {
    const updatedAt = this.clock().toISOString();
    const next: TicketEntry = { ...after, version: before.version + 1, updatedAt };
    const write = async (trx: Db) => {
      const result = await trx
        .updateTable('server_tickets')
        .set({
          status: next.status,
          state: encode(next.state, next.meta),
          version: next.version,
          idempotency_key: next.idempotencyKey,
          sale: next.sale === null ? null : JSON.stringify(next.sale),
          receipt: next.receipt === null ? null : JSON.stringify(next.receipt),
          updated_at: updatedAt,
        })
        .where('id', '=', before.id)
        .where('version', '=', before.version)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    };
    const updated = db === undefined ? await this.writeGrouped(write) : await write(db);
    if (!updated) {
      this.cache.delete(before.id);
      throw conflict('TICKET_CHANGED', 'Le ticket a été modifié par ailleurs : rechargez-le');
    }
    if (!remember) return next;
    if (next.status === 'open' || next.status === 'held') this.cache.set(next.id, next);
    else this.cache.delete(next.id);
    return next;
  }

  /** Validation (seed 002): the books sign and number the sale; retried with the same key, the same sale. */
  validate(session: Session, id: string, idempotencyKey: string): Promise<TicketEntry> {
    const work = this.exclusive(id, async () => {
      const entry = await this.get(session, id);
      if (entry.status === 'validated') {
        if (entry.idempotencyKey === idempotencyKey) return entry;
        throw conflict('TICKET_VALIDATED', 'Ce ticket est déjà validé');
      }
      if (entry.status === 'abandoned') throw conflict('TICKET_ABANDONED', 'Ce ticket a été abandonné');
      if (entry.state.held)
        throw fromSalesError({ code: 'TICKET_HELD', message: 'Le ticket est en attente' });
      if (entry.state.phase !== 'payment') {
        throw new ApiError(422, 'WRONG_PHASE', 'Validation impossible : appuyez d’abord sur Total et réglez');
      }
      const context = await this.register(entry.register);
      if (context.sellerMandatory && entry.state.seller === null) {
        throw new ApiError(422, 'SELLER_REQUIRED', 'Le code vendeur est obligatoire sur cette caisse');
      }
      const first = entry.state.result.errors[0];
      if (first !== undefined) {
        throw new ApiError(422, first.code, first.message, undefined, { errors: entry.state.result.errors });
      }
      const now = this.clock();
      let saved: TicketEntry | undefined;
      const { sale, replayed } = await this.books.validate(
        this.db,
        {
          register: entry.register,
          operator: session.user.code,
          seller: entry.state.seller,
          customer: entry.state.customer?.code ?? context.defaultCustomer,
          ticket: entry.state,
          idempotencyKey,
          now,
        },
        async (trx, sale) => {
          saved = await this.save(entry, { ...entry, status: 'validated', idempotencyKey, sale }, trx, false);
        },
      );
      if (saved !== undefined && !replayed) {
        this.cache.delete(entry.id);
        return saved;
      }
      // The key had already validated a sale (the server lost its own update): record it now.
      return this.save(entry, { ...entry, status: 'validated', idempotencyKey, sale });
    });
    this.inflight.add(work);
    void work.then(
      () => this.inflight.delete(work),
      () => this.inflight.delete(work),
    );
    return work;
  }

  /** Abandons a ticket before validation (its number is never taken): a technical event. */
  abandon(session: Session, id: string): Promise<TicketEntry> {
    return this.exclusive(id, async () => {
      const entry = await this.get(session, id);
      if (entry.status === 'validated') throw conflict('TICKET_VALIDATED', 'Ce ticket est déjà validé');
      if (entry.status === 'abandoned') return entry;
      const abandoned = await this.db.transaction().execute(async (trx) => {
        const heldId = entry.meta.heldId ?? null;
        if (heldId !== null) await this.held.release(trx, heldId);
        return this.save(
          entry,
          { ...entry, status: 'abandoned', meta: { ...entry.meta, heldId: null } },
          trx,
        );
      });
      await this.events.record(this.db, {
        kind: 'TICKET_ABANDONED',
        register: entry.register,
        operator: session.user.code,
        subject: entry.id,
        detail: `${entry.state.result.lineCount} ligne(s), total ${entry.state.result.totalTTC}`,
        at: this.clock(),
      });
      return abandoned;
    });
  }

  /**
   * Records the receipt choice of a validated ticket, with what the delivery did. The choice is made
   * once: the originals it hands over are issued then, and any copy after that is a duplicate asked
   * with its reason (reprint, e-mail again), never a second choice.
   */
  recordReceipt(
    session: Session,
    id: string,
    deliver: (entry: TicketEntry, sale: ValidatedSale) => Promise<ReceiptRecord>,
  ): Promise<TicketEntry> {
    return this.exclusive(id, async () => {
      const entry = await this.get(session, id);
      if (entry.status !== 'validated' || entry.sale === null) {
        throw new ApiError(422, 'NOT_VALIDATED', 'Le choix du ticket se fait après la validation');
      }
      if (entry.receipt !== null) throw receiptAlreadyChosen(entry.sale, entry.receipt);
      const receipt = await deliver(entry, entry.sale);
      return this.save(entry, { ...entry, receipt });
    });
  }

  /** Waits for validations under way (shutdown). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }
}

const CHOICE_WORDS: Readonly<Record<ReceiptChoice, string>> = {
  print: 'sur papier',
  email: 'par e-mail',
  both: 'sur papier et par e-mail',
  none: 'aucun ticket',
};

/** A second receipt choice: refused, saying how to get a copy (a journaled duplicate). */
function receiptAlreadyChosen(sale: ValidatedSale, receipt: ReceiptRecord): ApiError {
  const at = receipt.at.replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2}).*$/, '$3/$2/$1 à $4 UTC');
  return conflict(
    'RECEIPT_ALREADY_CHOSEN',
    `Le choix du ticket n° ${sale.number} est déjà fait (${CHOICE_WORDS[receipt.choice]}, le ${at}) : toute nouvelle copie est un duplicata journalisé avec son motif — Réimpression (POST /api/sales/${sale.register}/${sale.number}/reprint) ou Renvoyer par e-mail (POST /api/sales/${sale.register}/${sale.number}/email)`,
  );
}

/** One engine command, or its refusal as an API error. */
export function run(state: TicketState, command: TicketCommand): TicketState {
  const outcome = applyCommand(state, command);
  if (!outcome.ok) throw fromSalesError(outcome.error);
  return outcome.state;
}
