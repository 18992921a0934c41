/**
 * The engines every store test runs on (kysely's DIALECTS pattern): `sqlite` always; `postgres` when a
 * server answers at 127.0.0.1:5432 (required when CI=true), each database made for the test and
 * dropped after; `pglite` when no server answers. `DIALECTS=sqlite,pglite` chooses explicitly.
 * PGlite takes 3 to 6 s to start here, so it is not added next to a real server by default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { type Engine, openDatabase, postgresAnswers } from './open-database.ts';
import { type Database, TABLES_IN_DEPENDENCY_ORDER } from './schema.ts';

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly engine: Engine;
  readonly db: Kysely<Database>;
  /** Destroys the connection and removes the file or database. */
  close(): Promise<void>;
}

export interface TestDialect {
  readonly name: Engine;
  open(): Promise<TestDatabase>;
}

let counter = 0;
function uniqueName(): string {
  counter += 1;
  return `comptoir_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

const sqliteDialect: TestDialect = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'comptoir-test-'));
    const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
    return {
      engine: 'sqlite',
      db,
      async close() {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

async function adminQuery(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database once its connections are gone. pg's `Pool.end()` resolves as soon as it has
 * asked its clients to close, not when they have: a forced drop at that moment would terminate
 * connections still closing, and a busy machine turns that into a flaky failure.
 */
export async function dropTestDatabase(name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await adminQuery('select count(*)::int as n from pg_stat_activity where datname = $1', [
      name,
    ]);
    if ((rows[0] as { n: number }).n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await adminQuery(`drop database if exists ${name} with (force)`);
}

/**
 * Creates an empty PostgreSQL database for one test file (the central's tests open it themselves):
 * its URL, and `drop()` once its connections are closed.
 */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = uniqueName();
  await adminQuery(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => dropTestDatabase(name) };
}

const postgresDialect: TestDialect = {
  name: 'postgres',
  async open() {
    const { name, url } = await createTestDatabase();
    const db = await openDatabase({ engine: 'postgres', url });
    return {
      engine: 'postgres',
      db,
      async close() {
        await db.destroy();
        await dropTestDatabase(name);
      },
    };
  },
};

const pgliteDialect: TestDialect = {
  name: 'pglite',
  async open() {
    const db = await openDatabase({ engine: 'pglite' });
    return {
      engine: 'pglite',
      db,
      async close() {
        await db.destroy();
      },
    };
  },
};

const BY_NAME: Record<Engine, TestDialect> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  pglite: pgliteDialect,
};

async function chooseDialects(): Promise<TestDialect[]> {
  const wanted = process.env.DIALECTS;
  // A busy machine (CI running suites in parallel) can take seconds to accept a connection: wait
  // longer under CI, where the real server is required anyway.
  const serverUp = await postgresAnswers(POSTGRES_ADMIN_URL, process.env.CI === 'true' ? 15_000 : 1500);
  if (wanted !== undefined && wanted.trim() !== '') {
    const names = wanted.split(',').map((n) => n.trim());
    const unknown = names.filter((n) => !(n in BY_NAME));
    if (unknown.length > 0) throw new Error(`DIALECTS inconnus : ${unknown.join(', ')}`);
    if (names.includes('postgres') && !serverUp)
      throw new Error(`Aucun serveur PostgreSQL à ${POSTGRES_ADMIN_URL}`);
    return names.map((n) => BY_NAME[n as Engine]);
  }
  if (serverUp) return [sqliteDialect, postgresDialect];
  if (process.env.CI === 'true') {
    throw new Error(`CI=true exige un serveur PostgreSQL à ${POSTGRES_ADMIN_URL}`);
  }
  return [sqliteDialect, pgliteDialect];
}

export const DIALECTS: readonly TestDialect[] = await chooseDialects();

/** Empties every table (children first), for a fresh state between tests sharing one database. */
export async function clearDatabase(db: Kysely<Database>): Promise<void> {
  for (const table of [...TABLES_IN_DEPENDENCY_ORDER].reverse()) {
    await db.deleteFrom(table).execute();
  }
}

/** The tables the catalogue and customer writes fill, children first. */
const CATALOGUE_TABLES = [
  'article_components',
  'stock',
  'promotions',
  'article_prices',
  'supplier_refs',
  'article_barcodes',
  'articles',
] as const satisfies readonly (keyof Database)[];

/**
 * Empties the catalogue and every customer but the counter customer `DIVERS`, keeping the store,
 * users, VAT rates, families and tariffs: for tests that share one initialised store.
 */
export async function clearCatalogue(db: Kysely<Database>): Promise<void> {
  for (const table of CATALOGUE_TABLES) await db.deleteFrom(table).execute();
  await db.deleteFrom('customers').where('code', '!=', 'DIVERS').execute();
}

/** Counts the rows of a table (a refused write must leave these unchanged). */
export async function countRows(db: Kysely<Database>, table: keyof Database): Promise<number> {
  const row = await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
