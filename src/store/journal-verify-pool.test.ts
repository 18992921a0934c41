import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSignedText } from '../fiscal/signed-text.ts';
import { generateSigningKeyPair } from '../fiscal/signing.ts';
import { sampleJournal } from '../fiscal/testing.ts';
import { verifyJournal, verifySignatures } from '../fiscal/verify.ts';
import { startVerifyPool, VerifyPoolError, verifyJournalInParallel } from './journal-verify-pool.ts';

const keys = generateSigningKeyPair();
const keysById = new Map([[keys.keyId, keys.publicKey]]);
const journal = sampleJournal(keys);

describe('journal verify pool (real worker threads)', () => {
  test('gives the same statuses as verifySignatures on one thread, batch after batch, with progress', async () => {
    const records = journal.records;
    const bad = records.map((r, i) =>
      i % 3 === 0
        ? { ...r, signedText: `${r.signedText}!` }
        : i % 5 === 0
          ? { ...r, keyId: 'ffffffffffffffff' }
          : r,
    );
    const pool = await startVerifyPool(keysById, { size: 2, batchSize: 4 });
    try {
      assert.equal(pool.size, 2);
      const progress: number[] = [];
      const statuses = await pool.verifySignatures(bad, (done, total) => {
        assert.equal(total, bad.length);
        progress.push(done);
      });
      assert.deepEqual([...statuses], [...verifySignatures(bad, keysById)]);
      assert.ok(statuses.includes(0) && statuses.includes(1) && statuses.includes(2));
      assert.equal(progress.length, Math.ceil(bad.length / 4));
      assert.equal(progress.at(-1), bad.length);
      // The pool is reusable, and an empty batch is answered at once.
      assert.deepEqual(
        [...(await pool.verifySignatures(records))],
        records.map(() => 1),
      );
      assert.deepEqual([...(await pool.verifySignatures([]))], []);
    } finally {
      await pool.close();
    }
    await assert.rejects(pool.verifySignatures(journal.records), VerifyPoolError);
  });

  test('verifyJournalInParallel reports exactly what verifyJournal reports', async () => {
    const i = journal.records.findIndex((r) => r.chain === 'TICKET' && r.sequence === 2);
    const tampered = journal.records.map((r, j) => {
      if (j !== i || r.type !== 'TICKET') return r;
      const changed = { ...r, payload: { ...r.payload, totalTtc: r.payload.totalTtc + 1 } };
      return { ...changed, signedText: buildSignedText(changed) };
    });
    const heads = journal.headList();
    const parallel = await verifyJournalInParallel(tampered, keysById, heads, { size: 2, batchSize: 3 });
    assert.deepEqual(parallel, verifyJournal(tampered, keysById, heads));
    assert.deepEqual(
      parallel.problems.map((p) => `${p.chain}:${p.sequence}:${p.code}`),
      ['TICKET:2:BAD_SIGNATURE', 'CLOSURE:1:CLOSURE_MISMATCH'],
    );
    assert.equal((await verifyJournalInParallel(journal.records, keysById, heads, { size: 2 })).ok, true);
  });
});
