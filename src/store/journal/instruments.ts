/**
 * Numbered instruments in the store (issue 14 item 3): issue, redeem and read credit notes, vouchers,
 * gift cards and deposits. Every movement is a row of the append-only `instrument_ledger`, written in
 * the same transaction as the ticket that causes it; the balance is their sum. Two registers redeeming
 * the same instrument at once both try to write the same next entry: the primary key lets exactly one
 * win, on SQLite and on PostgreSQL; the other's whole sale is refused and nothing of it is written.
 */
import { randomInt } from 'node:crypto';
import type { JournalRecord } from '../../fiscal/record.ts';
import {
  balanceOf,
  expiryOf,
  formatInstrumentNumber,
  type InstrumentKind,
  instrumentNumber,
  kindOfMode,
  readInstrumentNumber,
  redemptionRefusal,
} from '../../sales/instruments.ts';
import type { Minor } from '../../sales/money.ts';
import type { Db, Trx } from './core.ts';
import { JournalError } from './errors.ts';

export interface InstrumentView {
  readonly number: string;
  readonly kind: InstrumentKind;
  readonly currency: string;
  readonly issuedAt: string;
  readonly expiresAt: string | null;
  /** The record that issued it. */
  readonly issuedBy: { readonly register: string; readonly chain: string; readonly sequence: number };
  readonly customer: string;
  readonly balance: Minor;
  readonly ledger: readonly {
    readonly entry: number;
    readonly amount: Minor;
    readonly at: string;
    readonly register: string;
    readonly chain: string;
    readonly sequence: number;
    readonly operator: string;
  }[];
}

/** Reads a typed number: a typo is refused here (check digit), before any lookup. */
export function checkedNumber(text: string): { number: string; kind: InstrumentKind } {
  const reading = readInstrumentNumber(text);
  if (!reading.ok) throw new JournalError('INSTRUMENT_REFUSED', reading.message);
  return { number: reading.number, kind: reading.kind };
}

/** The instrument and its ledger, or undefined when no such number was issued. */
export async function findInstrument(db: Db | Trx, number: string): Promise<InstrumentView | undefined> {
  const row = await db.selectFrom('instruments').selectAll().where('number', '=', number).executeTakeFirst();
  if (row === undefined) return undefined;
  const entries = await db
    .selectFrom('instrument_ledger')
    .selectAll()
    .where('number', '=', number)
    .orderBy('entry')
    .execute();
  const ledger = entries.map((e) => ({
    entry: Number(e.entry),
    amount: Number(e.amount),
    at: e.at,
    register: e.register,
    chain: e.chain,
    sequence: Number(e.sequence),
    operator: e.operator,
  }));
  return {
    number: row.number,
    kind: row.kind as InstrumentKind,
    currency: row.currency,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    issuedBy: { register: row.register, chain: row.chain, sequence: Number(row.sequence) },
    customer: row.customer,
    balance: balanceOf(ledger),
    ledger,
  };
}

/** Looks a typed number up: checked digit first, then « n'existe pas » in French. */
export async function instrumentByNumber(db: Db | Trx, text: string): Promise<InstrumentView> {
  const { number } = checkedNumber(text);
  const found = await findInstrument(db, number);
  if (found === undefined) {
    throw new JournalError(
      'INSTRUMENT_REFUSED',
      `Le bon avec ce numéro n'existe pas : ${formatInstrumentNumber(number)}.`,
    );
  }
  return found;
}

/** 14 random digits from the system's secure generator. */
export function secureRandomDigits(): string {
  return `${randomInt(0, 10_000_000)}`.padStart(7, '0') + `${randomInt(0, 10_000_000)}`.padStart(7, '0');
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed|duplicate key/.test(e?.message ?? '')
  );
}

export interface IssueInstrumentInput {
  readonly kind: InstrumentKind;
  readonly amount: Minor;
  readonly currency: string;
  readonly customer: string;
  readonly operator: string;
  readonly now: Date;
  /** The record that issues it (the return ticket, the sale of a gift card…). */
  readonly record: JournalRecord;
  /** Draws the random digits (default: the secure generator); tests pass their own. */
  readonly random?: () => string;
}

