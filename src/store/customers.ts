/** Customer writes: validated, in one transaction, refused whole. */

import { assertTariffExists, type Db, flag, type WriteMode } from './catalogue.ts';
import { searchForm } from './codes.ts';
import { StoreError } from './errors.ts';
import { inTransaction } from './transaction.ts';
import { type CustomerData, type CustomerInput, customerInputSchema, parseInput } from './validation.ts';

/** The counter customer every sale falls back to (seed 002: sales are refused without it). */
export const COUNTER_CUSTOMER = 'DIVERS';

/** Checks the references of one parsed customer and writes it; must run inside a transaction. */
export async function writeCustomer(
  trx: Db,
  data: CustomerData,
  now: Date,
  mode: WriteMode,
): Promise<number> {
  const existing = await trx
    .selectFrom('customers')
    .select(['id', 'anonymised_at'])
    .where('code', '=', data.code)
    .executeTakeFirst();
  if (existing !== undefined && mode === 'create') {
    throw new StoreError('DUPLICATE_CODE', `Le client ${data.code} existe déjà`, 'code');
  }
  if (existing !== undefined && existing.anonymised_at !== null) {
    throw new StoreError(
      'ALREADY_ANONYMISED',
      `Le client ${data.code} a été anonymisé (RGPD) : sa fiche ne reçoit plus de données personnelles ; créez un nouveau client`,
      'code',
    );
  }
  if (data.cardNumber !== undefined) {
    const holder = await trx
      .selectFrom('customers')
      .select('code')
      .where('card_number', '=', data.cardNumber)
      .where('code', '!=', data.code)
      .executeTakeFirst();
    if (holder !== undefined) {
      throw new StoreError(
        'DUPLICATE_CARD',
        `La carte ${data.cardNumber} appartient déjà au client ${holder.code}`,
        'cardNumber',
      );
    }
  }
  if (data.tariff !== undefined) await assertTariffExists(trx, data.tariff, 'tariff');
  if (data.sellerCode !== undefined) {
    const s = await trx
      .selectFrom('users')
      .select('code')
      .where('seller_code', '=', data.sellerCode)
      .executeTakeFirst();
    if (s === undefined)
      throw new StoreError('UNKNOWN_SELLER', `Vendeur inconnu : ${data.sellerCode}`, 'sellerCode');
  }
  const stamp = now.toISOString();
  const columns = {
    card_number: data.cardNumber ?? null,
    name: data.name,
    name_search: searchForm(data.name),
    address1: data.address1,
    address2: data.address2,
    postal_code: data.postalCode,
    city: data.city,
    country: data.country,
    email: data.email,
    phone: data.phone,
    tax_exempt: flag(data.taxExempt),
    tariff_code: data.tariff ?? null,
    seller_code: data.sellerCode ?? null,
    loyalty_points: data.loyaltyPoints,
    visits: data.visits,
    consent_email_receipts: flag(data.consentEmailReceipts),
    consent_mailings: flag(data.consentMailings),
    demat_letter_sent: flag(data.dematLetterSent),
    demat_refused: flag(data.dematRefused),
    updated_at: stamp,
  };
  if (existing !== undefined) {
    await trx.updateTable('customers').set(columns).where('id', '=', existing.id).execute();
    return existing.id;
  }
  const row = await trx
    .insertInto('customers')
    .values({ code: data.code, ...columns, created_at: stamp })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function createCustomer(db: Db, input: CustomerInput, now: Date): Promise<number> {
  const data = parseInput(customerInputSchema, input);
  return inTransaction(db, (trx) => writeCustomer(trx, data, now, 'create'));
}

export async function saveCustomer(db: Db, input: CustomerInput, now: Date): Promise<number> {
  const data = parseInput(customerInputSchema, input);
  return inTransaction(db, (trx) => writeCustomer(trx, data, now, 'upsert'));
}
