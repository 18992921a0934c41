/**
 * The receipt choice after a sale is validated (seed 000, seed 001 and the AGEC law): paper, e-mail,
 * e-mail and save the address with the customer's consent, or nothing. Pure: the caller shows the
 * dialog, and queues, prints or saves what the outcome says.
 */
import type { Minor } from '../sales/money.ts';
import { checkAddress, requireAddress } from './address.ts';
import { MailError } from './errors.ts';
import type { MailSettings } from './settings.ts';

export type ReceiptChoice = 'email-and-save' | 'print' | 'email' | 'none';

/** The four buttons, in the seed's order and words. */
export const RECEIPT_CHOICES: readonly { readonly choice: ReceiptChoice; readonly label: string }[] = [
  {
    choice: 'email-and-save',
    label: "Poster le ticket par e-mail et sauvegarder l'adresse e-mail avec l'accord du client",
  },
  { choice: 'print', label: 'Le client veut un ticket physique' },
  { choice: 'email', label: 'Poster le ticket par e-mail' },
  { choice: 'none', label: 'Le client ne veut pas de ticket' },
];

export const CONSENT_LABEL = 'Le client souhaite recevoir ses tickets de caisse par e-mail';
export const CANNOT_RECEIVE_ALERT = 'Le client ne peut pas recevoir son ticket par e-mail';
export const RECEIVES_BY_EMAIL = 'Le client reçoit son ticket par e-mail';

export interface CustomerContact {
  readonly code: string;
  readonly email: string;
  readonly consentEmailReceipts: boolean;
  /** The counter customer (« client comptoir »): an address typed for it is never saved. */
  readonly counter?: boolean;
}

export interface ReceiptContext {
  readonly customer?: CustomerContact;
  /** Total of the sale, in minor units (absolute value compared with the threshold). */
  readonly total: Minor;
  /** ISO 3166 alpha-2 country of the register. */
  readonly country: string;
  readonly settings: Pick<MailSettings, 'forceEmail' | 'receiptThresholds'>;
}

export type ReceiptOutcome =
  | { readonly action: 'print'; readonly reason: 'asked' | 'no-address' | 'above-threshold' }
  | { readonly action: 'email'; readonly to: string; readonly saveToCustomer: boolean }
  | { readonly action: 'none'; readonly reason: 'declined' | 'below-threshold' };

export interface ReceiptPrompt {
  /** `dialog`: ask with the four choices; `automatic`: apply `outcome` (the cashier may still print on demand). */
  readonly mode: 'dialog' | 'automatic';
  readonly choices: readonly ReceiptChoice[];
  /** The customer's address even when the opt-in is off (seed 000); empty without one. */
  readonly prefilledAddress: string;
  readonly outcome?: ReceiptOutcome;
  /** The alert zone: whether the current customer receives tickets by e-mail. */
  readonly alert: EmailAlert;
}

export interface EmailAlert {
  readonly canReceive: boolean;
  readonly message: string;
}

export function prefilledAddress(customer: CustomerContact | undefined): string {
  return customer?.email.trim() ?? '';
}

/** Whether the current customer gets tickets by e-mail: opted in and a valid address. */
export function emailAlert(customer: CustomerContact | undefined): EmailAlert {
  const canReceive =
    customer !== undefined &&
    customer.counter !== true &&
    customer.consentEmailReceipts &&
    checkAddress(customer.email).ok;
  return { canReceive, message: canReceive ? RECEIVES_BY_EMAIL : CANNOT_RECEIVE_ALERT };
}

/**
 * Whether a receipt is printed without the customer asking: under the country's threshold it is not
 * (`null`: whatever the amount, France since 2023); a country without threshold prints.
 */
export function printedWithoutAsking(
  total: Minor,
  country: string,
  thresholds: Readonly<Record<string, number | null>>,
): boolean {
  const threshold = thresholds[country.toUpperCase()];
  if (threshold === undefined) return true;
  if (threshold === null) return false;
  return Math.abs(total) >= threshold;
}

/** What the register does once the sale is validated. */
export function receiptPrompt(context: ReceiptContext): ReceiptPrompt {
  const alert = emailAlert(context.customer);
  const prefilled = prefilledAddress(context.customer);
  if (context.settings.forceEmail) {
    return {
      mode: 'dialog',
      choices: RECEIPT_CHOICES.map((c) => c.choice),
      prefilledAddress: prefilled,
      alert,
    };
  }
  const outcome: ReceiptOutcome = alert.canReceive
    ? { action: 'email', to: requireAddress(prefilled), saveToCustomer: false }
    : printedWithoutAsking(context.total, context.country, context.settings.receiptThresholds)
      ? { action: 'print', reason: 'above-threshold' }
      : { action: 'none', reason: 'below-threshold' };
  // The customer's right to ask for paper is always kept.
  return { mode: 'automatic', choices: ['print'], prefilledAddress: prefilled, outcome, alert };
}

/**
 * The outcome of the cashier's choice. E-mail with an empty address prints (seed 000); an address that
 * is not valid throws `MailError` INVALID_EMAIL (nothing queued, nothing saved).
 */
export function resolveReceiptChoice(
  choice: ReceiptChoice,
  address: string,
  customer?: CustomerContact,
): ReceiptOutcome {
  switch (choice) {
    case 'print':
      return { action: 'print', reason: 'asked' };
    case 'none':
      return { action: 'none', reason: 'declined' };
    case 'email':
    case 'email-and-save': {
      if (address.trim() === '') return { action: 'print', reason: 'no-address' };
      const to = requireAddress(address);
      const saveToCustomer =
        choice === 'email-and-save' && customer !== undefined && customer.counter !== true;
      return { action: 'email', to, saveToCustomer };
    }
  }
}

/**
 * Checks a reprint reason against the settings (« Saisie libre du motif », « Liste des motifs »). The
 * reason is optional; the returned text goes into the fiscal journal with the reprint.
 */
export function checkReprintReason(
  reason: string | undefined,
  settings: Pick<MailSettings, 'reprint'>,
): string | undefined {
  const text = reason?.trim() ?? '';
  if (text === '') return undefined;
  if (settings.reprint.reasons.includes(text) || settings.reprint.freeReason) return text;
  throw new MailError(
    'INVALID_REASON',
    `Motif de réimpression non prévu : « ${text} » (motifs permis : ${settings.reprint.reasons.join(' ; ') || 'aucun'})`,
    'reason',
  );
}
