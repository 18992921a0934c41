/**
 * What a closed period reconciles against the drawer and the bank (issue 12, item 4): per payment
 * mode, what was received (handed over), the change given back and what it settled; the credit notes
 * issued (a refund or an excess paid by credit note); the returns and cancellations counted. Computed
 * from the signed TICKET and CANCELLATION records a daily closure covers (their payload and its
 * signed detail), so the closure's own signed payload does not change.
 */
import type { Minor } from '../sales/money.ts';
import type { JournalRecord } from './record.ts';

export interface TenderTotal {
  readonly mode: string;
  /** Handed over by the customers (given), in the ticket's currency. */
  readonly received: Minor;
  /** Given back as change for what this mode handed over beyond the total. */
  readonly change: Minor;
  /** What the mode settled: received − change − the credit note issued for its excess. */
  readonly settled: Minor;
}

export interface Reconciliation {
  readonly tenders: readonly TenderTotal[];
  readonly creditNotesIssued: { readonly count: number; readonly amount: Minor };
  /** Tickets with a negative total (returns), apart from cancellations. */
  readonly returnCount: number;
  readonly returnsAmount: Minor;
  readonly cancellationCount: number;
  readonly cancellationsAmount: Minor;
}

/** Adds up the sale records of a period (other record types are ignored). */
export function reconcile(records: Iterable<JournalRecord>): Reconciliation {
  const tenders = new Map<string, { received: Minor; change: Minor; settled: Minor }>();
  let creditCount = 0;
  let creditAmount = 0;
  let returnCount = 0;
  let returnsAmount = 0;
  let cancellationCount = 0;
  let cancellationsAmount = 0;
  const tender = (mode: string) => {
    let t = tenders.get(mode);
    if (t === undefined) {
      t = { received: 0, change: 0, settled: 0 };
      tenders.set(mode, t);
    }
    return t;
  };
  for (const record of records) {
    if (record.type !== 'TICKET' && record.type !== 'CANCELLATION') continue;
    const p = record.payload;
    if (record.type === 'CANCELLATION') {
      cancellationCount += 1;
      cancellationsAmount += Math.abs(p.totalTtc);
    } else if (p.totalTtc < 0) {
      returnCount += 1;
      returnsAmount += -p.totalTtc;
    }
    const detail = p.detail;
    if (detail === undefined) {
      for (const x of p.payments) {
        const t = tender(x.mode);
        t.received += x.amount;
        t.settled += x.amount;
      }
      continue;
    }
    // What a payment handed over beyond what it settled went back: as change first, the rest as
    // a credit note (a cheque over the total, say).
    let changeLeft = detail.change;
    for (const x of detail.payments) {
      const t = tender(x.mode);
      t.received += x.given;
      t.settled += x.amount;
      const back = Math.min(Math.max(0, x.given - x.amount), changeLeft);
      changeLeft -= back;
      t.change += back;
    }
    if (detail.creditNote > 0) {
      creditCount += 1;
      creditAmount += detail.creditNote;
    }
  }
  return {
    tenders: [...tenders.entries()]
      .map(([mode, t]) => ({ mode, ...t }))
      .sort((a, b) => (a.mode < b.mode ? -1 : a.mode > b.mode ? 1 : 0)),
    creditNotesIssued: { count: creditCount, amount: creditAmount },
    returnCount,
    returnsAmount,
    cancellationCount,
    cancellationsAmount,
  };
}
