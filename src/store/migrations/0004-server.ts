/**
 * The server's own tables: tickets in progress (not fiscal records: they change until validated, then
 * the journal holds the sale) and register sessions. Survives a restart: a ticket being entered when
 * the server stops is there when it starts again.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0004: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('server_tickets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('register_number', 'integer', (c) => c.notNull())
      .addColumn('opened_by', 'text', (c) => c.notNull())
      /** `open`, `held`, `validated` or `abandoned`. */
      .addColumn('status', 'text', (c) => c.notNull())
      /** The engine's ticket state as JSON (without its computed result). */
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('idempotency_key', 'text')
      /** The validated sale (number, totals, signature) as JSON, once validated. */
      .addColumn('sale', 'text')
      /** The receipt choice made after validation, as JSON. */
      .addColumn('receipt', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('server_tickets_register_status')
      .on('server_tickets')
      .columns(['register_number', 'status'])
      .execute();
    await db.schema
      .createTable('server_sessions')
      /** SHA-256 of the bearer token, hex: the token itself is never stored. */
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_code', 'text', (c) => c.notNull())
      .addColumn('register_number', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('server_sessions').execute();
    await db.schema.dropTable('server_tickets').execute();
  },
};
