/**
 * The history of the catalogue values that make fiscal amounts (checklist item 46): each change of an
 * existing article's price (per tariff), VAT rate or eco-participation, with the old and the new value
 * and when. Append-only like the journal: the same triggers refuse UPDATE, DELETE (and TRUNCATE on
 * PostgreSQL). An article's first values are its creation, not a change: they are not listed.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';
import { FORBIDDEN_WRITE_MESSAGE } from './0002-journal.ts';

export const migration0006: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    await db.schema
      .createTable('price_history')
      .addColumn('id', 'integer', (c) =>
        pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      )
      .addColumn('article_ref', 'text', (c) => c.notNull())
      /** `price` (of `tariff_code`), `vat_rate` (hundredths of a percent) or `eco_participation`. */
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('tariff_code', 'text')
      /** Minor units, or the rate; null when the value did not exist (a tariff price added, removed). */
      .addColumn('old_value', pg ? 'bigint' : 'integer')
      .addColumn('new_value', pg ? 'bigint' : 'integer')
      .addColumn('changed_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('price_history_article')
      .on('price_history')
      .columns(['article_ref', 'id'])
      .execute();
    if (pg) {
      // comptoir_refuse_fiscal_write() is the journal's (migration 0002).
      await sql
        .raw(
          `create trigger price_history_append_only before update or delete on price_history
           for each row execute function comptoir_refuse_fiscal_write()`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger price_history_no_truncate before truncate on price_history
           for each statement execute function comptoir_refuse_fiscal_write()`,
        )
        .execute(db);
    } else {
      for (const op of ['update', 'delete']) {
        await sql
          .raw(
            `create trigger price_history_no_${op} before ${op} on price_history
             begin select raise(abort, '${FORBIDDEN_WRITE_MESSAGE} (price_history)'); end`,
          )
          .execute(db);
      }
    }
  },
};
