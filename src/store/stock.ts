/**
 * Stock that moves (issue 16 item 1): every change of an article's quantity in a depot is one
 * append-only movement (migration 0018); the quantity is their sum, kept per article and depot in
 * `stock` by the same transaction as each movement. Sales, returns and cancellations move it inside
 * the validation's transaction (src/store/journal), stock documents through src/store/stock-documents.ts.
 *
 * The identity that always holds, per article and depot:
 * opening + receptions − sales + returns + cancellations ± transfers ± counts = quantity.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Milli, Minor } from '../sales/money.ts';
import { StoreError } from './errors.ts';
import { cachedRows } from './journal/cached-query.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';
import { codeSchema, parseInput } from './validation.ts';

type Db = Kysely<Database>;

export const MOVEMENT_KINDS = [
  'opening',
  'reception',
  'sale',
  'return',
  'cancellation',
  'transfer_out',
  'transfer_in',
  'count',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** The French name of each kind of movement (back office, CLI). */
export const MOVEMENT_LABELS: Readonly<Record<MovementKind, string>> = {
  opening: 'Stock d’ouverture',
  reception: 'Réception fournisseur',
  sale: 'Vente',
  return: 'Retour',
  cancellation: 'Annulation',
  transfer_out: 'Transfert sortant (ME-)',
  transfer_in: 'Transfert entrant (ME+)',
  count: 'Inventaire',
};

export interface StockMove {
  readonly articleId: number;
  readonly ref: string;
  readonly depot: string;
  /** Signed thousandths: what enters the depot is positive. */
  readonly quantity: Milli;
  readonly kind: MovementKind;
  readonly document: string;
  readonly unitCost?: Minor | null;
  readonly operator: string;
  readonly at: string;
}

export interface MovedQuantity {
  readonly ref: string;
  readonly depot: string;
  readonly delta: Milli;
  /** The quantity after the move. */
  readonly quantity: Milli;
}

/**
 * Appends the movements and carries each into the running quantity, inside `trx` (the caller's
 * transaction). Returns the quantities after each move. On PostgreSQL the upsert locks the stock row:
 * two registers selling the same article are serialised on it, each seeing the other's result.
 */
export async function applyMoves(trx: Db, moves: readonly StockMove[]): Promise<MovedQuantity[]> {
  const moved: MovedQuantity[] = [];
  for (const m of moves) {
    if (m.quantity === 0) continue;
    const row = {
      article_id: m.articleId,
      depot_code: m.depot,
      quantity: m.quantity,
      kind: m.kind,
      document: m.document,
      unit_cost: m.unitCost ?? null,
      operator: m.operator,
      created_at: m.at,
    };
    await cachedRows(trx, 'stock_movements.insert', Object.values(row), () =>
      trx.insertInto('stock_movements').values(row),
    );
    const [after] = await cachedRows<{ quantity: number | string }>(
      trx,
      'stock.add',
      [m.articleId, m.depot, m.quantity],
      () =>
        trx
          .insertInto('stock')
          .values({ article_id: m.articleId, depot_code: m.depot, quantity: m.quantity })
          .onConflict((oc) =>
            oc
              .columns(['article_id', 'depot_code'])
              .doUpdateSet((eb) => ({ quantity: eb('stock.quantity', '+', eb.ref('excluded.quantity')) })),
          )
          .returning('quantity'),
    );
    moved.push({ ref: m.ref, depot: m.depot, delta: m.quantity, quantity: Number(after?.quantity ?? 0) });
  }
  return moved;
}

/** What the stock needs to know of an article sold. */
export interface StockArticle {
  readonly id: number;
  /** Stock-managed and not composed (a composed article moves no stock of its own, seed 001). */
  readonly managed: boolean;
}

/** A line of a sale's detail as far as stock goes: its ref, signed quantity, and components. */
interface DetailLine {
  readonly ref: string;
  readonly quantity: number;
  readonly components?: readonly DetailLine[];
}

/**
 * The movements of a sale (`sign` 1) or of its cancellation (`sign` -1): each stock-managed article of
 * the detail leaves the depot by its quantity (a negative quantity is a return and enters it);
 * a composition moves its components.
 */
export function saleMoves(
  lines: readonly DetailLine[],
  articles: ReadonlyMap<string, StockArticle>,
  base: { depot: string; document: string; operator: string; at: string; sign: 1 | -1 },
): StockMove[] {
  const moves: StockMove[] = [];
  const visit = (line: DetailLine) => {
    if (line.components !== undefined && line.components.length > 0) {
      for (const c of line.components) visit(c);
      return;
    }
    const article = articles.get(line.ref);
    if (article === undefined || !article.managed || line.quantity === 0) return;
    const quantity = -line.quantity * base.sign;
    moves.push({
      articleId: article.id,
      ref: line.ref,
      depot: base.depot,
      quantity,
      kind: base.sign === -1 ? 'cancellation' : line.quantity > 0 ? 'sale' : 'return',
      document: base.document,
      operator: base.operator,
      at: base.at,
    });
  };
  for (const line of lines) visit(line);
  return moves;
}

