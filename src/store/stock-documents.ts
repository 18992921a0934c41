/**
 * Stock documents (issue 16 item 1, seed 004): the transfer out to another depot (ME-, draft then
 * validated), its receipt (ME+, made from a validated ME-, once), supplier receptions, and inventory
 * counts (typed or imported from a CSV) whose differences move the stock. A document is checked
 * whole before anything is written: a refusal writes nothing. Validating one writes its movements
 * (src/store/stock.ts) in the same transaction as its new status.
 */
import { parse } from 'csv-parse/sync';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { type Milli, type Minor, parseScaled } from '../sales/money.ts';
import { StoreError } from './errors.ts';
import type { Database } from './schema.ts';
import {
  applyMoves,
  assertDepot,
  type MovementKind,
  quantityText,
  type StockMove,
  stockArticleId,
} from './stock.ts';
import { inTransaction } from './transaction.ts';
import { codeSchema, parseInput } from './validation.ts';

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

export const DOCUMENT_KINDS = ['transfer_out', 'transfer_in', 'reception', 'count'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The number prefix of each kind: ME-000001, ME+000001, REC-000001, INV-000001. */
const PREFIX: Readonly<Record<DocumentKind, string>> = {
  transfer_out: 'ME-',
  transfer_in: 'ME+',
  reception: 'REC-',
  count: 'INV-',
};

export const DOCUMENT_LABELS: Readonly<Record<DocumentKind, string>> = {
  transfer_out: 'Transfert sortant (ME-)',
  transfer_in: 'Transfert entrant (ME+)',
  reception: 'Réception fournisseur',
  count: 'Inventaire',
};

/** A quantity typed by people: a decimal string (or number), at most 3 decimals. */
function quantityField(allowZero: boolean) {
  return z.union([z.string(), z.number()]).transform((raw, ctx) => {
    const text = String(raw).trim().replace(',', '.');
    const value = parseScaled(text, 3);
    if (typeof value !== 'number' || value < 0 || (!allowZero && value === 0)) {
      ctx.addIssue({
        code: 'custom',
        message: `Quantité invalide « ${String(raw)} » : un nombre ${allowZero ? 'positif ou nul' : 'strictement positif'} attendu (3 décimales au plus)`,
        params: { code: 'INVALID_QUANTITY' },
      });
      return z.NEVER;
    }
    return value as Milli;
  });
}

const costField = z.union([z.string(), z.number()]).transform((raw, ctx) => {
  const value = parseScaled(String(raw).trim().replace(',', '.'), 2);
  if (typeof value !== 'number' || value < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `Coût unitaire invalide « ${String(raw)} » : un montant positif attendu (2 décimales au plus)`,
      params: { code: 'INVALID_QUANTITY' },
    });
    return z.NEVER;
  }
  return value as Minor;
});

const lineSchema = (allowZero: boolean) =>
  z.object({ ref: codeSchema, quantity: quantityField(allowZero), unitCost: costField.optional() });

export const stockDocumentInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('transfer_out'),
    depot: codeSchema,
    toDepot: codeSchema,
    note: z.string().trim().max(500).default(''),
    lines: z.array(lineSchema(false)).min(1, 'Au moins une ligne').max(2000),
  }),
  z.object({
    kind: z.literal('reception'),
    depot: codeSchema,
    supplier: z.string().trim().min(1, 'Fournisseur obligatoire').max(80),
    note: z.string().trim().max(500).default(''),
    lines: z.array(lineSchema(false)).min(1, 'Au moins une ligne').max(2000),
  }),
  z.object({
    kind: z.literal('count'),
    depot: codeSchema,
    note: z.string().trim().max(500).default(''),
    lines: z.array(lineSchema(true)).min(1, 'Au moins une ligne').max(20000),
  }),
]);
export type StockDocumentInput = z.input<typeof stockDocumentInputSchema>;

interface StoredLine {
  readonly ref: string;
  readonly quantity: Milli;
  readonly unitCost?: Minor;
}

export interface StockDocumentView {
  readonly number: string;
  readonly kind: DocumentKind;
  readonly label: string;
  readonly status: 'draft' | 'validated';
  readonly depot: string;
  readonly otherDepot: string | null;
  readonly receives: string | null;
  readonly supplier: string;
  readonly note: string;
  readonly operator: string;
  readonly createdAt: string;
  readonly validatedAt: string | null;
  readonly lines: readonly {
    ref: string;
    quantity: string;
    unitCost?: string;
    /** Counts: the quantity expected (before validation: now; after: at validation) and the difference. */
    expected?: string;
    difference?: string;
  }[];
}

