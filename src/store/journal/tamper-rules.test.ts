/**
 * The attacks of issue 11 items 3 and 4 on the real engines, with the fixture's injected clock: the
 * clock set back (refused, journaled once, nothing written), the unsigned columns that the double
 * cancellation and the 24-hour rule used to trust edited behind the application's back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { JET_CODES } from '../../fiscal/record.ts';
import { DIALECTS } from '../test-dialects.ts';
import { readJournal } from './core.ts';
import { cancelTicket, closeDay } from './operations.ts';
import { checkRunningStates } from './running-state.ts';
import { type JournalFixture, openJournalFixture, SIMPLE_SALE } from './testing.ts';

async function dropTriggers(f: JournalFixture): Promise<void> {
  if (f.t.engine === 'sqlite') {
    await sql`drop trigger if exists journal_no_update`.execute(f.db);
  } else {
    await sql`drop trigger if exists journal_append_only on journal`.execute(f.db);
  }
}

async function jets(f: JournalFixture, register: string, code: number) {
  const out = [];
  for await (const r of readJournal(f.db, { register, chain: 'JET' })) {
    if (r.type === 'JET' && r.payload.code === code) out.push(r);
  }
  return out;
}

async function count(f: JournalFixture): Promise<number> {
  const row = await f.db
    .selectFrom('journal')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: time and rules are enforced from signed records`, () => {
    let f: JournalFixture;
    before(async () => {
      f = await openJournalFixture(dialect, 4);
    });
    after(() => f.close());

    test('the clock set back 48 h: the sale is refused (CLOCK_BEHIND), journaled once at the last stamp, then accepted when the clock is right', async () => {
      await f.sell(1, SIMPLE_SALE);
      const last = f.clock;
      f.advance(-48 * 60);
      const before = await count(f);
      for (let i = 0; i < 2; i++) {
        await assert.rejects(f.sell(1, SIMPLE_SALE), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'CLOCK_BEHIND');
          assert.match(error.message, /Horloge en retard/);
          return true;
        });
      }
      await assert.rejects(closeDay(f.db, f.ctx, { register: 1, operator: 'ADMIN' }), /Horloge en retard/);
      const events = await jets(f, '1', JET_CODES.CLOCK_BEHIND);
      assert.equal(events.length, 1, 'one JET 1120 for the incident');
      assert.equal(await count(f), before + 1, 'nothing else written');
      assert.equal(events[0]?.timestamp.utc, last.toISOString().replace(/\D/g, '').slice(0, 14));
      f.clock = last;
      f.advance(1);
      await f.sell(1, SIMPLE_SALE);
      await closeDay(f.db, f.ctx, { register: 1, operator: 'ADMIN' });
      assert.deepEqual((await f.verify()).problems, []);
    });

    test('ref_sequence cleared behind the application: a second cancellation is still refused (signed payloads read)', async () => {
      const sold = await f.sell(2, SIMPLE_SALE);
      await cancelTicket(f.db, f.ctx, { register: 2, sequence: sold.number, operator: 'ADMIN' });
      await dropTriggers(f);
      await sql`update journal set ref_sequence = null, ref_chain = null where register = '2'`.execute(f.db);
      const before = await count(f);
      await assert.rejects(
        cancelTicket(f.db, f.ctx, { register: 2, sequence: sold.number, operator: 'ADMIN' }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ALREADY_CANCELLED');
          assert.match(error.message, /déjà annulé/);
          return true;
        },
      );
      assert.equal(await count(f), before, 'nothing written');
    });

    test('last_day_closure_at moved forward: a sale 48 h after the last closure is refused; the columns are rebuilt and journaled at start', async () => {
      await f.sell(3, SIMPLE_SALE);
      await closeDay(f.db, f.ctx, { register: 3, operator: 'ADMIN' });
      f.advance(48 * 60);
      const fake = new Date(f.clock.getTime() - 3_600_000).toISOString();
      await f.db
        .updateTable('journal_registers')
        .set({ last_day_closure_at: fake })
        .where('register', '=', '3')
        .execute();
      await assert.rejects(f.sell(3, SIMPLE_SALE), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CLOSURE_OVERDUE');
        assert.match(error.message, /plus de 24 heures/);
        return true;
      });
      assert.deepEqual(await checkRunningStates(f.db, f.ctx), ['3']);
      const rebuilt = await jets(f, '3', JET_CODES.RUNNING_STATE_REBUILT);
      assert.equal(rebuilt.length, 1);
      assert.match(rebuilt[0]?.payload.data ?? '', /dernière clôture journalière/);
      const row = await f.db
        .selectFrom('journal_registers')
        .select('last_day_closure_at')
        .where('register', '=', '3')
        .executeTakeFirstOrThrow();
      assert.notEqual(row.last_day_closure_at, fake);
      assert.deepEqual(await checkRunningStates(f.db, f.ctx), [], 'nothing left to rebuild');
      await closeDay(f.db, f.ctx, { register: 3, operator: 'ADMIN' });
      await f.sell(3, SIMPLE_SALE);
    });
  });
}
