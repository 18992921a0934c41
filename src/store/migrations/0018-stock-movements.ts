/**
 * Stock that moves (issue 16 item 1). `stock_movements` is the append-only history of every change of
 * an article's quantity in a depot: the opening quantity, supplier receptions, sales, returns,
 * cancellations, transfers out (ME-) and in (ME+), inventory counts. The quantity is derived: the sum
 * of the movements; `stock` keeps that sum per article and depot, written in the same transaction as
 * each movement (its running balance, rebuilt from the movements if ever in doubt). Movements are
 * protected like the journal: triggers refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL).
 *
 * `stock_documents` are the stock documents people write (ME-, ME+, receptions, counts): a draft may
 * change, a validated document writes its movements once. An ME+ names the ME- it receives; a unique
 * index makes receiving the same ME- twice impossible, even from two screens at once.
 *
 * Each existing stock row becomes an `opening` movement, and managers and administrators get the new
 * right `manage_stock`.
 */
import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';
import { FORBIDDEN_WRITE_MESSAGE } from './0002-journal.ts';

export const migration0018: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    const big = pg ? ('bigint' as const) : ('integer' as const);
    const id = (c: ColumnDefinitionBuilder) =>
      pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement();
    await db.schema
      .createTable('stock_documents')
      .addColumn('id', 'integer', id)
      /** `ME-000001`, `ME+000001`, `REC-000001`, `INV-000001`. */
      .addColumn('number', 'text', (c) => c.notNull().unique())
      /** `transfer_out`, `transfer_in`, `reception`, `count`. */
      .addColumn('kind', 'text', (c) => c.notNull())
      /** `draft` or `validated`. */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('depot_code', 'text', (c) => c.notNull())
      /** The other depot of a transfer (destination of an ME-, origin of an ME+). */
      .addColumn('other_depot_code', 'text')
      /** An ME+: the number of the ME- it receives (unique: never received twice). */
      .addColumn('receives', 'text', (c) => c.unique())
      .addColumn('supplier', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      /** JSON array of `{ ref, quantity, unitCost? }` (quantities in thousandths). */
      .addColumn('lines', 'text', (c) => c.notNull())
      .addColumn('operator', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('validated_at', 'text')
      .execute();

    await db.schema
      .createTable('stock_movements')
      .addColumn('id', 'integer', id)
      .addColumn('article_id', 'integer', (c) => c.notNull())
      .addColumn('depot_code', 'text', (c) => c.notNull())
      /** Signed, thousandths: what enters the depot is positive. */
      .addColumn('quantity', big, (c) => c.notNull())
      /** `opening`, `reception`, `sale`, `return`, `cancellation`, `transfer_out`, `transfer_in`, `count`. */
      .addColumn('kind', 'text', (c) => c.notNull())
      /** What moved it: `TICKET 1/42`, `ME-000001`, `INV-000003`… */
      .addColumn('document', 'text', (c) => c.notNull())
      /** Purchase cost per unit in minor units (receptions), for the valuation. */
      .addColumn('unit_cost', big)
      .addColumn('operator', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('stock_movements_article')
      .on('stock_movements')
      .columns(['article_id', 'depot_code', 'id'])
      .execute();

    if (pg) {
      await sql
        .raw(
          `create trigger stock_movements_append_only before update or delete on stock_movements
           for each row execute function comptoir_refuse_fiscal_write()`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger stock_movements_no_truncate before truncate on stock_movements
           for each statement execute function comptoir_refuse_fiscal_write()`,
        )
        .execute(db);
    } else {
      for (const op of ['update', 'delete']) {
        await sql
          .raw(
            `create trigger stock_movements_no_${op} before ${op} on stock_movements
             begin select raise(abort, '${FORBIDDEN_WRITE_MESSAGE} (stock_movements)'); end`,
          )
          .execute(db);
      }
    }

    const now = new Date().toISOString();
    await sql`
      insert into stock_movements (article_id, depot_code, quantity, kind, document, operator, created_at)
      select article_id, depot_code, quantity, 'opening', 'OUVERTURE', 'migration', ${now}
      from stock where quantity <> 0 order by article_id, depot_code`.execute(db);

    const users = await sql<{ id: number; rights: string }>`
      select id, rights from users where role in ('manager', 'admin')`.execute(db);
    for (const user of users.rows) {
      let rights: unknown;
      try {
        rights = JSON.parse(user.rights);
      } catch {
        continue;
      }
      if (!Array.isArray(rights) || rights.includes('manage_stock')) continue;
      await sql`update users set rights = ${JSON.stringify([...rights, 'manage_stock'])} where id = ${user.id}`.execute(
        db,
      );
    }
  },
};
