/**
 * CSV import and export of articles and customers, streamed (csv-parse / csv-stringify).
 *
 * An import reads the file twice. The first pass checks the encoding (UTF-8, with or without BOM) and
 * the quoting of the whole file and counts its records: a broken file is refused before anything is
 * written. The second pass writes batches of rows, one transaction per batch, holding one batch in
 * memory at most; a row that is refused (bad value, duplicate EAN, unknown VAT rate...) is reported
 * with its line number and reason, and the other rows are imported.
 */
import { createReadStream } from 'node:fs';
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { currencyOf, formatScaled, parseScaled } from '../sales/money.ts';
import { BASE_TARIFF, type Db, loadReferenceCache, selectArticles, writeArticle } from './catalogue.ts';
import { writeCustomer } from './customers.ts';
import { StoreError } from './errors.ts';
import { inTransaction } from './transaction.ts';
import {
  type ArticleInput,
  articleInputSchema,
  type CustomerInput,
  customerInputSchema,
  parseInput,
} from './validation.ts';

export type CsvKind = 'articles' | 'customers';

export const ARTICLE_COLUMNS = [
  'ref',
  'designation',
  'ean',
  'other_barcodes',
  'family1',
  'family2',
  'vat_rate',
  'price',
  'tariff_prices',
  'eco_participation',
  'supplier_refs',
  'components',
  'lot_serial',
  'composed',
  'stock_managed',
  'active',
  'issues',
] as const;

export const CUSTOMER_COLUMNS = [
  'code',
  'card_number',
  'name',
  'address1',
  'address2',
  'postal_code',
  'city',
  'country',
  'email',
  'phone',
  'tax_exempt',
  'tariff',
  'seller_code',
  'loyalty_points',
  'visits',
  'consent_email_receipts',
  'consent_mailings',
  'demat_letter_sent',
  'demat_refused',
] as const;

const COLUMNS: Record<CsvKind, readonly string[]> = {
  articles: ARTICLE_COLUMNS,
  customers: CUSTOMER_COLUMNS,
};
const REQUIRED: Record<CsvKind, readonly string[]> = {
  articles: ['ref', 'designation', 'vat_rate'],
  customers: ['code', 'name'],
};

type Row = Readonly<Record<string, string | undefined>>;

/** A row-level problem: the value is reported, the row skipped. */
class RowError extends Error {}

const LIST = '|';

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(LIST)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function bool(row: Row, column: string, fallback: boolean): boolean {
  const value = (row[column] ?? '').trim().toLowerCase();
  if (value === '') return fallback;
  if (['1', 'oui', 'o', 'true', 'vrai', 'x'].includes(value)) return true;
  if (['0', 'non', 'n', 'false', 'faux'].includes(value)) return false;
  throw new RowError(`Valeur « ${row[column]} » invalide pour ${column} (oui ou non attendu)`);
}

/** `12,90`, `12.90` or `-3` to an integer scaled by 10^scale. */
function decimal(text: string, column: string, scale: number): number {
  const value = parseScaled(text.trim().replace(',', '.').replace(/\s/g, ''), scale);
  if (typeof value === 'number') return value;
  throw new RowError(`Nombre « ${text} » invalide pour ${column}`);
}

function optional(row: Row, column: string): string | undefined {
  const value = (row[column] ?? '').trim();
  return value === '' ? undefined : value;
}

function integer(row: Row, column: string): number | undefined {
  const text = optional(row, column);
  return text === undefined ? undefined : decimal(text, column, 0);
}

