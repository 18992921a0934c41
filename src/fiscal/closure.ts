/**
 * Closures and grand totals (checklist section F), as pure incremental accumulators.
 *
 * A daily closure accumulates the TICKET and DUPLICATE records written since the previous daily
 * closure; a monthly closure accumulates the DAY closures written since the previous monthly one (it
 * never rescans tickets), a yearly closure the MONTH closures. Training tickets, provisional bills,
 * cash movements and JET events are in no total. A cancellation is an opposite record: it counts as a
 * return. The perpetual grand total (real and absolute value) carries over from the previous closure
 * of the same kind and never resets.
 */
import type { Minor } from '../sales/money.ts';
import {
  type ClosureKind,
  type ClosurePayload,
  instantOf,
  type JournalRecord,
  type PaymentTotal,
  type RateTotals,
  type SequenceRange,
  type Stamp,
} from './record.ts';

/** Thrown when a record cannot be added to a closure (French message). */
export class ClosureError extends Error {
  override name = 'ClosureError';
}

/** The running totals of a closure being built; plain data, so that it can be kept between sales. */
export interface ClosureAccumulator {
  readonly kind: ClosureKind;
  readonly register: string;
  readonly currency: string;
  readonly periodStart: Stamp;
  readonly tickets: SequenceRange;
  readonly duplicates: SequenceRange;
  readonly closures: SequenceRange;
  readonly perRate: readonly RateTotals[];
  readonly perPayment: readonly PaymentTotal[];
  readonly ticketCount: number;
  readonly cancellationCount: number;
  readonly duplicateCount: number;
  readonly salesTtc: Minor;
  readonly returnsTtc: Minor;
  readonly previousPerpetualTotal: Minor;
  readonly previousPerpetualTotalAbs: Minor;
  readonly lastTicketSignature: string;
  /** Records merged: tickets and duplicates for DAY, DAY closures for MONTH, MONTH closures for YEAR. */
  readonly itemCount: number;
}

const after = (range: SequenceRange): SequenceRange => ({ from: range.to + 1, to: range.to });
const EMPTY: SequenceRange = { from: 1, to: 0 };

/**
 * Opens a closure of `kind` right after `previous`, the last closure of the same kind on this register
 * (undefined when there is none yet).
 */
export function openClosure(
  kind: ClosureKind,
  register: string,
  currency: string,
  periodStart: Stamp,
  previous: ClosurePayload | undefined,
): ClosureAccumulator {
  if (previous !== undefined && previous.kind !== kind) {
    throw new ClosureError(`La clôture précédente fournie est de type ${previous.kind}, ${kind} attendu.`);
  }
  if (previous !== undefined && previous.currency !== currency) {
    throw new ClosureError(
      `Devise ${currency} différente de celle de la clôture précédente (${previous.currency}).`,
    );
  }
  return {
    kind,
    register,
    currency,
    periodStart,
    tickets: previous === undefined || kind !== 'DAY' ? EMPTY : after(previous.tickets),
    duplicates: previous === undefined || kind !== 'DAY' ? EMPTY : after(previous.duplicates),
    closures: previous === undefined || kind === 'DAY' ? EMPTY : after(previous.closures),
    perRate: [],
    perPayment: [],
    ticketCount: 0,
    cancellationCount: 0,
    duplicateCount: 0,
    salesTtc: 0,
    returnsTtc: 0,
    previousPerpetualTotal: previous?.perpetualTotal ?? 0,
    previousPerpetualTotalAbs: previous?.perpetualTotalAbs ?? 0,
    lastTicketSignature: '',
    itemCount: 0,
  };
}

function addRates(into: readonly RateTotals[], add: readonly RateTotals[]): readonly RateTotals[] {
  let result = into;
  for (const r of add) {
    const i = result.findIndex((x) => x.rate >= r.rate);
    const current = i < 0 ? undefined : result[i];
    const copy = [...result];
    if (current === undefined || current.rate !== r.rate) copy.splice(i < 0 ? copy.length : i, 0, r);
    else
      copy[i] = { rate: r.rate, ht: current.ht + r.ht, vat: current.vat + r.vat, ttc: current.ttc + r.ttc };
    result = copy;
  }
  return result;
}

