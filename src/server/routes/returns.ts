/**
 * Returns and numbered instruments over HTTP (issue 14): the store's return causes, what remains
 * returnable of a sale, a return (right `refund`, or a manager's code on the spot), and an instrument's
 * balance and ledger by its number (a typo is refused by the check digit before any lookup).
 */
import { z } from 'zod';
import {
  instrumentByNumber,
  type JournalContext,
  returnableOf,
  returnCauses,
  returnTicket,
} from '../../store/journal/index.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { journalRecordView } from '../record-schema.ts';
import { authorizationSchema, noQuery } from '../schemas.ts';
import { type Api, answers } from './kit.ts';
import { saleParams, view } from './sales.ts';

const tags = ['Retours et bons'];

const instrumentView = z.object({
  number: z.string(),
  kind: z.enum(['credit-note', 'voucher', 'gift-card', 'deposit']),
  currency: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string().nullable(),
  balance: z.number().int(),
  ledger: z.array(
    z.object({
      entry: z.number().int(),
      amount: z.number().int(),
      at: z.string(),
      register: z.string(),
      sequence: z.number().int(),
      operator: z.string(),
    }),
  ),
});

export function returnRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  api.get(
    '/api/returns/causes',
    {
      schema: {
        tags,
        summary: 'Les causes de retour du magasin',
        querystring: noQuery,
        response: answers(z.array(z.object({ code: z.string(), label: z.string() }))),
      },
    },
    async () => returnCauses(ctx.db),
  );

  api.get(
    '/api/sales/:register/:number/returnable',
    {
      schema: {
        tags,
        summary: 'Ce qui reste à retourner de chaque ligne d’une vente',
        params: saleParams,
        querystring: noQuery,
        response: answers(
          z.array(
            z.object({
              line: z.number().int(),
              ref: z.string(),
              designation: z.string(),
              sold: z.number().int(),
              returnable: z.number().int(),
            }),
          ),
        ),
      },
    },
    async (request) => returnableOf(ctx.db, request.params.register, request.params.number),
  );

  api.post(
    '/api/sales/:register/:number/return',
    {
      schema: {
        tags,
        summary:
          'Retour d’articles d’une vente (droit requis) : un ticket de retour signé, un avoir éventuel',
        params: saleParams,
        body: z.strictObject({
          /** Lines by their 1-based number, quantities in thousandths. */
          lines: z
            .array(z.strictObject({ line: z.number().int().min(1), qty: z.number().int().min(1) }))
            .min(1)
            .max(1000),
          cause: z.string().trim().min(1).max(32),
          refund: z.enum(['cash', 'credit-note', 'original']),
          idempotencyKey: z
            .string()
            .min(8)
            .max(100)
            .regex(/^[A-Za-z0-9_.:-]+$/)
            .optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(
          z.object({
            record: journalRecordView,
            instrument: z.object({ number: z.string(), amount: z.number().int() }).nullable(),
          }),
        ),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { register, number } = request.params;
      const granted = await ctx.rights.require(
        session,
        'refund',
        request.body.authorization,
        request.ip,
        `retour ${register}/${number}`,
      );
      const done = await returnTicket(ctx.db, journal, {
        register,
        original: number,
        lines: request.body.lines,
        cause: request.body.cause,
        refund: request.body.refund,
        operator: granted.operator,
        ...(granted.authorizer === null ? {} : { authorizer: granted.authorizer }),
        ...(request.body.idempotencyKey === undefined ? {} : { idempotencyKey: request.body.idempotencyKey }),
      });
      return { record: view(done.record, true), instrument: done.instrument ?? null };
    },
  );

  api.get(
    '/api/instruments/:number',
    {
      schema: {
        tags,
        summary: 'Un bon numéroté : genre, solde, échéance et mouvements',
        params: z.strictObject({ number: z.string().min(1).max(40) }),
        querystring: noQuery,
        response: answers(instrumentView),
      },
    },
    async (request) => {
      const v = await instrumentByNumber(ctx.db, request.params.number);
      return { ...v, ledger: v.ledger.map(({ chain: _c, ...e }) => e) };
    },
  );
}
