/** Lookups the ticket routes need: one article or one customer from the viseur's text. */
import type { ArticleData, CustomerData } from '../sales/ticket.ts';
import { type ArticleHit, lookupArticles, lookupCustomers, lookupSellers } from '../store/lookup.ts';
import { ApiError, conflict, notFound } from './errors.ts';
import type { Db } from './ports.ts';

export interface FoundCustomer extends CustomerData {
  readonly name: string;
  /** The seller of the customer's record (« Code Commercial 1 de la fiche client », seed 001). */
  readonly sellerCode: string | null;
}

const EXACT = new Set(['barcode', 'ref', 'supplierRef']);

/** The one article the text names (barcode, reference, supplier reference), or a clear refusal. */
export async function findArticle(
  db: Db,
  text: string,
  options: { now: Date; customerCode?: string; depotCode: string; allowLotSerial?: boolean },
): Promise<ArticleHit> {
  const found = await lookupArticles(db, text, { ...options, limit: 10 });
  if (found.error !== null) throw new ApiError(422, found.error.code, found.error.message, 'text');
  const first = found.items[0];
  const single = EXACT.has(found.kind) || (found.items.length === 1 && !found.hasMore);
  if (first === undefined) throw notFound('UNKNOWN_ARTICLE', `Article introuvable : ${text.trim()}`);
  if (!single) {
    throw conflict('AMBIGUOUS_ARTICLE', `Plusieurs articles répondent à « ${text.trim()} » : précisez`, {
      candidates: found.items.map((a) => ({ ref: a.ref, designation: a.designation })),
    });
  }
  if (first.refusal !== null) throw new ApiError(422, first.refusal.code, first.refusal.message, 'text');
  return first;
}

export function articleData(hit: ArticleHit, qty?: number): ArticleData {
  return {
    ref: hit.ref,
    designation: hit.designation,
    unitPrice: hit.price.unitPrice,
    vatRate: hit.vatRate,
    ...(qty === undefined ? {} : { qty }),
  };
}

/** The one customer the text names (card, code, `-NAME` with one answer). */
export async function findCustomer(db: Db, text: string): Promise<FoundCustomer> {
  const found = await lookupCustomers(db, text, { limit: 10 });
  const first = found.items[0];
  if (first === undefined) throw notFound('UNKNOWN_CUSTOMER', `Client introuvable : ${text.trim()}`);
  if (found.items.length > 1) {
    throw conflict('AMBIGUOUS_CUSTOMER', `Plusieurs clients répondent à « ${text.trim()} » : précisez`, {
      candidates: found.items.map((c) => ({ code: c.code, name: c.name })),
    });
  }
  return { code: first.code, taxExempt: first.taxExempt, name: first.name, sellerCode: first.sellerCode };
}

export async function findSeller(db: Db, code: string): Promise<{ code: string; name: string }> {
  const found = await lookupSellers(db, code, { limit: 2 });
  const first = found.items[0];
  if (first === undefined || code.trim() === '') {
    throw notFound('UNKNOWN_SELLER', `Vendeur inconnu : ${code.trim()}`);
  }
  return { code: first.sellerCode, name: first.name };
}
