/**
 * One article whole, for the back office's article form: `GET /api/articles/:ref` reads it as
 * `articleInputSchema` describes it, `PUT /api/articles/:ref` creates or replaces it through the
 * store's `saveArticle` (right `manage_catalogue`; a change of price, VAT rate or eco-participation lands
 * in `price_history` by itself). The store checks every field again (EAN key, VAT rate and families
 * that exist, duplicates) and writes nothing when it refuses.
 */
import { z } from 'zod';
import { type ArticleRecord, readArticle, saveArticle } from '../../store/catalogue.ts';
import { type ArticleInput, articleInputSchema, ISSUED_KINDS, parseInput } from '../../store/validation.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { notFound } from '../errors.ts';
import { articleRecordView, authorizationSchema, noQuery } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

const money = z.number().int().min(0).max(100_000_000_000);

/** The writable fields (the reference is in the path); null or absent: none. */
const articleBody = z.strictObject({
  designation: z.string().max(120),
  ean: z.string().max(20).nullable().optional(),
  otherBarcodes: z.array(z.string().max(48)).max(20).optional(),
  family1: z.string().max(40).nullable().optional(),
  family2: z.string().max(40).nullable().optional(),
  vatRate: z.number().int().min(0).max(10_000),
  price: money.nullable().optional(),
  prices: z.record(z.string().max(40), money).optional(),
  ecoParticipation: money.optional(),
  issues: z.enum(ISSUED_KINDS).nullable().optional(),
  lotSerial: z.boolean().optional(),
  composed: z.boolean().optional(),
  stockManaged: z.boolean().optional(),
  active: z.boolean().optional(),
  supplierRefs: z
    .array(z.strictObject({ supplierCode: z.string().max(40), supplierRef: z.string().max(40) }))
    .max(20)
    .optional(),
  components: z
    .array(z.strictObject({ ref: z.string().max(40), quantity: z.number().int().min(1).max(1e9) }))
    .max(100)
    .optional(),
  authorization: authorizationSchema.optional(),
});

const refParams = z.strictObject({ ref: z.string().trim().min(1).max(40) });

/** `null` means absent for the store. */
function present<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

async function readBack(ctx: AppContext, ref: string): Promise<ArticleRecord> {
  const found = await readArticle(ctx.db, ref);
  if (found === undefined) throw notFound('UNKNOWN_ARTICLE', `Article inconnu : ${ref}`);
  return found;
}

export function articleRoutes(api: Api, ctx: AppContext): void {
  const tags = ['articles'];
  api.get(
    '/api/articles/:ref',
    {
      schema: {
        tags,
        summary: 'Un article entier (codes-barres, familles, TVA, prix par tarif, fournisseurs, composants)',
        params: refParams,
        querystring: noQuery,
        response: answers(articleRecordView),
      },
    },
    async (request) => readBack(ctx, request.params.ref.toUpperCase()),
  );

  api.put(
    '/api/articles/:ref',
    {
      schema: {
        tags,
        summary:
          'Créer ou remplacer un article (droit gestion du catalogue ; un tarif absent garde son prix)',
        params: refParams,
        body: articleBody,
        response: answers(articleRecordView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { authorization, ...body } = request.body;
      const ref = request.params.ref.toUpperCase();
      const input = {
        ref,
        designation: body.designation,
        ean: present(body.ean),
        otherBarcodes: body.otherBarcodes,
        family1: present(body.family1),
        family2: present(body.family2),
        vatRate: body.vatRate,
        price: present(body.price),
        prices: body.prices,
        ecoParticipation: body.ecoParticipation,
        issues: present(body.issues),
        lotSerial: body.lotSerial,
        composed: body.composed,
        stockManaged: body.stockManaged,
        active: body.active,
        supplierRefs: body.supplierRefs,
        components: body.components,
      };
      const article = Object.fromEntries(
        Object.entries(input).filter(([, v]) => v !== undefined),
      ) as ArticleInput;
      // Its shape is checked before anyone is asked for a right (the store checks it again).
      parseInput(articleInputSchema, article);
      await ctx.rights.require(session, 'manage_catalogue', authorization, request.ip, `article ${ref}`);
      await saveArticle(ctx.db, article, ctx.clock());
      return readBack(ctx, ref);
    },
  );
}
