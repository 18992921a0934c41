/** Lookups for the viseur's zoom (articles, customers, sellers) and « Afficher Prix » (seed 001). */
import { z } from 'zod';
import { type ArticleHit, lookupArticles, lookupCustomers, lookupSellers } from '../../store/lookup.ts';
import { findArticle } from '../catalogue.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError } from '../errors.ts';
import { articleView } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

const paging = {
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(20),
};

export const customerView = z.object({
  code: z.string(),
  cardNumber: z.string().nullable(),
  name: z.string(),
  address1: z.string(),
  postalCode: z.string(),
  city: z.string(),
  email: z.string(),
  phone: z.string(),
  taxExempt: z.boolean(),
  tariff: z.string(),
  sellerCode: z.string().nullable(),
  loyaltyPoints: z.number(),
  visits: z.number(),
  consentEmailReceipts: z.boolean(),
  consentMailings: z.boolean(),
  dematRefused: z.boolean(),
});

function toArticleView(hit: ArticleHit): z.output<typeof articleView> {
  return {
    ref: hit.ref,
    designation: hit.designation,
    ean: hit.ean,
    vatRate: hit.vatRate,
    unitPrice: hit.price.unitPrice,
    priceSource: hit.price.source,
    promotion: hit.price.promotion?.label ?? null,
    stock: hit.stock,
    composed: hit.composed,
    warnings: hit.warnings.map((w) => ({ code: w.code, message: w.message })),
    refusal: hit.refusal,
  };
}

export function lookupRoutes(api: Api, ctx: AppContext): void {
  const tags = ['recherches'];
  api.get(
    '/api/articles',
    {
      schema: {
        tags,
        summary: 'Articles par le texte du viseur (EAN, REF, préfixe, -DÉSIGNATION, *FAM1, +FAM2)',
        querystring: z.strictObject({
          text: z.string().trim().min(1).max(100),
          customer: z.string().trim().min(1).max(40).optional(),
          ...paging,
        }),
        response: answers(
          z.object({
            kind: z.string(),
            items: z.array(articleView),
            offset: z.number(),
            limit: z.number(),
            hasMore: z.boolean(),
          }),
        ),
      },
    },
    async (request) => {
      const register = await ctx.tickets.register(sessionOf(request).register);
      const { text, customer, offset, limit } = request.query;
      const found = await lookupArticles(ctx.db, text, {
        now: ctx.clock(),
        depotCode: register.depotCode,
        ...(customer === undefined ? {} : { customerCode: customer }),
        offset,
        limit,
      });
      if (found.error !== null) throw new ApiError(422, found.error.code, found.error.message, 'text');
      return {
        kind: found.kind,
        items: found.items.map(toArticleView),
        offset: found.offset,
        limit: found.limit,
        hasMore: found.hasMore,
      };
    },
  );

  api.get(
    '/api/price-check',
    {
      schema: {
        tags,
        summary: 'Afficher Prix : le prix d’un article par son étiquette ou sa référence',
        querystring: z.strictObject({
          text: z.string().trim().min(1).max(100),
          customer: z.string().trim().min(1).max(40).optional(),
        }),
        response: answers(articleView),
      },
    },
    async (request) => {
      const register = await ctx.tickets.register(sessionOf(request).register);
      const { text, customer } = request.query;
      const hit = await findArticle(ctx.db, text, {
        now: ctx.clock(),
        depotCode: register.depotCode,
        ...(customer === undefined ? {} : { customerCode: customer }),
      }).catch((error: unknown) => {
        // A lot/serial article cannot be sold from the viseur but its price can still be shown.
        if (error instanceof ApiError && error.status === 422 && error.field === 'text') {
          return lookupArticles(ctx.db, text, { now: ctx.clock(), limit: 1 }).then((f) => {
            const first = f.items[0];
            if (first === undefined) throw error;
            return first;
          });
        }
        throw error;
      });
      return toArticleView(hit);
    },
  );

  api.get(
    '/api/customers',
    {
      schema: {
        tags,
        summary: 'Clients par carte, code ou -NOM',
        querystring: z.strictObject({ text: z.string().trim().min(1).max(100), ...paging }),
        response: answers(
          z.object({
            kind: z.string(),
            items: z.array(customerView),
            offset: z.number(),
            limit: z.number(),
            hasMore: z.boolean(),
          }),
        ),
      },
    },
    async (request) => {
      const { text, offset, limit } = request.query;
      const found = await lookupCustomers(ctx.db, text, { offset, limit });
      return { ...found, items: [...found.items] };
    },
  );

  api.get(
    '/api/sellers',
    {
      schema: {
        tags,
        summary: 'Vendeurs par code (vide : tous)',
        querystring: z.strictObject({ code: z.string().trim().max(40).default(''), ...paging }),
        response: answers(
          z.object({
            items: z.array(
              z.object({ sellerCode: z.string(), userCode: z.string(), name: z.string(), role: z.string() }),
            ),
            offset: z.number(),
            limit: z.number(),
            hasMore: z.boolean(),
          }),
        ),
      },
    },
    async (request) => {
      const { code, offset, limit } = request.query;
      const found = await lookupSellers(ctx.db, code, { offset, limit });
      return { ...found, items: [...found.items] };
    },
  );
}