export function articleFromRow(row: Row, exponent: number): ArticleInput {
  const price = optional(row, 'price');
  const prices: Record<string, number> = {};
  for (const item of list(row.tariff_prices)) {
    const [tariff, amount] = item.split('=');
    if (tariff === undefined || amount === undefined)
      throw new RowError(`Prix par tarif « ${item} » illisible`);
    prices[tariff.trim()] = decimal(amount, 'tariff_prices', exponent);
  }
  const supplierRefs = list(row.supplier_refs).map((item) => {
    const dash = item.indexOf('-');
    if (dash <= 0) throw new RowError(`Référence fournisseur « ${item} » sans « - » (FOURNISSEUR-REF)`);
    return { supplierCode: item.slice(0, dash), supplierRef: item.slice(dash + 1) };
  });
  const components = list(row.components).map((item) => {
    const [ref, quantity = '1'] = item.split(':');
    return { ref: ref ?? '', quantity: decimal(quantity, 'components', 3) };
  });
  const ean = optional(row, 'ean');
  const family1 = optional(row, 'family1');
  const family2 = optional(row, 'family2');
  const eco = optional(row, 'eco_participation');
  const issues = optional(row, 'issues');
  return {
    ref: row.ref ?? '',
    designation: row.designation ?? '',
    ...(ean === undefined ? {} : { ean }),
    otherBarcodes: list(row.other_barcodes),
    ...(family1 === undefined ? {} : { family1 }),
    ...(family2 === undefined ? {} : { family2 }),
    vatRate: decimal(row.vat_rate ?? '', 'vat_rate', 2),
    ...(price === undefined ? {} : { price: decimal(price, 'price', exponent) }),
    prices,
    ecoParticipation: eco === undefined ? 0 : decimal(eco, 'eco_participation', exponent),
    supplierRefs,
    components,
    lotSerial: bool(row, 'lot_serial', false),
    composed: bool(row, 'composed', false),
    stockManaged: bool(row, 'stock_managed', true),
    active: bool(row, 'active', true),
    // An unknown kind is refused by the article schema, with the list of the valid ones.
    ...(issues === undefined ? {} : { issues: issues as NonNullable<ArticleInput['issues']> }),
  };
}

export function customerFromRow(row: Row): CustomerInput {
  const card = optional(row, 'card_number');
  const tariff = optional(row, 'tariff');
  const seller = optional(row, 'seller_code');
  return {
    code: row.code ?? '',
    ...(card === undefined ? {} : { cardNumber: card }),
    name: row.name ?? '',
    address1: row.address1 ?? '',
    address2: row.address2 ?? '',
    postalCode: row.postal_code ?? '',
    city: row.city ?? '',
    country: optional(row, 'country') ?? 'FR',
    email: row.email ?? '',
    phone: row.phone ?? '',
    taxExempt: bool(row, 'tax_exempt', false),
    ...(tariff === undefined ? {} : { tariff }),
    ...(seller === undefined ? {} : { sellerCode: seller }),
    loyaltyPoints: integer(row, 'loyalty_points') ?? 0,
    visits: integer(row, 'visits') ?? 0,
    consentEmailReceipts: bool(row, 'consent_email_receipts', false),
    consentMailings: bool(row, 'consent_mailings', false),
    dematLetterSent: bool(row, 'demat_letter_sent', false),
    dematRefused: bool(row, 'demat_refused', false),
  };
}

/** Passes bytes through unchanged, refusing the stream at the first byte that is not UTF-8. */
class Utf8Check extends Transform {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #line = 1;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const text = this.#decoder.decode(chunk, { stream: true });
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#line += 1;
      done(null, chunk);
    } catch {
      const loose = new TextDecoder('utf-8').decode(chunk);
      const bad = loose.indexOf('\uFFFD');
      const before = bad < 0 ? '' : loose.slice(0, bad);
      const line = this.#line + (before.match(/\n/g)?.length ?? 0);
      done(
        new StoreError(
          'CSV_ENCODING',
          `Le fichier n'est pas en UTF-8 (ligne ${line}) : enregistrez-le en « CSV UTF-8 » puis recommencez`,
        ),
      );
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.#decoder.decode();
      done();
    } catch {
      done(
        new StoreError('CSV_ENCODING', "Le fichier n'est pas en UTF-8 (il finit au milieu d'un caractère)"),
      );
    }
  }
}

/** `;` (French spreadsheets) or `,`, whichever the header line has more of. */
async function detectDelimiter(file: string): Promise<string> {
  const stream = createReadStream(file, { start: 0, end: 64 * 1024 - 1 });
  let head = '';
  for await (const chunk of stream) head += (chunk as Buffer).toString('latin1');
  const line = head.split('\n')[0] ?? '';
  const count = (c: string) => line.split(c).length - 1;
  return count(';') >= count(',') ? ';' : ',';
}

function parser(delimiter: string) {
  return parse({
    bom: true,
    delimiter,
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
  });
}

interface ParsedRecord {
  readonly record: Row;
  readonly info: { readonly lines: number };
}

/** What csv-parse's refusals mean, in French. */
const CSV_PROBLEMS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: "un guillemet ouvert n'est jamais refermé",
  CSV_INVALID_CLOSING_QUOTE: 'un guillemet fermant est suivi d’autre chose qu’un séparateur',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'un guillemet fermant est suivi d’autre chose qu’un séparateur',
  INVALID_OPENING_QUOTE: 'un guillemet apparaît au milieu d’un champ non entouré de guillemets',
};

