/**
 * Catalogue writes: VAT rates, families, tariffs, articles (barcodes, supplier references, prices,
 * components), promotions and stock. Every write validates first, then runs in one transaction, so a
 * refused write changes nothing.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Milli } from '../sales/money.ts';
import { searchForm } from './codes.ts';
import { StoreError } from './errors.ts';
import type { Database, Flag, PriceHistoryTable } from './schema.ts';
import { setQuantity } from './stock.ts';
import { inTransaction } from './transaction.ts';
import {
  type ArticleData,
  type ArticleInput,
  articleInputSchema,
  codeSchema,
  type FamilyInput,
  familyInputSchema,
  type PromotionInput,
  parseInput,
  promotionInputSchema,
  type VatRateInput,
  vatRateInputSchema,
} from './validation.ts';

export type Db = Kysely<Database>;

/** The tariff every article's plain price belongs to. */
export const BASE_TARIFF = 'BASE';

export const flag = (value: boolean): Flag => (value ? 1 : 0);

/** The article columns the viseur and the CSV export read, with the VAT rate itself (not its id). */
export function selectArticles(db: Db) {
  return db
    .selectFrom('articles')
    .innerJoin('vat_rates', 'vat_rates.id', 'articles.vat_rate_id')
    .select([
      'articles.id',
      'articles.ref',
      'articles.designation',
      'articles.family1',
      'articles.family2',
      'vat_rates.rate as vat_rate',
      'articles.eco_participation',
      'articles.lot_serial',
      'articles.composed',
      'articles.stock_managed',
      'articles.active',
      'articles.issues',
    ]);
}

/** Refuses a tariff code the store does not have (`UNKNOWN_TARIFF` on `field`). */
export async function assertTariffExists(db: Db, code: string, field: string): Promise<void> {
  const row = await db.selectFrom('tariffs').select('code').where('code', '=', code).executeTakeFirst();
  if (row === undefined) throw new StoreError('UNKNOWN_TARIFF', `Tarif inconnu : ${code}`, field);
}