/** Issues a new instrument inside the caller's transaction: its row and its first ledger entry. */
export async function issueInstrument(trx: Trx, input: IssueInstrumentInput): Promise<string> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new JournalError('INSTRUMENT_REFUSED', 'Le montant d’un bon émis doit être positif.');
  }
  const kind = await trx
    .selectFrom('instrument_kinds')
    .select('validity_days')
    .where('kind', '=', input.kind)
    .executeTakeFirst();
  const validity = kind?.validity_days ?? null;
  const expires = expiryOf(input.now, validity === null ? null : Number(validity));
  const number = instrumentNumber(input.kind, (input.random ?? secureRandomDigits)());
  const { register, chain, sequence } = input.record;
  const at = input.now.toISOString();
  await trx
    .insertInto('instruments')
    .values({
      number,
      kind: input.kind,
      currency: input.currency,
      issued_at: at,
      expires_at: expires === null ? null : expires.toISOString(),
      register,
      chain,
      sequence,
      customer: input.customer,
    })
    .execute();
  await trx
    .insertInto('instrument_ledger')
    .values({
      number,
      entry: 1,
      amount: input.amount,
      register,
      chain,
      sequence,
      at,
      operator: input.operator,
    })
    .execute();
  return number;
}

/** A payment of a sale that redeems an instrument: its position among the payments and the number. */
export interface InstrumentPayment {
  readonly payment: number;
  readonly number: string;
}

export interface CheckedRedemption {
  readonly number: string;
  readonly amount: Minor;
  /** The ledger entry this redemption will write: one past the last one read. */
  readonly entry: number;
}

/**
 * Checks the redemptions of a sale before it is appended: the number's digit, its existence, its mode,
 * its expiry and balance against what the payment settles. Throws a French refusal.
 */
export async function checkRedemptions(
  trx: Trx,
  wanted: readonly InstrumentPayment[],
  payments: readonly { readonly mode: string; readonly given: Minor; readonly amount: Minor }[],
  currency: string,
  now: Date,
): Promise<CheckedRedemption[]> {
  const out: CheckedRedemption[] = [];
  const seen = new Set<string>();
  for (const w of wanted) {
    const payment = payments[w.payment];
    if (payment === undefined) {
      throw new JournalError('INSTRUMENT_REFUSED', `Règlement n° ${w.payment + 1} introuvable pour le bon.`);
    }
    if (kindOfMode(payment.mode) === undefined) {
      throw new JournalError(
        'INSTRUMENT_REFUSED',
        `Le mode ${payment.mode} ne règle pas avec un bon numéroté (CREDIT_NOTE, VOUCHER, GIFT_CARD, DEPOSIT).`,
      );
    }
    const found = await instrumentByNumber(trx, w.number);
    if (seen.has(found.number)) {
      throw new JournalError(
        'INSTRUMENT_REFUSED',
        `Le bon ${formatInstrumentNumber(found.number)} figure deux fois dans les règlements.`,
      );
    }
    seen.add(found.number);
    if (found.currency !== currency) {
      throw new JournalError(
        'INSTRUMENT_REFUSED',
        `Le bon est en ${found.currency}, le ticket en ${currency}.`,
      );
    }
    const refusal = redemptionRefusal(
      { ...found, expiresAt: found.expiresAt === null ? null : new Date(found.expiresAt) },
      payment.mode,
      payment.given,
      now,
    );
    if (refusal !== null) throw new JournalError('INSTRUMENT_REFUSED', refusal.message);
    if (payment.given > payment.amount) {
      // What is not used stays on the instrument: no change, no new credit note for it.
      throw new JournalError(
        'INSTRUMENT_REFUSED',
        `Le montant pris sur le bon ${formatInstrumentNumber(found.number)} dépasse le reste à payer : indiquez au plus le reste à payer, le solde reste sur le bon.`,
      );
    }
    out.push({ number: found.number, amount: payment.amount, entry: found.ledger.length + 1 });
  }
  return out;
}

/**
 * Writes the checked redemptions of the appended sale `record`. Another register that wrote the same
 * entry first makes this one fail: the sale is refused (exactly one of two concurrent ones wins).
 */
export async function recordRedemptions(
  trx: Trx,
  redemptions: readonly CheckedRedemption[],
  record: JournalRecord,
  operator: string,
  now: Date,
): Promise<void> {
  for (const r of redemptions) {
    try {
      await trx
        .insertInto('instrument_ledger')
        .values({
          number: r.number,
          entry: r.entry,
          amount: -r.amount,
          register: record.register,
          chain: record.chain,
          sequence: record.sequence,
          at: now.toISOString(),
          operator,
        })
        .execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new JournalError(
        'INSTRUMENT_REFUSED',
        `Le bon ${formatInstrumentNumber(r.number)} vient d’être utilisé sur une autre caisse : vérifiez son solde et recommencez.`,
      );
    }
  }
}
