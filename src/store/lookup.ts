/**
 * The cashier's viseur (seed 001): one input line, read by its first character.
 *
 * - digits: a barcode (an EAN-13 must have its right check digit), then an internal reference;
 * - `ALB0001`: an exact internal reference, `F0000001-SUN1`: supplier code, `-`, supplier's reference;
 * - otherwise a reference prefix (`ALB` lists the references starting with ALB);
 * - `-TEXT`: designations starting with TEXT; `*FAM`: first family; `+FAM`: second family.
 *
 * Comparisons are case- and accent-insensitive (the search columns hold `searchForm`), lists are
 * paged. Each article comes with its price for the customer at `now` (the customer's tariff, else the
 * base tariff, then an active promotion when it is lower), and the warnings of seeds 001 and 002.
 */
import { sql } from 'kysely';
import type { Centi, Milli, Minor } from '../sales/money.ts';
import { BASE_TARIFF, type Db, selectArticles } from './catalogue.ts';
import { isValidEan13, prefixEnd, searchForm } from './codes.ts';
import type { StoreErrorCode } from './errors.ts';

export type ArticleLookupKind =
  | 'barcode'
  | 'ref'
  | 'supplierRef'
  | 'refPrefix'
  | 'designation'
  | 'family1'
  | 'family2';

export interface Notice {
  readonly code: string;
  readonly message: string;
}

export interface PriceResolution {
  readonly unitPrice: Minor;
  /** Where the price came from; `missing`: no TTC price, sold at 0 with a warning (seed 001). */
  readonly source: 'tariff' | 'base' | 'promotion' | 'components' | 'missing';
  readonly tariff: string;
  readonly promotion?: { readonly label: string; readonly endsAt: string };
}

export interface ComponentHit {
  readonly ref: string;
  readonly designation: string;
  readonly quantity: Milli;
  readonly vatRate: Centi;
  readonly price: PriceResolution;
}

export interface ArticleHit {
  readonly ref: string;
  readonly designation: string;
  readonly ean: string | null;
  readonly family1: string | null;
  readonly family2: string | null;
  readonly vatRate: Centi;
  readonly price: PriceResolution;
  readonly ecoParticipation: Minor;
  /** Stock in the register's depot; null when the article is not stock-managed or no depot is given. */
  readonly stock: Milli | null;
  readonly lotSerial: boolean;
  readonly composed: boolean;
  readonly components: readonly ComponentHit[];
  readonly warnings: readonly Notice[];
  /** Set when the article cannot be sold from the viseur (lot/serial articles, by default). */
  readonly refusal: Notice | null;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly offset: number;
  readonly limit: number;
  readonly hasMore: boolean;
}

export interface ArticleLookup extends Page<ArticleHit> {
  readonly kind: ArticleLookupKind;
  /** Why nothing could be looked up (a mistyped EAN). */
  readonly error: { readonly code: StoreErrorCode; readonly message: string } | null;
}

export interface ArticleLookupOptions {
  readonly now: Date;
  /** The customer whose tariff applies; absent: the base tariff. */
  readonly customerCode?: string;
  /** The register's depot, for the out-of-stock warning. */
  readonly depotCode?: string;
  /** Lot/serial articles are refused unless this is set (seed 001: « Interdire_SaisieArticleLotSerie »). */
  readonly allowLotSerial?: boolean;
  readonly offset?: number;
  readonly limit?: number;
}

const MAX_LIMIT = 200;

function paging(options: { offset?: number; limit?: number }): { offset: number; limit: number } {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), MAX_LIMIT);
  const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
  return { offset, limit };
}

/**
 * The viseur's article rows: the shared columns, the EAN and the stock in `depotCode` read by
 * subqueries in the same statement (one query less each, on every lookup).
 */
function articleQuery(db: Db, depotCode: string | undefined) {
  return selectArticles(db)
    .select((eb) => [
      eb
        .selectFrom('article_barcodes')
        .select('article_barcodes.barcode')
        .whereRef('article_barcodes.article_id', '=', 'articles.id')
        .where('article_barcodes.kind', '=', 'ean13')
        .limit(1)
        .as('ean'),
      eb
        .selectFrom('stock')
        .select('stock.quantity')
        .whereRef('stock.article_id', '=', 'articles.id')
        .where('stock.depot_code', '=', depotCode ?? '')
        .as('stock'),
    ])
    .where('articles.active', '=', 1);
}

type ArticleBase = Awaited<ReturnType<ReturnType<typeof articleQuery>['execute']>>[number];

