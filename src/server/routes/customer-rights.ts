/**
 * The customer's rights (GDPR): the export of everything the store keeps about one customer (art. 15
 * and 20) and the erasure of their personal fields (art. 17), each with the right `customer_data` (a
 * manager's code on the spot otherwise) and journaled (JET 1051, JET 1220). What the signed journal
 * holds stays, under the legal obligation to keep it (docs/nf525.md, « The customer's rights »).
 */
import { z } from 'zod';
import { anonymiseCustomer, exportCustomerData } from '../../store/customer-rights.ts';
import type { JournalContext } from '../../store/journal/index.ts';
import { type AppContext, sessionOf } from '../context.ts';
import { authorizationOfQuery, authorizationSchema, queryAuthorization } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

const codeParams = z.strictObject({ code: z.string().trim().min(1).max(40) });

const anonymisationView = z.object({
  code: z.string(),
  anonymisedAt: z.string(),
  erased: z.array(z.string()),
  kept: z.array(z.object({ field: z.string(), reason: z.string() })),
  mailsErased: z.number().int(),
  salesKept: z.number().int(),
});

export function customerRightsRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  const tags = ['clients'];
  api.get(
    '/api/customers/:code/export',
    {
      schema: {
        tags,
        summary: 'Exporter les données personnelles d’un client (RGPD art. 15 et 20 ; droit données clients)',
        params: codeParams,
        querystring: z.strictObject(queryAuthorization),
        response: answers(z.record(z.string(), z.unknown())),
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const code = request.params.code.toUpperCase();
      const granted = await ctx.rights.require(
        session,
        'customer_data',
        authorizationOfQuery(request.query),
        request.ip,
        `export des données du client ${code}`,
      );
      const exported = await exportCustomerData(ctx.db, journal, {
        code,
        register: session.register,
        operator: granted.authorizer ?? granted.operator,
      });
      void reply.header(
        'content-disposition',
        `attachment; filename="client-${exported.customer.code}.json"`,
      );
      return exported as unknown as Record<string, unknown>;
    },
  );

  api.post(
    '/api/customers/:code/anonymise',
    {
      schema: {
        tags,
        summary: 'Anonymiser un client (RGPD art. 17 ; droit données clients) ; le journal signé est gardé',
        params: codeParams,
        body: z.strictObject({ authorization: authorizationSchema.optional() }).nullish(),
        response: answers(anonymisationView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const code = request.params.code.toUpperCase();
      const granted = await ctx.rights.require(
        session,
        'customer_data',
        request.body?.authorization,
        request.ip,
        `anonymisation du client ${code}`,
      );
      const result = await anonymiseCustomer(ctx.db, journal, {
        code,
        register: session.register,
        operator: granted.authorizer ?? granted.operator,
      });
      return { ...result, erased: [...result.erased], kept: [...result.kept] };
    },
  );
}
