/**
 * Tampering behind the application's back, on the real database engines: the triggers are dropped
 * (as an administrator with the database password could), records changed, deleted, swapped, forged,
 * public keys replaced, the tail cut; `verifyLiveJournal` must find each one at the right record.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { canonicalJson } from '../fiscal/canonical-json.ts';
import { appendRecord } from '../fiscal/chain.ts';
import type { ChainHead, JournalRecord } from '../fiscal/record.ts';
import { createSigner, generateSigningKeyPair } from '../fiscal/signing.ts';
import { COFFEE, JournalBuilder, sampleJournal, WINE } from '../fiscal/testing.ts';
import { startVerifyPool, type VerifyPool } from './journal-verify-pool.ts';
import { verifyLiveJournal } from './journal-verify-run.ts';
import type { Database, JournalTable } from './schema.ts';
import { DIALECTS, type TestDatabase } from './test-dialects.ts';

const keys = generateSigningKeyPair();
const keysById = new Map([[keys.keyId, keys.publicKey]]);

function rowOf(r: JournalRecord): JournalTable {
  return {
    register: r.register,
    chain: r.chain,
    sequence: r.sequence,
    type: r.type,
    stamp_utc: r.timestamp.utc,
    stamp_offset: r.timestamp.offset,
    format: r.format,
    software_version: r.softwareVersion,
    key_id: r.keyId,
    payload: canonicalJson(r.payload),
    previous_signature: r.previousSignature,
    signed_text: r.signedText,
    signature: r.signature,
    ref_chain: null,
    ref_sequence: null,
    total_ttc: 'totalTtc' in r.payload ? r.payload.totalTtc : null,
  };
}

/** A journal of two registers: the sample one (every kind of record) and a busy second register. */
function journals(): { records: JournalRecord[]; heads: ChainHead[] } {
  const a = sampleJournal(keys, '1');
  const b = new JournalBuilder('2', keys);
  for (let day = 0; day < 3; day++) {
    for (let t = 0; t < 40; t++) b.sale(t % 2 === 0 ? [COFFEE] : [COFFEE, WINE], t % 3 === 0 ? 'CB' : 'ESP');
    b.close('DAY', `jour-${day}`);
    b.advance(23 * 60); // the next day, within the 24 hours after the closure
  }
  return { records: [...a.records, ...b.records], heads: [...a.headList(), ...b.headList()] };
}

async function dropTriggers(db: Kysely<Database>, engine: string): Promise<void> {
  if (engine === 'sqlite') {
    await sql`drop trigger journal_no_update`.execute(db);
    await sql`drop trigger journal_no_delete`.execute(db);
  } else {
    await sql`drop trigger journal_append_only on journal`.execute(db);
  }
}