async function tariffOf(db: Db, customerCode: string | undefined): Promise<string> {
  if (customerCode === undefined) return BASE_TARIFF;
  const row = await db
    .selectFrom('customers')
    .select('tariff_code')
    .where('code', '=', customerCode.toUpperCase())
    .executeTakeFirst();
  return row?.tariff_code ?? BASE_TARIFF;
}

/** Prices of several articles for one tariff at `now`. */
async function resolvePrices(
  db: Db,
  ids: readonly number[],
  tariff: string,
  now: Date,
): Promise<Map<number, PriceResolution>> {
  const result = new Map<number, PriceResolution>();
  if (ids.length === 0) return result;
  const instant = now.toISOString();
  const [prices, promotions] = await Promise.all([
    db
      .selectFrom('article_prices')
      .select(['article_id', 'tariff_code', 'price'])
      .where('article_id', 'in', ids)
      .where('tariff_code', 'in', [tariff, BASE_TARIFF])
      .execute(),
    db
      .selectFrom('promotions')
      .select(['article_id', 'label', 'price', 'ends_at'])
      .where('article_id', 'in', ids)
      .where('starts_at', '<=', instant)
      .where('ends_at', '>', instant)
      .where((eb) => eb.or([eb('tariff_code', 'is', null), eb('tariff_code', '=', tariff)]))
      .orderBy('price')
      .execute(),
  ]);
  for (const id of ids) {
    const own = prices.find((p) => p.article_id === id && p.tariff_code === tariff);
    const base = prices.find((p) => p.article_id === id && p.tariff_code === BASE_TARIFF);
    const listed = own ?? base;
    const promotion = promotions.find((p) => p.article_id === id);
    if (promotion !== undefined && (listed === undefined || promotion.price < listed.price)) {
      result.set(id, {
        unitPrice: promotion.price,
        source: 'promotion',
        tariff,
        promotion: { label: promotion.label, endsAt: promotion.ends_at },
      });
    } else if (listed !== undefined) {
      result.set(id, {
        unitPrice: listed.price,
        source: own !== undefined && tariff !== BASE_TARIFF ? 'tariff' : 'base',
        tariff,
      });
    } else {
      result.set(id, { unitPrice: 0, source: 'missing', tariff });
    }
  }
  return result;
}

function formatQuantity(quantity: Milli): string {
  return (quantity / 1000).toLocaleString('fr-FR');
}

/** Completes a page of article rows with barcodes, prices, stock, components and notices. */
async function enrich(
  db: Db,
  rows: readonly ArticleBase[],
  options: ArticleLookupOptions,
): Promise<ArticleHit[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const composedIds = rows.filter((r) => r.composed === 1).map((r) => r.id);
  const [components, tariff] = await Promise.all([
    composedIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('article_components')
          .innerJoin('articles', 'articles.id', 'article_components.component_id')
          .innerJoin('vat_rates', 'vat_rates.id', 'articles.vat_rate_id')
          .select([
            'article_components.parent_id',
            'article_components.component_id',
            'article_components.quantity',
            'articles.ref',
            'articles.designation',
            'vat_rates.rate as vat_rate',
          ])
          .where('article_components.parent_id', 'in', composedIds)
          .orderBy('article_components.parent_id')
          .orderBy('article_components.position')
          .execute(),
    tariffOf(db, options.customerCode),
  ]);
  const prices = await resolvePrices(
    db,
    [...new Set([...ids, ...components.map((c) => c.component_id)])],
    tariff,
    options.now,
  );
  const missing: PriceResolution = { unitPrice: 0, source: 'missing', tariff };

  return rows.map((row) => {
    const warnings: Notice[] = [];
    const parts: ComponentHit[] = components
      .filter((c) => c.parent_id === row.id)
      .map((c) => ({
        ref: c.ref,
        designation: c.designation,
        quantity: c.quantity,
        vatRate: c.vat_rate,
        price: prices.get(c.component_id) ?? missing,
      }));
    let price = prices.get(row.id) ?? missing;
    if (row.composed === 1 && price.source === 'missing' && parts.length > 0) {
      // A composed article without its own price is sold at the total of its components.
      let total = 0;
      for (const part of parts) total += Math.round((part.price.unitPrice * part.quantity) / 1000);
      price = { unitPrice: total, source: 'components', tariff };
    }
    if (price.source === 'missing') {
      warnings.push({
        code: 'MISSING_PRICE',
        message: `Aucun tarif TTC pour ${row.ref} (tarif ${tariff}) : prix à zéro`,
      });
    }
    let quantity: Milli | null = null;
    if (row.stock_managed === 1 && row.composed === 0 && options.depotCode !== undefined) {
      quantity = row.stock ?? 0;
      if (quantity <= 0) {
        warnings.push({
          code: 'OUT_OF_STOCK',
          message: `Article ${row.ref} en rupture de stock au dépôt ${options.depotCode} (${formatQuantity(quantity)})`,
        });
      }
    }
    const refusal =
      row.lot_serial === 1 && options.allowLotSerial !== true
        ? {
            code: 'LOT_SERIAL_REFUSED',
            message: `L'article ${row.ref} est géré par lot/série : saisie interdite`,
          }
        : null;
    return {
      ref: row.ref,
      designation: row.designation,
      ean: row.ean ?? null,
      family1: row.family1,
      family2: row.family2,
      vatRate: row.vat_rate,
      price,
      ecoParticipation: row.eco_participation,
      stock: quantity,
      lotSerial: row.lot_serial === 1,
      composed: row.composed === 1,
      components: parts,
      warnings,
      refusal,
    };
  });
}

