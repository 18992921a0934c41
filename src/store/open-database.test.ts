import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { StoreError } from './errors.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { migrateToLatest, openDatabase, parseInt8, resolveDatabaseConfig } from './open-database.ts';
import { TABLES_IN_DEPENDENCY_ORDER } from './schema.ts';
import { DIALECTS, type TestDatabase } from './test-dialects.ts';

const NOW = '2026-11-23T10:00:00.000Z';

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: open and migrate`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.open();
    });
    after(async () => {
      await t.close();
    });

    test('creates every table and records every migration', async () => {
      const tables = (await t.db.introspection.getTables()).map((x) => x.name);
      for (const table of TABLES_IN_DEPENDENCY_ORDER) assert.ok(tables.includes(table), table);
      const done = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(t.db);
      assert.deepEqual(
        done.rows.map((r) => r.name),
        MIGRATIONS.map(([name]) => name),
      );
    });

    test('migrating again changes nothing', async () => {
      await migrateToLatest(t.db);
      const done = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(t.db);
      assert.equal(Number(done.rows[0]?.n), MIGRATIONS.length);
    });

    test('amounts beyond 32 bits come back as exact numbers', async () => {
      const store = await t.db
        .insertInto('stores')
        .values({
          code: 'M1',
          name: 'Magasin',
          sign: '',
          address1: '',
          address2: '',
          postal_code: '',
          city: '',
          country: 'FR',
          siret: '',
          naf: '',
          vat_number: '',
          email: '',
          web: '',
          phone: '',
          fax: '',
          footer: '',
          currency: 'EUR',
          secondary_currency: null,
          secondary_rate_micro: null,
          created_at: NOW,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.db.insertInto('depots').values({ code: 'D1', store_id: store.id, name: 'Dépôt' }).execute();
      await t.db
        .insertInto('vat_rates')
        .values({ code: 'N', rate: 2000, label: '20 %', active: 1 })
        .execute();
      const vat = await t.db.selectFrom('vat_rates').select('id').executeTakeFirstOrThrow();
      const big = Number.MAX_SAFE_INTEGER;
      const article = await t.db
        .insertInto('articles')
        .values({
          ref: 'BIG',
          designation: 'Gros',
          designation_search: 'GROS',
          vat_rate_id: vat.id,
          family1: null,
          family2: null,
          lot_serial: 0,
          composed: 0,
          stock_managed: 1,
          active: 1,
          eco_participation: big,
          created_at: NOW,
          updated_at: NOW,
        })
        .returning(['id', 'eco_participation'])
        .executeTakeFirstOrThrow();
      assert.equal(article.eco_participation, big);
      assert.equal(typeof article.eco_participation, 'number');
      const count = await t.db
        .selectFrom('articles')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(count.n, 1);
    });

    test('foreign keys are enforced', async () => {
      await assert.rejects(
        t.db
          .insertInto('article_barcodes')
          .values({ barcode: '123', article_id: 999_999, kind: 'other' })
          .execute(),
      );
    });
  });
}

describe('sqlite file settings', () => {
  test('WAL journal, synchronous FULL, foreign keys on, in the file given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'comptoir-open-'));
    try {
      const file = join(dir, 'sub', 'comptoir.db');
      const db = await openDatabase({ engine: 'sqlite', file });
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
      assert.equal(journal.rows[0]?.journal_mode, 'wal');
      assert.equal(sync.rows[0]?.synchronous, 2);
      assert.equal(fk.rows[0]?.foreign_keys, 1);
      await db.destroy();
      const raw = new SqliteDatabase(file, { readonly: true });
      const row = raw.prepare('select count(*) as n from kysely_migration').get() as { n: number };
      raw.close();
      assert.equal(row.n, MIGRATIONS.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('choosing the engine', () => {
  test('no DATABASE_URL: the SQLite file in the data directory', async () => {
    const r = await resolveDatabaseConfig('var/shop', {}, async () => true);
    assert.deepEqual(r, { config: { engine: 'sqlite', file: join('var/shop', 'comptoir.db') } });
  });

  test('DATABASE_URL and a server that answers: PostgreSQL', async () => {
    const r = await resolveDatabaseConfig('d', { DATABASE_URL: 'postgres://x/y' }, async () => true);
    assert.deepEqual(r.config, { engine: 'postgres', url: 'postgres://x/y' });
    assert.equal(r.notice, undefined);
  });

  test('no server answering: PGlite, with a line saying so', async () => {
    const r = await resolveDatabaseConfig('d', { DATABASE_URL: 'postgres://x/y' }, async () => false);
    assert.deepEqual(r.config, { engine: 'pglite', dataDir: join('d', 'pglite') });
    assert.match(r.notice ?? '', /PGlite/);
  });

  test('no server answering under CI: refused', async () => {
    await assert.rejects(
      resolveDatabaseConfig('d', { DATABASE_URL: 'postgres://x/y', CI: 'true' }, async () => false),
      (e: unknown) => e instanceof StoreError && e.code === 'DATABASE_UNREACHABLE',
    );
  });

  test('bigint text beyond the safe range is refused rather than rounded', () => {
    assert.equal(parseInt8('9007199254740991'), Number.MAX_SAFE_INTEGER);
    assert.throws(() => parseInt8('9007199254740993'), RangeError);
  });
});
