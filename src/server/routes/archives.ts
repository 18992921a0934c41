/**
 * The signed archive of a closed period as a download (checklist section H), exactly as
 * `comptoir archive export` makes it (`exportArchive`: built, verified before it is archived, then an
 * ARCHIVE record and a JET 20 or 30 event carrying its SHA-256). Right `export_archive`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parsePeriod } from '../../fiscal/archive.ts';
import { exportArchive } from '../../store/archive-export.ts';
import type { JournalContext } from '../../store/journal/index.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { authorizationOfQuery, errorSchema, queryAuthorization } from '../schemas.ts';
import type { Api } from './kit.ts';

export function archiveRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  api.get(
    '/api/archives/:period',
    {
      schema: {
        tags: ['archives'],
        summary:
          'Archive fiscale signée d’une période clôturée (2026-11 ou 2026), en téléchargement ; journalisée (droit export des archives)',
        params: z.strictObject({ period: z.string().min(1).max(20) }),
        querystring: z.strictObject({
          register: z.coerce
            .number()
            .int()
            .min(1)
            .max(9999)
            .optional()
            .describe('Caisse (défaut : celle de la session)'),
          ...queryAuthorization,
        }),
        response: {
          200: z.any().describe('application/zip : l’archive signée'),
          '4xx': errorSchema,
          '5xx': errorSchema,
        },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const { period } = request.params;
      const register = request.query.register ?? session.register;
      const label = parsePeriod(period).label; // BAD_PERIOD before anything is asked or written
      const granted = await ctx.rights.require(
        session,
        'export_archive',
        authorizationOfQuery(request.query),
        request.ip,
        `archive ${label} de la caisse ${register}`,
      );
      const dir = mkdtempSync(join(tmpdir(), 'comptoir-archive-'));
      try {
        const out = join(dir, 'archive.zip');
        const exported = await exportArchive(ctx.db, journal, {
          register,
          period: label,
          out,
          operator: granted.authorizer ?? granted.operator,
        });
        const bytes = readFileSync(out);
        return reply
          .type('application/zip')
          .header('content-disposition', `attachment; filename="archive-caisse-${register}-${label}.zip"`)
          .header('x-archive-sha256', exported.sha256)
          .send(bytes);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}