type DocumentRow = Awaited<ReturnType<typeof documentRow>>;

async function documentRow(db: Db, number: string) {
  return db.selectFrom('stock_documents').selectAll().where('number', '=', number).executeTakeFirst();
}

async function requireDocument(db: Db, number: string): Promise<NonNullable<DocumentRow>> {
  const code = String(number).trim().toUpperCase();
  const row = await documentRow(db, code);
  if (row === undefined)
    throw new StoreError('UNKNOWN_DOCUMENT', `Document de stock inconnu : ${code}`, 'number');
  return row;
}

async function nextNumber(trx: Db, kind: DocumentKind): Promise<string> {
  const row = await trx
    .selectFrom('stock_documents')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return `${PREFIX[kind]}${String(Number(row.n) + 1).padStart(6, '0')}`;
}

/** Every ref of the lines exists (the first unknown one refused with its line). */
async function articleIds(trx: Db, lines: readonly StoredLine[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const [i, line] of lines.entries()) {
    if (!ids.has(line.ref)) ids.set(line.ref, await stockArticleId(trx, line.ref, `lines.${i}.ref`));
  }
  return ids;
}

async function quantityIn(trx: Db, articleId: number, depot: string): Promise<Milli> {
  const row = await trx
    .selectFrom('stock')
    .select('quantity')
    .where('article_id', '=', articleId)
    .where('depot_code', '=', depot)
    .executeTakeFirst();
  return Number(row?.quantity ?? 0);
}

function linesOf(row: { lines: string }): StoredLine[] {
  return JSON.parse(row.lines) as StoredLine[];
}

async function viewOf(db: Db, row: NonNullable<DocumentRow>): Promise<StockDocumentView> {
  const kind = row.kind as DocumentKind;
  const lines = linesOf(row);
  const expected = new Map<number, Milli>();
  if (kind === 'count' && row.status === 'draft') {
    for (const [i, l] of lines.entries()) {
      const id = await db.selectFrom('articles').select('id').where('ref', '=', l.ref).executeTakeFirst();
      expected.set(i, id === undefined ? 0 : await quantityIn(db, id.id, row.depot_code));
    }
  }
  return {
    number: row.number,
    kind,
    label: DOCUMENT_LABELS[kind],
    status: row.status as 'draft' | 'validated',
    depot: row.depot_code,
    otherDepot: row.other_depot_code,
    receives: row.receives,
    supplier: row.supplier,
    note: row.note,
    operator: row.operator,
    createdAt: row.created_at,
    validatedAt: row.validated_at,
    lines: lines.map((l, i) => {
      const was = (l as { expected?: Milli }).expected ?? expected.get(i);
      return {
        ref: l.ref,
        quantity: quantityText(l.quantity),
        ...(l.unitCost === undefined ? {} : { unitCost: (l.unitCost / 100).toFixed(2) }),
        ...(kind === 'count' && was !== undefined
          ? { expected: quantityText(was), difference: quantityText(l.quantity - was) }
          : {}),
      };
    }),
  };
}

/** Writes a draft document (ME-, reception or count), checked whole first. Returns its view. */
export async function createStockDocument(
  db: Db,
  input: StockDocumentInput,
  operator: string,
  now: Date,
): Promise<StockDocumentView> {
  const data = parseInput(stockDocumentInputSchema, input);
  return inTransaction(db, async (trx) => {
    await assertDepot(trx, data.depot);
    if (data.kind === 'transfer_out') {
      await assertDepot(trx, data.toDepot, 'toDepot');
      if (data.toDepot === data.depot) {
        throw new StoreError('INVALID_INPUT', 'Un transfert va vers un autre dépôt que le sien', 'toDepot');
      }
    }
    const lines: StoredLine[] = data.lines.map((l) => ({
      ref: l.ref,
      quantity: l.quantity,
      ...(l.unitCost === undefined ? {} : { unitCost: l.unitCost }),
    }));
    await articleIds(trx, lines);
    const number = await nextNumber(trx, data.kind);
    await trx
      .insertInto('stock_documents')
      .values({
        number,
        kind: data.kind,
        status: 'draft',
        depot_code: data.depot,
        other_depot_code: data.kind === 'transfer_out' ? data.toDepot : null,
        receives: null,
        supplier: data.kind === 'reception' ? data.supplier : '',
        note: data.note,
        lines: JSON.stringify(lines),
        operator,
        created_at: now.toISOString(),
        validated_at: null,
      })
      .execute();
    const row = await requireDocument(trx, number);
    return viewOf(trx, row);
  });
}

export async function getStockDocument(db: Db, number: string): Promise<StockDocumentView> {
  return viewOf(db, await requireDocument(db, number));
}

