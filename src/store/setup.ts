/** Store, depot, register, user and payment-mode writes: validated, one transaction each. */
import { type Db, flag } from './catalogue.ts';
import { StoreError } from './errors.ts';
import { hashPin } from './pin.ts';
import { inTransaction } from './transaction.ts';
import {
  codeSchema,
  DEFAULT_RIGHTS,
  type PaymentModeInput,
  parseInput,
  paymentModeInputSchema,
  type RegisterInput,
  type RegisterSettings,
  registerInputSchema,
  registerSettingsSchema,
  type StoreInput,
  storeInputSchema,
  type UserInput,
  userInputSchema,
} from './validation.ts';

export async function createStore(db: Db, input: StoreInput, now: Date): Promise<number> {
  const s = parseInput(storeInputSchema, input);
  const stamp = now.toISOString();
  return inTransaction(db, async (trx) => {
    const clash = await trx.selectFrom('stores').select('id').where('code', '=', s.code).executeTakeFirst();
    if (clash !== undefined)
      throw new StoreError('DUPLICATE_CODE', `Le magasin ${s.code} existe déjà`, 'code');
    const row = await trx
      .insertInto('stores')
      .values({
        code: s.code,
        name: s.name,
        sign: s.sign,
        address1: s.address1,
        address2: s.address2,
        postal_code: s.postalCode,
        city: s.city,
        country: s.country,
        siret: s.siret,
        naf: s.naf,
        vat_number: s.vatNumber,
        email: s.email,
        web: s.web,
        phone: s.phone,
        fax: s.fax,
        footer: s.footer,
        currency: s.currency,
        secondary_currency: s.secondaryCurrency ?? null,
        secondary_rate_micro: s.secondaryRateMicro ?? null,
        created_at: stamp,
        updated_at: stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

async function storeIdOf(db: Db, storeCode: string): Promise<number> {
  const row = await db.selectFrom('stores').select('id').where('code', '=', storeCode).executeTakeFirst();
  if (row === undefined) throw new StoreError('UNKNOWN_STORE', `Magasin inconnu : ${storeCode}`, 'store');
  return row.id;
}

export async function createDepot(db: Db, storeCode: string, code: string, name: string): Promise<void> {
  const depot = parseInput(codeSchema, code);
  await inTransaction(db, async (trx) => {
    const storeId = await storeIdOf(trx, storeCode);
    const clash = await trx.selectFrom('depots').select('code').where('code', '=', depot).executeTakeFirst();
    if (clash !== undefined) throw new StoreError('DUPLICATE_CODE', `Le dépôt ${depot} existe déjà`, 'code');
    await trx.insertInto('depots').values({ code: depot, store_id: storeId, name }).execute();
  });
}

export async function createRegister(
  db: Db,
  storeCode: string,
  input: RegisterInput,
  now: Date,
): Promise<number> {
  const r = parseInput(registerInputSchema, input);
  const stamp = now.toISOString();
  return inTransaction(db, async (trx) => {
    const storeId = await storeIdOf(trx, storeCode);
    const clash = await trx
      .selectFrom('registers')
      .select('id')
      .where('store_id', '=', storeId)
      .where('number', '=', r.number)
      .executeTakeFirst();
    if (clash !== undefined)
      throw new StoreError('DUPLICATE_CODE', `La caisse ${r.number} existe déjà`, 'number');
    const depot = await trx
      .selectFrom('depots')
      .select('code')
      .where('code', '=', r.depotCode)
      .where('store_id', '=', storeId)
      .executeTakeFirst();
    if (depot === undefined)
      throw new StoreError('UNKNOWN_DEPOT', `Dépôt inconnu : ${r.depotCode}`, 'depotCode');
    const row = await trx
      .insertInto('registers')
      .values({
        store_id: storeId,
        number: r.number,
        name: r.name,
        depot_code: r.depotCode,
        printer_kind: r.printerKind,
        default_seller_code: r.defaultSellerCode ?? null,
        default_customer_code: r.defaultCustomerCode,
        settings: JSON.stringify(r.settings),
        created_at: stamp,
        updated_at: stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

/** A register's settings, read back through the schema (defaults filled, bad JSON refused). */
export function readRegisterSettings(json: string): RegisterSettings {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new StoreError('INVALID_INPUT', 'Paramètres de caisse illisibles (JSON invalide)', 'settings');
  }
  return parseInput(registerSettingsSchema, value);
}

async function registerIdOf(db: Db, storeId: number | undefined, number: number): Promise<number> {
  let query = db.selectFrom('registers').select('id').where('number', '=', number);
  if (storeId !== undefined) query = query.where('store_id', '=', storeId);
  const row = await query.executeTakeFirst();
  if (row === undefined)
    throw new StoreError('INVALID_INPUT', `Caisse inconnue : ${number}`, 'registerNumber');
  return row.id;
}

/** `pinHash`: the PIN's hash when the caller made it already (several hashed side by side). */
export async function createUser(db: Db, input: UserInput, now: Date, pinHash?: string): Promise<number> {
  const u = parseInput(userInputSchema, input);
  const hash = pinHash ?? (await hashPin(u.pin));
  const stamp = now.toISOString();
  return inTransaction(db, async (trx) => {
    const clash = await trx.selectFrom('users').select('id').where('code', '=', u.code).executeTakeFirst();
    if (clash !== undefined)
      throw new StoreError('DUPLICATE_CODE', `L'utilisateur ${u.code} existe déjà`, 'code');
    const sellerCode = u.sellerCode ?? (u.role === 'seller' ? u.code : undefined);
    if (sellerCode !== undefined) {
      const taken = await trx
        .selectFrom('users')
        .select('code')
        .where('seller_code', '=', sellerCode)
        .executeTakeFirst();
      if (taken !== undefined) {
        throw new StoreError(
          'DUPLICATE_SELLER_CODE',
          `Le code vendeur ${sellerCode} appartient déjà à ${taken.code}`,
          'sellerCode',
        );
      }
    }
    const registerId =
      u.registerNumber === undefined ? null : await registerIdOf(trx, undefined, u.registerNumber);
    const row = await trx
      .insertInto('users')
      .values({
        code: u.code,
        name: u.name,
        role: u.role,
        rights: JSON.stringify(u.rights ?? DEFAULT_RIGHTS[u.role]),
        pin_hash: hash,
        seller_code: sellerCode ?? null,
        register_id: registerId,
        active: 1,
        created_at: stamp,
        updated_at: stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

export async function createPaymentMode(db: Db, storeCode: string, input: PaymentModeInput): Promise<number> {
  const m = parseInput(paymentModeInputSchema, input);
  return inTransaction(db, async (trx) => {
    const storeId = await storeIdOf(trx, storeCode);
    const registerId =
      m.registerNumber === undefined ? null : await registerIdOf(trx, storeId, m.registerNumber);
    let clash = trx
      .selectFrom('payment_modes')
      .select('id')
      .where('store_id', '=', storeId)
      .where('code', '=', m.code);
    clash =
      registerId === null
        ? clash.where('register_id', 'is', null)
        : clash.where('register_id', '=', registerId);
    if ((await clash.executeTakeFirst()) !== undefined) {
      throw new StoreError('DUPLICATE_CODE', `Le mode de règlement ${m.code} existe déjà`, 'code');
    }
    const row = await trx
      .insertInto('payment_modes')
      .values({
        store_id: storeId,
        register_id: registerId,
        code: m.code,
        label: m.label,
        excess: m.excess,
        rounding_step: m.roundingStep,
        opens_drawer: flag(m.opensDrawer),
        active: flag(m.active),
        position: m.position,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}
