/**
 * The dematerialization letter campaign (seed 003): choose customers (code range, a sale between two
 * dates, including or not those already sent, those without e-mail going to a print list), sort them
 * by code or name, write each letter from the subject and text templates (`%1` name, `%2` company,
 * `%3` e-mail, `%4` refusal contact), queue the e-mails and mark « Lettre dématérialisation éditée »,
 * all in one transaction.
 *
 * Comptoir has no invoice register yet: « customers with an invoice between two dates » is read as
 * « customers with a sale (TICKET record of the fiscal journal) between two dates », local dates of the
 * store. Customers who already refused are left out (they have answered); the counter customer too.
 */

import { COUNTER_CUSTOMER } from '../store/customers.ts';
import { localDateOf } from '../store/journal/time.ts';
import { checkAddress } from './address.ts';
import { fillTemplate, templateBody } from './compose.ts';
import { MailError } from './errors.ts';
import { type Db, type NewMail, type OutboxRow, queueMails, type Sender } from './outbox.ts';
import type { MailSettings } from './settings.ts';

export interface CampaignFilter {
  /** Inclusive code range (plain character order, the same on every engine). */
  readonly codeFrom?: string;
  readonly codeTo?: string;
  /** Inclusive local dates `YYYY-MM-DD`: only customers with a sale in between. */
  readonly soldFrom?: string;
  readonly soldTo?: string;
  /** Send again to customers whose letter was already sent (default: no). */
  readonly includeAlreadySent?: boolean;
  /** Customers without a valid e-mail go to the print list (default: left out). */
  readonly includeWithoutEmail?: boolean;
  readonly sort?: 'code' | 'name';
}

export interface CampaignCustomer {
  readonly code: string;
  readonly name: string;
  readonly email: string;
  readonly addressLines: readonly string[];
  readonly dematLetterSent: boolean;
  readonly dematRefused: boolean;
}

export interface CampaignSelection {
  readonly email: readonly CampaignCustomer[];
  readonly print: readonly CampaignCustomer[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(value: string | undefined, field: string): void {
  if (value === undefined) return;
  const time = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  const valid = !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
  if (!valid) throw new MailError('INVALID_FILTER', `Date invalide : ${value} (attendu AAAA-MM-JJ)`, field);
}

/** Checks a filter before anything is read: ranges in order, dates real. */
export function checkFilter(filter: CampaignFilter): void {
  checkDate(filter.soldFrom, 'soldFrom');
  checkDate(filter.soldTo, 'soldTo');
  if (filter.codeFrom !== undefined && filter.codeTo !== undefined && filter.codeFrom > filter.codeTo) {
    throw new MailError(
      'INVALID_FILTER',
      `Plage de codes inversée : ${filter.codeFrom} > ${filter.codeTo}`,
      'codeTo',
    );
  }
  if (filter.soldFrom !== undefined && filter.soldTo !== undefined && filter.soldFrom > filter.soldTo) {
    throw new MailError(
      'INVALID_FILTER',
      `Période inversée : ${filter.soldFrom} > ${filter.soldTo}`,
      'soldTo',
    );
  }
}

/**
 * Pure selection. `soldCodes` are the customers with a sale in the period (required when the filter
 * has dates).
 */
export function selectCampaign(
  customers: readonly CampaignCustomer[],
  filter: CampaignFilter,
  soldCodes?: ReadonlySet<string>,
): CampaignSelection {
  checkFilter(filter);
  const dated = filter.soldFrom !== undefined || filter.soldTo !== undefined;
  if (dated && soldCodes === undefined) {
    throw new MailError(
      'FILTER_UNAVAILABLE',
      'Filtre par période indisponible : aucune source de ventes',
      'soldFrom',
    );
  }
  const chosen = customers.filter(
    (c) =>
      c.code !== COUNTER_CUSTOMER &&
      !c.dematRefused &&
      (filter.codeFrom === undefined || c.code >= filter.codeFrom) &&
      (filter.codeTo === undefined || c.code <= filter.codeTo) &&
      (!dated || soldCodes?.has(c.code) === true) &&
      (filter.includeAlreadySent === true || !c.dematLetterSent),
  );
  const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
  const byCode = (a: CampaignCustomer, b: CampaignCustomer) =>
    a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  chosen.sort(filter.sort === 'name' ? (a, b) => collator.compare(a.name, b.name) || byCode(a, b) : byCode);
  const email = chosen.filter((c) => checkAddress(c.email).ok);
  const print = filter.includeWithoutEmail === true ? chosen.filter((c) => !checkAddress(c.email).ok) : [];
  return { email, print };
}

/** Invoices and credit notes go by e-mail only to customers with a valid address who did not refuse. */
export function invoicesByEmail(customer: Pick<CampaignCustomer, 'email' | 'dematRefused'>): boolean {
  return !customer.dematRefused && checkAddress(customer.email).ok;
}

/** Customers who had a sale between two local dates. */
export interface SalesActivity {
  customersWithSales(from: string | undefined, to: string | undefined): Promise<ReadonlySet<string>>;
}

const compact = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().replace(/\D/g, '').slice(0, 14);

/** The fiscal journal's TICKET records (training and cancellations left out), by the store's local date. */
export function journalActivity(db: Db): SalesActivity {
  return {
    async customersWithSales(from, to) {
      let query = db
        .selectFrom('journal')
        .select(['stamp_utc', 'stamp_offset', 'payload'])
        .where('type', '=', 'TICKET');
      // A day of margin either side for the offset, then the exact local date below.
      if (from !== undefined) query = query.where('stamp_utc', '>=', compact(from, -1));
      if (to !== undefined) query = query.where('stamp_utc', '<', compact(to, 2));
      const codes = new Set<string>();
      for (const row of await query.execute()) {
        const day = localDateOf({ utc: row.stamp_utc, offset: row.stamp_offset });
        if ((from !== undefined && day < from) || (to !== undefined && day > to)) continue;
        const customer = (JSON.parse(row.payload) as { customer?: unknown }).customer;
        if (typeof customer === 'string') codes.add(customer);
      }
      return codes;
    },
  };
}

export async function campaignCustomers(db: Db): Promise<CampaignCustomer[]> {
  const rows = await db
    .selectFrom('customers')
    .select([
      'code',
      'name',
      'email',
      'address1',
      'address2',
      'postal_code',
      'city',
      'demat_letter_sent',
      'demat_refused',
    ])
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    email: r.email.trim(),
    addressLines: [r.address1, r.address2, `${r.postal_code} ${r.city}`.trim()].filter((l) => l !== ''),
    dematLetterSent: r.demat_letter_sent === 1,
    dematRefused: r.demat_refused === 1,
  }));
}

