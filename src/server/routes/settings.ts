/**
 * The store's settings from the back office: the store's identity (what the receipts print), its
 * registers and their options, its payment modes, the receipt and e-mail settings (`src/mail/settings.ts`)
 * and the SMTP server (its password is never answered). A change needs the right `manage_settings`;
 * it is validated whole first (nothing is written when any part is refused), then written in one
 * transaction with its JET 1030 event (« Modification de paramètres ») naming what changed.
 */
import { z } from 'zod';
import { mailSettingsSchema } from '../../mail/settings.ts';
import {
  mailSettingsOf,
  publicSmtpOf,
  saveMailSettings,
  saveSmtp,
  smtpInputSchema,
} from '../../mail/store-settings.ts';
import { flag } from '../../store/catalogue.ts';
import { StoreError } from '../../store/errors.ts';
import { type JournalContext, withRegister } from '../../store/journal/core.ts';
import { jetDraft } from '../../store/journal/operations.ts';
import { registerInfo } from '../../store/journal/register-data.ts';
import { readRegisterSettings } from '../../store/setup.ts';
import {
  codeSchema,
  EXCESS_KINDS,
  PRINTER_KINDS,
  parseInput,
  paymentModeInputSchema,
  registerInputSchema,
  registerSettingsSchema,
  storeInputSchema,
} from '../../store/validation.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { Db } from '../ports.ts';
import { paymentModeView } from '../register-schema.ts';
import { authorizationSchema } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

/**
 * The schema of a partial change of `schema`: every field optional, without its default (an absent
 * field is left as it is), nested objects partial too, unknown fields refused.
 */
function patchOf(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) {
    return patchOf(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    return z.strictObject(
      Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, patchOf(v).optional()])),
    );
  }
  return schema;
}

type Patch = Record<string, unknown>;

/** `base` with `patch` laid over it, objects merged field by field (arrays and records replaced). */
function merged(base: unknown, patch: unknown): unknown {
  const isPlain = (v: unknown): v is Patch => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isPlain(base) || !isPlain(patch)) return patch === undefined ? base : patch;
  const out: Patch = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) out[key] = merged(base[key], value);
  }
  return out;
}

