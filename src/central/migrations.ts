/**
 * The central's migrations (PostgreSQL only), apart from the store's: the central's database holds
 * nothing else. The uploaded journals, the enrolled keys and the alerts are append-only: triggers
 * refuse UPDATE, DELETE and TRUNCATE, as on the store's journal (src/store/migrations/0002-journal.ts).
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/** The append-only tables. */
export const CENTRAL_APPEND_ONLY = ['central_journal', 'central_keys', 'central_alerts'] as const;

/** The French message of the triggers (tests match on « inaltérable »). */
export const CENTRAL_FORBIDDEN_WRITE =
  'journaux centralisés inaltérables : modification et suppression interdites';

const central0001: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const schema = db.schema;
    await schema
      .createTable('central_stores')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('token_sha256', 'text', (c) => c.unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('enrolled_at', 'text')
      .execute();
    await schema
      .createTable('central_codes')
      .addColumn('code_sha256', 'text', (c) => c.primaryKey())
      .addColumn('store', 'text', (c) => c.notNull().references('central_stores.name'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await schema
      .createTable('central_keys')
      .addColumn('store', 'text', (c) => c.notNull().references('central_stores.name'))
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('public_key_pem', 'text', (c) => c.notNull())
      .addColumn('enrolled_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('central_keys_pk', ['store', 'register', 'key_id'])
      .execute();
    await schema
      .createTable('central_journal')
      .addColumn('store', 'text', (c) => c.notNull().references('central_stores.name'))
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('announced_key_id', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('central_journal_pk', ['store', 'register', 'chain', 'sequence'])
      .execute();
    await schema
      .createTable('central_alerts')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('store', 'text', (c) => c.notNull())
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await sql
      .raw(
        `create function central_refuse_write() returns trigger language plpgsql as $$
         begin
           raise exception '${CENTRAL_FORBIDDEN_WRITE} (%)', TG_TABLE_NAME using errcode = 'P0001';
         end $$`,
      )
      .execute(db);
    for (const table of CENTRAL_APPEND_ONLY) {
      await sql
        .raw(
          `create trigger ${table}_append_only before update or delete on ${table}
           for each row execute function central_refuse_write()`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger ${table}_no_truncate before truncate on ${table}
           for each statement execute function central_refuse_write()`,
        )
        .execute(db);
    }
  },
};

const CENTRAL_MIGRATIONS: Record<string, Migration> = { 'central-0001-journals': central0001 };

const provider: MigrationProvider = {
  async getMigrations() {
    return CENTRAL_MIGRATIONS;
  },
};

/** Brings the central's schema up to date (its own migration table, apart from any store's). */
export async function migrateCentral(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'central_migrations',
    migrationLockTableName: 'central_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new Error(`La migration ${failed} de la centrale a échoué : ${String(error)}`, { cause: error });
  }
}
