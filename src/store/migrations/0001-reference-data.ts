/**
 * Reference data: stores, depots, registers, users, payment modes, VAT rates, families, tariffs,
 * articles (barcodes, supplier references, prices, promotions, stock, components) and customers.
 */
import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from 'kysely';
import { type SqlFamily, sqlFamilyOf } from '../engine.ts';

type Column = (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

function kit(family: SqlFamily) {
  const pg = family === 'postgres';
  return {
    /** Integer surrogate key: autoincrement in SQLite, identity in PostgreSQL. */
    id: (col: ColumnDefinitionBuilder) =>
      pg ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement(),
    /** Amounts in minor units: 64-bit on both engines. */
    money: pg ? ('bigint' as const) : ('integer' as const),
    /** Texts searched by prefix ranges: byte order in PostgreSQL, as SQLite's BINARY. */
    searchText: pg ? sql`text collate "C"` : sql`text`,
  };
}

const notNull: Column = (col) => col.notNull();
const zero: Column = (col) => col.notNull().defaultTo(0);
const empty: Column = (col) => col.notNull().defaultTo('');

export const migration0001: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const k = kit(sqlFamilyOf(db));
    const schema = db.schema;

    await schema
      .createTable('stores')
      .addColumn('id', 'integer', k.id)
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', notNull)
      .addColumn('sign', 'text', empty)
      .addColumn('address1', 'text', empty)
      .addColumn('address2', 'text', empty)
      .addColumn('postal_code', 'text', empty)
      .addColumn('city', 'text', empty)
      .addColumn('country', 'text', (c) => c.notNull().defaultTo('FR'))
      .addColumn('siret', 'text', empty)
      .addColumn('naf', 'text', empty)
      .addColumn('vat_number', 'text', empty)
      .addColumn('email', 'text', empty)
      .addColumn('web', 'text', empty)
      .addColumn('phone', 'text', empty)
      .addColumn('fax', 'text', empty)
      .addColumn('footer', 'text', empty)
      .addColumn('currency', 'text', (c) => c.notNull().defaultTo('EUR'))
      .addColumn('secondary_currency', 'text')
      .addColumn('secondary_rate_micro', k.money)
      .addColumn('created_at', 'text', notNull)
      .addColumn('updated_at', 'text', notNull)
      .execute();

    await schema
      .createTable('depots')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id'))
      .addColumn('name', 'text', notNull)
      .execute();

    await schema
      .createTable('registers')
      .addColumn('id', 'integer', k.id)
      .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id'))
      .addColumn('number', 'integer', notNull)
      .addColumn('name', 'text', empty)
      .addColumn('depot_code', 'text', (c) => c.notNull().references('depots.code'))
      .addColumn('printer_kind', 'text', (c) => c.notNull().defaultTo('thermal'))
      .addColumn('default_seller_code', 'text')
      .addColumn('default_customer_code', 'text', (c) => c.notNull().defaultTo('DIVERS'))
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', notNull)
      .addColumn('updated_at', 'text', notNull)
      .addUniqueConstraint('registers_store_number', ['store_id', 'number'])
      .execute();

    await schema
      .createTable('users')
      .addColumn('id', 'integer', k.id)
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', notNull)
      .addColumn('role', 'text', notNull)
      .addColumn('rights', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('pin_hash', 'text', notNull)
      .addColumn('seller_code', 'text', (c) => c.unique())
      .addColumn('register_id', 'integer', (c) => c.references('registers.id'))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', notNull)
      .addColumn('updated_at', 'text', notNull)
      .execute();

    await schema
      .createTable('payment_modes')
      .addColumn('id', 'integer', k.id)
      .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id'))
      .addColumn('register_id', 'integer', (c) => c.references('registers.id'))
      .addColumn('code', 'text', notNull)
      .addColumn('label', 'text', notNull)
      .addColumn('excess', 'text', notNull)
      .addColumn('rounding_step', k.money, zero)
      .addColumn('opens_drawer', 'integer', zero)
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('position', 'integer', zero)
      .addUniqueConstraint('payment_modes_scope_code', ['store_id', 'register_id', 'code'])
      .execute();

    await schema
      .createTable('vat_rates')
      .addColumn('id', 'integer', k.id)
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('rate', 'integer', (c) => c.notNull().unique())
      .addColumn('label', 'text', notNull)
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();

    await schema
      .createTable('families')
      .addColumn('level', 'integer', notNull)
      .addColumn('code', 'text', notNull)
      .addColumn('label', 'text', notNull)
      .addPrimaryKeyConstraint('families_pk', ['level', 'code'])
      .execute();

    await schema
      .createTable('tariffs')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('label', 'text', notNull)
      .execute();

    await schema
      .createTable('articles')
      .addColumn('id', 'integer', k.id)
      .addColumn('ref', k.searchText, (c) => c.notNull().unique())
      .addColumn('designation', 'text', notNull)
      .addColumn('designation_search', k.searchText, notNull)
      .addColumn('family1', 'text')
      .addColumn('family2', 'text')
      .addColumn('vat_rate_id', 'integer', (c) => c.notNull().references('vat_rates.id'))
      .addColumn('lot_serial', 'integer', zero)
      .addColumn('composed', 'integer', zero)
      .addColumn('stock_managed', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('eco_participation', k.money, zero)
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', notNull)
      .addColumn('updated_at', 'text', notNull)
      .execute();
    // With the reference second, a `-TEXT` page is read in index order, with no sort.
    await schema
      .createIndex('articles_designation_search')
      .on('articles')
      .columns(['designation_search', 'ref'])
      .execute();
    await schema.createIndex('articles_family1').on('articles').columns(['family1', 'ref']).execute();
    await schema.createIndex('articles_family2').on('articles').columns(['family2', 'ref']).execute();

    await schema
      .createTable('article_barcodes')
      .addColumn('barcode', 'text', (c) => c.primaryKey())
      .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
      .addColumn('kind', 'text', notNull)
      .execute();
    await schema
      .createIndex('article_barcodes_article')
      .on('article_barcodes')
      .column('article_id')
      .execute();

    await schema
      .createTable('supplier_refs')
      .addColumn('supplier_code', 'text', notNull)
      .addColumn('supplier_ref', 'text', notNull)
      .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('supplier_refs_pk', ['supplier_code', 'supplier_ref'])
      .execute();
    await schema.createIndex('supplier_refs_article').on('supplier_refs').column('article_id').execute();

    await schema
      .createTable('article_prices')
      .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
      .addColumn('tariff_code', 'text', (c) => c.notNull().references('tariffs.code'))
      .addColumn('price', k.money, notNull)
      .addPrimaryKeyConstraint('article_prices_pk', ['article_id', 'tariff_code'])
      .execute();

    await schema
      .createTable('promotions')
      .addColumn('id', 'integer', k.id)
      .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
      .addColumn('tariff_code', 'text', (c) => c.references('tariffs.code'))
      .addColumn('label', 'text', empty)
      .addColumn('price', k.money, notNull)
      .addColumn('starts_at', 'text', notNull)
      .addColumn('ends_at', 'text', notNull)
      .execute();
    await schema
      .createIndex('promotions_article')
      .on('promotions')
      .columns(['article_id', 'starts_at'])
      .execute();

    await schema
      .createTable('stock')
      .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
      .addColumn('depot_code', 'text', (c) => c.notNull().references('depots.code'))
      .addColumn('quantity', k.money, zero)
      .addPrimaryKeyConstraint('stock_pk', ['article_id', 'depot_code'])
      .execute();

    await schema
      .createTable('article_components')
      .addColumn('parent_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
      .addColumn('position', 'integer', notNull)
      .addColumn('component_id', 'integer', (c) => c.notNull().references('articles.id'))
      .addColumn('quantity', k.money, notNull)
      .addPrimaryKeyConstraint('article_components_pk', ['parent_id', 'position'])
      .execute();

    await schema
      .createTable('customers')
      .addColumn('id', 'integer', k.id)
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('card_number', 'text', (c) => c.unique())
      .addColumn('name', 'text', notNull)
      .addColumn('name_search', k.searchText, notNull)
      .addColumn('address1', 'text', empty)
      .addColumn('address2', 'text', empty)
      .addColumn('postal_code', 'text', empty)
      .addColumn('city', 'text', empty)
      .addColumn('country', 'text', (c) => c.notNull().defaultTo('FR'))
      .addColumn('email', 'text', empty)
      .addColumn('phone', 'text', empty)
      .addColumn('tax_exempt', 'integer', zero)
      .addColumn('tariff_code', 'text', (c) => c.references('tariffs.code'))
      .addColumn('seller_code', 'text')
      .addColumn('loyalty_points', 'integer', zero)
      .addColumn('visits', 'integer', zero)
      .addColumn('consent_email_receipts', 'integer', zero)
      .addColumn('consent_mailings', 'integer', zero)
      .addColumn('demat_letter_sent', 'integer', zero)
      .addColumn('demat_refused', 'integer', zero)
      .addColumn('created_at', 'text', notNull)
      .addColumn('updated_at', 'text', notNull)
      .execute();
    await schema
      .createIndex('customers_name_search')
      .on('customers')
      .columns(['name_search', 'code'])
      .execute();
  },
};