function quotingError(error: unknown): StoreError | undefined {
  if (error instanceof StoreError) return error;
  if (error instanceof CsvError) {
    const line = typeof error.lines === 'number' ? error.lines : '?';
    const problem = CSV_PROBLEMS[error.code] ?? `erreur ${error.code}`;
    return new StoreError(
      'CSV_QUOTING',
      `CSV mal formé à la ligne ${line} : ${problem} (corrigez les guillemets du fichier, rien n'a été importé)`,
    );
  }
  return undefined;
}

function checkHeader(kind: CsvKind, header: readonly string[]): void {
  const known = COLUMNS[kind];
  const unknown = header.filter((h) => !known.includes(h));
  if (unknown.length > 0) {
    throw new StoreError(
      'CSV_HEADER',
      `Colonnes inconnues : ${unknown.join(', ')} (attendues : ${known.join(', ')})`,
    );
  }
  const missing = REQUIRED[kind].filter((h) => !header.includes(h));
  if (missing.length > 0)
    throw new StoreError('CSV_HEADER', `Colonnes obligatoires absentes : ${missing.join(', ')}`);
}

/** First pass: encoding, quoting and header of the whole file; returns the number of records. */
export async function checkCsvFile(
  file: string,
  kind: CsvKind,
): Promise<{ records: number; delimiter: string }> {
  const delimiter = await detectDelimiter(file);
  let records = 0;
  const p = parser(delimiter);
  try {
    const source = createReadStream(file).pipe(new Utf8Check());
    source.on('error', (e) => p.destroy(e));
    source.pipe(p);
    let first = true;
    for await (const item of p as AsyncIterable<ParsedRecord>) {
      if (first) {
        checkHeader(kind, Object.keys(item.record));
        first = false;
      }
      records += 1;
    }
    if (first) checkHeader(kind, []);
  } catch (error) {
    throw quotingError(error) ?? error;
  }
  return { records, delimiter };
}

export interface RejectedRow {
  readonly line: number;
  readonly code: string;
  readonly reason: string;
}

export interface ImportReport {
  readonly kind: CsvKind;
  readonly records: number;
  readonly imported: number;
  readonly rejected: readonly RejectedRow[];
}

export interface ImportOptions {
  readonly now: Date;
  /** Rows per transaction (default 1000). */
  readonly batchSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** At most this many rejected rows are kept in the report (default 1000); the count stays exact. */
  readonly maxRejectedListed?: number;
}

async function storeExponent(db: Db): Promise<number> {
  const store = await db.selectFrom('stores').select('currency').limit(1).executeTakeFirst();
  return currencyOf(store?.currency ?? 'EUR')?.exponent ?? 2;
}

