import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { JournalChecker, STREAM_CHAIN_ORDER } from './journal-check.ts';
import type { ChainHead, JournalRecord } from './record.ts';
import { buildSignedText } from './signed-text.ts';
import { generateSigningKeyPair } from './signing.ts';
import { BOOK, COFFEE, JournalBuilder, sampleJournal, WINE } from './testing.ts';
import { verifyJournal, verifySignatures } from './verify.ts';

const keys = generateSigningKeyPair();
const next = generateSigningKeyPair();
const keysById = new Map([
  [keys.keyId, keys.publicKey],
  [next.keyId, next.publicKey],
]);

/** A journal with two registers, a key rotation and every kind of record. */
function bigJournal(): { records: JournalRecord[]; heads: ChainHead[] } {
  const a = sampleJournal(keys, 'C1');
  a.sale([COFFEE]);
  a.rotate(next);
  a.sale([WINE, BOOK], 'CB');
  a.close('DAY', '2026-11-04');
  const b = sampleJournal(keys, 'C2');
  return { records: [...a.records, ...b.records], heads: [...a.headList(), ...b.headList()] };
}

/** Stable sort by the streaming order of chains: each chain keeps its stored order. */
function streamOrder(list: readonly JournalRecord[]): JournalRecord[] {
  return [...list]
    .map((r, i) => ({ r, i }))
    .sort(
      (x, y) =>
        (x.r.register < y.r.register ? -1 : x.r.register > y.r.register ? 1 : 0) ||
        STREAM_CHAIN_ORDER.indexOf(x.r.chain) - STREAM_CHAIN_ORDER.indexOf(y.r.chain) ||
        x.i - y.i,
    )
    .map(({ r }) => r);
}

function streamed(list: readonly JournalRecord[], heads: readonly ChainHead[], batch = 3): string[] {
  const checker = new JournalChecker({ publicKeysById: keysById, expectedHeads: heads });
  const ordered = streamOrder(list);
  for (let i = 0; i < ordered.length; i += batch) {
    const slice = ordered.slice(i, i + batch);
    checker.add(slice, verifySignatures(slice, keysById));
  }
  const report = checker.finish();
  assert.equal(report.recordsChecked, list.length);
  return report.problems.map((p) => `${p.register}:${p.chain}:${p.sequence}:${p.code}`);
}

const whole = (list: readonly JournalRecord[], heads: readonly ChainHead[]): string[] =>
  verifyJournal(streamOrder(list), keysById, heads).problems.map(
    (p) => `${p.register}:${p.chain}:${p.sequence}:${p.code}`,
  );

