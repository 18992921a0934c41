/**
 * Opens the store database: a SQLite file by default, PostgreSQL when `DATABASE_URL` is set, or
 * PGlite (PostgreSQL in-process) when that server does not answer outside CI. Migrations run on open.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as SqliteHandle,
} from 'kysely';
import pg from 'pg';
import { StoreError } from './errors.ts';
import { migrationProvider } from './migrations/index.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

export type DatabaseConfig =
  /** `file` is a path, or `:memory:`. */
  | { readonly engine: 'sqlite'; readonly file: string }
  | { readonly engine: 'postgres'; readonly url: string }
  /** `dataDir` undefined: in memory. */
  | { readonly engine: 'pglite'; readonly dataDir?: string };

export type Engine = DatabaseConfig['engine'];

const INT8_OID = 20;

/** PostgreSQL `bigint` read back as a number: every amount fits, and a value that would not is an error. */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`Entier hors de la plage sûre : ${text}`);
  return value;
}

/**
 * Kysely prepares every query again; SQLite's prepare costs as much as running a small indexed query.
 * This keeps the last `size` prepared statements by SQL text (the same text comes back with other
 * parameters), so that the viseur's and the import's queries are parsed once. A statement still
 * being iterated (a streamed query) is not reused: a fresh one is prepared.
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, size = 256): SqliteHandle {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached !== undefined && !cached.busy) {
        // Most recently used last: Map keeps insertion order.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      if (cached === undefined) {
        cache.set(text, statement);
        if (cache.size > size) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      return statement;
    },
  };
}

function sqliteDialect(file: string): SqliteDialect {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 64 MiB of page cache (the default is 2 MiB): a catalogue of a million articles keeps its indexes
  // in memory, for the viseur and for large imports.
  sqlite.pragma('cache_size = -65536');
  sqlite.defaultSafeIntegers(false);
  return new SqliteDialect({ database: withStatementCache(sqlite) });
}

function postgresPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? parseInt8
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server closes (a restart, an administrator's pg_terminate_backend) is
  // already dropped from the pool when this fires; without a listener the process would crash.
  pool.on('error', (error) => {
    process.emitWarning(`Connexion PostgreSQL inactive perdue : ${error.message}`, 'ComptoirPostgres');
  });
  return pool;
}

/** PGlite is loaded only when used: importing it costs about two seconds. */
async function pgliteDialect(dataDir: string | undefined): Promise<PGliteDialect> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const client = new PGlite(dataDir, { parsers: { [INT8_OID]: parseInt8 } });
  return new PGliteDialect(client);
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  // Capabilities built side by side number their migrations apart (0015 till, 0016 returns…): a store
  // that ran a later-numbered one first still takes an earlier-numbered newcomer.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new Error(`La migration ${failed} a échoué : ${String(error)}`, { cause: error });
  }
}

export interface OpenOptions {
  /** Run the migrations on open (default true). */
  readonly migrate?: boolean;
}

export async function openDatabase(
  config: DatabaseConfig,
  options: OpenOptions = {},
): Promise<Kysely<Database>> {
  const dialect =
    config.engine === 'sqlite'
      ? sqliteDialect(config.file)
      : config.engine === 'postgres'
        ? new PostgresDialect({ pool: postgresPool(config.url) })
        : await pgliteDialect(config.dataDir);
  const db = new Kysely<Database>({ dialect });
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db);
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }
  return db;
}

/** Whether a PostgreSQL server answers at `url` within `timeoutMs`. */
export async function postgresAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface ResolvedConfig {
  readonly config: DatabaseConfig;
  /** A line for the person at the terminal, when the engine is not the one they asked for. */
  readonly notice?: string;
}

/**
 * Chooses the engine from the environment: `DATABASE_URL` → PostgreSQL (PGlite in `<data>/pglite`
 * when no server answers, unless `CI=true`), otherwise the SQLite file `<data>/comptoir.db`.
 */
export async function resolveDatabaseConfig(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
  answers: (url: string) => Promise<boolean> = postgresAnswers,
): Promise<ResolvedConfig> {
  const url = env.DATABASE_URL;
  if (url === undefined || url === '')
    return { config: { engine: 'sqlite', file: join(dataDir, 'comptoir.db') } };
  if (await answers(url)) return { config: { engine: 'postgres', url } };
  if (env.CI === 'true') {
    throw new StoreError(
      'DATABASE_UNREACHABLE',
      'Aucun serveur PostgreSQL ne répond à DATABASE_URL, et la CI exige un vrai serveur',
    );
  }
  const pgliteDir = join(dataDir, 'pglite');
  return {
    config: { engine: 'pglite', dataDir: pgliteDir },
    notice: `Aucun serveur PostgreSQL ne répond à DATABASE_URL : PostgreSQL tourne dans le processus (PGlite, ${pgliteDir}).`,
  };
}
