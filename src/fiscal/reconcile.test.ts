import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcile } from './reconcile.ts';
import type { JournalRecord } from './record.ts';

/** A sale record as reconcile reads it: its type, total, payments and signed detail. */
function sale(
  type: 'TICKET' | 'CANCELLATION' | 'TRAINING',
  totalTtc: number,
  payments: { mode: string; given: number; amount: number }[],
  change = 0,
  creditNote = 0,
): JournalRecord {
  return {
    type,
    payload: {
      totalTtc,
      payments: payments.map((p) => ({ mode: p.mode, amount: p.amount })),
      detail: { payments: payments.map((p) => ({ ...p, label: p.mode })), change, creditNote },
    },
  } as unknown as JournalRecord;
}

test('per mode: received, change given and settled; credit notes issued; returns and cancellations counted', () => {
  const done = reconcile([
    // The cheque: 30,00 handed over for 18,89, the excess as a credit note (11,11).
    sale('TICKET', 1889, [{ mode: 'CHEQUE', given: 3000, amount: 1889 }], 0, 1111),
    // Cash over the total: 4,00 of change.
    sale('TICKET', 4600, [{ mode: 'CASH', given: 5000, amount: 4600 }], 400),
    // A split payment, card then cash with change.
    sale(
      'TICKET',
      2500,
      [
        { mode: 'CARD', given: 2000, amount: 2000 },
        { mode: 'CASH', given: 1000, amount: 500 },
      ],
      500,
    ),
    // A return refunded in cash, and the cancellation of the second ticket.
    sale('TICKET', -1889, [{ mode: 'CASH', given: -1889, amount: -1889 }]),
    sale('CANCELLATION', -4600, [{ mode: 'CASH', given: -4600, amount: -4600 }]),
    // Training is in no total.
    sale('TRAINING', 999, [{ mode: 'CASH', given: 999, amount: 999 }]),
  ]);
  assert.deepEqual(done.tenders, [
    { mode: 'CARD', received: 2000, change: 0, settled: 2000 },
    { mode: 'CASH', received: 5000 + 1000 - 1889 - 4600, change: 900, settled: 4600 + 500 - 1889 - 4600 },
    { mode: 'CHEQUE', received: 3000, change: 0, settled: 1889 },
  ]);
  assert.deepEqual(done.creditNotesIssued, { count: 1, amount: 1111 });
  assert.equal(done.returnCount, 1);
  assert.equal(done.returnsAmount, 1889);
  assert.equal(done.cancellationCount, 1);
  assert.equal(done.cancellationsAmount, 4600);
});
