/**
 * The shapes of every write, as zod schemas. A check that has its own machine code carries it in the
 * issue's params; everything else is `INVALID_INPUT`. Messages are French (zod's `fr` locale for the
 * generic ones).
 */
import { z } from 'zod';
import { currencyOf } from '../sales/money.ts';
import { isValidEan13, isValidEmail, isValidSiret } from './codes.ts';
import { StoreError, type StoreErrorCode } from './errors.ts';

const french = z.locales.fr().localeError;

function coded(code: StoreErrorCode, message: string) {
  return { message, params: { code } };
}

/** Reads `data` with `schema`, or throws the first problem as a `StoreError`. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data, { error: french });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  const params =
    issue !== undefined && 'params' in issue ? (issue.params as { code?: unknown } | undefined) : undefined;
  const code = typeof params?.code === 'string' ? (params.code as StoreErrorCode) : 'INVALID_INPUT';
  const message = issue?.message ?? 'Saisie invalide';
  throw new StoreError(
    code,
    field === '' ? message : `${message} (${field})`,
    field === '' ? undefined : field,
  );
}

/** A code typed by people: trimmed, upper-cased, no leading viseur prefix character. */
export const codeSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .transform((s) => s.toUpperCase())
  .refine((s) => /^[A-Z0-9][A-Z0-9_./-]*$/.test(s), {
    message: 'Code invalide : lettres, chiffres, « _ », « . », « / » ou « - », sans commencer par un signe',
  });

const text = (max: number) => z.string().trim().max(max);
const minor = z.number().int().min(-1e11).max(1e11);
const price = minor.refine((v) => v >= 0, coded('NEGATIVE_PRICE', 'Un prix ne peut pas être négatif'));
const nonNegative = z.number().int().min(0).max(1e11);

export const ean13Schema = z
  .string()
  .trim()
  .refine(isValidEan13, coded('INVALID_EAN', 'Code EAN-13 invalide (13 chiffres, clé de contrôle exacte)'));

export const emailSchema = z
  .string()
  .trim()
  .refine((s) => s === '' || isValidEmail(s), coded('INVALID_EMAIL', 'Adresse e-mail invalide'));

export const siretSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/\s/g, ''))
  .refine(
    (s) => s === '' || isValidSiret(s),
    coded('INVALID_SIRET', 'Numéro SIRET invalide (14 chiffres, clé de Luhn exacte)'),
  );

/** What an article can issue when sold, besides the ticket (the receipts' `IssuedKind`). */
export const ISSUED_KINDS = ['deposit', 'earnest', 'gift-card', 'prepaid-card', 'service'] as const;

export const articleInputSchema = z.object({
  ref: codeSchema,
  designation: z.string().trim().min(1).max(120),
  ean: ean13Schema.optional(),
  otherBarcodes: z.array(z.string().trim().min(1).max(48)).max(20).default([]),
  family1: codeSchema.optional(),
  family2: codeSchema.optional(),
  /** The VAT rate in hundredths of a percent (20 % = 2000); it must exist in the VAT table. */
  vatRate: z.number().int().min(0).max(10000),
  /** TTC price of the base tariff, minor units. */
  price: price.optional(),
  /** TTC prices of other tariffs. */
  prices: z.record(codeSchema, price).default({}),
  ecoParticipation: price.default(0),
  /** What a sale of it issues besides the ticket: a voucher or a service ticket (seed 000). */
  issues: z.enum(ISSUED_KINDS).optional(),
  lotSerial: z.boolean().default(false),
  composed: z.boolean().default(false),
  stockManaged: z.boolean().default(true),
  active: z.boolean().default(true),
  supplierRefs: z
    .array(z.object({ supplierCode: codeSchema, supplierRef: codeSchema }))
    .max(20)
    .default([]),
  components: z
    .array(z.object({ ref: codeSchema, quantity: z.number().int().min(1).max(1e9) }))
    .max(100)
    .default([]),
});
export type ArticleInput = z.input<typeof articleInputSchema>;
export type ArticleData = z.output<typeof articleInputSchema>;

export const customerInputSchema = z
  .object({
    code: codeSchema,
    cardNumber: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{4,32}$/)
      .optional(),
    name: z.string().trim().min(1).max(120),
    address1: text(120).default(''),
    address2: text(120).default(''),
    postalCode: text(10).default(''),
    city: text(80).default(''),
    country: z.string().trim().length(2).toUpperCase().default('FR'),
    email: emailSchema.default(''),
    phone: text(30).default(''),
    taxExempt: z.boolean().default(false),
    tariff: codeSchema.optional(),
    sellerCode: codeSchema.optional(),
    loyaltyPoints: nonNegative.default(0),
    visits: nonNegative.default(0),
    consentEmailReceipts: z.boolean().default(false),
    consentMailings: z.boolean().default(false),
    dematLetterSent: z.boolean().default(false),
    dematRefused: z.boolean().default(false),
  })
  .refine((c) => !(c.dematRefused && c.consentEmailReceipts), {
    message: 'Un client qui refuse la dématérialisation ne peut pas recevoir ses tickets par e-mail',
    path: ['consentEmailReceipts'],
  })
  .refine((c) => !c.consentEmailReceipts || c.email !== '', {
    message: 'Tickets par e-mail demandés sans adresse e-mail',
    path: ['email'],
  });
