/**
 * The journal's guards against a tampered store, on SQLite and PostgreSQL: a key pair swapped behind
 * the journal's back signs nothing (KEY_NOT_ENROLLED), and records deleted under the register's running
 * totals stop the next write with a French message and a JET 90 instead of a raw stack.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DIALECTS } from '../test-dialects.ts';
import { JournalError } from './errors.ts';
import { removeStoredKey } from './key-store.ts';
import { clearKeyCache, ensureRegisterKeys } from './keys.ts';
import { type JournalFixture, openJournalFixture, SIMPLE_SALE } from './testing.ts';

function refusal(code: string, pattern: RegExp) {
  return (error: unknown) =>
    error instanceof JournalError && error.code === code && pattern.test(error.message);
}

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: the journal's guards against a tampered store`, () => {
    let f: JournalFixture;
    before(async () => {
      f = await openJournalFixture(dialect, 2);
    });
    after(() => f.close());
    const count = async () => (await f.records()).length;
    const integrityFlaws = async (register: string) =>
      (await f.records()).filter((r) => r.register === register && r.type === 'JET' && r.payload.code === 90);

    test('a key pair swapped behind the journal is refused (KEY_NOT_ENROLLED), nothing written', async () => {
      const enrolled = (await f.sell(2, SIMPLE_SALE)).record.keyId;
      const before = await count();
      // The attacker replaces register 2's key with his own, and the server restarts.
      removeStoredKey(f.dataDir, '2', 'private');
      clearKeyCache();
      const foreign = ensureRegisterKeys(f.dataDir, 2).keyId;
      assert.notEqual(foreign, enrolled);
      await assert.rejects(
        f.sell(2, SIMPLE_SALE),
        refusal('KEY_NOT_ENROLLED', new RegExp(`\\(${foreign}\\).*\\(${enrolled}\\)`)),
      );
      assert.equal(await count(), before, 'nothing signed with the foreign key');
    });

    test('a ticket deleted under the running totals: a French refusal and one JET 90, not a stack', async () => {
      await f.sell(1, SIMPLE_SALE);
      const last = await f.sell(1, SIMPLE_SALE);
      if (f.t.engine === 'sqlite') await sql`drop trigger journal_no_delete`.execute(f.db);
      else await sql`drop trigger journal_append_only on journal`.execute(f.db);
      await sql`delete from journal where register = '1' and chain = 'TICKET' and sequence = ${last.record.sequence}`.execute(
        f.db,
      );
      const before = await count();
      for (let attempt = 0; attempt < 2; attempt++) {
        await assert.rejects(
          f.sell(1, SIMPLE_SALE),
          refusal(
            'JOURNAL_INCONSISTENT',
            /^Journal de la caisse 1 incohérent .*hors séquence.*comptoir verify/,
          ),
        );
      }
      const flaws = await integrityFlaws('1');
      assert.equal(flaws.length, 1, 'journaled once, not at every attempt');
      assert.equal(await count(), before + 1, 'only the event: the refused sale left nothing');
      assert.match(flaws[0]?.type === 'JET' ? flaws[0].payload.data : '', /incohérent/);
    });
  });
}
