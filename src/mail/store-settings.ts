/**
 * Reading and writing a store's mail settings. The SMTP password is written here and read only by
 * `smtpOf` for the transport: every other answer (CLI, later the API, logs) gets `PublicSmtpSettings`,
 * which only says whether a password is set.
 */
import { z } from 'zod';
import { isValidAddress } from './address.ts';
import { MailError } from './errors.ts';
import type { Db, Sender } from './outbox.ts';
import { DEFAULT_MAIL_SETTINGS, type MailSettings, parseMailSettings } from './settings.ts';

export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly security: SmtpSecurity;
  readonly user: string;
  readonly password: string;
}

export type PublicSmtpSettings = Omit<SmtpSettings, 'password'> & { readonly passwordSet: boolean };

export const smtpInputSchema = z.strictObject({
  host: z
    .string()
    .trim()
    .min(1, 'serveur SMTP requis')
    .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'nom de serveur invalide'),
  port: z.int().min(1).max(65_535).default(587),
  security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  user: z.string().default(''),
  /** Absent: the stored password is kept. */
  password: z.string().optional(),
});

export type SmtpInput = z.input<typeof smtpInputSchema>;

export function publicSmtp(smtp: SmtpSettings): PublicSmtpSettings {
  const { password, ...rest } = smtp;
  return { ...rest, passwordSet: password !== '' };
}

async function requireStore(db: Db, storeId: number): Promise<{ sign: string; name: string; email: string }> {
  const store = await db
    .selectFrom('stores')
    .select(['sign', 'name', 'email'])
    .where('id', '=', storeId)
    .executeTakeFirst();
  if (store === undefined) throw new MailError('UNKNOWN_STORE', `Magasin inconnu : ${storeId}`, 'store');
  return store;
}

/** The store's settings, or the defaults when none were saved. */
export async function mailSettingsOf(db: Db, storeId: number): Promise<MailSettings> {
  await requireStore(db, storeId);
  const row = await db
    .selectFrom('mail_settings')
    .select('settings')
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  return row === undefined ? DEFAULT_MAIL_SETTINGS : parseMailSettings(JSON.parse(row.settings));
}

/** The SMTP server of a store with its password, for the transport only; undefined when not set. */
export async function smtpOf(db: Db, storeId: number): Promise<SmtpSettings | undefined> {
  const row = await db
    .selectFrom('mail_settings')
    .selectAll()
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  if (row === undefined || row.smtp_host === '') return undefined;
  return {
    host: row.smtp_host,
    port: row.smtp_port,
    security: row.smtp_security as SmtpSecurity,
    user: row.smtp_user,
    password: row.smtp_password,
  };
}

export async function publicSmtpOf(db: Db, storeId: number): Promise<PublicSmtpSettings | undefined> {
  await requireStore(db, storeId);
  const smtp = await smtpOf(db, storeId);
  return smtp === undefined ? undefined : publicSmtp(smtp);
}

async function upsert(
  db: Db,
  storeId: number,
  values: Partial<{
    smtp_host: string;
    smtp_port: number;
    smtp_security: string;
    smtp_user: string;
    smtp_password: string;
    settings: string;
  }>,
  now: Date,
): Promise<void> {
  const stamp = now.toISOString();
  await db
    .insertInto('mail_settings')
    .values({ store_id: storeId, ...values, updated_at: stamp })
    .onConflict((oc) => oc.column('store_id').doUpdateSet({ ...values, updated_at: stamp }))
    .execute();
}

/** Saves the SMTP server of a store; returns what may be shown (no password). */
export async function saveSmtp(
  db: Db,
  storeId: number,
  input: SmtpInput,
  now: Date,
): Promise<PublicSmtpSettings> {
  await requireStore(db, storeId);
  const parsed = smtpInputSchema.safeParse(input, { error: z.locales.fr().localeError });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new MailError(
      'INVALID_SETTINGS',
      `Serveur SMTP invalide (${field}) : ${issue?.message ?? ''}`,
      field,
    );
  }
  const smtp = parsed.data;
  await upsert(
    db,
    storeId,
    {
      smtp_host: smtp.host,
      smtp_port: smtp.port,
      smtp_security: smtp.security,
      smtp_user: smtp.user,
      ...(smtp.password === undefined ? {} : { smtp_password: smtp.password }),
    },
    now,
  );
  const saved = await smtpOf(db, storeId);
  if (saved === undefined) throw new Error('paramètres SMTP non enregistrés');
  return publicSmtp(saved);
}

export async function saveMailSettings(
  db: Db,
  storeId: number,
  value: unknown,
  now: Date,
): Promise<MailSettings> {
  await requireStore(db, storeId);
  const settings = parseMailSettings(value);
  await upsert(db, storeId, { settings: JSON.stringify(settings) }, now);
  return settings;
}

/** The sender of seed 000: the store's sign and e-mail; refused when the store has no valid address. */
export async function senderOf(db: Db, storeId: number): Promise<Sender> {
  const store = await requireStore(db, storeId);
  if (!isValidAddress(store.email)) {
    throw new MailError(
      'MISSING_SENDER',
      `Le magasin ${store.name} n’a pas d’adresse e-mail d’expéditeur valide : renseignez-la dans la fiche du magasin`,
      'email',
    );
  }
  return { name: store.sign === '' ? store.name : store.sign, address: store.email.trim() };
}
