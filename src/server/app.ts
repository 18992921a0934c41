/**
 * The HTTP API (issue 7): Fastify with zod schemas on every route (input refused when it has unknown
 * fields, wrong types or out-of-range numbers), the OpenAPI document generated from the same schemas
 * at `/api/openapi.json`, bearer-token sessions, and every refusal as `{ code, message }` in French.
 *
 * Why fastify-type-provider-zod with @fastify/swagger rather than calling `z.toJSONSchema` by hand:
 * it is maintained for Fastify 5 and zod 4 (it calls `z.toJSONSchema` itself), it types the handlers
 * from the schemas, serializes answers through them, and feeds the same schemas to the OpenAPI
 * generator, so the document cannot drift from what the routes accept. Validation uses our own small
 * compiler (zod's `safeParse` with the French locale) so that messages are French.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { JournalContext } from '../store/journal/index.ts';
import type { ServerConfig } from './config.ts';
import type { AppContext, HealthProbes } from './context.ts';
import { ApiError, fromFrameworkError, toApiError } from './errors.ts';
import { fromJournalError } from './journal-adapters.ts';
import type { Books, Db, EventJournal, HeldTickets, ReceiptDelivery } from './ports.ts';
import { Rights } from './rights.ts';
import { archiveRoutes } from './routes/archives.ts';
import { articleRoutes } from './routes/articles.ts';
import { cardRoutes } from './routes/card.ts';
import { customerRightsRoutes } from './routes/customer-rights.ts';
import { customerRoutes } from './routes/customers.ts';
import { documentRoutes } from './routes/documents.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/imports.ts';
import { lookupRoutes } from './routes/lookups.ts';
import { mailRoutes } from './routes/mail.ts';
import { printingRoutes } from './routes/printing.ts';
import { referenceRoutes } from './routes/reference.ts';
import { registerInfoRoutes } from './routes/register-info.ts';
import { registerRoutes } from './routes/registers.ts';
import { returnRoutes } from './routes/returns.ts';
import { salesRoutes } from './routes/sales.ts';
import { sessionRoutes } from './routes/session.ts';
import { settingsRoutes } from './routes/settings.ts';
import { shortcutRoutes } from './routes/shortcuts.ts';
import { stockRoutes } from './routes/stock.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { tillRoutes } from './routes/till.ts';
import { userRoutes } from './routes/users.ts';
import { verificationRoutes } from './routes/verification.ts';
import { type Session, SessionService } from './sessions.ts';
import { staticRoutes } from './static.ts';
import { TicketService } from './ticket-service.ts';
import { defaultMessages, issueSentence, issueText } from './validation-text.ts';
import { VERSION } from './version.ts';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
  interface FastifyContextConfig {
    /** No session needed (health, OpenAPI, login). */
    public?: boolean;
  }
}

export type App = FastifyInstance;

export interface AppDependencies {
  readonly db: Db;
  readonly engine: string;
  readonly config: ServerConfig;
  readonly books: Books;
  readonly events: EventJournal;
  readonly held: HeldTickets;
  readonly receipts: ReceiptDelivery;
  readonly probes?: HealthProbes;
  /** The fiscal journal's context: sales, cancellations, reprints and closures routes. */
  readonly journal?: JournalContext;
  readonly clock?: () => Date;
  /** Log requests (pino), one line per answered request; off in tests. */
  readonly logger?: boolean;
  /** Where the log's JSON lines go (default: standard output). */
  readonly logStream?: { write(line: string): void };
  /** The built front end to serve beside the API (web/dist). */
  readonly webDir?: string;
}

interface IssueCarrier extends Error {
  issues?: readonly z.core.$ZodIssue[];
}

function validationError(error: FastifyError & IssueCarrier & { validationContext?: string }): ApiError {
  const issue = error.issues?.[0];
  const where = error.validationContext ?? 'body';
  const path = issue?.path.map(String).join('.') ?? '';
  const field = path === '' ? where : path;
  const message =
    issue === undefined ? 'Saisie invalide' : `Saisie invalide : ${issueSentence(issue, where)}`;
  return new ApiError(400, 'INVALID_INPUT', message, field, {
    issues: (error.issues ?? [])
      .slice(0, 5)
      .map((i) => ({ path: i.path.map(String), message: issueSentence(i, where) })),
  });
}

