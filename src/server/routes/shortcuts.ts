/**
 * The registers' article shortcuts (issue 12): `GET /api/register/shortcuts` for the register of the
 * session (its touch grid), `GET` and `PUT /api/registers/:number/shortcuts` for the back office's
 * editor. A change needs the right `manage_settings`, or a manager's code given on the spot.
 */
import { z } from 'zod';
import { checkShortcuts, readShortcuts, shortcutListSchema, writeShortcuts } from '../../store/shortcuts.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { authorizationSchema, noQuery } from '../schemas.ts';
import { shortcutListView } from '../shortcut-schema.ts';
import { type Api, answers } from './kit.ts';

const registerParams = z.strictObject({ number: z.coerce.number().int().min(1).max(9999) });

export function shortcutRoutes(api: Api, ctx: AppContext): void {
  const tags = ['caisse'];
  api.get(
    '/api/register/shortcuts',
    {
      schema: {
        tags,
        summary: 'Les raccourcis articles de la caisse de la session (la grille tactile)',
        querystring: noQuery,
        response: answers(shortcutListView),
      },
    },
    async (request) => {
      const register = sessionOf(request).register;
      return { register, items: await readShortcuts(ctx.db, register) };
    },
  );

  api.get(
    '/api/registers/:number/shortcuts',
    {
      schema: {
        tags,
        summary: 'Les raccourcis articles d’une caisse',
        params: registerParams,
        querystring: noQuery,
        response: answers(shortcutListView),
      },
    },
    async (request) => {
      sessionOf(request);
      const register = request.params.number;
      return { register, items: await readShortcuts(ctx.db, register) };
    },
  );

  api.put(
    '/api/registers/:number/shortcuts',
    {
      schema: {
        tags,
        summary: 'Remplacer les raccourcis articles d’une caisse (droit paramètres), dans leur ordre',
        params: registerParams,
        body: z.strictObject({
          shortcuts: shortcutListSchema,
          authorization: authorizationSchema.optional(),
        }),
        response: answers(shortcutListView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const register = request.params.number;
      const { shortcuts, authorization } = request.body;
      // Checked first (an unknown article is refused before any right is asked), then the right.
      const checked = await checkShortcuts(ctx.db, register, shortcuts);
      await ctx.rights.require(
        session,
        'manage_settings',
        authorization,
        request.ip,
        `raccourcis de la caisse ${register}`,
      );
      await writeShortcuts(ctx.db, checked);
      return { register, items: await readShortcuts(ctx.db, register) };
    },
  );
}