const codes = (report: {
  problems: readonly { register: string; chain: string; sequence: number; code: string }[];
}) => report.problems.map((p) => `${p.register}:${p.chain}:${p.sequence}:${p.code}`);

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: tampering with the journal behind the application's back is found`, () => {
    let t: TestDatabase;
    let pool: VerifyPool;
    const { records, heads } = journals();
    const verify = (
      options: { keys?: Map<string, import('node:crypto').KeyObject>; heads?: ChainHead[] } = {},
    ) =>
      verifyLiveJournal(t.db, {
        publicKeysById: options.keys ?? keysById,
        expectedHeads: options.heads ?? heads,
        // The shared pool knows the genuine keys only: another key set gets its own pool.
        ...(options.keys === undefined ? { pool } : { workers: 2 }),
        pageSize: 7,
      });
    const payloadOf = async (register: string, chain: string, sequence: number) => {
      const row = await t.db
        .selectFrom('journal')
        .select('payload')
        .where('register', '=', register)
        .where('chain', '=', chain)
        .where('sequence', '=', sequence)
        .executeTakeFirstOrThrow();
      return JSON.parse(row.payload) as Record<string, unknown>;
    };
    const setPayload = (register: string, chain: string, sequence: number, payload: unknown) =>
      t.db
        .updateTable('journal')
        .set({ payload: canonicalJson(payload) })
        .where('register', '=', register)
        .where('chain', '=', chain)
        .where('sequence', '=', sequence)
        .execute();

    before(async () => {
      t = await dialect.open();
      pool = await startVerifyPool(keysById, { size: 2, batchSize: 5 });
    });
    after(async () => {
      await pool.close();
      await t.close();
    });
    beforeEach(async () => {
      // A fresh journal, triggers on: the application itself cannot change it.
      await sql`drop table if exists journal_copy`.execute(t.db);
      if (t.engine === 'sqlite') {
        await sql`drop trigger if exists journal_no_update`.execute(t.db);
        await sql`drop trigger if exists journal_no_delete`.execute(t.db);
        await sql`delete from journal`.execute(t.db);
        for (const op of ['update', 'delete']) {
          await sql
            .raw(
              `create trigger journal_no_${op} before ${op} on journal begin select raise(abort, 'journal fiscal inaltérable'); end`,
            )
            .execute(t.db);
        }
      } else {
        await sql`drop trigger if exists journal_append_only on journal`.execute(t.db);
        await sql`delete from journal`.execute(t.db);
        await sql`create trigger journal_append_only before update or delete on journal for each row execute function comptoir_refuse_fiscal_write()`.execute(
          t.db,
        );
      }
      for (let i = 0; i < records.length; i += 50) {
        await t.db
          .insertInto('journal')
          .values(records.slice(i, i + 50).map(rowOf))
          .execute();
      }
    });

    test('the untouched journal verifies, every record checked; the triggers refuse a change', async () => {
      const report = await verify();
      assert.deepEqual(report.problems, []);
      assert.equal(report.recordsChecked, records.length);
      await assert.rejects(
        t.db.updateTable('journal').set({ total_ttc: 1 }).where('chain', '=', 'TICKET').execute(),
        /inaltérable/,
      );
    });

    test('trigger dropped, then an amount changed', async () => {
      await dropTriggers(t.db, t.engine);
      const p = await payloadOf('2', 'TICKET', 17);
      await setPayload('2', 'TICKET', 17, { ...p, totalTtc: (p.totalTtc as number) - 100 });
      assert.deepEqual(codes(await verify()), ['2:TICKET:17:TEXT_MISMATCH', '2:CLOSURE:1:CLOSURE_MISMATCH']);
    });

    test('a ticket deleted', async () => {
      await dropTriggers(t.db, t.engine);
      await sql`delete from journal where register = '2' and chain = 'TICKET' and sequence = 50`.execute(
        t.db,
      );
      assert.deepEqual(codes(await verify()), [
        '2:TICKET:51:SEQUENCE_GAP',
        '2:TICKET:51:BROKEN_LINK',
        '2:CLOSURE:2:CLOSURE_MISMATCH',
      ]);
    });

    test('two tickets swapped (their sequence numbers exchanged)', async () => {
      await dropTriggers(t.db, t.engine);
      const where = "register = '2' and chain = 'TICKET'";
      await sql.raw(`update journal set sequence = -1 where ${where} and sequence = 5`).execute(t.db);
      await sql.raw(`update journal set sequence = 5 where ${where} and sequence = 6`).execute(t.db);
      await sql.raw(`update journal set sequence = 6 where ${where} and sequence = -1`).execute(t.db);
      const found = codes(await verify());
      assert.deepEqual(found, [
        '2:TICKET:5:TEXT_MISMATCH',
        '2:TICKET:5:BROKEN_LINK',
        '2:TICKET:6:TEXT_MISMATCH',
        '2:TICKET:6:BROKEN_LINK',
        '2:TICKET:6:TIME_REVERSED',
        '2:TICKET:7:BROKEN_LINK',
      ]);
    });

    test('a forged ticket inserted at the end, signed with a key of the attacker (even one slipped into the keys)', async () => {
      const rogue = generateSigningKeyPair();
      const last = records.filter((r) => r.register === '2' && r.chain === 'TICKET').at(-1) as JournalRecord;
      const forged = appendRecord(
        { register: '2', chain: 'TICKET', sequence: last.sequence, signature: last.signature },
        {
          register: '2',
          type: 'TICKET',
          softwareVersion: '0.1.0',
          payload: (last as JournalRecord & { type: 'TICKET' }).payload,
        },
        createSigner(rogue),
        last.timestamp,
      ).record;
      await t.db.insertInto('journal').values(rowOf(forged)).execute();
      assert.deepEqual(codes(await verify()), [`2:TICKET:${forged.sequence}:UNKNOWN_KEY`]);
      const withRogue = new Map([...keysById, [rogue.keyId, rogue.publicKey]]);
      assert.deepEqual(codes(await verify({ keys: withRogue })), [
        `2:TICKET:${forged.sequence}:KEY_NOT_TRUSTED`,
      ]);
    });

    test('a closure total changed', async () => {
      await dropTriggers(t.db, t.engine);
      const p = await payloadOf('1', 'CLOSURE', 1);
      await setPayload('1', 'CLOSURE', 1, { ...p, periodTotal: (p.periodTotal as number) + 5000 });
      assert.deepEqual(codes(await verify()), ['1:CLOSURE:1:TEXT_MISMATCH', '1:CLOSURE:1:CLOSURE_MISMATCH']);
    });

    test('a public key replaced', async () => {
      const other = generateSigningKeyPair();
      const report = await verify({ keys: new Map([[keys.keyId, other.publicKey]]) });
      assert.equal(report.problems.length, records.length);
      assert.ok(
        report.problems.every((p) => p.code === 'KEY_MISMATCH'),
        'every record names the replaced key',
      );
    });

    test('the tail truncated: only the heads kept outside the database tell', async () => {
      await dropTriggers(t.db, t.engine);
      await sql`delete from journal where register = '2' and chain = 'TICKET' and sequence >= 119`.execute(
        t.db,
      );
      await sql`delete from journal where register = '2' and chain = 'CLOSURE' and sequence = 3`.execute(
        t.db,
      );
      assert.deepEqual(codes(await verify()), ['2:TICKET:119:TAIL_TRUNCATED', '2:CLOSURE:3:TAIL_TRUNCATED']);
      assert.deepEqual(codes(await verify({ heads: [] })), []);
    });
  });
}