export type CustomerInput = z.input<typeof customerInputSchema>;
export type CustomerData = z.output<typeof customerInputSchema>;

export const storeInputSchema = z
  .object({
    code: codeSchema,
    name: z.string().trim().min(1).max(120),
    sign: text(120).default(''),
    address1: text(120).default(''),
    address2: text(120).default(''),
    postalCode: text(10).default(''),
    city: text(80).default(''),
    country: z.string().trim().length(2).toUpperCase().default('FR'),
    siret: siretSchema.default(''),
    naf: z
      .string()
      .trim()
      .toUpperCase()
      .refine((s) => s === '' || /^\d{2}\.?\d{2}[A-Z]$/.test(s), {
        message: 'Code NAF/APE invalide (ex. 47.11F)',
      })
      .default(''),
    vatNumber: z
      .string()
      .trim()
      .toUpperCase()
      .transform((s) => s.replace(/\s/g, ''))
      .refine((s) => s === '' || /^[A-Z]{2}[0-9A-Z]{2,13}$/.test(s), {
        message: 'Numéro de TVA intracommunautaire invalide',
      })
      .default(''),
    email: emailSchema.default(''),
    web: text(200).default(''),
    phone: text(30).default(''),
    fax: text(30).default(''),
    footer: text(500).default(''),
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .refine((c) => currencyOf(c) !== undefined, { message: 'Devise inconnue' })
      .default('EUR'),
    secondaryCurrency: z
      .string()
      .trim()
      .toUpperCase()
      .refine((c) => currencyOf(c) !== undefined, { message: 'Devise secondaire inconnue' })
      .optional(),
    /** Units of the secondary currency per unit of the main one, ×1,000,000. */
    secondaryRateMicro: z.number().int().positive().optional(),
  })
  .refine((s) => (s.secondaryCurrency === undefined) === (s.secondaryRateMicro === undefined), {
    message: 'La devise secondaire va avec son taux',
    path: ['secondaryRateMicro'],
  });
export type StoreInput = z.input<typeof storeInputSchema>;

export const registerSettingsSchema = z.object({
  sellerMandatory: z.boolean().default(false),
  /**
   * Several daily closures (Z) a day, one per shift; by default one per register and day
   * (DAY_ALREADY_CLOSED).
   */
  shifts: z.boolean().default(false),
  /** Largest line or global discount in hundredths of a percent; null: no limit. */
  discountLimitPercent: z.number().int().min(0).max(10000).nullable().default(null),
  /** Largest discount in minor units; null: no limit. */
  discountLimitAmount: nonNegative.nullable().default(null),
  printComponents: z.boolean().default(true),
  /** What the receipts of this register print (seed 000, « Options sur le ticket »); all by default. */
  receiptOptions: z
    .object({
      showEmail: z.boolean().default(true),
      showWeb: z.boolean().default(true),
      showPhoneFax: z.boolean().default(true),
      showLegalIds: z.boolean().default(true),
      showGlobalDiscountPercent: z.boolean().default(true),
      showBarcode: z.boolean().default(true),
      showQrCode: z.boolean().default(true),
    })
    .prefault({}),
  receipt: z
    .object({
      /**
       * Ask whether the customer wants a paper receipt (law of 10 February 2020); false: the register
       * prints the ticket at once, with no question.
       */
      askBeforePrinting: z.boolean().default(true),
      /** The receipt question offers the e-mail; false: paper or nothing only. */
      offerEmail: z.boolean().default(true),
      copies: z.number().int().min(1).max(5).default(1),
    })
    .prefault({}),
  /** Country whose receipt rules apply. */
  country: z.string().trim().length(2).toUpperCase().default('FR'),
  /** Autonomous register: sells without the server and synchronises later. */
  autonomous: z.boolean().default(false),
  /**
   * Lot/serial articles may be sold, their number typed at the register (seed 001
   * « Interdire_SaisieArticleLotSerie », forbidden by default).
   */
  allowLotSerial: z.boolean().default(false),
  /** No sale before the register's day is open with a count of its float (issue 13). */
  tillDayRequired: z.boolean().default(true),
  /** Blind count: the cashier does not see the expected cash (X reading) before the closing count. */
  blindCount: z.boolean().default(false),
  /**
   * Where this register prints (issue 15): `tcp://HOST:PORT` (a network ESC/POS printer, raw 9100),
   * `file:PATH` (a device file), `browser` (the till's print dialog, 80 mm page), or '' (none).
   */
  printer: z
    .object({
      target: z
        .string()
        .trim()
        .refine(
          (t) => t === '' || t === 'browser' || /^tcp:\/\/[^\s:/]+:\d{1,5}$/.test(t) || /^file:.+$/.test(t),
          'Imprimante attendue : tcp://HÔTE:PORT, file:CHEMIN ou browser',
        )
        .default(''),
      columns: z.union([z.literal(48), z.literal(32)]).default(48),
    })
    .prefault({}),
  /** The card terminal over Caisse-AP (issue 15): `HOST:PORT` ('' for none) and the answer timeout. */
  terminal: z
    .object({
      address: z
        .string()
        .trim()
        .refine(
          (t) => t === '' || /^[^\s:/]+:\d{1,5}$/.test(t),
          'Terminal attendu : HÔTE:PORT (port 8888 en général)',
        )
        .default(''),
      timeoutMs: z.number().int().min(1000).max(600_000).default(120_000),
    })
    .prefault({}),
  /** Out of stock blocks the sale (validation refused) instead of a non-blocking warning (seed 002). */
  blockOutOfStock: z.boolean().default(false),
});
export type RegisterSettings = z.output<typeof registerSettingsSchema>;