/** The dotted names of the fields that differ. */
function changedFields(before: unknown, after: unknown, prefix = ''): string[] {
  const isPlain = (v: unknown): v is Patch => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isPlain(before) && isPlain(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) => changedFields(before[k], after[k], prefix === '' ? k : `${prefix}.${k}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

const STORE_FIELDS = [
  'name',
  'sign',
  'address1',
  'address2',
  'postalCode',
  'city',
  'country',
  'siret',
  'naf',
  'vatNumber',
  'email',
  'web',
  'phone',
  'fax',
  'footer',
] as const;
type StoreField = (typeof STORE_FIELDS)[number];

const storeShape = storeInputSchema.shape;
const storePatch = patchOf(z.object(Object.fromEntries(STORE_FIELDS.map((f) => [f, storeShape[f]]))));
const registerShape = registerInputSchema.shape;
const registerPatch = z.strictObject({
  number: z.number().int().min(1).max(9999),
  name: registerShape.name.unwrap().optional(),
  printerKind: z.enum(PRINTER_KINDS).optional(),
  defaultSellerCode: codeSchema.nullable().optional(),
  defaultCustomerCode: codeSchema.optional(),
  settings: patchOf(registerSettingsSchema).optional(),
});
const modeShape = paymentModeInputSchema.shape;
const paymentModePatch = z.strictObject({
  code: codeSchema,
  label: modeShape.label.optional(),
  excess: z.enum(EXCESS_KINDS).optional(),
  roundingStep: modeShape.roundingStep.unwrap().optional(),
  opensDrawer: z.boolean().optional(),
  active: z.boolean().optional(),
  position: modeShape.position.unwrap().optional(),
});

const settingsPatch = z.strictObject({
  store: storePatch.optional(),
  registers: z.array(registerPatch).max(100).optional(),
  paymentModes: z.array(paymentModePatch).max(100).optional(),
  receipt: patchOf(mailSettingsSchema).optional(),
  smtp: patchOf(smtpInputSchema)
    .optional()
    .describe('Serveur SMTP (host requis la première fois) ; sans « password », le mot de passe gardé reste'),
  authorization: authorizationSchema.optional(),
});

const storeView = z.object({
  code: z.string(),
  currency: z.string(),
  ...Object.fromEntries(STORE_FIELDS.map((f) => [f, z.string()])),
});

const settingsView = z
  .object({
    store: storeView,
    registers: z.array(
      z.object({
        number: z.number(),
        name: z.string(),
        printerKind: z.string(),
        defaultSellerCode: z.string().nullable(),
        defaultCustomerCode: z.string(),
        settings: z.record(z.string(), z.unknown()).describe('Options de la caisse (registerSettingsSchema)'),
      }),
    ),
    paymentModes: z.array(
      paymentModeView.extend({
        active: z.boolean(),
        position: z.number(),
        registerNumber: z.number().nullable(),
      }),
    ),
    receipt: z
      .record(z.string(), z.unknown())
      .describe('Paramètres des tickets et e-mails (mailSettingsSchema)'),
    smtp: z
      .object({
        host: z.string(),
        port: z.number(),
        security: z.string(),
        user: z.string(),
        passwordSet: z.boolean(),
      })
      .nullable(),
  })
  .meta({ id: 'Settings' });

const SNAKE: Readonly<Record<StoreField, string>> = {
  name: 'name',
  sign: 'sign',
  address1: 'address1',
  address2: 'address2',
  postalCode: 'postal_code',
  city: 'city',
  country: 'country',
  siret: 'siret',
  naf: 'naf',
  vatNumber: 'vat_number',
  email: 'email',
  web: 'web',
  phone: 'phone',
  fax: 'fax',
  footer: 'footer',
};

async function readSettings(db: Db, storeId: number) {
  const store = await db.selectFrom('stores').selectAll().where('id', '=', storeId).executeTakeFirstOrThrow();
  const registers = await db
    .selectFrom('registers')
    .selectAll()
    .where('store_id', '=', storeId)
    .orderBy('number')
    .execute();
  const modes = await db
    .selectFrom('payment_modes')
    .leftJoin('registers', 'registers.id', 'payment_modes.register_id')
    .selectAll('payment_modes')
    .select('registers.number as registerNumber')
    .where('payment_modes.store_id', '=', storeId)
    .orderBy('payment_modes.position')
    .orderBy('payment_modes.code')
    .execute();
  const row = store as unknown as Record<string, string>;
  return {
    store: {
      code: store.code,
      currency: store.currency,
      ...(Object.fromEntries(STORE_FIELDS.map((f) => [f, row[SNAKE[f]] ?? ''])) as Record<
        StoreField,
        string
      >),
    },
    registers: registers.map((r) => ({
      number: r.number,
      name: r.name,
      printerKind: r.printer_kind,
      defaultSellerCode: r.default_seller_code,
      defaultCustomerCode: r.default_customer_code,
      settings: readRegisterSettings(r.settings) as unknown as Record<string, unknown>,
    })),
    paymentModes: modes.map((m) => ({
      code: m.code,
      label: m.label,
      excess: m.excess,
      roundingStep: Number(m.rounding_step),
      opensDrawer: m.opens_drawer === 1,
      active: m.active === 1,
      position: m.position,
      registerNumber: m.registerNumber ?? null,
    })),
    receipt: (await mailSettingsOf(db, storeId)) as unknown as Record<string, unknown>,
    smtp: (await publicSmtpOf(db, storeId)) ?? null,
  };
}

type Settings = Awaited<ReturnType<typeof readSettings>>;

export function settingsRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  const tags = ['paramètres'];

  api.get(
    '/api/settings',
    {
      schema: {
        tags,
        summary: 'Paramètres du magasin de la session : magasin, caisses, modes de règlement, tickets, SMTP',
        querystring: z.strictObject({}),
        response: answers(settingsView),
      },
    },
    async (request) => {
      const info = await registerInfo(ctx.db, sessionOf(request).register);
      return readSettings(ctx.db, info.storeId);
    },
  );

  api.put(
    '/api/settings',
    {
      schema: {
        tags,
        summary:
          'Modifier des paramètres (partiel ; droit paramètres) : tout est vérifié avant d’écrire, chaque modification est journalisée (JET 1030)',
        body: settingsPatch,
        response: answers(settingsView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const body = request.body as z.output<typeof settingsPatch>;
      const info = await registerInfo(ctx.db, session.register);
      const current = await readSettings(ctx.db, info.storeId);
      const plan = await planChanges(ctx.db, current, body);
      if (plan.summary.length === 0) return current;
      const granted = await ctx.rights.require(
        session,
        'manage_settings',
        body.authorization,
        request.ip,
        `paramètres (${plan.summary.map((s) => s.split(' :')[0]).join(', ')})`,
      );
      const operator = granted.authorizer ?? granted.operator;
      const now = ctx.clock();
      await withRegister(ctx.db, journal, info.register, info.currency, async (batch) => {
        await plan.write(batch.trx, info.storeId, now);
        for (const line of plan.summary)
          await jetDraft(batch, 'SETTINGS_CHANGE', `paramètres modifiés : ${line}`, operator);
      });
      // The tickets in progress follow the new register settings and payment modes from now on.
      ctx.tickets.forgetRegisters();
      return readSettings(ctx.db, info.storeId);
    },
  );
}

interface Plan {
  /** One line per part changed, naming the fields (never a value: the SMTP password is one). */
  readonly summary: string[];
  write(trx: Db, storeId: number, now: Date): Promise<void>;
}

/** Checks the whole change against the full schemas and says what it changes; writes nothing. */
async function planChanges(db: Db, current: Settings, body: z.output<typeof settingsPatch>): Promise<Plan> {
  const summary: string[] = [];
  const writes: ((trx: Db, storeId: number, now: Date) => Promise<void>)[] = [];

  if (body.store !== undefined) {
    const next = parseInput(storeInputSchema, merged(current.store, body.store));
    const changed = STORE_FIELDS.filter((f) => next[f] !== current.store[f]);
    if (changed.length > 0) {
      summary.push(`magasin : ${changed.join(', ')}`);
      writes.push(async (trx, storeId, now) => {
        await trx
          .updateTable('stores')
          .set({
            ...Object.fromEntries(changed.map((f) => [SNAKE[f], next[f]])),
            updated_at: now.toISOString(),
          })
          .where('id', '=', storeId)
          .execute();
      });
    }
  }

  const seen = new Set<number>();
  for (const patch of body.registers ?? []) {
    if (seen.has(patch.number))
      throw new ApiError(400, 'INVALID_INPUT', `Caisse ${patch.number} donnée deux fois`, 'registers');
    seen.add(patch.number);
    const before = current.registers.find((r) => r.number === patch.number);
    if (before === undefined)
      throw new ApiError(404, 'UNKNOWN_REGISTER', `Caisse inconnue : ${patch.number}`, 'registers');
    const settings = parseInput(registerSettingsSchema, merged(before.settings, patch.settings));
    const after = {
      name: patch.name ?? before.name,
      printerKind: patch.printerKind ?? before.printerKind,
      defaultSellerCode:
        patch.defaultSellerCode === undefined ? before.defaultSellerCode : patch.defaultSellerCode,
      defaultCustomerCode: patch.defaultCustomerCode ?? before.defaultCustomerCode,
      settings: settings as unknown as Record<string, unknown>,
    };
    const { number: _n, ...old } = before;
    const changed = changedFields(old, after);
    if (changed.length === 0) continue;
    await checkPeople(db, after.defaultSellerCode, after.defaultCustomerCode);
    summary.push(`caisse ${patch.number} : ${changed.join(', ')}`);
    writes.push(async (trx, storeId, now) => {
      await trx
        .updateTable('registers')
        .set({
          name: after.name,
          printer_kind: after.printerKind,
          default_seller_code: after.defaultSellerCode,
          default_customer_code: after.defaultCustomerCode,
          settings: JSON.stringify(after.settings),
          updated_at: now.toISOString(),
        })
        .where('store_id', '=', storeId)
        .where('number', '=', patch.number)
        .execute();
    });
  }

  const seenModes = new Set<string>();
  for (const patch of body.paymentModes ?? []) {
    if (seenModes.has(patch.code))
      throw new ApiError(400, 'INVALID_INPUT', `Mode ${patch.code} donné deux fois`, 'paymentModes');
    seenModes.add(patch.code);
    const before = current.paymentModes.find((m) => m.code === patch.code && m.registerNumber === null);
    if (before === undefined) {
      throw new ApiError(
        404,
        'UNKNOWN_PAYMENT_MODE',
        `Mode de règlement inconnu : ${patch.code}`,
        'paymentModes',
      );
    }
    const after = {
      ...before,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    const changed = changedFields(before, after);
    if (changed.length === 0) continue;
    summary.push(`mode de règlement ${patch.code} : ${changed.join(', ')}`);
    writes.push(async (trx, storeId) => {
      await trx
        .updateTable('payment_modes')
        .set({
          label: after.label,
          excess: after.excess,
          rounding_step: after.roundingStep,
          opens_drawer: flag(after.opensDrawer),
          active: flag(after.active),
          position: after.position,
        })
        .where('store_id', '=', storeId)
        .where('code', '=', patch.code)
        .where('register_id', 'is', null)
        .execute();
    });
  }

  if (body.receipt !== undefined) {
    const next = merged(current.receipt, body.receipt);
    const checked = mailSettingsSchema.safeParse(next);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new ApiError(
        422,
        'INVALID_SETTINGS',
        `Paramètres des tickets invalides : ${issue?.message ?? ''}`,
        'receipt',
      );
    }
    const changed = changedFields(current.receipt, checked.data);
    if (changed.length > 0) {
      summary.push(`tickets et e-mails : ${changed.join(', ')}`);
      writes.push(async (trx, storeId, now) => {
        await saveMailSettings(trx, storeId, checked.data, now);
      });
    }
  }

  if (body.smtp !== undefined) {
    const before =
      current.smtp === null
        ? {}
        : {
            host: current.smtp.host,
            port: current.smtp.port,
            security: current.smtp.security,
            user: current.smtp.user,
          };
    const checked = smtpInputSchema.safeParse(merged(before, body.smtp), {
      error: z.locales.fr().localeError,
    });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field = ['smtp', ...(issue?.path.map(String) ?? [])].join('.');
      throw new ApiError(400, 'INVALID_INPUT', `Saisie invalide (${field}) : ${issue?.message ?? ''}`, field);
    }
    const smtp = checked.data;
    const { password, ...server } = smtp;
    const changed = changedFields(before, server);
    if (password !== undefined) changed.push('password');
    if (changed.length > 0) {
      summary.push(`serveur SMTP : ${changed.join(', ')}`);
      writes.push(async (trx, storeId, now) => {
        await saveSmtp(trx, storeId, smtp, now);
      });
    }
  }

  return {
    summary,
    async write(trx, storeId, now) {
      for (const write of writes) await write(trx, storeId, now);
    },
  };
}

/** A register's default seller and customer must exist. */
async function checkPeople(db: Db, seller: string | null, customer: string): Promise<void> {
  const found = await db
    .selectFrom('customers')
    .select('code')
    .where('code', '=', customer)
    .executeTakeFirst();
  if (found === undefined)
    throw new StoreError('UNKNOWN_CUSTOMER', `Client inconnu : ${customer}`, 'defaultCustomerCode');
  if (seller === null) return;
  const user = await db
    .selectFrom('users')
    .select('code')
    .where('seller_code', '=', seller)
    .executeTakeFirst();
  if (user === undefined)
    throw new StoreError('UNKNOWN_SELLER', `Vendeur inconnu : ${seller}`, 'defaultSellerCode');
}
