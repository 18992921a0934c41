/**
 * The API's shapes, as zod schemas: every route's input (strict: unknown fields are refused) and
 * output. The OpenAPI document is generated from these.
 */
import { z } from 'zod';
import { ISSUED_KINDS } from '../store/validation.ts';

/** Amounts in minor units (cents): integers, at most 10 million euros either way. */
export const minor = z.number().int().min(-1_000_000_000).max(1_000_000_000);
export const positiveMinor = z.number().int().min(0).max(1_000_000_000);
/** Quantities in thousandths (1 unit = 1000), at most 1,000,000 units either way. */
export const milli = z.number().int().min(-1_000_000_000).max(1_000_000_000);
/** Rates in hundredths of a percent (20 % = 2000). */
export const centi = z.number().int().min(0).max(10_000);
export const lineId = z.number().int().min(1).max(1_000_000);
export const shortText = z.string().max(200);

export const errorSchema = z
  .object({
    code: z.string().describe('Code machine (ex. INVALID_INPUT)'),
    message: z.string().describe('Message en français'),
    field: z.string().optional(),
    details: z.unknown().optional(),
  })
  .meta({ id: 'Error' });

export const authorizationSchema = z
  .strictObject({
    userCode: z.string().min(1).max(40),
    pin: z.string().min(1).max(16),
  })
  .describe('Code et PIN d’un responsable donnés sur place pour une opération confidentielle');

/** The manager's code on the spot in a GET's query (downloads): `?authUser=RESP&authPin=…`. */
export const queryAuthorization = {
  authUser: z.string().min(1).max(40).optional().describe('Code du responsable qui autorise sur place'),
  authPin: z.string().min(1).max(16).optional().describe('Son code PIN'),
};

/** The authorization given in a query, if any (one half alone is checked, and refused, as a whole). */
export function authorizationOfQuery(query: {
  readonly authUser?: string | undefined;
  readonly authPin?: string | undefined;
}): { userCode: string; pin: string } | undefined {
  if (query.authUser === undefined && query.authPin === undefined) return undefined;
  return { userCode: query.authUser ?? '', pin: query.authPin ?? '' };
}

export const ticketIdParams = z.strictObject({ id: z.uuid() });
export const emptyBody = z.strictObject({}).nullish();
/** A route with no query parameters refuses any. */
export const noQuery = z.strictObject({});

export const loginBody = z.strictObject({
  userCode: z.string().min(1).max(40),
  pin: z.string().min(1).max(16),
  register: z.number().int().min(1).max(9999).default(1),
});

export const userView = z.object({
  code: z.string(),
  name: z.string(),
  role: z.string(),
  rights: z.array(z.string()),
  sellerCode: z.string().nullable(),
});

export const sessionView = z.object({
  register: z.number().int(),
  user: userView,
  expiresAt: z.string(),
});

export const loginView = sessionView.extend({ token: z.string() });

const discountView = z.union([
  z.object({ kind: z.literal('percent'), rate: z.number(), authorized: z.boolean().optional() }),
  z.object({ kind: z.literal('amount'), amount: z.number(), authorized: z.boolean().optional() }),
]);

const articleLineView = z.object({
  ref: z.string(),
  designation: z.string().optional(),
  qty: z.number(),
  unitPrice: z.number(),
  unitPriceScale: z.number(),
  vatRate: z.number(),
  gross: z.number(),
  lineDiscount: z.number(),
  globalDiscount: z.number(),
  net: z.number(),
});

export const itemView = z.discriminatedUnion('kind', [
  articleLineView.extend({
    kind: z.literal('article'),
    id: z.number(),
    discount: discountView.nullable(),
  }),
  z.object({
    kind: z.literal('subtotal'),
    id: z.number(),
    discount: discountView.nullable(),
    amount: z.number(),
  }),
  z.object({
    kind: z.literal('composition'),
    id: z.number(),
    ref: z.string(),
    designation: z.string().optional(),
    qty: z.number(),
    price: z.number().nullable(),
    net: z.number(),
    components: z.array(articleLineView),
  }),
]);

export const vatRowView = z.object({
  rate: z.number(),
  base: z.number(),
  tax: z.number(),
  total: z.number(),
});

export const saleView = z.object({
  number: z.number(),
  register: z.number(),
  validatedAt: z.string(),
  totalTTC: z.number(),
  signature: z.string(),
  shortSignature: z.string(),
});

