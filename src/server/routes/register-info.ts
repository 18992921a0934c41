/**
 * `GET /api/register`: what the register screen needs to draw itself (seed 001): the register, its
 * store, its defaults, its discount limits, its payment modes in their order, for the buttons, and
 * its receipt settings (ask before printing, offer e-mail).
 */
import { readRegisterSettings } from '../../store/setup.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError } from '../errors.ts';
import { registerInfoView } from '../register-schema.ts';
import { noQuery } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

export function registerInfoRoutes(api: Api, ctx: AppContext): void {
  api.get(
    '/api/register',
    {
      schema: {
        tags: ['caisse'],
        summary: 'La caisse de la session : magasin, valeurs par défaut, limites, modes de règlement',
        querystring: noQuery,
        response: answers(registerInfoView),
      },
    },
    async (request) => {
      const number = sessionOf(request).register;
      const row = await ctx.db
        .selectFrom('registers')
        .innerJoin('stores', 'stores.id', 'registers.store_id')
        .select([
          'registers.id',
          'registers.name',
          'registers.store_id',
          'registers.default_customer_code',
          'registers.default_seller_code',
          'registers.settings',
          'stores.name as store_name',
          'stores.currency',
        ])
        .where('registers.number', '=', number)
        .executeTakeFirst();
      if (row === undefined) throw new ApiError(404, 'UNKNOWN_REGISTER', `Caisse inconnue : ${number}`);
      const settings = readRegisterSettings(row.settings);
      const modes = await ctx.db
        .selectFrom('payment_modes')
        .select(['code', 'label', 'excess', 'rounding_step', 'opens_drawer', 'register_id'])
        .where('store_id', '=', row.store_id)
        .where('active', '=', 1)
        .where((eb) => eb.or([eb('register_id', 'is', null), eb('register_id', '=', row.id)]))
        .orderBy('position')
        .execute();
      const byCode = new Map<string, (typeof modes)[number]>();
      for (const mode of modes) {
        if (byCode.has(mode.code) && mode.register_id === null) continue;
        byCode.set(mode.code, mode);
      }
      return {
        number,
        name: row.name,
        storeName: row.store_name,
        currency: row.currency,
        defaultCustomer: row.default_customer_code,
        defaultSeller: row.default_seller_code,
        sellerMandatory: settings.sellerMandatory,
        discountLimitPercent: settings.discountLimitPercent ?? null,
        discountLimitAmount: settings.discountLimitAmount ?? null,
        paymentModes: [...byCode.values()].map((m) => ({
          code: m.code,
          label: m.label,
          excess: m.excess,
          roundingStep: m.rounding_step,
          opensDrawer: m.opens_drawer === 1,
        })),
        receipt: {
          askBeforePrinting: settings.receipt.askBeforePrinting,
          offerEmail: settings.receipt.offerEmail,
        },
      };
    },
  );
}