/** The first sale move that took an article below zero, if any (the blocking setting refuses it). */
export function firstShortage(moved: readonly MovedQuantity[]): MovedQuantity | undefined {
  return moved.find((m) => m.delta < 0 && m.quantity < 0);
}

/** A quantity in thousandths as a decimal string: 12000 → "12", -1500 → "-1.5". */
export function quantityText(milli: Milli): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const units = Math.trunc(abs / 1000);
  const rest = abs % 1000;
  return rest === 0
    ? `${sign}${units}`
    : `${sign}${units}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}

/** The article's id, or `UNKNOWN_ARTICLE`. */
export async function stockArticleId(db: Db, ref: string, field = 'ref'): Promise<number> {
  const code = parseInput(codeSchema, ref);
  const row = await db.selectFrom('articles').select('id').where('ref', '=', code).executeTakeFirst();
  if (row === undefined) throw new StoreError('UNKNOWN_ARTICLE', `Article inconnu : ${code}`, field);
  return row.id;
}

/** Refuses a depot that does not exist. */
export async function assertDepot(db: Db, code: string, field = 'depot'): Promise<void> {
  const row = await db.selectFrom('depots').select('code').where('code', '=', code).executeTakeFirst();
  if (row === undefined) throw new StoreError('UNKNOWN_DEPOT', `Dépôt inconnu : ${code}`, field);
}

/**
 * Sets the quantity of an article in a depot by one movement of the difference (`opening` by default:
 * the loading of a catalogue, the demo; an inventory count uses `count`).
 */
export async function setQuantity(
  db: Db,
  ref: string,
  depot: string,
  quantity: Milli,
  how: { kind?: MovementKind; document?: string; operator?: string; at?: string } = {},
): Promise<void> {
  if (!Number.isSafeInteger(quantity)) throw new StoreError('INVALID_INPUT', 'Quantité invalide', 'quantity');
  await inTransaction(db, async (trx: Transaction<Database>) => {
    const articleId = await stockArticleId(trx, ref);
    await assertDepot(trx, depot);
    const current = await trx
      .selectFrom('stock')
      .select('quantity')
      .where('article_id', '=', articleId)
      .where('depot_code', '=', depot)
      .executeTakeFirst();
    await applyMoves(trx, [
      {
        articleId,
        ref,
        depot,
        quantity: quantity - Number(current?.quantity ?? 0),
        kind: how.kind ?? 'opening',
        document: how.document ?? 'OUVERTURE',
        operator: how.operator ?? 'système',
        at: how.at ?? new Date().toISOString(),
      },
    ]);
  });
}

export interface MovementView {
  readonly at: string;
  readonly depot: string;
  readonly kind: MovementKind;
  readonly label: string;
  readonly quantity: string;
  readonly document: string;
  readonly operator: string;
}

export interface StockView {
  readonly ref: string;
  readonly designation: string;
  readonly managed: boolean;
  readonly depots: readonly { store: string; depot: string; quantity: string }[];
  /** The last movements, newest first. */
  readonly movements: readonly MovementView[];
}

/** An article's quantity per depot (every depot of every store) and its last `limit` movements. */
export async function stockOf(db: Db, ref: string, limit = 20): Promise<StockView> {
  const code = parseInput(codeSchema, ref);
  const article = await db
    .selectFrom('articles')
    .select(['id', 'ref', 'designation', 'stock_managed', 'composed'])
    .where('ref', '=', code)
    .executeTakeFirst();
  if (article === undefined) throw new StoreError('UNKNOWN_ARTICLE', `Article inconnu : ${code}`, 'ref');
  const depots = await db
    .selectFrom('depots')
    .innerJoin('stores', 'stores.id', 'depots.store_id')
    .leftJoin('stock', (j) =>
      j.onRef('stock.depot_code', '=', 'depots.code').on('stock.article_id', '=', article.id),
    )
    .select(['stores.code as store', 'depots.code as depot', 'stock.quantity'])
    .orderBy('stores.code')
    .orderBy('depots.code')
    .execute();
  const movements = await db
    .selectFrom('stock_movements')
    .selectAll()
    .where('article_id', '=', article.id)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return {
    ref: article.ref,
    designation: article.designation,
    managed: article.stock_managed === 1 && article.composed === 0,
    depots: depots.map((d) => ({
      store: d.store,
      depot: d.depot,
      quantity: quantityText(Number(d.quantity ?? 0)),
    })),
    movements: movements.map((m) => ({
      at: m.created_at,
      depot: m.depot_code,
      kind: m.kind as MovementKind,
      label: MOVEMENT_LABELS[m.kind as MovementKind] ?? m.kind,
      quantity: quantityText(Number(m.quantity)),
      document: m.document,
      operator: m.operator,
    })),
  };
}

/** Sum of the movements of an article in a depot, per kind (for the identity and the reports). */
export async function movementTotals(
  db: Db,
  articleId: number,
  depot: string,
): Promise<Partial<Record<MovementKind, Milli>>> {
  const rows = await db
    .selectFrom('stock_movements')
    .select(['kind', (eb) => eb.fn.sum<number | string>('quantity').as('total')])
    .where('article_id', '=', articleId)
    .where('depot_code', '=', depot)
    .groupBy('kind')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.total)]));
}