export async function buildApp(deps: AppDependencies): Promise<{ app: App; context: AppContext }> {
  const clock = deps.clock ?? (() => new Date());
  const { config, db } = deps;
  const sessions = new SessionService(
    db,
    deps.events,
    {
      sessionMs: config.sessionHours * 3_600_000,
      maxAttempts: config.pinMaxAttempts,
      windowMs: config.pinWindowSeconds * 1000,
      lockMs: config.pinLockSeconds * 1000,
    },
    clock,
  );
  const context: AppContext = {
    db,
    engine: deps.engine,
    config,
    clock,
    sessions,
    rights: new Rights(db, sessions, deps.events, clock),
    tickets: new TicketService(db, deps.books, deps.events, deps.held, clock),
    books: deps.books,
    events: deps.events,
    receipts: deps.receipts,
    probes: deps.probes ?? {},
  };

  const app = Fastify({
    logger:
      deps.logger === true
        ? { level: config.logLevel, ...(deps.logStream === undefined ? {} : { stream: deps.logStream }) }
        : false,
    // One line per request (the onResponse hook below), not fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });

  app.setValidatorCompiler(({ schema }) => (data: unknown) => {
    const result = (schema as z.ZodType).safeParse(data, { error: defaultMessages, reportInput: true });
    if (result.success) return { value: result.data };
    const first = result.error.issues[0];
    const error: IssueCarrier = new Error(first === undefined ? 'Saisie invalide' : issueText(first));
    error.issues = result.error.issues;
    return { error };
  });
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError & IssueCarrier, request, reply) => {
    let api = toApiError(error) ?? fromJournalError(error);
    if (api === undefined && (error.code === 'FST_ERR_VALIDATION' || error.validation !== undefined)) {
      api = validationError(error);
    }
    if (
      api === undefined &&
      error.statusCode !== undefined &&
      error.statusCode >= 400 &&
      error.statusCode < 500
    ) {
      api = fromFrameworkError(error);
    }
    if (api === undefined) {
      request.log.error({ err: error }, 'erreur interne');
      if (deps.logger !== true) process.stderr.write(`Erreur interne : ${error.stack ?? String(error)}\n`);
      api = new ApiError(500, 'INTERNAL_ERROR', 'Erreur interne du serveur');
    }
    if (api.status === 429 && typeof api.details === 'object' && api.details !== null) {
      const retry = (api.details as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retry !== undefined) void reply.header('retry-after', String(retry));
    }
    return reply.code(api.status).send(api.body());
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(new ApiError(404, 'ROUTE_NOT_FOUND', `Route inconnue : ${request.method} ${request.url}`).body()),
  );

  if (deps.logger === true) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        { method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime },
        'requête',
      );
    });
  }

  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true || request.routeOptions.url === undefined) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]{10,100})$/.exec(header);
    if (match?.[1] === undefined) {
      throw new ApiError(
        401,
        'NOT_AUTHENTICATED',
        'Session absente : connectez-vous (en-tête Authorization)',
      );
    }
    request.session = await context.sessions.resolve(match[1]);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Comptoir',
        description: 'API du serveur de magasin Comptoir (caisse enregistreuse NF525)',
        version: VERSION,
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/openapi.json',
    { config: { public: true }, schema: { hide: true } },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
  healthRoutes(api, context);
  sessionRoutes(api, context);
  ticketRoutes(api, context);
  lookupRoutes(api, context);
  customerRoutes(api, context);
  articleRoutes(api, context);
  if (deps.journal !== undefined) {
    salesRoutes(api, context, deps.journal);
    mailRoutes(api, context, deps.journal);
    documentRoutes(api, context, deps.journal);
    verificationRoutes(api, context, deps.journal);
    archiveRoutes(api, context, deps.journal);
    settingsRoutes(api, context, deps.journal);
    importRoutes(api, context, deps.journal);
    customerRightsRoutes(api, context, deps.journal);
    userRoutes(api, context, deps.journal);
    registerRoutes(api, context, deps.journal);
    referenceRoutes(api, context, deps.journal);
    returnRoutes(api, context, deps.journal);
    tillRoutes(api, context, deps.journal);
  }
  registerInfoRoutes(api, context);
  shortcutRoutes(api, context);
  printingRoutes(api, context);
  cardRoutes(api, context);
  stockRoutes(api, context);
  if (deps.webDir !== undefined) staticRoutes(app, deps.webDir);

  app.addHook('onClose', async () => {
    await context.tickets.drain();
    await deps.receipts.stop();
  });
  await app.ready();
  return { app, context };
}
