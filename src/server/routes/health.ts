/** `GET /api/health`: database reachable, journal head, outbox backlog (for monitoring). */
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { errorSchema, noQuery } from '../schemas.ts';
import { VERSION } from '../version.ts';
import type { Api } from './kit.ts';

const healthView = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ ok: z.boolean(), engine: z.string(), error: z.string().optional() }),
  journal: z.unknown().nullable(),
  outbox: z.object({ backlog: z.number() }).nullable(),
  uptimeSeconds: z.number(),
});

export function healthRoutes(api: Api, ctx: AppContext): void {
  const started = Date.now();
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
