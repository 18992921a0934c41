/**
 * Stock (issue 16 item 1): an article's quantity per store and depot with its last movements, the
 * stock documents (ME-, ME+, receptions, counts, counts imported from a CSV) and the valuation.
 * Reading an article's stock needs a session; every document and the valuation need the right
 * `manage_stock` (a manager's code on the spot otherwise). The store checks each document whole and
 * refuses in French, writing nothing.
 */
import { z } from 'zod';
import { stockOf } from '../../store/stock.ts';
import {
  createStockDocument,
  DOCUMENT_KINDS,
  getStockDocument,
  importCountCsv,
  listStockDocuments,
  receiveTransfer,
  type StockDocumentInput,
  stockValuation,
  validateStockDocument,
} from '../../store/stock-documents.ts';
import { type AppContext, sessionOf } from '../context.ts';
import { authorizationOfQuery, authorizationSchema, queryAuthorization } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

const anything = z.record(z.string(), z.unknown());
const numberParams = z.strictObject({ number: z.string().trim().min(1).max(20) });
const withAuthorization = z.strictObject({ authorization: authorizationSchema.optional() }).nullish();

export function stockRoutes(api: Api, ctx: AppContext): void {
  const tags = ['stock'];
  const operatorOf = async (
    request: Parameters<typeof sessionOf>[0] & { ip: string },
    authorization: z.infer<typeof authorizationSchema> | undefined,
    subject: string,
  ) => {
    const granted = await ctx.rights.require(
      sessionOf(request),
      'manage_stock',
      authorization,
      request.ip,
      subject,
    );
    return granted.authorizer ?? granted.operator;
  };

  api.get(
    '/api/stock/:ref',
    {
      schema: {
        tags,
        summary: 'Quantité d’un article par magasin et dépôt, et ses derniers mouvements',
        params: z.strictObject({ ref: z.string().trim().min(1).max(40) }),
        querystring: z.strictObject({ limit: z.coerce.number().int().min(0).max(1000).default(20) }),
        response: answers(anything),
      },
    },
    async (request) => {
      sessionOf(request);
      return (await stockOf(ctx.db, request.params.ref, request.query.limit)) as unknown as Record<
        string,
        unknown
      >;
    },
  );

  api.get(
    '/api/stock-documents',
    {
      schema: {
        tags,
        summary: 'Les documents de stock, les plus récents d’abord (droit gestion du stock)',
        querystring: z.strictObject({
          kind: z.enum(DOCUMENT_KINDS).optional(),
          status: z.enum(['draft', 'validated']).optional(),
          ...queryAuthorization,
        }),
        response: answers(z.object({ documents: z.array(anything) })),
      },
    },
    async (request) => {
      await operatorOf(request, authorizationOfQuery(request.query), 'liste des documents de stock');
      const { kind, status } = request.query;
      const documents = await listStockDocuments(ctx.db, {
        ...(kind === undefined ? {} : { kind }),
        ...(status === undefined ? {} : { status }),
      });
      return { documents: documents as unknown as Record<string, unknown>[] };
    },
  );

  api.get(
    '/api/stock-documents/:number',
    {
      schema: {
        tags,
        summary: 'Un document de stock (droit gestion du stock)',
        params: numberParams,
        querystring: z.strictObject(queryAuthorization),
        response: answers(anything),
      },
    },
    async (request) => {
      await operatorOf(request, authorizationOfQuery(request.query), `document ${request.params.number}`);
      return (await getStockDocument(ctx.db, request.params.number)) as unknown as Record<string, unknown>;
    },
  );

  api.post(
    '/api/stock-documents',
    {
      schema: {
        tags,
        summary:
          'Écrire un document de stock brouillon : ME-, réception ou inventaire (droit gestion du stock)',
        body: z.object({ document: anything, authorization: authorizationSchema.optional() }),
        response: answers(anything),
      },
    },
    async (request) => {
      const operator = await operatorOf(request, request.body.authorization, 'document de stock');
      const view = await createStockDocument(
        ctx.db,
        request.body.document as unknown as StockDocumentInput,
        operator,
        ctx.clock(),
      );
      return view as unknown as Record<string, unknown>;
    },
  );

  api.post(
    '/api/stock-documents/import-counts',
    {
      schema: {
        tags,
        summary: 'Inventaire brouillon depuis un CSV « ref;quantity » (droit gestion du stock)',
        body: z.strictObject({
          depot: z.string().trim().min(1).max(40),
          csv: z.string().max(5_000_000),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(anything),
      },
    },
    async (request) => {
      const operator = await operatorOf(request, request.body.authorization, 'import d’inventaire');
      const view = await importCountCsv(ctx.db, request.body.csv, request.body.depot, operator, ctx.clock());
      return view as unknown as Record<string, unknown>;
    },
  );

  api.post(
    '/api/stock-documents/:number/validate',
    {
      schema: {
        tags,
        summary:
          'Valider un document de stock brouillon : ses mouvements sont écrits (droit gestion du stock)',
        params: numberParams,
        body: withAuthorization,
        response: answers(anything),
      },
    },
    async (request) => {
      const { number } = request.params;
      const operator = await operatorOf(request, request.body?.authorization, `validation de ${number}`);
      const view = await validateStockDocument(ctx.db, number, operator, ctx.clock());
      return view as unknown as Record<string, unknown>;
    },
  );

  api.post(
    '/api/stock-documents/:number/receive',
    {
      schema: {
        tags,
        summary:
          'Recevoir un ME- validé dans son dépôt de destination (ME+), une seule fois (droit gestion du stock)',
        params: numberParams,
        body: withAuthorization,
        response: answers(anything),
      },
    },
    async (request) => {
      const { number } = request.params;
      const operator = await operatorOf(request, request.body?.authorization, `réception de ${number}`);
      const view = await receiveTransfer(ctx.db, number, operator, ctx.clock());
      return view as unknown as Record<string, unknown>;
    },
  );

  api.get(
    '/api/stock-valuation',
    {
      schema: {
        tags,
        summary: 'Valorisation du stock au coût moyen pondéré des réceptions (droit gestion du stock)',
        querystring: z.strictObject({
          depot: z.string().trim().min(1).max(40).optional(),
          ...queryAuthorization,
        }),
        response: answers(anything),
      },
    },
    async (request) => {
      await operatorOf(request, authorizationOfQuery(request.query), 'valorisation du stock');
      return (await stockValuation(ctx.db, request.query.depot)) as unknown as Record<string, unknown>;
    },
  );
}
