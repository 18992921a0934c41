/**
 * The zod schema of the document model, for documents that come from outside: a JSON file given to
 * `comptoir receipt`, or the receipt data embedded in a PDF being verified. Errors are French.
 */
import { z } from 'zod';
import { currencyOf } from '../sales/money.ts';
import type { ReceiptDocument } from './document.ts';

const text = z.string().min(1);
const minor = z.int().min(-100_000_000_000).max(100_000_000_000);
const milli = z.int().min(-1_000_000_000).max(1_000_000_000);
const centi = z.int().min(0).max(10_000);
const dateTime = z.strictObject({
  date: z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/, 'date attendue au format JJ/MM/AAAA'),
  time: z.string().regex(/^\d{2}:\d{2}:\d{2}$/, 'heure attendue au format HH:MM:SS'),
  stamp: z.string().regex(/^\d{14}$/, 'horodatage attendu au format AAAAMMJJHHMMSS'),
});
const store = z.strictObject({
  sign: text,
  legalName: text.optional(),
  legalForm: text.optional(),
  addressLines: z.array(z.string()),
  postalCode: text,
  city: text,
  country: text,
  siret: z.string().regex(/^(\d{14}|-)$/, 'SIRET attendu : 14 chiffres, ou « - » pour un magasin sans SIRET'),
  naf: text,
  vatNumber: text,
  phone: text.optional(),
  fax: text.optional(),
  email: text.optional(),
  web: text.optional(),
  footer: z.array(z.string()).optional(),
});
const options = z.strictObject({
  showEmail: z.boolean().optional(),
  showWeb: z.boolean().optional(),
  showPhoneFax: z.boolean().optional(),
  showLegalIds: z.boolean().optional(),
  showGlobalDiscountPercent: z.boolean().optional(),
  showComponents: z.boolean().optional(),
  showBarcode: z.boolean().optional(),
  showQrCode: z.boolean().optional(),
});
const fiscal = z.strictObject({
  sequence: z.int().min(0),
  signature: z.string().regex(/^[A-Za-z0-9_-]{19,}$/, 'signature base64url attendue'),
  shortCode: z.string().length(4),
  keyId: text,
  signedText: text.optional(),
});
const person = z.strictObject({ code: text.optional(), name: text });
const customer = z.strictObject({
  code: text.optional(),
  name: text,
  addressLines: z.array(z.string()).optional(),
  vatNumber: text.optional(),
  loyalty: z
    .strictObject({
      cardNumber: text.optional(),
      points: z.int(),
      articles: z.int().optional(),
      visits: z.int().optional(),
    })
    .optional(),
});
const article = {
  quantity: milli,
  reference: text.optional(),
  designation: text,
};
const line = z.strictObject({
  ...article,
  vatCode: text,
  unitPrice: minor,
  amount: minor,
  discount: z.strictObject({ amount: minor, percent: centi.optional(), label: text.optional() }).optional(),
  ecoParticipation: minor.optional(),
  components: z.array(z.strictObject(article)).optional(),
});
const vatRow = z.strictObject({ code: text, rate: centi, base: minor, vat: minor, total: minor });
const payment = z.strictObject({ label: text, amount: minor });
const header = {
  currency: z.string().refine((code) => currencyOf(code) !== undefined, 'devise inconnue'),
  store,
  options: options.optional(),
  software: z.strictObject({ name: text, version: text, certificate: text.optional() }),
  register: text,
  number: text,
  issuedAt: dateTime,
  cashier: person.optional(),
  seller: person.optional(),
  customer: customer.optional(),
  training: z.boolean().optional(),
  fiscal: fiscal.optional(),
};
const saleBody = {
  lines: z.array(line).min(1),
  vat: z.array(vatRow),
  totals: z.strictObject({
    totalExclVat: minor,
    totalVat: minor,
    totalInclVat: minor,
    globalDiscount: z.strictObject({ amount: minor, percent: centi.optional() }).optional(),
    rounding: minor.optional(),
  }),
  payments: z.array(payment),
  change: minor.optional(),
  articleCount: z.number(),
  lineCount: z.int(),
};

