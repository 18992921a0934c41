import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { FISCAL_TABLES } from '../migrations/0002-journal.ts';
import { DIALECTS, type TestDatabase } from '../test-dialects.ts';

const row = {
  register: '1',
  chain: 'TICKET',
  sequence: 1,
  type: 'TICKET',
  stamp_utc: '20261123142501',
  stamp_offset: '+0100',
  format: 'CPT1',
  software_version: '0.1.0',
  key_id: '0123456789abcdef',
  payload: '{}',
  previous_signature: '',
  signed_text: 'x',
  signature: 'y',
  ref_chain: null,
  ref_sequence: null,
  total_ttc: 100,
};

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: the fiscal tables refuse UPDATE and DELETE (triggers)`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.open();
      await t.db.insertInto('journal').values(row).execute();
      await t.db
        .insertInto('journal_idempotency')
        .values({
          register: '1',
          key: 'k',
          chain: 'TICKET',
          sequence: 1,
          request_sha256: 'h',
          created_at: '2026-11-23T14:25:01.000Z',
        })
        .execute();
    });
    after(() => t.close());

    test('a direct UPDATE of a journal record fails and changes nothing', async () => {
      await assert.rejects(
        t.db.updateTable('journal').set({ total_ttc: 1 }).where('sequence', '=', 1).execute(),
        /inaltérable/,
      );
      await assert.rejects(sql`update journal set signature = 'z'`.execute(t.db), /inaltérable/);
      const back = await t.db.selectFrom('journal').selectAll().executeTakeFirstOrThrow();
      assert.equal(back.total_ttc, 100);
      assert.equal(back.signature, 'y');
    });

    test('a direct DELETE fails on every fiscal table and removes nothing', async () => {
      for (const table of FISCAL_TABLES) {
        await assert.rejects(sql`delete from ${sql.table(table)}`.execute(t.db), /inaltérable/, table);
        const n = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(t.db);
        assert.equal(Number(n.rows[0]?.n), 1, `${table} garde sa ligne`);
      }
      if (t.engine !== 'sqlite') {
        await assert.rejects(sql`truncate journal`.execute(t.db), /inaltérable/);
      }
    });

    test('appending stays possible; the primary key refuses a second record at the same sequence', async () => {
      await t.db
        .insertInto('journal')
        .values({ ...row, sequence: 2 })
        .execute();
      await assert.rejects(t.db.insertInto('journal').values(row).execute());
    });
  });
}