function addPayments(into: readonly PaymentTotal[], add: readonly PaymentTotal[]): readonly PaymentTotal[] {
  let result = into;
  for (const p of add) {
    const i = result.findIndex((x) => x.mode >= p.mode);
    const current = i < 0 ? undefined : result[i];
    const copy = [...result];
    if (current === undefined || current.mode !== p.mode) copy.splice(i < 0 ? copy.length : i, 0, p);
    else copy[i] = { mode: p.mode, amount: current.amount + p.amount };
    result = copy;
  }
  return result;
}

function next(range: SequenceRange, sequence: number, what: string): SequenceRange {
  if (sequence !== range.to + 1) {
    throw new ClosureError(`${what} n° ${sequence} hors séquence : n° ${range.to + 1} attendu.`);
  }
  return { from: range.from, to: sequence };
}

/**
 * Adds one journal record of the register to the closure being built and returns the new totals.
 * Records that are in no total of this kind are accepted and change nothing.
 */
export function addToClosure(acc: ClosureAccumulator, record: JournalRecord): ClosureAccumulator {
  if (record.register !== acc.register) {
    throw new ClosureError(
      `Enregistrement de la caisse ${record.register} dans une clôture de la caisse ${acc.register}.`,
    );
  }
  if (acc.kind === 'DAY') {
    if (record.type === 'TICKET' || record.type === 'CANCELLATION') {
      const p = record.payload;
      if (p.currency !== acc.currency) {
        throw new ClosureError(`Ticket n° ${record.sequence} en ${p.currency}, clôture en ${acc.currency}.`);
      }
      const total = p.totalTtc;
      return {
        ...acc,
        tickets: next(acc.tickets, record.sequence, 'Ticket'),
        perRate: addRates(acc.perRate, p.perRate),
        perPayment: addPayments(acc.perPayment, p.payments),
        ticketCount: acc.ticketCount + (record.type === 'TICKET' ? 1 : 0),
        cancellationCount: acc.cancellationCount + (record.type === 'CANCELLATION' ? 1 : 0),
        salesTtc: acc.salesTtc + Math.max(total, 0),
        returnsTtc: acc.returnsTtc + Math.max(-total, 0),
        lastTicketSignature: record.signature,
        itemCount: acc.itemCount + 1,
      };
    }
    if (record.type === 'DUPLICATE') {
      return {
        ...acc,
        duplicates: next(acc.duplicates, record.sequence, 'Duplicata'),
        duplicateCount: acc.duplicateCount + 1,
        itemCount: acc.itemCount + 1,
      };
    }
    return acc;
  }
  if (record.type !== 'CLOSURE') return acc;
  const closures = next(acc.closures, record.sequence, 'Clôture');
  const p = record.payload;
  const child: ClosureKind = acc.kind === 'MONTH' ? 'DAY' : 'MONTH';
  if (p.kind !== child) return { ...acc, closures };
  if (p.currency !== acc.currency) {
    throw new ClosureError(`Clôture n° ${record.sequence} en ${p.currency}, clôture en ${acc.currency}.`);
  }
  return {
    ...acc,
    closures,
    perRate: addRates(acc.perRate, p.perRate),
    perPayment: addPayments(acc.perPayment, p.perPayment),
    ticketCount: acc.ticketCount + p.ticketCount,
    cancellationCount: acc.cancellationCount + p.cancellationCount,
    duplicateCount: acc.duplicateCount + p.duplicateCount,
    salesTtc: acc.salesTtc + p.salesTtc,
    returnsTtc: acc.returnsTtc + p.returnsTtc,
    lastTicketSignature: p.lastTicketSignature,
    itemCount: acc.itemCount + 1,
  };
}

/** The payload of the closure: period grand totals and perpetual grand totals. */
export function finishClosure(
  acc: ClosureAccumulator,
  periodLabel: string,
  periodEnd: Stamp,
): ClosurePayload {
  const periodTotal = acc.salesTtc - acc.returnsTtc;
  const periodTotalAbs = acc.salesTtc + acc.returnsTtc;
  return {
    kind: acc.kind,
    currency: acc.currency,
    periodLabel,
    periodStart: acc.periodStart,
    periodEnd,
    tickets: acc.tickets,
    duplicates: acc.duplicates,
    closures: acc.closures,
    perRate: acc.perRate,
    perPayment: acc.perPayment,
    ticketCount: acc.ticketCount,
    cancellationCount: acc.cancellationCount,
    duplicateCount: acc.duplicateCount,
    salesTtc: acc.salesTtc,
    returnsTtc: acc.returnsTtc,
    periodTotal,
    periodTotalAbs,
    perpetualTotal: acc.previousPerpetualTotal + periodTotal,
    perpetualTotalAbs: acc.previousPerpetualTotalAbs + periodTotalAbs,
    lastTicketSignature: acc.lastTicketSignature,
  };
}