export const PRINTER_KINDS = ['thermal', 'a4', 'serial', 'none'] as const;

export const registerInputSchema = z.object({
  number: z.number().int().min(1).max(9999),
  name: text(80).default(''),
  depotCode: codeSchema,
  printerKind: z.enum(PRINTER_KINDS).default('thermal'),
  defaultSellerCode: codeSchema.optional(),
  defaultCustomerCode: codeSchema.default('DIVERS'),
  settings: registerSettingsSchema.prefault({}),
});
export type RegisterInput = z.input<typeof registerInputSchema>;

export const ROLES = ['cashier', 'seller', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'administrateur',
  manager: 'responsable',
  cashier: 'caissier',
  seller: 'vendeur',
};

/** Confidential operations a user may be allowed (seed 001: overriding a refusal with a code). */
export const RIGHTS = [
  'discount_over_limit',
  'cancel_ticket',
  'refund',
  'open_drawer',
  'excess_override',
  'reprint',
  'closure',
  'manage_catalogue',
  'manage_users',
  'change_price',
  'manage_settings',
  'export_archive',
  'customer_data',
  'cash_movement',
  'confirm_card',
  'manage_stock',
] as const;
export type Right = (typeof RIGHTS)[number];

export const DEFAULT_RIGHTS: Readonly<Record<Role, readonly Right[]>> = {
  cashier: ['reprint'],
  seller: [],
  manager: [
    'discount_over_limit',
    'cancel_ticket',
    'refund',
    'open_drawer',
    'excess_override',
    'reprint',
    'closure',
    'change_price',
    'export_archive',
    'customer_data',
    'cash_movement',
    'confirm_card',
    'manage_stock',
  ],
  admin: RIGHTS,
};

export const userInputSchema = z.object({
  code: codeSchema,
  name: z.string().trim().min(1).max(80),
  role: z.enum(ROLES),
  rights: z.array(z.enum(RIGHTS)).optional(),
  pin: z
    .string()
    .refine((p) => /^\d{4,8}$/.test(p), coded('INVALID_PIN', 'Le code PIN doit compter 4 à 8 chiffres')),
  sellerCode: codeSchema.optional(),
  registerNumber: z.number().int().min(1).optional(),
});
export type UserInput = z.input<typeof userInputSchema>;

export const EXCESS_KINDS = ['refuse', 'change', 'creditNote'] as const;
export type Excess = (typeof EXCESS_KINDS)[number];

export const paymentModeInputSchema = z.object({
  code: codeSchema,
  label: z.string().trim().min(1).max(60),
  excess: z.enum(EXCESS_KINDS),
  /** Cash rounding step, minor units (5 = 0.05); 0: no rounding. */
  roundingStep: nonNegative.default(0),
  opensDrawer: z.boolean().default(false),
  active: z.boolean().default(true),
  /** Restrict to one register; absent: the whole store. */
  registerNumber: z.number().int().min(1).optional(),
  position: z.number().int().min(0).default(0),
});
export type PaymentModeInput = z.input<typeof paymentModeInputSchema>;

export const vatRateInputSchema = z.object({
  code: codeSchema,
  rate: z.number().int().min(0).max(10000),
  label: z.string().trim().min(1).max(40),
});
export type VatRateInput = z.input<typeof vatRateInputSchema>;

export const familyInputSchema = z.object({
  level: z.union([z.literal(1), z.literal(2)]),
  code: codeSchema,
  label: z.string().trim().min(1).max(80),
});
export type FamilyInput = z.input<typeof familyInputSchema>;

export const promotionInputSchema = z
  .object({
    ref: codeSchema,
    tariff: codeSchema.optional(),
    label: text(80).default(''),
    price,
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
  })
  .refine(
    (p) => Date.parse(p.startsAt) < Date.parse(p.endsAt),
    coded('INVALID_DATE_RANGE', 'La promotion doit finir après son début'),
  );
export type PromotionInput = z.input<typeof promotionInputSchema>;
