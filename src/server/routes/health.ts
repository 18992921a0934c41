/**
 * `GET /api/health`: database reachable, journal head, outbox backlog (for monitoring).
 * `GET /api/info`: the software's identity for the info screen (checklist items 51 and 53).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { errorSchema, noQuery } from '../schemas.ts';
import { softwareIdentity, VERSION } from '../version.ts';
import type { Api } from './kit.ts';

const healthView = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ ok: z.boolean(), engine: z.string(), error: z.string().optional() }),
  journal: z.unknown().nullable(),
  outbox: z.object({ backlog: z.number() }).nullable(),
  uptimeSeconds: z.number(),
});

export const identityView = z.object({
  product: z.string(),
  version: z.string(),
  fiscalVersion: z.number(),
  licence: z.string(),
  category: z.string(),
  certification: z.string(),
  certificationText: z.string(),
  digest: z.string(),
  files: z.number(),
  integrity: z.enum(['intact', 'modified', 'no-manifest', 'bad-manifest']),
  report: z
    .object({
      changed: z.array(z.string()),
      missing: z.array(z.string()),
      added: z.array(z.string()),
      expectedDigest: z.string(),
    })
    .optional(),
  manifestVersion: z.string().optional(),
  manifestProblem: z.string().optional(),
  signature: z.enum(['valid', 'invalid', 'unsigned', 'no-key']),
});

export function healthRoutes(api: Api, ctx: AppContext): void {
  const started = Date.now();
  api.get(
    '/api/info',
    {
      config: { public: true },
      schema: {
        tags: ['monitoring'],
        summary:
          'Identité du logiciel : version, licence, certification, empreinte et intégrité des fichiers',
        querystring: noQuery,
        response: { 200: identityView, '4xx': errorSchema },
      },
    },
    async () => {
      const { report, ...identity } = softwareIdentity();
      return {
        ...identity,
        ...(report === undefined
          ? {}
          : {
              report: {
                changed: [...report.changed],
                missing: [...report.missing],
                added: [...report.added],
                expectedDigest: report.expectedDigest,
              },
            }),
      };
    },
  );
  api.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['monitoring'],
        summary: 'État du serveur',
        querystring: noQuery,
        response: { 200: healthView, 503: healthView, '4xx': errorSchema },
      },
    },
    async (_request, reply) => {
      let database: z.output<typeof healthView>['database'] = { ok: true, engine: ctx.engine };
      try {
        await sql`select 1`.execute(ctx.db);
      } catch (error) {
        database = { ok: false, engine: ctx.engine, error: String(error) };
      }
      const journal =
        database.ok && ctx.probes.journalHead !== undefined ? await ctx.probes.journalHead(ctx.db) : null;
      const backlog =
        database.ok && ctx.probes.outboxBacklog !== undefined ? await ctx.probes.outboxBacklog(ctx.db) : null;
      if (!database.ok) void reply.code(503);
      return {
        status: database.ok ? ('ok' as const) : ('degraded' as const),
        version: VERSION,
        database,
        journal,
        outbox: backlog === null ? null : { backlog },
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
      };
    },
  );
}
