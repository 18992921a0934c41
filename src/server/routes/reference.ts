/**
 * The store's reference data from the back office (issue 12): statistical families (right
 * `manage_catalogue`), VAT rates and payment modes (right `manage_settings`; each new one journaled as
 * JET 1030 « Modification de paramètres » in the same transaction). A payment mode's order, rounding
 * and excess rule are then changed with the other settings (`PUT /api/settings`).
 */
import { z } from 'zod';
import { createFamily, createVatRate } from '../../store/catalogue.ts';
import type { JournalContext } from '../../store/journal/index.ts';
import { registerInfo } from '../../store/journal/register-data.ts';
import { createPaymentMode } from '../../store/setup.ts';
import {
  EXCESS_KINDS,
  familyInputSchema,
  parseInput,
  paymentModeInputSchema,
  vatRateInputSchema,
} from '../../store/validation.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { authorizationSchema, noQuery } from '../schemas.ts';
import { journaledWrite } from './journaled.ts';
import { type Api, answers } from './kit.ts';

const familyView = z
  .object({ level: z.number(), code: z.string(), label: z.string() })
  .meta({ id: 'Family' });
const vatRateView = z
  .object({
    code: z.string(),
    rate: z.number().describe('centièmes de pour cent (20 % = 2000)'),
    label: z.string(),
    active: z.boolean(),
  })
  .meta({ id: 'VatRate' });
const paymentModeCreated = z.object({
  code: z.string(),
  label: z.string(),
  excess: z.string(),
  roundingStep: z.number(),
  opensDrawer: z.boolean(),
  position: z.number(),
});

const EXCESS_LABELS: Readonly<Record<(typeof EXCESS_KINDS)[number], string>> = {
  refuse: 'pas de rendu',
  change: 'rendu de monnaie',
  creditNote: 'avoir',
};

export function referenceRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  const tags = ['paramètres'];

  const families = async () =>
    (await ctx.db.selectFrom('families').selectAll().orderBy('level').orderBy('code').execute()).map((f) => ({
      level: f.level,
      code: f.code,
      label: f.label,
    }));
  const vatRates = async () =>
    (await ctx.db.selectFrom('vat_rates').selectAll().orderBy('rate', 'desc').execute()).map((v) => ({
      code: v.code,
      rate: v.rate,
      label: v.label,
      active: v.active === 1,
    }));

  api.get(
    '/api/families',
    {
      schema: {
        tags,
        summary: 'Les familles statistiques (niveau 1 et 2)',
        querystring: noQuery,
        response: answers(z.object({ items: z.array(familyView) })),
      },
    },
    async (request) => {
      sessionOf(request);
      return { items: await families() };
    },
  );

  api.post(
    '/api/families',
    {
      schema: {
        tags,
        summary: 'Créer une famille statistique (droit catalogue)',
        body: z.strictObject({
          level: z.union([z.literal(1), z.literal(2)]),
          code: z.string().max(40),
          label: z.string().max(80),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(familyView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { authorization, ...fields } = request.body;
      const family = parseInput(familyInputSchema, fields);
      await ctx.rights.require(
        session,
        'manage_catalogue',
        authorization,
        request.ip,
        `famille ${family.code}`,
      );
      await createFamily(ctx.db, family);
      return family;
    },
  );

  api.get(
    '/api/vat-rates',
    {
      schema: {
        tags,
        summary: 'Les taux de TVA',
        querystring: noQuery,
        response: answers(z.object({ items: z.array(vatRateView) })),
      },
    },
    async (request) => {
      sessionOf(request);
      return { items: await vatRates() };
    },
  );

  api.post(
    '/api/vat-rates',
    {
      schema: {
        tags,
        summary: 'Créer un taux de TVA (droit paramètres ; JET 1030)',
        body: z.strictObject({
          code: z.string().max(40),
          rate: z.number().int().min(0).max(10000).describe('centièmes de pour cent (20 % = 2000)'),
          label: z.string().max(40),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(vatRateView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { authorization, ...fields } = request.body;
      const rate = parseInput(vatRateInputSchema, fields);
      const granted = await ctx.rights.require(
        session,
        'manage_settings',
        authorization,
        request.ip,
        `taux de TVA ${rate.code}`,
      );
      await journaledWrite(ctx.db, journal, session.register, (trx) => createVatRate(trx, rate), {
        name: 'SETTINGS_CHANGE',
        data: `paramètres modifiés : taux de TVA ${rate.code} créé : ${(rate.rate / 100).toLocaleString('fr-FR')} % « ${rate.label} »`,
        operator: granted.authorizer ?? granted.operator,
      });
      return { ...rate, active: true };
    },
  );

  api.post(
    '/api/payment-modes',
    {
      schema: {
        tags,
        summary:
          'Créer un mode de règlement pour tout le magasin : libellé, règle de rendu, arrondi, tiroir, rang (droit paramètres ; JET 1030)',
        body: z.strictObject({
          code: z.string().max(40),
          label: z.string().max(60),
          excess: z.enum(EXCESS_KINDS),
          roundingStep: z.number().int().min(0).max(100_000).optional(),
          opensDrawer: z.boolean().optional(),
          position: z.number().int().min(0).max(9999).optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(paymentModeCreated),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { authorization, ...fields } = request.body;
      const mode = parseInput(paymentModeInputSchema, fields);
      const info = await registerInfo(ctx.db, session.register);
      const store = await ctx.db
        .selectFrom('stores')
        .select('code')
        .where('id', '=', info.storeId)
        .executeTakeFirstOrThrow();
      const granted = await ctx.rights.require(
        session,
        'manage_settings',
        authorization,
        request.ip,
        `mode de règlement ${mode.code}`,
      );
      await journaledWrite(
        ctx.db,
        journal,
        session.register,
        (trx) => createPaymentMode(trx, store.code, mode),
        {
          name: 'SETTINGS_CHANGE',
          data: `paramètres modifiés : mode de règlement ${mode.code} créé : « ${mode.label} », ${EXCESS_LABELS[mode.excess]}, arrondi ${mode.roundingStep}, rang ${mode.position}`,
          operator: granted.authorizer ?? granted.operator,
        },
      );
      // The tickets in progress offer the new mode from now on.
      ctx.tickets.forgetRegisters();
      return {
        code: mode.code,
        label: mode.label,
        excess: mode.excess,
        roundingStep: mode.roundingStep,
        opensDrawer: mode.opensDrawer,
        position: mode.position,
      };
    },
  );
}