export async function listStockDocuments(
  db: Db,
  filter: { kind?: DocumentKind; status?: 'draft' | 'validated' } = {},
): Promise<StockDocumentView[]> {
  let q = db.selectFrom('stock_documents').selectAll().orderBy('id', 'desc').limit(200);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  const rows = await q.execute();
  return Promise.all(rows.map((r) => viewOf(db, r)));
}

/** The movements a document writes when validated (counts: the difference with the quantity now). */
async function movesOf(
  trx: Db,
  row: NonNullable<DocumentRow>,
  lines: StoredLine[],
  operator: string,
  at: string,
): Promise<{ moves: StockMove[]; stored: StoredLine[] }> {
  const ids = await articleIds(trx, lines);
  const kind = row.kind as DocumentKind;
  const moves: StockMove[] = [];
  const stored: StoredLine[] = [];
  for (const l of lines) {
    const articleId = ids.get(l.ref) as number;
    let quantity = l.quantity;
    let movement: MovementKind = kind;
    if (kind === 'transfer_out') quantity = -l.quantity;
    if (kind === 'count') {
      // Two lines of one ref in a count: the later one counts (both typed by people, the last wins).
      const expected = await quantityIn(trx, articleId, row.depot_code);
      const pending = moves.filter((m) => m.articleId === articleId).reduce((s, m) => s + m.quantity, 0);
      quantity = l.quantity - (expected + pending);
      stored.push({ ...l, expected: expected + pending } as StoredLine);
      movement = 'count';
    } else stored.push(l);
    moves.push({
      articleId,
      ref: l.ref,
      depot: row.depot_code,
      quantity,
      kind: movement,
      document: row.number,
      unitCost: l.unitCost ?? null,
      operator,
      at,
    });
  }
  return { moves, stored };
}

/** Validates a draft: its movements written, its status `validated`, in one transaction. */
export async function validateStockDocument(
  db: Db,
  number: string,
  operator: string,
  now: Date,
): Promise<StockDocumentView> {
  return inTransaction(db, async (trx) => {
    const row = await requireDocument(trx, number);
    if (row.status !== 'draft') {
      throw new StoreError('ALREADY_VALIDATED', `Le document ${row.number} est déjà validé`, 'number');
    }
    const at = now.toISOString();
    const { moves, stored } = await movesOf(trx, row, linesOf(row), operator, at);
    const changed = await trx
      .updateTable('stock_documents')
      .set({ status: 'validated', validated_at: at, lines: JSON.stringify(stored) })
      .where('id', '=', row.id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) {
      throw new StoreError('ALREADY_VALIDATED', `Le document ${row.number} est déjà validé`, 'number');
    }
    await applyMoves(trx, moves);
    return viewOf(trx, await requireDocument(trx, row.number));
  });
}

/** Deletes a draft (a validated document never changes nor goes). */
export async function deleteDraft(db: Db, number: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await requireDocument(trx, number);
    if (row.status !== 'draft') {
      throw new StoreError(
        'ALREADY_VALIDATED',
        `Le document ${row.number} est validé : il ne se supprime pas`,
        'number',
      );
    }
    await trx.deleteFrom('stock_documents').where('id', '=', row.id).execute();
  });
}

/**
 * Receives a validated ME- in its destination depot: an ME+ with the same lines, validated at once.
 * An ME- is received once (a second time refused, even from two screens at once: unique `receives`).
 */
export async function receiveTransfer(
  db: Db,
  transferNumber: string,
  operator: string,
  now: Date,
): Promise<StockDocumentView> {
  try {
    return await inTransaction(db, async (trx: Trx) => {
      const out = await requireDocument(trx, transferNumber);
      if (out.kind !== 'transfer_out') {
        throw new StoreError('INVALID_INPUT', `${out.number} n’est pas un transfert sortant (ME-)`, 'number');
      }
      if (out.status !== 'validated') {
        throw new StoreError(
          'NOT_VALIDATED',
          `Le transfert ${out.number} n’est pas validé : il ne se reçoit pas encore`,
          'number',
        );
      }
      const already = await trx
        .selectFrom('stock_documents')
        .select('number')
        .where('receives', '=', out.number)
        .executeTakeFirst();
      if (already !== undefined) {
        throw new StoreError(
          'ALREADY_RECEIVED',
          `Le transfert ${out.number} a déjà été reçu (${already.number})`,
          'number',
        );
      }
      const number = await nextNumber(trx, 'transfer_in');
      const at = now.toISOString();
      const lines = linesOf(out);
      await trx
        .insertInto('stock_documents')
        .values({
          number,
          kind: 'transfer_in',
          status: 'validated',
          depot_code: out.other_depot_code as string,
          other_depot_code: out.depot_code,
          receives: out.number,
          lines: JSON.stringify(lines),
          operator,
          created_at: at,
          validated_at: at,
        })
        .execute();
      const row = await requireDocument(trx, number);
      const { moves } = await movesOf(trx, row, lines, operator, at);
      await applyMoves(trx, moves);
      return viewOf(trx, row);
    });
  } catch (error) {
    if (error instanceof StoreError) throw error;
    if (/unique|duplicate/i.test(String((error as Error).message))) {
      throw new StoreError('ALREADY_RECEIVED', `Le transfert ${transferNumber} a déjà été reçu`, 'number');
    }
    throw error;
  }
}

