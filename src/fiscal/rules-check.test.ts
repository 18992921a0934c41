/**
 * The rules only signed records can prove (issue 11 items 3 and 4), found by both verifiers at the
 * right record: time going backwards, a closure ending before it starts, a ticket cancelled twice, a
 * sale more than 24 hours after the last daily closure.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JournalChecker, STREAM_CHAIN_ORDER } from './journal-check.ts';
import type { JournalRecord } from './record.ts';
import { generateSigningKeyPair } from './signing.ts';
import { COFFEE, JournalBuilder, WINE } from './testing.ts';
import { verifyJournal, verifySignatures } from './verify.ts';

const keys = generateSigningKeyPair();
const keysById = new Map([[keys.keyId, keys.publicKey]]);

/** The problem codes found by the in-memory verifier and by the streaming one (stream order). */
function found(b: JournalBuilder): string[] {
  const records = b.records;
  const whole = verifyJournal(records, keysById, b.headList()).problems.map(
    (p) => `${p.chain}:${p.sequence}:${p.code}`,
  );
  const ordered = STREAM_CHAIN_ORDER.flatMap((chain) => records.filter((r) => r.chain === chain));
  const checker = new JournalChecker({ publicKeysById: keysById, expectedHeads: b.headList() });
  // Tickets first, closures after: the streaming verifier must not be misled by the order.
  const late = [
    ...ordered.filter((r) => r.chain !== 'CLOSURE'),
    ...ordered.filter((r) => r.chain === 'CLOSURE'),
  ];
  checker.add(late, verifySignatures(late, keysById));
  const streamed = checker.finish().problems.map((p) => `${p.chain}:${p.sequence}:${p.code}`);
  assert.deepEqual(streamed, whole, 'both verifiers agree');
  return whole;
}

describe('rules from signed records only', () => {
  test('a sound journal over days, each sale within 24 hours of the last daily closure, passes', () => {
    const b = new JournalBuilder('C1', keys);
    for (let day = 0; day < 3; day++) {
      const t = b.sale([COFFEE]);
      b.cancel(t);
      b.advance(20 * 60);
      b.sale([WINE]);
      b.close('DAY', `jour-${day}`);
      b.advance(3 * 60);
    }
    assert.deepEqual(found(b), []);
  });

  test('the clock set back: the record stamped before its predecessor, and the closure ending before it starts', () => {
    const b = new JournalBuilder('C1', keys);
    b.sale([COFFEE]);
    b.close('DAY', 'jour-1');
    b.advance(-48 * 60);
    b.sale([WINE]);
    b.close('DAY', 'jour-2');
    assert.deepEqual(found(b), [
      'TICKET:2:TIME_REVERSED',
      'CLOSURE:2:TIME_REVERSED',
      'CLOSURE:2:TIME_REVERSED',
    ]);
  });

  test('a ticket cancelled twice: the second cancellation is named', () => {
    const b = new JournalBuilder('C1', keys);
    const t = b.sale([COFFEE, WINE]);
    b.cancel(t);
    b.sale([COFFEE]);
    const again = b.cancel(t) as JournalRecord;
    b.close('DAY', 'jour-1');
    assert.deepEqual(found(b), [`TICKET:${again.sequence}:DOUBLE_CANCELLATION`]);
  });

  test('a sale more than 24 hours after the last daily closure, or after the first sale when never closed', () => {
    const b = new JournalBuilder('C1', keys);
    b.sale([COFFEE]);
    b.advance(25 * 60);
    b.sale([COFFEE]);
    b.close('DAY', 'jour-1');
    b.advance(23 * 60);
    b.sale([WINE]);
    b.advance(2 * 60);
    b.sale([WINE]);
    assert.deepEqual(found(b), ['TICKET:2:CLOSURE_OVERDUE', 'TICKET:4:CLOSURE_OVERDUE']);
  });
});
