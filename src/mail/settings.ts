/**
 * The mail settings of a store (seeds 000 and 003), one JSON text validated by zod: the force-e-mail
 * option, the message (and optional subject) per document type, the retry policy of the outbox, the
 * per-country threshold under which no receipt is printed unless asked (seed 001), the reprint reasons,
 * and the dematerialization letter's refusal contact. The SMTP server is kept apart (`smtp.ts`), its
 * password never leaving the store. Pure.
 */
import { z } from 'zod';
import { MailError } from './errors.ts';

/** What a message carries, each with its own template (seed 000 « Message dans l'email … », seed 003). */
export const MAIL_DOCUMENT_TYPES = [
  'ticket',
  'gift',
  'invoice',
  'credit-note',
  'voucher',
  'prepaid-card',
  'service',
  'demat-letter',
] as const;

export type MailDocumentType = (typeof MAIL_DOCUMENT_TYPES)[number];

const template = z.strictObject({
  /** Replaces the subject of seed 000 when set; `%1`…`%4` as in the dematerialization letter. */
  subject: z.string().max(300).optional(),
  /** Replaces the simplified ticket when set (plain text, or HTML when it holds tags). */
  body: z.string().max(20_000).optional(),
});

export type MailTemplate = z.infer<typeof template>;

const DEFAULT_DEMAT_BODY = [
  'Bonjour %1,',
  '',
  'Notre société %2 met en place la dématérialisation de vos factures.',
  'Dorénavant vous recevrez vos factures par courrier électronique à l’adresse :',
  '<blockquote>%3</blockquote>',
  'Si vous souhaitez recevoir vos factures sur une autre adresse e-mail, merci de nous la communiquer.',
  'En cas de refus, veuillez nous le faire savoir le plus rapidement possible :',
  '<blockquote>%4</blockquote>',
].join('\n');

export const mailSettingsSchema = z.strictObject({
  /** « Forcer l'édition des tickets par e-mail » (seed 000): the four-choice dialog after each sale. */
  forceEmail: z.boolean().default(true),
  templates: z.partialRecord(z.enum(MAIL_DOCUMENT_TYPES), template).default({
    'demat-letter': { subject: 'Dématérialisation des documents', body: DEFAULT_DEMAT_BODY },
  }),
  retry: z
    .strictObject({
      /** Days of retries after queueing before a definitive error (seed 000: « plusieurs jours »). */
      days: z.number().positive().max(30).default(3),
    })
    .default({ days: 3 }),
  /**
   * Per country (ISO 3166 alpha-2), in minor units: under this total no receipt is printed unless the
   * customer asks. `null`: whatever the amount (France since 1 August 2023, AGEC law). A country not
   * listed prints as before.
   */
  receiptThresholds: z
    .record(z.string().regex(/^[A-Z]{2}$/), z.int().min(0).nullable())
    .default({ FR: null }),
  reprint: z
    .strictObject({
      /** « Saisie libre du motif de réimpression » (default on). */
      freeReason: z.boolean().default(true),
      /** « Liste des motifs de réimpression ». */
      reasons: z.array(z.string().min(1).max(200)).default([]),
    })
    .default({ freeReason: true, reasons: [] }),
  demat: z
    .strictObject({
      /** `%4`: whom to tell a refusal (an address, a phone). */
      refusalContact: z.string().default(''),
      /** `%2`: the company; the store's legal name or sign when empty. */
      company: z.string().default(''),
    })
    .default({ refusalContact: '', company: '' }),
});

export type MailSettings = z.infer<typeof mailSettingsSchema>;

export const DEFAULT_MAIL_SETTINGS: MailSettings = mailSettingsSchema.parse({});

/** Parses settings from JSON text or a value; a French error naming the field otherwise. */
export function parseMailSettings(value: unknown): MailSettings {
  const result = mailSettingsSchema.safeParse(value, { error: z.locales.fr().localeError });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  throw new MailError(
    'INVALID_SETTINGS',
    `Paramètres e-mail invalides${path === '' ? '' : ` (${path})`} : ${issue?.message ?? 'invalide'}`,
    path === '' ? undefined : path,
  );
}