async function articlePage(
  db: Db,
  kind: ArticleLookupKind,
  rows: ArticleBase[],
  options: ArticleLookupOptions,
  window: { offset: number; limit: number },
): Promise<ArticleLookup> {
  const hasMore = rows.length > window.limit;
  const items = await enrich(db, rows.slice(0, window.limit), options);
  return { kind, items, ...window, hasMore, error: null };
}

/** A page of `window.limit` items out of rows fetched with one more (which says there are more). */
function pageFrom<R, T>(
  rows: readonly R[],
  window: { offset: number; limit: number },
  map: (row: R) => T,
): Page<T> {
  return { items: rows.slice(0, window.limit).map(map), ...window, hasMore: rows.length > window.limit };
}

/** Reads the viseur's line and returns the matching articles (see the module comment). */
export async function lookupArticles(
  db: Db,
  input: string,
  options: ArticleLookupOptions,
): Promise<ArticleLookup> {
  const text = input.trim();
  const window = paging(options);
  const fetch = window.limit + 1;
  const first = text[0];

  if (first === '-' || first === '*' || first === '+') {
    const rest = text.slice(1).trim();
    if (first === '-') {
      const form = searchForm(rest);
      const rows = await articleQuery(db, options.depotCode)
        .where('articles.designation_search', '>=', form)
        .where('articles.designation_search', '<', prefixEnd(form))
        .orderBy('articles.designation_search')
        .orderBy('articles.ref')
        .offset(window.offset)
        .limit(fetch)
        .execute();
      return articlePage(db, 'designation', rows, options, window);
    }
    const column = first === '*' ? 'articles.family1' : 'articles.family2';
    const rows = await articleQuery(db, options.depotCode)
      .where(column, '=', rest.toUpperCase())
      .orderBy('articles.ref')
      .offset(window.offset)
      .limit(fetch)
      .execute();
    return articlePage(db, first === '*' ? 'family1' : 'family2', rows, options, window);
  }

  const upper = text.toUpperCase();
  const exact = (kind: ArticleLookupKind, rows: ArticleBase[]) =>
    articlePage(db, kind, rows, options, { offset: 0, limit: 1 });

  const byBarcode = await articleQuery(db, options.depotCode)
    .innerJoin('article_barcodes', 'article_barcodes.article_id', 'articles.id')
    .where('article_barcodes.barcode', '=', upper)
    .execute();
  if (byBarcode.length > 0) return exact('barcode', byBarcode);

  const byRef = await articleQuery(db, options.depotCode).where('articles.ref', '=', upper).execute();
  if (byRef.length > 0) return exact('ref', byRef);

  if (/^\d{13}$/.test(upper) && !isValidEan13(upper)) {
    return {
      kind: 'barcode',
      items: [],
      ...window,
      hasMore: false,
      error: { code: 'INVALID_EAN', message: `Code EAN ${upper} invalide : clé de contrôle fausse` },
    };
  }

  const dash = upper.indexOf('-');
  if (dash > 0 && dash < upper.length - 1) {
    const bySupplier = await articleQuery(db, options.depotCode)
      .innerJoin('supplier_refs', 'supplier_refs.article_id', 'articles.id')
      .where('supplier_refs.supplier_code', '=', upper.slice(0, dash))
      .where('supplier_refs.supplier_ref', '=', upper.slice(dash + 1))
      .execute();
    if (bySupplier.length > 0) return exact('supplierRef', bySupplier);
  }

  const rows = await articleQuery(db, options.depotCode)
    .where('articles.ref', '>=', upper)
    .where('articles.ref', '<', prefixEnd(upper))
    .orderBy('articles.ref')
    .offset(window.offset)
    .limit(fetch)
    .execute();
  return articlePage(db, 'refPrefix', rows, options, window);
}

