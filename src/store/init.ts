/**
 * `comptoir init`: everything a register needs before its first sale, in one transaction (a failed
 * init leaves an empty database, and a second init is refused).
 */
import type { Minor } from '../sales/money.ts';
import {
  addPromotion,
  BASE_TARIFF,
  createFamily,
  createTariff,
  createVatRate,
  type Db,
  loadReferenceCache,
  setStock,
  writeArticle,
} from './catalogue.ts';
import { COUNTER_CUSTOMER, createCustomer } from './customers.ts';
import { DEMO_TARIFF_PRO, type DemoCounts, generateDemoShop } from './demo.ts';
import { StoreError } from './errors.ts';
import { hashPin } from './pin.ts';
import {
  createDepot,
  createPaymentMode,
  createRegister,
  createStore,
  createUser,
  readRegisterSettings,
} from './setup.ts';
import { addDemoShortcuts } from './shortcuts.ts';
import { inTransaction } from './transaction.ts';
import {
  articleInputSchema,
  type PaymentModeInput,
  parseInput,
  type Role,
  type StoreInput,
  type VatRateInput,
} from './validation.ts';

/** The VAT rates of metropolitan France. */
export const FRENCH_VAT_RATES: readonly VatRateInput[] = [
  { code: 'N', rate: 2000, label: 'Taux normal 20 %' },
  { code: 'I', rate: 1000, label: 'Taux intermédiaire 10 %' },
  { code: 'R', rate: 550, label: 'Taux réduit 5,5 %' },
  { code: 'P', rate: 210, label: 'Taux particulier 2,1 %' },
];

export function defaultPaymentModes(cashRoundingStep: Minor): PaymentModeInput[] {
  return [
    {
      code: 'CASH',
      label: 'Espèces',
      excess: 'change',
      roundingStep: cashRoundingStep,
      opensDrawer: true,
      position: 1,
    },
    { code: 'CARD', label: 'Carte bancaire', excess: 'refuse', position: 2 },
    { code: 'CHEQUE', label: 'Chèque', excess: 'creditNote', opensDrawer: true, position: 3 },
    { code: 'CREDIT_NOTE', label: "Bon d'avoir", excess: 'creditNote', opensDrawer: true, position: 4 },
    { code: 'GIFT_CARD', label: 'Carte cadeau', excess: 'refuse', position: 5 },
  ];
}

export const STORE_CODE = 'MAG1';
export const DEPOT_CODE = 'DEP1';
export const REGISTER_NUMBER = 1;

export interface InitOptions {
  readonly now: Date;
  /** The PINs of the three users, chosen by the caller (random at the command line). */
  readonly pins: { readonly admin: string; readonly cashier: string; readonly seller: string };
  readonly store?: Partial<StoreInput>;
  /** Cash rounding step in minor units (5: to the nearest 0.05); default 0, none. */
  readonly cashRoundingStep?: Minor;
  /** Adds the demonstration shop generated from this seed. */
  readonly demoSeed?: number;
}

export interface InitSummary {
  readonly storeCode: string;
  readonly registerNumber: number;
  readonly users: readonly { readonly code: string; readonly role: Role; readonly pin: string }[];
  readonly articles: number;
  readonly customers: number;
}

export async function isInitialised(db: Db): Promise<boolean> {
  const row = await db.selectFrom('stores').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function initStore(db: Db, options: InitOptions): Promise<InitSummary> {
  const { now } = options;
  return inTransaction(db, async (trx) => {
    if (await isInitialised(trx)) {
      throw new StoreError('ALREADY_INITIALISED', 'La base est déjà initialisée : rien n’a été modifié');
    }
    for (const rate of FRENCH_VAT_RATES) await createVatRate(trx, rate);
    await createTariff(trx, BASE_TARIFF, 'Tarif public TTC');
    await createStore(trx, { name: 'Mon magasin', ...options.store, code: STORE_CODE }, now);
    await createDepot(trx, STORE_CODE, DEPOT_CODE, 'Dépôt du magasin');
    await createRegister(
      trx,
      STORE_CODE,
      { number: REGISTER_NUMBER, name: 'Caisse 1', depotCode: DEPOT_CODE },
      now,
    );
    const users = [
      { code: 'ADMIN', name: 'Administrateur', role: 'admin' as const, pin: options.pins.admin },
      {
        code: 'CAISSE1',
        name: 'Caissier',
        role: 'cashier' as const,
        pin: options.pins.cashier,
        registerNumber: REGISTER_NUMBER,
      },
      { code: 'V01', name: 'Vendeur', role: 'seller' as const, pin: options.pins.seller },
    ];
    // scrypt runs on libuv's thread pool: the three PINs are hashed side by side.
    const hashes = await Promise.all(users.map((user) => hashPin(user.pin)));
    for (const [i, user] of users.entries()) await createUser(trx, user, now, hashes[i]);
    for (const mode of defaultPaymentModes(options.cashRoundingStep ?? 0)) {
      await createPaymentMode(trx, STORE_CODE, mode);
    }
    await createCustomer(trx, { code: COUNTER_CUSTOMER, name: 'Client comptoir' }, now);

    const demo =
      options.demoSeed === undefined
        ? { articles: 0, customers: 0 }
        : await addDemoShop(trx, options.demoSeed, now);
    return {
      storeCode: STORE_CODE,
      registerNumber: REGISTER_NUMBER,
      users: users.map(({ code, role, pin }) => ({ code, role, pin })),
      articles: demo.articles,
      customers: 1 + demo.customers,
    };
  });
}

/**
 * Adds the demonstration shop generated from `seed` (its trade tariff, families, articles, stock,
 * promotions and customers) to an initialised store, in one transaction; `counts` makes it smaller.
 */
export async function addDemoShop(
  db: Db,
  seed: number,
  now: Date,
  counts?: DemoCounts,
): Promise<{ readonly articles: number; readonly customers: number }> {
  const shop = generateDemoShop(seed, now, counts);
  return inTransaction(db, async (trx) => {
    await createTariff(trx, DEMO_TARIFF_PRO, 'Tarif professionnels TTC');
    for (const family of shop.families) await createFamily(trx, family);
    // The reference data is read once for the whole catalogue, not once per article.
    const cache = await loadReferenceCache(trx);
    for (const article of shop.articles) {
      await writeArticle(trx, parseInput(articleInputSchema, article), now, 'create', cache);
    }
    for (const line of shop.stock) await setStock(trx, line.ref, DEPOT_CODE, line.quantity);
    for (const promotion of shop.promotions) await addPromotion(trx, promotion);
    for (const customer of shop.customers) await createCustomer(trx, customer, now);
    await addDemoShortcuts(trx, REGISTER_NUMBER, shop.articles);
    // Its ELECTRO articles are managed by lot/serial: the demo's register sells them, number typed.
    const register = await trx
      .selectFrom('registers')
      .select('settings')
      .where('number', '=', REGISTER_NUMBER)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('registers')
      .set({ settings: JSON.stringify({ ...readRegisterSettings(register.settings), allowLotSerial: true }) })
      .where('number', '=', REGISTER_NUMBER)
      .execute();
    return { articles: shop.articles.length, customers: shop.customers.length };
  });
}