describe('JournalChecker: the streaming verifier', () => {
  const { records, heads } = bigJournal();

  test('a sound journal, in any batch size, has no problem', () => {
    for (const size of [1, 4, 1000]) assert.deepEqual(streamed(records, heads, size), [], `batch ${size}`);
  });

  test('tickets given before their closures (another order) are still summed into them', () => {
    const checker = new JournalChecker({ publicKeysById: keysById, expectedHeads: heads });
    const jetFirst = [...records].sort((x, y) => Number(y.chain === 'JET') - Number(x.chain === 'JET'));
    checker.add(jetFirst, verifySignatures(jetFirst, keysById));
    assert.deepEqual(checker.finish().problems, []);
  });

  test('reports what verifyJournal reports, for any single mutation', () => {
    const n = records.length;
    const index = fc.integer({ min: 0, max: n - 1 });
    fc.assert(
      fc.property(
        index,
        fc.constantFrom('delete', 'amount', 'retext', 'signature', 'truncate'),
        (i, kind) => {
          const target = records[i] as JournalRecord;
          let list: JournalRecord[];
          if (kind === 'delete') list = records.filter((_, j) => j !== i);
          else if (kind === 'truncate')
            list = records.filter(
              (r) =>
                !(
                  r.register === target.register &&
                  r.chain === target.chain &&
                  r.sequence >= target.sequence
                ),
            );
          else if (kind === 'signature')
            list = records.map((r, j) =>
              j === i
                ? { ...r, signature: `${r.signature.slice(0, 85)}${r.signature[85] === 'A' ? 'Q' : 'A'}` }
                : r,
            );
          else {
            const copy = structuredClone(target) as JournalRecord & { payload: Record<string, unknown> };
            const p = copy.payload;
            for (const field of ['totalTtc', 'amount', 'periodTotal', 'code', 'copyNumber', 'recordCount']) {
              if (typeof p[field] === 'number') {
                p[field] = (p[field] as number) + 7;
                break;
              }
            }
            const changed = kind === 'retext' ? { ...copy, signedText: buildSignedText(copy) } : copy;
            list = records.map((r, j) => (j === i ? changed : r));
          }
          const expected = whole(list, heads);
          assert.ok(expected.length > 0, `mutation ${kind} of record ${i} found by verifyJournal`);
          assert.deepEqual(streamed(list, heads), expected, `mutation ${kind} of record ${i}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a chain that starts mid-way is anchored on the signature before it, with closures in context', () => {
    const b = new JournalBuilder('C1', keys);
    for (let day = 0; day < 3; day++) {
      for (let t = 0; t < 3; t++) b.sale([COFFEE, WINE], t % 2 === 0 ? 'CB' : 'ESP');
      b.close('DAY', `day-${day}`);
      b.advance(23 * 60); // the next day, within the 24 hours after the closure
    }
    const all = b.records;
    const cut = (r: JournalRecord): boolean =>
      (r.chain === 'TICKET' && r.sequence >= 4) || (r.chain === 'CLOSURE' && r.sequence >= 2);
    const part = all.filter(cut);
    const context = all.filter(
      (r) => (r.chain === 'CLOSURE' && r.sequence === 1) || (r.chain === 'JET' && r.sequence === 1),
    );
    const at = (chain: string, sequence: number) =>
      all.find((r) => r.chain === chain && r.sequence === sequence) as JournalRecord;
    const anchors = [
      { register: 'C1', chain: 'TICKET' as const, sequence: 4, previousSignature: at('TICKET', 3).signature },
      {
        register: 'C1',
        chain: 'CLOSURE' as const,
        sequence: 2,
        previousSignature: at('CLOSURE', 1).signature,
      },
    ];
    const heads = b.headList().filter((h) => h.chain === 'TICKET' || h.chain === 'CLOSURE');
    const run = (list: JournalRecord[], anchorList = anchors) => {
      const checker = new JournalChecker({
        publicKeysById: keysById,
        expectedHeads: heads,
        anchors: anchorList,
      });
      checker.addContext(context, verifySignatures(context, keysById));
      const ordered = streamOrder(list);
      checker.add(ordered, verifySignatures(ordered, keysById));
      return checker.finish().problems.map((p) => `${p.chain}:${p.sequence}:${p.code}`);
    };
    assert.deepEqual(run(part), []);
    // The first record of the part does not follow the anchor: the link is broken there.
    const wrongAnchor = anchors.map((a) =>
      a.chain === 'TICKET' ? { ...a, previousSignature: at('TICKET', 2).signature } : a,
    );
    assert.deepEqual(run(part, wrongAnchor), ['TICKET:4:BROKEN_LINK']);
    // A ticket missing in the middle of the part, and the tail of the closures cut.
    assert.deepEqual(
      run(
        part.filter(
          (r) => !(r.chain === 'TICKET' && r.sequence === 5) && !(r.chain === 'CLOSURE' && r.sequence === 3),
        ),
      ),
      [
        'TICKET:6:SEQUENCE_GAP',
        'TICKET:6:BROKEN_LINK',
        'CLOSURE:2:CLOSURE_MISMATCH',
        'CLOSURE:3:TAIL_TRUNCATED',
      ],
    );
  });
});
