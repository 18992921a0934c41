/**
 * The till's day (issue 13), pure: what the drawer should hold per payment mode from the day's
 * records, the X reading, and the closing count against it.
 *
 * Expected per mode = float + cash received − change given − cash refunds ± movements. A sale's
 * payment `amount` is what it settles (received minus change), a return's or a cancellation's is
 * negative (a refund); movements are signed (in positive, out negative). `COUNT` records move nothing.
 */
import type { Minor } from '../sales/money.ts';
import type { JournalRecord, MovementPayload, RateTotals, SalePayload } from './record.ts';

/** What the till reads of a record: its type and payload (a sale, a cancellation or a movement). */
export type TillEntry =
  | { readonly type: 'TICKET' | 'CANCELLATION'; readonly payload: SalePayload }
  | { readonly type: 'MOVEMENT'; readonly payload: MovementPayload };

/** The records of a day that the till counts; the others are skipped. */
export function tillEntries(records: readonly JournalRecord[]): TillEntry[] {
  const entries: TillEntry[] = [];
  for (const r of records) {
    if (r.type === 'TICKET' || r.type === 'CANCELLATION' || r.type === 'MOVEMENT') entries.push(r);
  }
  return entries;
}

/** One payment mode's side of the day. */
export interface ModeExpectation {
  readonly mode: string;
  /** The opening float (the `FLOAT_IN` of the day's opening), 0 for other modes. */
  readonly float: Minor;
  /** What sales settled in this mode: received minus change. */
  readonly sales: Minor;
  /** What returns and cancellations paid back in this mode (0 or less). */
  readonly refunds: Minor;
  /** Cash in (positive) and out (negative) other than the float. */
  readonly movements: Minor;
  /** float + sales + refunds + movements. */
  readonly expected: Minor;
}

interface Sums {
  float: Minor;
  sales: Minor;
  refunds: Minor;
  movements: Minor;
}

/**
 * The expected amount of each mode over the entries of a day, in the order the modes first appear
 * (`first` modes always listed, in their order, even at zero: the cash mode first).
 */
export function expectedPerMode(
  entries: readonly TillEntry[],
  first: readonly string[] = [],
): ModeExpectation[] {
  const sums = new Map<string, Sums>();
  const of = (mode: string): Sums => {
    let s = sums.get(mode);
    if (s === undefined) {
      s = { float: 0, sales: 0, refunds: 0, movements: 0 };
      sums.set(mode, s);
    }
    return s;
  };
  for (const mode of first) of(mode);
  for (const e of entries) {
    if (e.type === 'MOVEMENT') {
      const p = e.payload;
      if (p.kind === 'COUNT') continue;
      if (p.kind === 'FLOAT_IN' && p.count !== undefined) of(p.mode).float += p.amount;
      else of(p.mode).movements += p.amount;
      continue;
    }
    for (const payment of e.payload.payments) {
      const s = of(payment.mode);
      if (payment.amount >= 0) s.sales += payment.amount;
      else s.refunds += payment.amount;
    }
  }
  return [...sums].map(([mode, s]) => ({
    mode,
    ...s,
    expected: s.float + s.sales + s.refunds + s.movements,
  }));
}

/** The X reading (« lecture X »): the day so far, nothing reset. */
export interface TillReading {
  readonly ticketCount: number;
  readonly cancellationCount: number;
  readonly movementCount: number;
  /** Sales per VAT rate (returns and cancellations included, negative). */
  readonly perRate: readonly RateTotals[];
  readonly perMode: readonly ModeExpectation[];
  /** Per cashier: tickets and what they settled. */
  readonly perOperator: readonly {
    readonly operator: string;
    readonly tickets: number;
    readonly total: Minor;
  }[];
}

export function tillReading(entries: readonly TillEntry[], first: readonly string[] = []): TillReading {
  const rates = new Map<number, { ht: Minor; vat: Minor; ttc: Minor }>();
  const operators = new Map<string, { tickets: number; total: Minor }>();
  let ticketCount = 0;
  let cancellationCount = 0;
  let movementCount = 0;
  for (const e of entries) {
    if (e.type === 'MOVEMENT') {
      if (e.payload.kind !== 'COUNT') movementCount += 1;
      continue;
    }
    if (e.type === 'TICKET') ticketCount += 1;
    else cancellationCount += 1;
    for (const r of e.payload.perRate) {
      const t = rates.get(r.rate) ?? { ht: 0, vat: 0, ttc: 0 };
      rates.set(r.rate, { ht: t.ht + r.ht, vat: t.vat + r.vat, ttc: t.ttc + r.ttc });
    }
    const o = operators.get(e.payload.operator) ?? { tickets: 0, total: 0 };
    operators.set(e.payload.operator, { tickets: o.tickets + 1, total: o.total + e.payload.totalTtc });
  }
  return {
    ticketCount,
    cancellationCount,
    movementCount,
    perRate: [...rates].sort(([a], [b]) => a - b).map(([rate, t]) => ({ rate, ...t })),
    perMode: expectedPerMode(entries, first),
    perOperator: [...operators].map(([operator, o]) => ({ operator, ...o })),
  };
}

/** One mode of the closing count. */
export interface ModeCount {
  readonly mode: string;
  readonly expected: Minor;
  readonly counted: Minor;
  /** counted − expected: negative is a shortfall, positive a surplus. */
  readonly difference: Minor;
}

/**
 * The closing count against the expected amounts: each mode counted, once (a mode counted but not
 * expected has an expected 0); a mode expected but not counted is not listed.
 */
export function closingCounts(
  expected: readonly ModeExpectation[],
  counted: ReadonlyMap<string, Minor>,
): ModeCount[] {
  const rows: ModeCount[] = [];
  for (const e of expected) {
    const c = counted.get(e.mode);
    if (c === undefined) continue;
    rows.push({ mode: e.mode, expected: e.expected, counted: c, difference: c - e.expected });
  }
  for (const [mode, c] of counted) {
    if (!expected.some((e) => e.mode === mode)) rows.push({ mode, expected: 0, counted: c, difference: c });
  }
  return rows;
}

/** The closing counts as their signed `COUNT` records state them. */
export function countsOfRecords(entries: readonly TillEntry[]): ModeCount[] {
  const rows: ModeCount[] = [];
  for (const e of entries) {
    if (e.type !== 'MOVEMENT' || e.payload.kind !== 'COUNT' || e.payload.count === undefined) continue;
    const expected = e.payload.count.expected;
    rows.push({
      mode: e.payload.mode,
      expected,
      counted: e.payload.amount,
      difference: e.payload.amount - expected,
    });
  }
  return rows;
}
