import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ArchiveError, verifyArchive } from '../fiscal/archive.ts';
import { exportArchive } from './archive-export.ts';
import { readHeads } from './journal/heads.ts';
import { readPublicKeys } from './journal/keys.ts';
import {
  cancelTicket,
  closeDay,
  closeMonth,
  recordDuplicate,
  rotateRegisterKey,
} from './journal/operations.ts';
import { type JournalFixture, openJournalFixture, SIMPLE_SALE } from './journal/testing.ts';
import { verifyLiveJournal } from './journal-verify-run.ts';
import { DIALECTS } from './test-dialects.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: archive export of a closed period, through the real journal`, () => {
    let f: JournalFixture;
    const out = (name: string) => join(f.dataDir, name);
    before(async () => {
      f = await openJournalFixture(dialect);
      for (let day = 0; day < 3; day++) {
        const sale = await f.sell(1, SIMPLE_SALE);
        f.advance(5);
        await f.sell(1, SIMPLE_SALE);
        if (day === 1)
          await cancelTicket(f.db, f.ctx, { register: 1, sequence: sale.number, operator: 'ADMIN' });
        if (day === 2)
          await recordDuplicate(f.db, f.ctx, {
            register: 1,
            original: { sequence: sale.number },
            reason: 'Perte',
            operator: 'ADMIN',
          });
        if (day === 1) await rotateRegisterKey(f.db, f.ctx, 1, 'ADMIN');
        f.advance(60);
        await closeDay(f.db, f.ctx, { register: 1, operator: 'ADMIN' });
        f.advance(23 * 60);
      }
      // November is closed once it has ended (PERIOD_NOT_ENDED before), then December opens.
      f.clock = new Date('2026-12-01T09:00:00Z');
      await closeMonth(f.db, f.ctx, { register: 1, operator: 'ADMIN' });
      f.advance(60);
      await closeDay(f.db, f.ctx, { register: 1, operator: 'ADMIN' });
      await f.sell(1, SIMPLE_SALE);
    });
    after(() => f.close());

    test('the live journal made by validateTicket verifies on the worker pool', async () => {
      const report = await verifyLiveJournal(f.db, {
        publicKeysById: readPublicKeys(f.dataDir),
        expectedHeads: readHeads(f.dataDir),
        workers: 2,
      });
      assert.deepEqual(report.problems, []);
      assert.ok(report.recordsChecked > 10, 'records checked');
    });

    test('a period that is not closed, or not a period, is refused in French and nothing is written', async () => {
      const count = async () =>
        Number((await sql<{ n: number }>`select count(*) as n from journal`.execute(f.db)).rows[0]?.n);
      const before = await count();
      await assert.rejects(
        exportArchive(f.db, f.ctx, {
          register: 1,
          period: '2026-12',
          out: out('dec.zip'),
          operator: 'ADMIN',
        }),
        (e: unknown) =>
          e instanceof ArchiveError && e.code === 'PERIOD_NOT_CLOSED' && /n'est pas clôturée/.test(e.message),
      );
      await assert.rejects(
        exportArchive(f.db, f.ctx, {
          register: 1,
          period: '2025-2026',
          out: out('x.zip'),
          operator: 'ADMIN',
        }),
        (e: unknown) => e instanceof ArchiveError && e.code === 'BAD_PERIOD',
      );
      assert.equal(existsSync(out('dec.zip')), false);
      assert.equal(await count(), before);
      assert.deepEqual(
        readdirSync(f.dataDir).filter((n) => n.endsWith('.tmp')),
        [],
      );
    });

    test('exports November: the file verifies offline; an ARCHIVE record and a JET 20 carry its SHA-256', async () => {
      const result = await exportArchive(f.db, f.ctx, {
        register: 1,
        period: '2026-11',
        out: out('nov.zip'),
        operator: 'ADMIN',
      });
      const bytes = readFileSync(out('nov.zip'));
      const report = verifyArchive(bytes);
      assert.deepEqual([...report.fileProblems, ...report.journal.problems], []);
      assert.equal(result.manifest.totals.ticketCount, 6);
      assert.equal(result.manifest.totals.cancellationCount, 1);
      assert.equal(result.manifest.counts.byType.DUPLICATE, 1);
      assert.equal(result.archiveRecord.type, 'ARCHIVE');
      assert.ok(
        result.archiveRecord.type === 'ARCHIVE' &&
          result.archiveRecord.payload.contentSha256 === result.sha256,
        'ARCHIVE carries the SHA-256',
      );
      const jet = await sql<{
        payload: string;
      }>`select payload from journal where register = '1' and chain = 'JET' order by sequence desc limit 1`.execute(
        f.db,
      );
      const last = JSON.parse(jet.rows[0]?.payload ?? '{}') as { code: number; data: string };
      assert.equal(last.code, 20);
      assert.match(last.data, new RegExp(result.sha256));
      // 6 tickets and 1 cancellation; the ticket sold after the monthly closure is not in November's archive.
      assert.equal(result.manifest.chains.find((c) => c.chain === 'TICKET')?.to, 7);
    });

    test('an altered record in the period: the export is refused, nothing written, JET 90 journaled (item 41)', async () => {
      if (f.t.engine === 'sqlite') await sql`drop trigger journal_no_update`.execute(f.db);
      else await sql`drop trigger journal_append_only on journal`.execute(f.db);
      const row = await f.db
        .selectFrom('journal')
        .select('payload')
        .where('chain', '=', 'TICKET')
        .where('sequence', '=', 3)
        .executeTakeFirstOrThrow();
      const payload = JSON.parse(row.payload) as { totalTtc: number };
      payload.totalTtc += 1000;
      await f.db
        .updateTable('journal')
        .set({ payload: JSON.stringify(payload) })
        .where('chain', '=', 'TICKET')
        .where('sequence', '=', 3)
        .execute();
      await assert.rejects(
        exportArchive(f.db, f.ctx, {
          register: 1,
          period: '2026-11',
          out: out('bad.zip'),
          operator: 'ADMIN',
        }),
        (e: unknown) =>
          e instanceof ArchiveError && e.code === 'INTEGRITY_FLAW' && /Archivage refusé/.test(e.message),
      );
      assert.equal(existsSync(out('bad.zip')), false);
      const jet = await sql<{
        payload: string;
      }>`select payload from journal where register = '1' and chain = 'JET' order by sequence desc limit 1`.execute(
        f.db,
      );
      const last = JSON.parse(jet.rows[0]?.payload ?? '{}') as { code: number; data: string };
      assert.equal(last.code, 90);
      assert.match(last.data, /TICKET n° 3/);
    });
  });
}