/**
 * A count draft from a CSV (`ref;quantity`, header required, `;` or `,`): every line checked first,
 * the first bad one refused with its line number, nothing written.
 */
export async function importCountCsv(
  db: Db,
  text: string,
  depot: string,
  operator: string,
  now: Date,
): Promise<StockDocumentView> {
  let records: string[][];
  try {
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    records = parse(text, {
      bom: true,
      delimiter: firstLine.includes(';') ? ';' : ',',
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (error) {
    throw new StoreError('CSV_QUOTING', `Fichier CSV illisible : ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  const names = (header ?? []).map((h) => h.toLowerCase());
  const refAt = names.indexOf('ref');
  const quantityAt = names.indexOf('quantity');
  if (refAt < 0 || quantityAt < 0) {
    throw new StoreError('CSV_HEADER', 'En-tête attendu : ref;quantity');
  }
  if (rows.length === 0) throw new StoreError('INVALID_INPUT', 'Aucune ligne de comptage dans le fichier');
  const lines = rows.map((r) => ({ ref: r[refAt] ?? '', quantity: r[quantityAt] ?? '' }));
  try {
    return await createStockDocument(db, { kind: 'count', depot, lines }, operator, now);
  } catch (error) {
    if (error instanceof StoreError && error.field?.startsWith('lines.')) {
      const index = Number(error.field.split('.')[1]);
      throw new StoreError(error.code, `Ligne ${index + 2} : ${error.message}`, error.field);
    }
    throw error;
  }
}

export interface ValuationLine {
  readonly ref: string;
  readonly designation: string;
  readonly depot: string;
  readonly quantity: string;
  /** Weighted average purchase cost of the receptions (minor units, as a decimal string), or null. */
  readonly unitCost: string | null;
  readonly value: string;
}

/**
 * The stock valuation: per article and depot with a quantity, the quantity × the weighted average
 * unit cost of the article's supplier receptions (every depot); an article never received with a
 * cost is valued 0 and shown without cost. Negative quantities are valued 0.
 */
export async function stockValuation(
  db: Db,
  depot?: string,
): Promise<{ lines: ValuationLine[]; total: string; withoutCost: number }> {
  let q = db
    .selectFrom('stock')
    .innerJoin('articles', 'articles.id', 'stock.article_id')
    .select(['articles.id', 'articles.ref', 'articles.designation', 'stock.depot_code', 'stock.quantity'])
    .where('stock.quantity', '<>', 0)
    .orderBy('articles.ref')
    .orderBy('stock.depot_code');
  if (depot !== undefined) q = q.where('stock.depot_code', '=', depot);
  const rows = await q.execute();
  const costs = await db
    .selectFrom('stock_movements')
    .select([
      'article_id',
      (eb) => eb.fn.sum<number | string>(eb('quantity', '*', eb.ref('unit_cost'))).as('spent'),
      (eb) => eb.fn.sum<number | string>('quantity').as('received'),
    ])
    .where('kind', '=', 'reception')
    .where('unit_cost', 'is not', null)
    .groupBy('article_id')
    .execute();
  const average = new Map(
    costs.map((c) => [c.article_id, Number(c.received) > 0 ? Number(c.spent) / Number(c.received) : null]),
  );
  let total = 0;
  let withoutCost = 0;
  const lines = rows.map((r) => {
    const quantity = Number(r.quantity);
    const cost = average.get(r.id) ?? null;
    if (cost === null) withoutCost += 1;
    const value = cost === null || quantity <= 0 ? 0 : Math.round((quantity * cost) / 1000);
    total += value;
    return {
      ref: r.ref,
      designation: r.designation,
      depot: r.depot_code,
      quantity: quantityText(quantity),
      unitCost: cost === null ? null : (Math.round(cost) / 100).toFixed(2),
      value: (value / 100).toFixed(2),
    };
  });
  return { lines, total: (total / 100).toFixed(2), withoutCost };
}
