/**
 * The registers of the store from the back office (issue 12): the list with each one's key in force,
 * and a new register. A new register gets its signing key pair in `<data>/keys/<n>/` the way `comptoir
 * init` makes the first one (`ensureRegisterKeys`), then its row and its first records in one
 * transaction of its own journal: JET 260 (its key) and JET 126 « Ajout d'un poste », signed by the new
 * key. Right `manage_settings`. Its options, receipts and shortcuts are then set like any register's.
 */
import { z } from 'zod';
import { withRegister } from '../../store/journal/core.ts';
import type { JournalContext } from '../../store/journal/index.ts';
import { ensureRegisterKeys, listPublicKeys, loadRegisterKey } from '../../store/journal/keys.ts';
import { jetDraft } from '../../store/journal/operations.ts';
import { registerInfo } from '../../store/journal/register-data.ts';
import { createRegister } from '../../store/setup.ts';
import { parseInput, registerInputSchema } from '../../store/validation.ts';
import { registerView } from '../admin-schema.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError } from '../errors.ts';
import { authorizationSchema, noQuery } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

export function registerRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  const tags = ['caisse'];

  const keyOf = (number: number): string | null =>
    listPublicKeys(journal.dataDir, String(number)).length === 0
      ? null
      : loadRegisterKey(journal.dataDir, String(number)).keyId;

  const list = async (storeId: number) => {
    const rows = await ctx.db
      .selectFrom('registers')
      .select(['number', 'name', 'depot_code'])
      .where('store_id', '=', storeId)
      .orderBy('number')
      .execute();
    return rows.map((r) => ({
      number: r.number,
      name: r.name,
      depotCode: r.depot_code,
      keyId: keyOf(r.number),
    }));
  };

  api.get(
    '/api/registers',
    {
      schema: {
        tags,
        summary: 'Les caisses du magasin de la session, avec leur clé de signature en vigueur',
        querystring: noQuery,
        response: answers(z.object({ items: z.array(registerView) })),
      },
    },
    async (request) => {
      const info = await registerInfo(ctx.db, sessionOf(request).register);
      return { items: await list(info.storeId) };
    },
  );

  api.post(
    '/api/registers',
    {
      schema: {
        tags,
        summary:
          'Ajouter une caisse avec sa clé de signature (droit paramètres ; JET 260 et 126 dans son journal)',
        body: z.strictObject({
          number: z.number().int().min(1).max(9999),
          name: z.string().max(80),
          depotCode: z.string().max(40).optional().describe('Absent : le dépôt de la caisse de la session'),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(registerView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const info = await registerInfo(ctx.db, session.register);
      const here = await ctx.db
        .selectFrom('registers')
        .innerJoin('stores', 'stores.id', 'registers.store_id')
        .select(['registers.depot_code', 'stores.code as store'])
        .where('registers.number', '=', session.register)
        .executeTakeFirstOrThrow();
      const { authorization, ...fields } = request.body;
      const input = parseInput(registerInputSchema, { depotCode: here.depot_code, ...fields });
      if (input.name === '') {
        throw new ApiError(
          400,
          'INVALID_INPUT',
          'Saisie invalide : le nom de la caisse est obligatoire',
          'name',
        );
      }
      const taken = await ctx.db
        .selectFrom('registers')
        .select('id')
        .where('number', '=', input.number)
        .executeTakeFirst();
      if (taken !== undefined) {
        throw new ApiError(409, 'DUPLICATE_CODE', `La caisse ${input.number} existe déjà`, 'number');
      }
      const granted = await ctx.rights.require(
        session,
        'manage_settings',
        authorization,
        request.ip,
        `ajout de la caisse ${input.number}`,
      );
      // The key first, outside the database it protects (as `comptoir init` does): were the
      // transaction refused, the key would wait, unused, for the register of that number.
      const key = ensureRegisterKeys(journal.dataDir, input.number);
      const now = ctx.clock();
      await withRegister(ctx.db, journal, String(input.number), info.currency, async (batch) => {
        await createRegister(batch.trx, here.store, input, now);
        await jetDraft(
          batch,
          'WORKSTATION_ADDED',
          `caisse ${input.number} « ${input.name} », dépôt ${input.depotCode}, clé ${key.keyId}`,
          granted.authorizer ?? granted.operator,
        );
      });
      ctx.tickets.forgetRegisters();
      return { number: input.number, name: input.name, depotCode: input.depotCode, keyId: key.keyId };
    },
  );
}