/** The three closures being built for one register, kept up to date record after record. */
export interface ClosureState {
  readonly day: ClosureAccumulator;
  readonly month: ClosureAccumulator;
  readonly year: ClosureAccumulator;
}

/** The closure state of a register that has no closure yet. */
export function openClosureState(register: string, currency: string, start: Stamp): ClosureState {
  return {
    day: openClosure('DAY', register, currency, start, undefined),
    month: openClosure('MONTH', register, currency, start, undefined),
    year: openClosure('YEAR', register, currency, start, undefined),
  };
}

/**
 * Follows one appended record of the register: tickets and duplicates go into the open day, a
 * closure reopens its own kind after itself and goes into the open month and year.
 */
export function trackRecord(state: ClosureState, record: JournalRecord): ClosureState {
  if (record.type !== 'CLOSURE') return { ...state, day: addToClosure(state.day, record) };
  const p = record.payload;
  const { register, currency } = state.day;
  const reopened: ClosureState =
    p.kind === 'DAY'
      ? { ...state, day: openClosure('DAY', register, currency, p.periodEnd, p) }
      : p.kind === 'MONTH'
        ? { ...state, month: openClosure('MONTH', register, currency, p.periodEnd, p) }
        : { ...state, year: openClosure('YEAR', register, currency, p.periodEnd, p) };
  return {
    ...reopened,
    month: addToClosure(reopened.month, record),
    year: addToClosure(reopened.year, record),
  };
}

/**
 * The payload of the next closure of `kind`. A month cannot be closed while the day holds records, nor
 * a year while the month holds daily closures: the caller closes the smaller period first (item 28).
 */
export function closurePayload(
  state: ClosureState,
  kind: ClosureKind,
  periodLabel: string,
  periodEnd: Stamp,
) {
  if (kind !== 'DAY' && state.day.itemCount > 0) {
    throw new ClosureError('Clôture impossible : la journée en cours doit d’abord être clôturée.');
  }
  if (kind === 'YEAR' && state.month.itemCount > 0) {
    throw new ClosureError('Clôture annuelle impossible : le mois en cours doit d’abord être clôturé.');
  }
  const acc = kind === 'DAY' ? state.day : kind === 'MONTH' ? state.month : state.year;
  return finishClosure(acc, periodLabel, periodEnd);
}

/** The longest a register may sell without a daily closure. */
export const MAX_HOURS_WITHOUT_CLOSURE = 24;

export type SaleAllowance =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly message: string };

/**
 * Whether a ticket may be validated at `now`: refused when the last daily closure is more than 24 h
 * old, counted from the first sale when the register never closed (seed 002).
 */
export function saleAllowedAt(
  now: Date,
  lastDailyClosureAt: Date | undefined,
  firstSaleAt: Date | undefined,
): SaleAllowance {
  const since = lastDailyClosureAt ?? firstSaleAt;
  if (since === undefined) return { allowed: true };
  const elapsed = now.getTime() - since.getTime();
  if (elapsed <= MAX_HOURS_WITHOUT_CLOSURE * 3_600_000) return { allowed: true };
  const what = lastDailyClosureAt === undefined ? 'la première vente' : 'la dernière clôture journalière';
  return {
    allowed: false,
    message:
      `Saisie de ticket refusée : ${what} date de plus de ${MAX_HOURS_WITHOUT_CLOSURE} heures ` +
      `(${since.toISOString()}). Faites la clôture journalière.`,
  };
}

/** `saleAllowedAt` from the stamps kept in the journal. */
export function saleAllowedAtStamp(
  now: Date,
  lastDailyClosure: Stamp | undefined,
  firstSale: Stamp | undefined,
) {
  return saleAllowedAt(
    now,
    lastDailyClosure === undefined ? undefined : instantOf(lastDailyClosure),
    firstSale === undefined ? undefined : instantOf(firstSale),
  );
}