/** Imports a CSV file of articles or customers (existing codes are updated). */
export async function importCsv(
  db: Db,
  kind: CsvKind,
  file: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const { records, delimiter } = await checkCsvFile(file, kind);
  const exponent = await storeExponent(db);
  const batchSize = options.batchSize ?? 1000;
  const maxListed = options.maxRejectedListed ?? 1000;
  const rejected: RejectedRow[] = [];
  let rejectedCount = 0;
  let imported = 0;
  let done = 0;
  const reject = (line: number, code: string, reason: string) => {
    rejectedCount += 1;
    if (rejected.length < maxListed) rejected.push({ line, code, reason });
  };

  const writeBatch = async (batch: ParsedRecord[]) => {
    await inTransaction(db, async (trx) => {
      const cache = kind === 'articles' ? await loadReferenceCache(trx) : undefined;
      for (const { record, info } of batch) {
        try {
          if (kind === 'articles' && cache !== undefined) {
            const data = parseInput(articleInputSchema, articleFromRow(record, exponent));
            await writeArticle(trx, data, options.now, 'upsert', cache);
          } else {
            const data = parseInput(customerInputSchema, customerFromRow(record));
            await writeCustomer(trx, data, options.now, 'upsert');
          }
          imported += 1;
        } catch (error) {
          if (error instanceof StoreError) reject(info.lines, error.code, error.message);
          else if (error instanceof RowError) reject(info.lines, 'INVALID_INPUT', error.message);
          else throw error;
        }
      }
    });
    done += batch.length;
    options.onProgress?.(done, records);
  };

  const p = parser(delimiter);
  createReadStream(file).pipe(p);
  let batch: ParsedRecord[] = [];
  for await (const item of p as AsyncIterable<ParsedRecord>) {
    batch.push(item);
    if (batch.length >= batchSize) {
      await writeBatch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await writeBatch(batch);
  if (rejectedCount > rejected.length) {
    rejected.push({
      line: 0,
      code: 'TRUNCATED',
      reason: `${rejectedCount - rejected.length} autres lignes refusées`,
    });
  }
  return { kind, records, imported, rejected };
}

async function* articleRows(
  db: Db,
  exponent: number,
  batchSize: number,
): AsyncGenerator<Record<string, string>> {
  let after = 0;
  const money = (v: number) => formatScaled(v, exponent);
  for (;;) {
    const rows = await selectArticles(db)
      .where('articles.id', '>', after)
      .orderBy('articles.id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    const [barcodes, suppliers, prices, components] = await Promise.all([
      db
        .selectFrom('article_barcodes')
        .select(['article_id', 'barcode', 'kind'])
        .where('article_id', 'in', ids)
        .orderBy('barcode')
        .execute(),
      db
        .selectFrom('supplier_refs')
        .selectAll()
        .where('article_id', 'in', ids)
        .orderBy('supplier_code')
        .orderBy('supplier_ref')
        .execute(),
      db
        .selectFrom('article_prices')
        .selectAll()
        .where('article_id', 'in', ids)
        .orderBy('tariff_code')
        .execute(),
      db
        .selectFrom('article_components')
        .innerJoin('articles', 'articles.id', 'article_components.component_id')
        .select(['article_components.parent_id', 'articles.ref', 'article_components.quantity'])
        .where('article_components.parent_id', 'in', ids)
        .orderBy('article_components.position')
        .execute(),
    ]);
    for (const r of rows) {
      const own = <T extends { article_id: number }>(items: T[]) =>
        items.filter((i) => i.article_id === r.id);
      const base = own(prices).find((p) => p.tariff_code === BASE_TARIFF);
      yield {
        ref: r.ref,
        designation: r.designation,
        ean: own(barcodes).find((b) => b.kind === 'ean13')?.barcode ?? '',
        other_barcodes: own(barcodes)
          .filter((b) => b.kind !== 'ean13')
          .map((b) => b.barcode)
          .join(LIST),
        family1: r.family1 ?? '',
        family2: r.family2 ?? '',
        vat_rate: formatScaled(r.vat_rate, 2),
        price: base === undefined ? '' : money(base.price),
        tariff_prices: own(prices)
          .filter((p) => p.tariff_code !== BASE_TARIFF)
          .map((p) => `${p.tariff_code}=${money(p.price)}`)
          .join(LIST),
        eco_participation: money(r.eco_participation),
        supplier_refs: own(suppliers)
          .map((s) => `${s.supplier_code}-${s.supplier_ref}`)
          .join(LIST),
        components: components
          .filter((c) => c.parent_id === r.id)
          .map((c) => `${c.ref}:${formatScaled(c.quantity, 3)}`)
          .join(LIST),
        lot_serial: r.lot_serial ? '1' : '0',
        composed: r.composed ? '1' : '0',
        stock_managed: r.stock_managed ? '1' : '0',
        active: r.active ? '1' : '0',
        issues: r.issues ?? '',
      };
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
}

async function* customerRows(db: Db, batchSize: number): AsyncGenerator<Record<string, string>> {
  let after = 0;
  const b = (v: number) => (v ? '1' : '0');
  for (;;) {
    const rows = await db
      .selectFrom('customers')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return;
    for (const c of rows) {
      yield {
        code: c.code,
        card_number: c.card_number ?? '',
        name: c.name,
        address1: c.address1,
        address2: c.address2,
        postal_code: c.postal_code,
        city: c.city,
        country: c.country,
        email: c.email,
        phone: c.phone,
        tax_exempt: b(c.tax_exempt),
        tariff: c.tariff_code ?? '',
        seller_code: c.seller_code ?? '',
        loyalty_points: String(c.loyalty_points),
        visits: String(c.visits),
        consent_email_receipts: b(c.consent_email_receipts),
        consent_mailings: b(c.consent_mailings),
        demat_letter_sent: b(c.demat_letter_sent),
        demat_refused: b(c.demat_refused),
      };
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
}

/** Writes every article or customer as CSV (`;`, UTF-8, header line) to `out`, in batches. */
export async function exportCsv(db: Db, kind: CsvKind, out: Writable, batchSize = 1000): Promise<number> {
  let count = 0;
  const source =
    kind === 'articles' ? articleRows(db, await storeExponent(db), batchSize) : customerRows(db, batchSize);
  async function* counted() {
    for await (const row of source) {
      count += 1;
      yield row;
    }
  }
  await pipeline(
    Readable.from(counted()),
    stringify({ header: true, columns: [...COLUMNS[kind]], delimiter: ';' }),
    out,
  );
  return count;
}