export async function createVatRate(db: Db, input: VatRateInput): Promise<number> {
  const data = parseInput(vatRateInputSchema, input);
  return inTransaction(db, async (trx) => {
    const clash = await trx
      .selectFrom('vat_rates')
      .select('code')
      .where((eb) => eb.or([eb('code', '=', data.code), eb('rate', '=', data.rate)]))
      .executeTakeFirst();
    if (clash !== undefined) {
      throw new StoreError('DUPLICATE_CODE', `Le taux de TVA ${data.code} ou ce taux existe déjà`, 'code');
    }
    const row = await trx
      .insertInto('vat_rates')
      .values({ code: data.code, rate: data.rate, label: data.label, active: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

export async function createFamily(db: Db, input: FamilyInput): Promise<void> {
  const data = parseInput(familyInputSchema, input);
  await inTransaction(db, async (trx) => {
    const clash = await trx
      .selectFrom('families')
      .select('code')
      .where('level', '=', data.level)
      .where('code', '=', data.code)
      .executeTakeFirst();
    if (clash !== undefined) {
      throw new StoreError('DUPLICATE_CODE', `La famille ${data.code} existe déjà`, 'code');
    }
    await trx.insertInto('families').values(data).execute();
  });
}

export async function createTariff(db: Db, code: string, label: string): Promise<void> {
  const tariff = parseInput(codeSchema, code);
  await inTransaction(db, async (trx) => {
    const clash = await trx
      .selectFrom('tariffs')
      .select('code')
      .where('code', '=', tariff)
      .executeTakeFirst();
    if (clash !== undefined) throw new StoreError('DUPLICATE_CODE', `Le tarif ${tariff} existe déjà`, 'code');
    await trx.insertInto('tariffs').values({ code: tariff, label }).execute();
  });
}

/**
 * What article writes look up again and again (VAT rates, families, tariffs), read once per
 * transaction: an import of many rows asks the database once per batch.
 */
export interface ReferenceCache {
  readonly vatIdByRate: Map<number, number>;
  readonly families: Set<string>;
  readonly tariffs: Set<string>;
}

export async function loadReferenceCache(db: Db): Promise<ReferenceCache> {
  const [vats, families, tariffs] = await Promise.all([
    db.selectFrom('vat_rates').select(['id', 'rate']).where('active', '=', 1).execute(),
    db.selectFrom('families').select(['level', 'code']).execute(),
    db.selectFrom('tariffs').select('code').execute(),
  ]);
  return {
    vatIdByRate: new Map(vats.map((v) => [v.rate, v.id])),
    families: new Set(families.map((f) => `${f.level}:${f.code}`)),
    tariffs: new Set(tariffs.map((t) => t.code)),
  };
}

function formatRate(rate: number): string {
  return `${(rate / 100).toLocaleString('fr-FR')} %`;
}

export type WriteMode = 'create' | 'upsert';

/**
 * What an upsert changes in the values that make fiscal amounts (checklist item 46): each listed
 * tariff's price, the VAT rate and the eco-participation, old and new, for `price_history`.
 */
async function valueChanges(
  trx: Db,
  existing: { id: number; vat_rate: number; eco_participation: number },
  data: ArticleData,
  prices: readonly (readonly [string, number])[],
  stamp: string,
): Promise<Insertable<PriceHistoryTable>[]> {
  const change = (field: string, tariff: string | null, before: number | null, after: number | null) => ({
    article_ref: data.ref,
    field,
    tariff_code: tariff,
    old_value: before,
    new_value: after,
    changed_at: stamp,
  });
  const changes: Insertable<PriceHistoryTable>[] = [];
  if (existing.vat_rate !== data.vatRate)
    changes.push(change('vat_rate', null, existing.vat_rate, data.vatRate));
  if (existing.eco_participation !== data.ecoParticipation) {
    changes.push(change('eco_participation', null, existing.eco_participation, data.ecoParticipation));
  }
  if (prices.length > 0) {
    const current = new Map(
      (
        await trx
          .selectFrom('article_prices')
          .select(['tariff_code', 'price'])
          .where('article_id', '=', existing.id)
          .execute()
      ).map((p) => [p.tariff_code, p.price]),
    );
    for (const [tariff, price] of prices) {
      const before = current.get(tariff) ?? null;
      if (before !== price) changes.push(change('price', tariff, before, price));
    }
  }
  return changes;
}

/**
 * Validates the references of one parsed article against the database and writes it. Must run inside
 * a transaction (`trx`); throws a `StoreError` before writing anything when the article is refused.
 * `upsert` replaces an article of the same reference (its barcodes, supplier references, listed
 * prices and components).
 */
export async function writeArticle(
  trx: Db,
  data: ArticleData,
  now: Date,
  mode: WriteMode,
  cache: ReferenceCache,
): Promise<number> {
  const vatId = cache.vatIdByRate.get(data.vatRate);
  if (vatId === undefined) {
    throw new StoreError('UNKNOWN_VAT_RATE', `Taux de TVA inconnu : ${formatRate(data.vatRate)}`, 'vatRate');
  }
  for (const [level, code] of [
    [1, data.family1],
    [2, data.family2],
  ] as const) {
    if (code !== undefined && !cache.families.has(`${level}:${code}`)) {
      throw new StoreError('UNKNOWN_FAMILY', `Famille ${level} inconnue : ${code}`, `family${level}`);
    }
  }
  const prices: [string, number][] = Object.entries(data.prices);
  if (data.price !== undefined) prices.push([BASE_TARIFF, data.price]);
  for (const [tariff] of prices) {
    if (!cache.tariffs.has(tariff))
      throw new StoreError('UNKNOWN_TARIFF', `Tarif inconnu : ${tariff}`, 'prices');
  }

  const existing = await trx
    .selectFrom('articles')
    .innerJoin('vat_rates', 'vat_rates.id', 'articles.vat_rate_id')
    .select(['articles.id', 'vat_rates.rate as vat_rate', 'articles.eco_participation'])
    .where('articles.ref', '=', data.ref)
    .executeTakeFirst();
  if (existing !== undefined && mode === 'create') {
    throw new StoreError('DUPLICATE_REF', `La référence ${data.ref} existe déjà`, 'ref');
  }
  const ownId = existing?.id ?? -1;

  const barcodes = [
    ...(data.ean === undefined ? [] : [{ barcode: data.ean, kind: 'ean13' }]),
    ...data.otherBarcodes.map((barcode) => ({ barcode, kind: 'other' })),
  ];
  if (new Set(barcodes.map((b) => b.barcode)).size !== barcodes.length) {
    throw new StoreError('DUPLICATE_BARCODE', 'Le même code-barres figure deux fois', 'otherBarcodes');
  }
  if (barcodes.length > 0) {
    const taken = await trx
      .selectFrom('article_barcodes')
      .innerJoin('articles', 'articles.id', 'article_barcodes.article_id')
      .select(['article_barcodes.barcode', 'article_barcodes.kind', 'articles.ref'])
      .where(
        'article_barcodes.barcode',
        'in',
        barcodes.map((b) => b.barcode),
      )
      .where('article_barcodes.article_id', '!=', ownId)
      .executeTakeFirst();
    if (taken !== undefined) {
      const isEan = taken.barcode === data.ean;
      throw new StoreError(
        isEan ? 'DUPLICATE_EAN' : 'DUPLICATE_BARCODE',
        `Le code ${taken.barcode} appartient déjà à l'article ${taken.ref}`,
        isEan ? 'ean' : 'otherBarcodes',
      );
    }
  }
  for (const s of data.supplierRefs) {
    const taken = await trx
      .selectFrom('supplier_refs')
      .innerJoin('articles', 'articles.id', 'supplier_refs.article_id')
      .select('articles.ref')
      .where('supplier_code', '=', s.supplierCode)
      .where('supplier_ref', '=', s.supplierRef)
      .where('article_id', '!=', ownId)
      .executeTakeFirst();
    if (taken !== undefined) {
      throw new StoreError(
        'DUPLICATE_SUPPLIER_REF',
        `La référence fournisseur ${s.supplierCode}-${s.supplierRef} appartient déjà à l'article ${taken.ref}`,
        'supplierRefs',
      );
    }
  }
  const components: { id: number; quantity: Milli }[] = [];
  if (data.components.length > 0 && !data.composed) {
    throw new StoreError('INVALID_INPUT', 'Seul un article composé a des composants', 'components');
  }
  for (const c of data.components) {
    const row = await trx.selectFrom('articles').select('id').where('ref', '=', c.ref).executeTakeFirst();
    if (row === undefined || row.id === ownId) {
      throw new StoreError('UNKNOWN_ARTICLE', `Composant inconnu : ${c.ref}`, 'components');
    }
    components.push({ id: row.id, quantity: c.quantity });
  }

  const stamp = now.toISOString();
  const columns = {
    designation: data.designation,
    designation_search: searchForm(data.designation),
    family1: data.family1 ?? null,
    family2: data.family2 ?? null,
    vat_rate_id: vatId,
    lot_serial: flag(data.lotSerial),
    composed: flag(data.composed),
    // A composed article is managed out of stock (seed 001).
    stock_managed: flag(data.stockManaged && !data.composed),
    eco_participation: data.ecoParticipation,
    active: flag(data.active),
    issues: data.issues ?? null,
    updated_at: stamp,
  };
  let id: number;
  const history = existing === undefined ? [] : await valueChanges(trx, existing, data, prices, stamp);
  if (existing === undefined) {
    const row = await trx
      .insertInto('articles')
      .values({ ref: data.ref, ...columns, created_at: stamp })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  } else {
    id = existing.id;
    await trx.updateTable('articles').set(columns).where('id', '=', id).execute();
    await trx.deleteFrom('article_barcodes').where('article_id', '=', id).execute();
    await trx.deleteFrom('supplier_refs').where('article_id', '=', id).execute();
    await trx.deleteFrom('article_components').where('parent_id', '=', id).execute();
    if (prices.length > 0) {
      await trx
        .deleteFrom('article_prices')
        .where('article_id', '=', id)
        .where(
          'tariff_code',
          'in',
          prices.map(([t]) => t),
        )
        .execute();
    }
  }
  if (history.length > 0) await trx.insertInto('price_history').values(history).execute();
  if (barcodes.length > 0) {
    await trx
      .insertInto('article_barcodes')
      .values(barcodes.map((b) => ({ ...b, article_id: id })))
      .execute();
  }
  if (data.supplierRefs.length > 0) {
    await trx
      .insertInto('supplier_refs')
      .values(
        data.supplierRefs.map((s) => ({
          supplier_code: s.supplierCode,
          supplier_ref: s.supplierRef,
          article_id: id,
        })),
      )
      .execute();
  }
  if (prices.length > 0) {
    await trx
      .insertInto('article_prices')
      .values(prices.map(([tariff_code, price]) => ({ article_id: id, tariff_code, price })))
      .execute();
  }
  if (components.length > 0) {
    await trx
      .insertInto('article_components')
      .values(
        components.map((c, position) => ({
          parent_id: id,
          position,
          component_id: c.id,
          quantity: c.quantity,
        })),
      )
      .execute();
  }
  return id;
}

/** Creates one article; refuses a reference, EAN or supplier reference already taken. */
export async function createArticle(db: Db, input: ArticleInput, now: Date): Promise<number> {
  const data = parseInput(articleInputSchema, input);
  return inTransaction(db, async (trx) =>
    writeArticle(trx, data, now, 'create', await loadReferenceCache(trx)),
  );
}

/** Creates or replaces the article of that reference. */
export async function saveArticle(db: Db, input: ArticleInput, now: Date): Promise<number> {
  const data = parseInput(articleInputSchema, input);
  return inTransaction(db, async (trx) =>
    writeArticle(trx, data, now, 'upsert', await loadReferenceCache(trx)),
  );
}

async function articleIdOf(db: Db, ref: string): Promise<number> {
  const row = await db.selectFrom('articles').select('id').where('ref', '=', ref).executeTakeFirst();
  if (row === undefined) throw new StoreError('UNKNOWN_ARTICLE', `Article inconnu : ${ref}`, 'ref');
  return row.id;
}

export async function addPromotion(db: Db, input: PromotionInput): Promise<number> {
  const data = parseInput(promotionInputSchema, input);
  return inTransaction(db, async (trx) => {
    const articleId = await articleIdOf(trx, data.ref);
    if (data.tariff !== undefined) await assertTariffExists(trx, data.tariff, 'tariff');
    const row = await trx
      .insertInto('promotions')
      .values({
        article_id: articleId,
        tariff_code: data.tariff ?? null,
        label: data.label,
        price: data.price,
        starts_at: new Date(data.startsAt).toISOString(),
        ends_at: new Date(data.endsAt).toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

/**
 * Sets the stock of an article in a depot (thousandths; may be negative after sales): one `opening`
 * movement of the difference (src/store/stock.ts), the quantity being the sum of the movements.
 */
export async function setStock(db: Db, ref: string, depotCode: string, quantity: Milli): Promise<void> {
  await setQuantity(db, ref, depotCode, quantity);
}

/** One article whole, as `articleInputSchema` describes it (absent values as null). */
export interface ArticleRecord {
  readonly ref: string;
  readonly designation: string;
  readonly ean: string | null;
  readonly otherBarcodes: string[];
  readonly family1: string | null;
  readonly family2: string | null;
  readonly vatRate: number;
  /** TTC price of the base tariff, minor units; null when it has none. */
  readonly price: number | null;
  /** TTC prices of the other tariffs. */
  readonly prices: Record<string, number>;
  readonly ecoParticipation: number;
  readonly issues: Exclude<ArticleData['issues'], undefined> | null;
  readonly lotSerial: boolean;
  readonly composed: boolean;
  readonly stockManaged: boolean;
  readonly active: boolean;
  readonly supplierRefs: { supplierCode: string; supplierRef: string }[];
  readonly components: { ref: string; quantity: Milli }[];
}

/** Reads one article whole by its reference (upper-cased); undefined when there is none. */
export async function readArticle(db: Db, ref: string): Promise<ArticleRecord | undefined> {
  const row = await selectArticles(db)
    .where('articles.ref', '=', ref.trim().toUpperCase())
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const [barcodes, prices, suppliers, components] = await Promise.all([
    db
      .selectFrom('article_barcodes')
      .select(['barcode', 'kind'])
      .where('article_id', '=', row.id)
      .orderBy('barcode')
      .execute(),
    db
      .selectFrom('article_prices')
      .select(['tariff_code', 'price'])
      .where('article_id', '=', row.id)
      .orderBy('tariff_code')
      .execute(),
    db
      .selectFrom('supplier_refs')
      .select(['supplier_code', 'supplier_ref'])
      .where('article_id', '=', row.id)
      .orderBy('supplier_code')
      .orderBy('supplier_ref')
      .execute(),
    db
      .selectFrom('article_components')
      .innerJoin('articles', 'articles.id', 'article_components.component_id')
      .select(['articles.ref', 'article_components.quantity'])
      .where('article_components.parent_id', '=', row.id)
      .orderBy('article_components.position')
      .execute(),
  ]);
  const issues = row.issues as Exclude<ArticleData['issues'], undefined> | null;
  return {
    ref: row.ref,
    designation: row.designation,
    ean: barcodes.find((b) => b.kind === 'ean13')?.barcode ?? null,
    otherBarcodes: barcodes.filter((b) => b.kind !== 'ean13').map((b) => b.barcode),
    family1: row.family1,
    family2: row.family2,
    vatRate: row.vat_rate,
    price: prices.find((p) => p.tariff_code === BASE_TARIFF)?.price ?? null,
    prices: Object.fromEntries(
      prices.filter((p) => p.tariff_code !== BASE_TARIFF).map((p) => [p.tariff_code, p.price]),
    ),
    ecoParticipation: row.eco_participation,
    issues: issues ?? null,
    lotSerial: row.lot_serial === 1,
    composed: row.composed === 1,
    stockManaged: row.stock_managed === 1,
    active: row.active === 1,
    supplierRefs: suppliers.map((s) => ({ supplierCode: s.supplier_code, supplierRef: s.supplier_ref })),
    components: components.map((c) => ({ ref: c.ref, quantity: c.quantity })),
  };
}