/** A reprint's mention: any document of a sale, and a closure's report, can be a duplicate. */
const duplicate = z
  .strictObject({
    copyNumber: z.int().min(1),
    printedAt: dateTime,
    fiscal: fiscal.optional(),
    reason: text.optional(),
  })
  .optional();

export const receiptDocumentSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sale'),
    ...header,
    ...saleBody,
    cancels: text.optional(),
    modifies: text.optional(),
    returnCause: text.optional(),
    cancelledBy: text.optional(),
    duplicate,
  }),
  z.strictObject({
    kind: z.literal('gift'),
    ...header,
    duplicate,
    lines: z.array(z.strictObject(article)).min(1),
    articleCount: z.number(),
    exchangeNote: text.optional(),
  }),
  z.strictObject({
    kind: z.literal('voucher'),
    ...header,
    duplicate,
    voucherType: z.enum(['credit-note', 'deposit', 'earnest', 'gift-card', 'prepaid-card']),
    voucherNumber: text,
    amount: minor,
    validFrom: text.optional(),
    validUntil: text.optional(),
    returnCode: text.optional(),
    reservationCode: text.optional(),
    originTicket: text.optional(),
  }),
  z.strictObject({
    kind: z.literal('service'),
    ...header,
    duplicate,
    title: text,
    expectedDelivery: text,
    instructions: z.array(z.string()),
    items: z.array(z.strictObject(article)).optional(),
    originTicket: text.optional(),
  }),
  z.strictObject({
    kind: z.literal('invoice'),
    ...header,
    duplicate,
    ...saleBody,
    invoiceNumber: text,
    origin: z.strictObject({ ticketNumber: text, register: text, date: text }),
    customer,
    dueDate: text.optional(),
    paymentTerms: text.optional(),
  }),
  z.strictObject({
    kind: z.literal('z-report'),
    ...header,
    duplicate,
    period: z.enum(['day', 'month', 'year']),
    periodLabel: text.optional(),
    from: dateTime,
    to: dateTime,
    ticketCount: z.int().min(0),
    firstTicket: text.optional(),
    lastTicket: text.optional(),
    cancellations: z.int().min(0),
    duplicates: z.int().min(0).optional(),
    sales: minor,
    returns: minor,
    net: minor,
    vat: z.array(vatRow),
    payments: z.array(payment),
    grandTotal: minor,
    grandTotalAbsolute: minor.optional(),
    perpetualTotal: minor,
    perpetualTotalAbsolute: minor,
    tillCount: z
      .strictObject({
        rows: z.array(z.strictObject({ label: text, expected: minor, counted: minor, difference: minor })),
        removed: minor,
      })
      .optional(),
    reconciliation: z
      .strictObject({
        tenders: z.array(z.strictObject({ label: text, received: minor, change: minor, settled: minor })),
        creditNotes: z.strictObject({ count: z.number().int().min(0), amount: minor }),
        returns: z.strictObject({ count: z.number().int().min(0), amount: minor }),
        cancellations: z.strictObject({ count: z.number().int().min(0), amount: minor }),
      })
      .optional(),
  }),
]);

export type ParseResult = { ok: true; document: ReceiptDocument } | { ok: false; errors: string[] };

/** Validates an unknown value as a document; each error names the field (`lines.0.amount : …`). */
export function parseReceiptDocument(value: unknown): ParseResult {
  const result = receiptDocumentSchema.safeParse(value, { error: z.locales.fr().localeError });
  if (result.success) {
    // JSON has no `undefined`, so zod's `T | undefined` optionals are the model's absent keys.
    return { ok: true, document: result.data as ReceiptDocument };
  }
  return {
    ok: false,
    errors: result.error.issues.map((issue) => `${issue.path.join('.') || '(document)'} : ${issue.message}`),
  };
}
