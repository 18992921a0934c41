/**
 * Customers created and updated at the register, with their consent flags (seeds 000 and 003). `PUT`
 * replaces the whole customer (a field left out takes its default); `PATCH` changes only the fields it
 * is given and keeps every other one (what the register and the back office send).
 */
import { z } from 'zod';
import { createCustomer, saveCustomer } from '../../store/customers.ts';
import { lookupCustomers } from '../../store/lookup.ts';
import type { CustomerInput } from '../../store/validation.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { type Api, answers } from './kit.ts';
import { customerView } from './lookups.ts';

/** The writable fields; the store checks them again (French messages, machine codes). */
const customerFields = {
  cardNumber: z.string().max(32).optional(),
  name: z.string().max(120),
  address1: z.string().max(120).optional(),
  address2: z.string().max(120).optional(),
  postalCode: z.string().max(10).optional(),
  city: z.string().max(80).optional(),
  country: z.string().max(2).optional(),
  email: z.string().max(200).optional(),
  phone: z.string().max(30).optional(),
  taxExempt: z.boolean().optional(),
  tariff: z.string().max(40).optional(),
  sellerCode: z.string().max(40).optional(),
  consentEmailReceipts: z.boolean().optional(),
  consentMailings: z.boolean().optional(),
  dematLetterSent: z.boolean().optional(),
  dematRefused: z.boolean().optional(),
};

/** PATCH: every field optional; `null` removes the card, the tariff or the seller. */
const customerChanges = {
  ...customerFields,
  name: customerFields.name.optional(),
  cardNumber: customerFields.cardNumber.unwrap().nullable().optional(),
  tariff: customerFields.tariff.unwrap().nullable().optional(),
  sellerCode: customerFields.sellerCode.unwrap().nullable().optional(),
};

async function readBack(ctx: AppContext, code: string) {
  const found = await lookupCustomers(ctx.db, code);
  const first = found.items.find((c) => c.code === code.toUpperCase());
  if (first === undefined) throw notFound('UNKNOWN_CUSTOMER', `Client introuvable : ${code}`);
  return first;
}

export function customerRoutes(api: Api, ctx: AppContext): void {
  const tags = ['clients'];
  api.post(
    '/api/customers',
    {
      schema: {
        tags,
        summary: 'Créer un client',
        body: z.strictObject({ code: z.string().max(40), ...customerFields }),
        response: answers(customerView),
      },
    },
    async (request) => {
      await createCustomer(ctx.db, request.body, ctx.clock());
      return readBack(ctx, request.body.code.trim());
    },
  );

  api.put(
    '/api/customers/:code',
    {
      schema: {
        tags,
        summary: 'Modifier un client (tous ses champs ; consentements compris)',
        params: z.strictObject({ code: z.string().min(1).max(40) }),
        body: z.strictObject(customerFields),
        response: answers(customerView),
      },
    },
    async (request) => {
      const code = request.params.code.trim().toUpperCase();
      await readBack(ctx, code);
      const existing = await ctx.db
        .selectFrom('customers')
        .select(['loyalty_points', 'visits'])
        .where('code', '=', code)
        .executeTakeFirstOrThrow();
      await saveCustomer(
        ctx.db,
        { ...request.body, code, loyaltyPoints: existing.loyalty_points, visits: existing.visits },
        ctx.clock(),
      );
      return readBack(ctx, code);
    },
  );

  api.patch(
    '/api/customers/:code',
    {
      schema: {
        tags,
        summary:
          'Modifier certains champs d’un client (les autres sont gardés ; null retire carte, tarif, vendeur)',
        params: z.strictObject({ code: z.string().min(1).max(40) }),
        body: z.strictObject(customerChanges),
        response: answers(customerView),
      },
    },
    async (request) => {
      const code = request.params.code.trim().toUpperCase();
      const row = await ctx.db
        .selectFrom('customers')
        .selectAll()
        .where('code', '=', code)
        .executeTakeFirst();
      if (row === undefined) throw notFound('UNKNOWN_CUSTOMER', `Client introuvable : ${code}`);
      const merged: Record<string, unknown> = {
        code,
        name: row.name,
        address1: row.address1,
        address2: row.address2,
        postalCode: row.postal_code,
        city: row.city,
        country: row.country,
        email: row.email,
        phone: row.phone,
        taxExempt: row.tax_exempt === 1,
        loyaltyPoints: row.loyalty_points,
        visits: row.visits,
        consentEmailReceipts: row.consent_email_receipts === 1,
        consentMailings: row.consent_mailings === 1,
        dematLetterSent: row.demat_letter_sent === 1,
        dematRefused: row.demat_refused === 1,
        ...(row.card_number === null ? {} : { cardNumber: row.card_number }),
        ...(row.tariff_code === null ? {} : { tariff: row.tariff_code }),
        ...(row.seller_code === null ? {} : { sellerCode: row.seller_code }),
      };
      for (const [field, value] of Object.entries(request.body)) {
        if (value === null) delete merged[field];
        else if (value !== undefined) merged[field] = value;
      }
      await saveCustomer(ctx.db, merged as CustomerInput, ctx.clock());
      return readBack(ctx, code);
    },
  );
}