export const noticeView = z.object({ code: z.string(), message: z.string() });

export const ticketView = z
  .object({
    id: z.string(),
    register: z.number(),
    status: z.enum(['open', 'held', 'validated', 'abandoned']),
    version: z.number(),
    openedBy: z.string(),
    phase: z.enum(['lines', 'payment']),
    held: z.boolean(),
    pointer: z.number().nullable(),
    currency: z.string(),
    customer: z.object({ code: z.string(), name: z.string().nullable(), taxExempt: z.boolean() }).nullable(),
    seller: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
    items: z.array(itemView),
    footerDiscount: discountView.nullable(),
    shipping: z.object({ amount: z.number(), vatRate: z.number().nullable(), net: z.number() }).nullable(),
    payments: z.array(z.object({ id: z.number(), mode: z.string(), given: z.number(), amount: z.number() })),
    totals: z.object({
      ht: z.number(),
      vat: z.number(),
      ttc: z.number(),
      remaining: z.number(),
      change: z.number(),
      creditNote: z.number(),
      roundingAdjustment: z.number(),
      articleCount: z.number(),
      lineCount: z.number(),
    }),
    vat: z.array(vatRowView),
    errors: z.array(noticeView),
    notices: z.array(noticeView),
    sale: saleView.nullable(),
    receipt: z
      .object({
        choice: z.enum(['print', 'email', 'both', 'none']),
        email: z.string().nullable(),
        printed: z.boolean(),
        queued: z.string().nullable(),
        duplicates: z
          .array(z.number())
          .describe(
            'N° des DUPLICATA imprimés avec le ticket (option Ticket + Ticket, papier du choix both)',
          ),
        print: z
          .object({
            printer: z.enum(['queue', 'browser', 'none']),
            jobs: z.array(z.number()),
            error: z.string().nullable(),
          })
          .nullable()
          .describe(
            "Ce qu'a fait l'imprimante de la caisse : file d'impression (avec l'erreur si les travaux attendent), navigateur, aucune",
          ),
        at: z.string(),
      })
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Ticket' });

export const ticketListView = z.object({ items: z.array(ticketView) });

export const articleView = z.object({
  ref: z.string(),
  designation: z.string(),
  ean: z.string().nullable(),
  vatRate: z.number(),
  unitPrice: z.number(),
  priceSource: z.string(),
  promotion: z.string().nullable(),
  stock: z.number().nullable(),
  composed: z.boolean(),
  warnings: z.array(noticeView),
  refusal: noticeView.nullable(),
});

/** One article whole, as `articleInputSchema` describes it (`GET /api/articles/:ref`). */
export const articleRecordView = z.object({
  ref: z.string(),
  designation: z.string(),
  ean: z.string().nullable(),
  otherBarcodes: z.array(z.string()),
  family1: z.string().nullable(),
  family2: z.string().nullable(),
  vatRate: z.number().describe('Taux de TVA en centièmes de pour cent (20 % = 2000)'),
  price: z.number().nullable().describe('Prix TTC du tarif de base, centimes'),
  prices: z.record(z.string(), z.number()).describe('Prix TTC des autres tarifs, centimes'),
  ecoParticipation: z.number(),
  issues: z.enum(ISSUED_KINDS).nullable(),
  lotSerial: z.boolean(),
  composed: z.boolean(),
  stockManaged: z.boolean(),
  active: z.boolean(),
  supplierRefs: z.array(z.object({ supplierCode: z.string(), supplierRef: z.string() })),
  components: z.array(z.object({ ref: z.string(), quantity: z.number() })),
});

export const CSV_KINDS = ['articles', 'customers'] as const;

const reportView = z.object({
  kind: z.enum(CSV_KINDS),
  records: z.number(),
  imported: z.number(),
  rejected: z.array(z.object({ line: z.number(), code: z.string(), reason: z.string() })),
});

export const importJobView = z.object({
  id: z.string(),
  kind: z.enum(CSV_KINDS),
  file: z.string(),
  total: z.number().describe('Lignes du fichier'),
  done: z.number().describe('Lignes traitées'),
  finished: z.boolean(),
  report: reportView.optional().describe('Le compte rendu, une fois fini'),
  error: errorSchema.optional().describe('Pourquoi l’import s’est arrêté, le cas échéant'),
});
