/** What the journal reads about a register, its people and its payment modes before writing. */
import type { PaymentModeRule } from '../../sales/ticket-input.ts';
import { readRegisterSettings } from '../setup.ts';
import type { RegisterSettings } from '../validation.ts';
import { cachedRows } from './cached-query.ts';
import type { Db } from './core.ts';
import { JournalError } from './errors.ts';

export interface RegisterInfo {
  /** The register's name in the journal: its number, as text. */
  readonly register: string;
  readonly id: number;
  readonly number: number;
  readonly storeId: number;
  /** The depot the register sells from (its stock moves there). */
  readonly depot: string;
  readonly currency: string;
  readonly defaultCustomer: string;
  readonly defaultSeller: string | null;
  readonly settings: RegisterSettings;
}

/** The journal name of register number `n`. */
export function journalNameOf(number: number): string {
  return String(number);
}

export async function registerInfo(db: Db, number: number): Promise<RegisterInfo> {
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new JournalError('UNKNOWN_REGISTER', `Numéro de caisse invalide : ${number}.`);
  }
  const query = () =>
    db
      .selectFrom('registers')
      .innerJoin('stores', 'stores.id', 'registers.store_id')
      .select([
        'registers.id as id',
        'registers.number as number',
        'registers.store_id as storeId',
        'registers.default_customer_code as defaultCustomer',
        'registers.default_seller_code as defaultSeller',
        'registers.settings as settings',
        'stores.currency as currency',
        'registers.depot_code as depot',
      ])
      .where('registers.number', '=', number)
      .orderBy('registers.id')
      .limit(1);
  const [row] = await cachedRows<Awaited<ReturnType<ReturnType<typeof query>['executeTakeFirstOrThrow']>>>(
    db,
    'registers.info',
    [number, 1],
    query,
  );
  if (row === undefined) {
    const any = await db.selectFrom('registers').select('id').limit(1).executeTakeFirst();
    throw new JournalError(
      'UNKNOWN_REGISTER',
      any === undefined
        ? 'Aucune caisse : la base n’est pas initialisée (lancez « comptoir init »).'
        : `Caisse inconnue : ${number}.`,
    );
  }
  return {
    register: journalNameOf(row.number),
    id: row.id,
    number: row.number,
    storeId: row.storeId,
    depot: row.depot,
    currency: row.currency,
    defaultCustomer: row.defaultCustomer,
    defaultSeller: row.defaultSeller,
    settings: readRegisterSettings(row.settings),
  };
}

export interface PaymentModeInfo extends PaymentModeRule {
  readonly label: string;
}

/** The register's own payment modes: the store's, overridden by those set for this register. */
export async function registerPaymentModes(
  db: Db,
  info: RegisterInfo,
): Promise<Map<string, PaymentModeInfo>> {
  const query = () =>
    db
      .selectFrom('payment_modes')
      .select(['code', 'label', 'excess', 'rounding_step', 'register_id', 'position'])
      .where('store_id', '=', info.storeId)
      .where('active', '=', 1)
      .where((eb) => eb.or([eb('register_id', 'is', null), eb('register_id', '=', info.id)]))
      .orderBy('position');
  const rows = await cachedRows<Awaited<ReturnType<ReturnType<typeof query>['executeTakeFirstOrThrow']>>>(
    db,
    'payment_modes.of_register',
    [info.storeId, 1, info.id],
    query,
  );
  const modes = new Map<string, PaymentModeInfo>();
  for (const own of [false, true]) {
    for (const r of rows) {
      if ((r.register_id !== null) !== own) continue;
      modes.set(r.code, {
        label: r.label,
        excess: r.excess as PaymentModeRule['excess'],
        rounding: Number(r.rounding_step) > 1 ? Number(r.rounding_step) : null,
      });
    }
  }
  return modes;
}

export interface Person {
  readonly code: string;
  readonly name: string;
}

export async function activeUser(db: Db, code: string): Promise<Person> {
  const [row] = await cachedRows<Person>(db, 'users.active', [code, 1], () =>
    db.selectFrom('users').select(['code', 'name']).where('code', '=', code).where('active', '=', 1),
  );
  if (row === undefined) throw new JournalError('UNKNOWN_USER', `Utilisateur inconnu ou inactif : ${code}.`);
  return row;
}

export async function sellerByCode(db: Db, sellerCode: string): Promise<Person> {
  const [row] = await cachedRows<{ seller_code: string | null; name: string }>(
    db,
    'users.seller',
    [sellerCode, 1],
    () =>
      db
        .selectFrom('users')
        .select(['seller_code', 'name'])
        .where('seller_code', '=', sellerCode)
        .where('active', '=', 1),
  );
  if (row === undefined || row.seller_code === null) {
    throw new JournalError('UNKNOWN_SELLER', `Vendeur inconnu : ${sellerCode}.`);
  }
  return { code: row.seller_code, name: row.name };
}

export async function customerByCode(db: Db, code: string): Promise<Person & { taxExempt: boolean }> {
  const [row] = await cachedRows<{ code: string; name: string; tax_exempt: number }>(
    db,
    'customers.by_code',
    [code],
    () => db.selectFrom('customers').select(['code', 'name', 'tax_exempt']).where('code', '=', code),
  );
  if (row === undefined) {
    throw new JournalError(
      'UNKNOWN_CUSTOMER',
      `Client inconnu : ${code}. Le client ${code === 'DIVERS' ? 'DIVERS doit exister pour vendre' : 'doit exister'} (saisie refusée).`,
    );
  }
  return { code: row.code, name: row.name, taxExempt: row.tax_exempt === 1 };
}

/** Designation, eco-participation per unit and stock management of the catalogue's articles among `refs`. */
export async function articlesByRef(
  db: Db,
  refs: readonly string[],
): Promise<Map<string, { designation: string; eco: number; id: number; managed: boolean }>> {
  const unique = [...new Set(refs)];
  const found = new Map<string, { designation: string; eco: number; id: number; managed: boolean }>();
  for (let i = 0; i < unique.length; i += 500) {
    const slice = unique.slice(i, i + 500);
    const rows = await cachedRows<{
      id: number;
      ref: string;
      designation: string;
      eco_participation: number;
      stock_managed: number;
      composed: number;
    }>(db, `articles.by_refs.${slice.length}`, slice, () =>
      db
        .selectFrom('articles')
        .select(['id', 'ref', 'designation', 'eco_participation', 'stock_managed', 'composed'])
        .where('ref', 'in', slice),
    );
    for (const r of rows) {
      found.set(r.ref, {
        designation: r.designation,
        eco: Number(r.eco_participation),
        id: Number(r.id),
        managed: Number(r.stock_managed) === 1 && Number(r.composed) === 0,
      });
    }
  }
  return found;
}