export interface CustomerHit {
  readonly code: string;
  readonly cardNumber: string | null;
  readonly name: string;
  readonly address1: string;
  readonly postalCode: string;
  readonly city: string;
  readonly email: string;
  readonly phone: string;
  readonly taxExempt: boolean;
  readonly tariff: string;
  readonly sellerCode: string | null;
  readonly loyaltyPoints: number;
  readonly visits: number;
  readonly consentEmailReceipts: boolean;
  readonly consentMailings: boolean;
  readonly dematRefused: boolean;
}

export type CustomerLookupKind = 'card' | 'code' | 'name';

export interface CustomerLookup extends Page<CustomerHit> {
  readonly kind: CustomerLookupKind;
}

function customerQuery(db: Db) {
  return db.selectFrom('customers').selectAll();
}

function toCustomerHit(
  row: Awaited<ReturnType<ReturnType<typeof customerQuery>['execute']>>[number],
): CustomerHit {
  return {
    code: row.code,
    cardNumber: row.card_number,
    name: row.name,
    address1: row.address1,
    postalCode: row.postal_code,
    city: row.city,
    email: row.email,
    phone: row.phone,
    taxExempt: row.tax_exempt === 1,
    tariff: row.tariff_code ?? BASE_TARIFF,
    sellerCode: row.seller_code,
    loyaltyPoints: row.loyalty_points,
    visits: row.visits,
    consentEmailReceipts: row.consent_email_receipts === 1,
    consentMailings: row.consent_mailings === 1,
    dematRefused: row.demat_refused === 1,
  };
}

/** Customers by scanned card, by code, or `-NAME` (names starting with NAME, accent-insensitive). */
export async function lookupCustomers(
  db: Db,
  input: string,
  options: { offset?: number; limit?: number } = {},
): Promise<CustomerLookup> {
  const text = input.trim();
  const window = paging(options);
  if (text.startsWith('-')) {
    const form = searchForm(text.slice(1));
    const rows = await customerQuery(db)
      .where('name_search', '>=', form)
      .where('name_search', '<', prefixEnd(form))
      .orderBy('name_search')
      .orderBy('code')
      .offset(window.offset)
      .limit(window.limit + 1)
      .execute();
    return { kind: 'name', ...pageFrom(rows, window, toCustomerHit) };
  }
  const byCard = await customerQuery(db).where('card_number', '=', text).execute();
  if (byCard.length > 0)
    return { kind: 'card', items: byCard.map(toCustomerHit), offset: 0, limit: 1, hasMore: false };
  const byCode = await customerQuery(db).where('code', '=', text.toUpperCase()).execute();
  return { kind: 'code', items: byCode.map(toCustomerHit), offset: 0, limit: 1, hasMore: false };
}

export interface SellerHit {
  readonly sellerCode: string;
  readonly userCode: string;
  readonly name: string;
  readonly role: string;
}

/** Sellers (users with a commercial code) by exact code; an empty line lists them all. */
export async function lookupSellers(
  db: Db,
  input: string,
  options: { offset?: number; limit?: number } = {},
): Promise<Page<SellerHit>> {
  const code = input.trim().toUpperCase();
  const window = paging(options);
  let query = db
    .selectFrom('users')
    .select(['seller_code', 'code', 'name', 'role'])
    .where('seller_code', 'is not', null)
    .where('active', '=', 1);
  if (code !== '') query = query.where('seller_code', '=', code);
  const rows = await query
    .orderBy('seller_code')
    .offset(window.offset)
    .limit(window.limit + 1)
    .execute();
  return pageFrom(rows, window, (r) => ({
    sellerCode: r.seller_code ?? '',
    userCode: r.code,
    name: r.name,
    role: r.role,
  }));
}

/** Counts rows matching a designation prefix (for the bench and the back office). */
export async function countDesignationPrefix(db: Db, prefix: string): Promise<number> {
  const form = searchForm(prefix);
  const row = await db
    .selectFrom('articles')
    .select(sql<number>`count(*)`.as('n'))
    .where('designation_search', '>=', form)
    .where('designation_search', '<', prefixEnd(form))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