export interface Letter {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** One customer's letter from the `demat-letter` template. */
export function letterFor(customer: CampaignCustomer, company: string, settings: MailSettings): Letter {
  const template = settings.templates['demat-letter'] ?? {};
  const values = [
    customer.name,
    settings.demat.company.trim() || company,
    customer.email,
    settings.demat.refusalContact,
  ];
  const subject = fillTemplate(template.subject?.trim() || 'Dématérialisation des documents', values);
  const body = templateBody(template.body ?? '', values);
  return { subject, ...body };
}

export interface CampaignRun {
  readonly selection: CampaignSelection;
  readonly queued: readonly OutboxRow[];
}

export interface CampaignOptions {
  readonly storeId: number;
  readonly sender: Sender;
  /** `%2` when the settings leave it empty: the store's legal name or sign. */
  readonly company: string;
  readonly settings: MailSettings;
  readonly filter: CampaignFilter;
  readonly activity?: SalesActivity;
  readonly now: Date;
  /** Select and write nothing. */
  readonly dryRun?: boolean;
}

/**
 * Selects, then (unless dry run) queues one letter per e-mail customer and marks every selected
 * customer (e-mailed or put on the print list) as sent, in one transaction: all or nothing.
 */
export async function runCampaign(db: Db, options: CampaignOptions): Promise<CampaignRun> {
  checkFilter(options.filter);
  const dated = options.filter.soldFrom !== undefined || options.filter.soldTo !== undefined;
  const sold = dated
    ? await (options.activity ?? journalActivity(db)).customersWithSales(
        options.filter.soldFrom,
        options.filter.soldTo,
      )
    : undefined;
  const selection = selectCampaign(await campaignCustomers(db), options.filter, sold);
  if (options.dryRun === true) return { selection, queued: [] };
  const mails: NewMail[] = selection.email.map((customer) => {
    const letter = letterFor(customer, options.company, options.settings);
    return {
      storeId: options.storeId,
      sender: options.sender,
      to: customer.email,
      subject: letter.subject,
      text: letter.text,
      html: letter.html,
      type: 'demat-letter',
      reference: customer.code,
      retryDays: options.settings.retry.days,
    };
  });
  const codes = [...selection.email, ...selection.print].map((c) => c.code);
  const queued = await db.transaction().execute(async (trx) => {
    const rows = await queueMails(trx, mails, options.now);
    for (let i = 0; i < codes.length; i += 500) {
      await trx
        .updateTable('customers')
        .set({ demat_letter_sent: 1, updated_at: options.now.toISOString() })
        .where('code', 'in', codes.slice(i, i + 500))
        .execute();
    }
    return rows;
  });
  return { selection, queued };
}
