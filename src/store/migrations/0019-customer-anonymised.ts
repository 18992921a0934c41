/**
 * The customer's rights (GDPR, issue 16 item 4): when a customer's personal fields were erased. A
 * customer anonymised stays (its code is what the signed sales name), emptied of what identifies a
 * person; this column says when, so that the erasure is not asked twice and the back office shows it.
 * Managers and administrators get the new right `customer_data` (export and anonymisation), as users
 * of those roles created from now on do.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const migration0019: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('customers').addColumn('anonymised_at', 'text').execute();
    const users = await sql<{ id: number; rights: string }>`
      select id, rights from users where role in ('manager', 'admin')`.execute(db);
    for (const user of users.rows) {
      let rights: unknown;
      try {
        rights = JSON.parse(user.rights);
      } catch {
        continue;
      }
      if (!Array.isArray(rights) || rights.includes('customer_data')) continue;
      await sql`update users set rights = ${JSON.stringify([...rights, 'customer_data'])} where id = ${user.id}`.execute(
        db,
      );
    }
  },
};
