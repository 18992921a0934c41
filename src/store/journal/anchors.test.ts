/**
 * Heads anchored outside the machine, on the real engines (issue 11 item 2): the heads file deleted or
 * unsigned, an older copy of the database restored with its heads file (rollback), then new sales
 * under the same numbers (fork), the tail cut; each found by the verification run with a directory
 * witness, at the right record, and by the start check.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { runLiveVerification } from '../journal-verify-run.ts';
import { DIALECTS } from '../test-dialects.ts';
import { directoryWitness, journalHeads, startProblems } from './anchors.ts';
import type { JournalContext } from './core.ts';
import { flushHeads, headsFileOf } from './heads.ts';
import { closeDay } from './operations.ts';
import { type JournalFixture, openJournalFixture, SIMPLE_SALE } from './testing.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: the journal against its heads file and its anchors`, () => {
    let f: JournalFixture;
    let anchorDir: string;
    let ctx: JournalContext;
    const found = async (register: string) => {
      const run = await runLiveVerification(f.db, ctx, { register });
      return run.report.problems
        .filter(
          (p) => p.code.startsWith('ANCHOR_') || p.code.startsWith('HEADS_') || p.code === 'TAIL_TRUNCATED',
        )
        .map((p) => `${p.chain}:${p.sequence}:${p.code}`);
    };
    /** Deletes a register's records after the given heads (as restoring an older copy would). */
    const rollBack = async (register: string, keep: Record<string, number>) => {
      if (f.t.engine === 'sqlite') await sql`drop trigger if exists journal_no_delete`.execute(f.db);
      else await sql`drop trigger if exists journal_append_only on journal`.execute(f.db);
      for (const [chain, sequence] of Object.entries(keep)) {
        await f.db
          .deleteFrom('journal')
          .where('register', '=', register)
          .where('chain', '=', chain)
          .where('sequence', '>', sequence)
          .execute();
      }
    };
    before(async () => {
      f = await openJournalFixture(dialect, 4);
      anchorDir = mkdtempSync(join(tmpdir(), 'comptoir-anchors-'));
      ctx = { ...f.ctx, witnesses: [directoryWitness(anchorDir)] };
    });
    after(async () => {
      await f.close();
      rmSync(anchorDir, { recursive: true, force: true });
    });

    test('a closure anchors the signed heads; the untouched journal agrees with them', async () => {
      await f.sell(1, SIMPLE_SALE);
      await closeDay(f.db, ctx, { register: 1, operator: 'ADMIN' });
      assert.deepEqual(await found('1'), []);
      assert.deepEqual(await startProblems(f.db, f.dataDir, ctx.witnesses ?? [], ['1']), []);
    });

    test('the heads file deleted: an error, not recreated by the next sale; unsigned (format 1): an error', async () => {
      await f.sell(2, SIMPLE_SALE);
      await flushHeads();
      const file = headsFileOf(f.dataDir, '2');
      const kept = readFileSync(file, 'utf8');
      unlinkSync(file);
      await f.sell(2, SIMPLE_SALE);
      await flushHeads();
      assert.throws(() => readFileSync(file), /ENOENT/, 'never silently recreated');
      assert.deepEqual(await found('2'), ['JET:0:HEADS_MISSING']);
      const lines = await startProblems(f.db, f.dataDir, [], ['2']);
      assert.match(lines.join('\n'), /caisse 2 : fichier des têtes de chaîne absent/);
      writeFileSync(file, JSON.stringify({ format: 'comptoir-heads/1', register: '2', heads: [] }));
      assert.deepEqual(await found('2'), ['JET:0:HEADS_INVALID']);
      writeFileSync(file, kept);
    });

    test('an older copy restored with its heads file (rollback), then new sales under the same numbers (fork)', async () => {
      await f.sell(3, SIMPLE_SALE);
      await closeDay(f.db, ctx, { register: 3, operator: 'ADMIN' });
      const old = Object.fromEntries((await journalHeads(f.db, '3')).map((h) => [h.chain, h.sequence]));
      const file = headsFileOf(f.dataDir, '3');
      copyFileSync(file, `${file}.old`);
      const state = await f.db
        .selectFrom('journal_registers')
        .selectAll()
        .where('register', '=', '3')
        .executeTakeFirstOrThrow();
      f.advance(23 * 60); // the next day: one daily closure per day (DAY_ALREADY_CLOSED)
      await f.sell(3, SIMPLE_SALE);
      await f.sell(3, SIMPLE_SALE);
      await closeDay(f.db, ctx, { register: 3, operator: 'ADMIN' });
      const anchored = (await journalHeads(f.db, '3')).find((h) => h.chain === 'TICKET')?.sequence;
      // The restore: the database and its heads file as they were.
      await rollBack('3', old);
      await f.db.updateTable('journal_registers').set(state).where('register', '=', '3').execute();
      copyFileSync(`${file}.old`, file);
      const rollback = await found('3');
      assert.ok(rollback.includes(`TICKET:${anchored}:ANCHOR_ROLLBACK`), rollback.join(' '));
      const lines = await startProblems(f.db, f.dataDir, ctx.witnesses ?? [], ['3']);
      assert.match(
        lines.join('\n'),
        /journal revenu en arrière .* dernier enregistrement ancré retrouvé : TICKET n° 1/,
      );
      f.advance(1);
      await f.sell(3, SIMPLE_SALE);
      await f.sell(3, SIMPLE_SALE);
      const fork = await found('3');
      assert.ok(fork.includes(`TICKET:${anchored}:ANCHOR_FORK`), fork.join(' '));
    });

    test('the tail cut, the heads file kept: truncation named by the heads file and by the anchor', async () => {
      await f.sell(4, SIMPLE_SALE);
      await closeDay(f.db, ctx, { register: 4, operator: 'ADMIN' });
      await rollBack('4', { TICKET: 0 });
      const cut = await found('4');
      assert.ok(cut.includes('TICKET:1:TAIL_TRUNCATED'), cut.join(' '));
      assert.ok(cut.includes('TICKET:1:ANCHOR_TRUNCATED'), cut.join(' '));
    });
  });
}
