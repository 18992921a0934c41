/**
 * The till's days (issue 13): one row per register and day, from its opening count to its closing
 * count. The signed MOVEMENT records are the truth; this table says which of them (and which tickets)
 * belong to a day, and keeps the closing's figures for the back office's « Sessions de caisse ».
 */
import type { Kysely, Migration } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';

export const migration0015: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    const money = pg ? ('bigint' as const) : ('integer' as const);
    await db.schema
      .createTable('till_days')
      .addColumn('id', 'integer', (c) =>
        pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      )
      /** The register's journal name (its number as text). */
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('opened_by', 'text', (c) => c.notNull())
      /** The sequence of the opening's FLOAT_IN in the MOVEMENT chain: the day's movements start there. */
      .addColumn('movement_from', 'integer', (c) => c.notNull())
      /** The first TICKET-chain sequence of the day (the head + 1 at opening). */
      .addColumn('ticket_from', 'integer', (c) => c.notNull())
      /** The float counted at opening (minor units). */
      .addColumn('float_amount', money, (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      /** The last MOVEMENT sequence of the day (its transfer to the safe, or its last count). */
      .addColumn('movement_to', 'integer')
      /** The last TICKET-chain sequence of the day. */
      .addColumn('ticket_to', 'integer')
      /** The daily closure (Z) written after the count, in the CLOSURE chain. */
      .addColumn('closure_sequence', 'integer')
      /** What stays in the drawer as the next day's float (minor units). */
      .addColumn('kept', money)
      /** JSON: `[{ mode, expected, counted, difference }]`, as the COUNT records sign them. */
      .addColumn('counts', 'text')
      .execute();
    await db.schema.createIndex('till_days_register').on('till_days').columns(['register', 'id']).execute();
  },
};
