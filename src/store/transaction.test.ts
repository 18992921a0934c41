import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DIALECTS, type TestDatabase } from './test-dialects.ts';
import { inNonFiscalTransaction } from './transaction.ts';

const row = (id: string) => ({
  id,
  register_number: 1,
  opened_by: 'CAISSE1',
  status: 'open',
  state: '{}',
  version: 1,
  idempotency_key: null,
  sale: null,
  receipt: null,
  created_at: '2026-11-23T10:00:00.000Z',
  updated_at: '2026-11-23T10:00:00.000Z',
});

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: a non-fiscal transaction`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.open();
    });
    after(() => t.close());

    /** SQLite's durability of the connection: 2 is FULL, what every fiscal commit needs. */
    const synchronous = async () =>
      t.engine === 'sqlite'
        ? Number((await sql<{ synchronous: number }>`pragma synchronous`.execute(t.db)).rows[0]?.synchronous)
        : 2;

    test('commits its writes and gives the connection back with durable commits', async () => {
      assert.equal(await synchronous(), 2);
      await inNonFiscalTransaction(t.db, (trx) =>
        trx.insertInto('server_tickets').values(row('a')).execute(),
      );
      assert.equal(await synchronous(), 2, 'synchronous = FULL again for the next (fiscal) commit');
      const ids = await t.db.selectFrom('server_tickets').select('id').execute();
      assert.deepEqual(
        ids.map((r) => r.id),
        ['a'],
      );
    });

    test('a failure rolls everything back and still restores durable commits', async () => {
      await assert.rejects(
        inNonFiscalTransaction(t.db, async (trx) => {
          await trx.insertInto('server_tickets').values(row('b')).execute();
          throw new Error('refus');
        }),
        /refus/,
      );
      assert.equal(await synchronous(), 2);
      const ids = await t.db.selectFrom('server_tickets').select('id').orderBy('id').execute();
      assert.deepEqual(
        ids.map((r) => r.id),
        ['a'],
      );
    });
  });
}
