/**
 * The Caisse-AP protocol over IP (formerly « Concert »), as French card terminals speak it (issue 15,
 * docs/terminal.md): a message is a run of ASCII fields, each a 2-letter tag, a 3-digit length and the
 * value (1 to 999 characters), `CZ` (the protocol version) first, each tag once. Written from the
 * public descriptions (akretion/caisse-ap-ip's README, HiPay's « Local API for Nepting »). Pure: text
 * in, text or fields out.
 */

export class CaisseApError extends Error {}

/** The protocol version the register announces. */
export const CAISSE_AP_VERSION = '0300';

export type Field = readonly [tag: string, value: string];

/** One message's text; a French error for a bad tag, an empty or too long value, `CZ` not first. */
export function encodeMessage(fields: readonly Field[]): string {
  if (fields[0]?.[0] !== 'CZ')
    throw new CaisseApError('Caisse-AP : le champ CZ (version) doit venir en premier');
  const seen = new Set<string>();
  return fields
    .map(([tag, value]) => {
      if (!/^[A-Z]{2}$/.test(tag)) throw new CaisseApError(`Caisse-AP : étiquette invalide « ${tag} »`);
      if (seen.has(tag)) throw new CaisseApError(`Caisse-AP : champ ${tag} en double`);
      seen.add(tag);
      if (value.length < 1 || value.length > 999 || !/^[\x20-\x7e]*$/.test(value)) {
        throw new CaisseApError(`Caisse-AP : valeur du champ ${tag} invalide (1 à 999 caractères ASCII)`);
      }
      return `${tag}${String(value.length).padStart(3, '0')}${value}`;
    })
    .join('');
}

/**
 * Reads fields as they arrive: a terminal may split an answer over several TCP segments, so a field
 * cut in the middle waits for the rest. `push` returns false once the text cannot be Caisse-AP.
 */
export class MessageReader {
  private buffer = '';
  private readonly fields = new Map<string, string>();
  error: string | null = null;

  push(text: string): boolean {
    if (this.error !== null) return false;
    this.buffer += text;
    for (;;) {
      // Terminals may end a message with CR/LF: between fields it is not part of any.
      this.buffer = this.buffer.replace(/^[\r\n]+/, '');
      if (this.buffer.length < 5) break;
      const tag = this.buffer.slice(0, 2);
      const length = this.buffer.slice(2, 5);
      if (!/^[A-Z]{2}$/.test(tag) || !/^\d{3}$/.test(length) || Number(length) === 0) {
        this.error = `champ illisible « ${this.buffer.slice(0, 5)} »`;
        return false;
      }
      if (this.fields.size === 0 && tag !== 'CZ') {
        this.error = `le message commence par ${tag} au lieu de CZ`;
        return false;
      }
      if (this.fields.has(tag)) {
        this.error = `champ ${tag} en double`;
        return false;
      }
      const end = 5 + Number(length);
      if (this.buffer.length < end) break;
      this.fields.set(tag, this.buffer.slice(5, end));
      this.buffer = this.buffer.slice(end);
    }
    return true;
  }

  /** Whether every field read is whole (no field cut in the middle). */
  get atBoundary(): boolean {
    return this.buffer.replace(/^[\r\n]+/, '') === '';
  }

  has(...tags: readonly string[]): boolean {
    return tags.every((t) => this.fields.has(t));
  }

  get message(): ReadonlyMap<string, string> {
    return this.fields;
  }
}

/** Every field of a whole message (a French error otherwise). */
export function decodeMessage(text: string): ReadonlyMap<string, string> {
  const reader = new MessageReader();
  if (!reader.push(text)) throw new CaisseApError(`Caisse-AP : ${reader.error}`);
  if (!reader.atBoundary) throw new CaisseApError('Caisse-AP : message tronqué');
  return reader.message;
}

/** `CD`: 0 a payment (debit), 1 a refund (credit). */
export type Direction = '0' | '1';

export interface PaymentRequest {
  /** `CJ`: the protocol identifier, 12 digits. */
  readonly identifier: string;
  /** `CA`: the register's number, 2 digits on the wire. */
  readonly register: number;
  /** `CB`: in cents (minor units), at least 1. */
  readonly amount: number;
  readonly direction: Direction;
  /** `CE`: ISO 4217 numeric (978 for the euro). */
  readonly currency: string;
}

/** The tags a payment request carries, and the terminal echoes. */
export const ECHOED_TAGS = ['CZ', 'CJ', 'CA', 'CD', 'CE'] as const;

export function paymentRequestFields(request: PaymentRequest): Field[] {
  if (!Number.isSafeInteger(request.amount) || request.amount < 1 || request.amount > 999_999_999_999) {
    throw new CaisseApError(`Montant invalide pour le terminal : ${request.amount}`);
  }
  if (!Number.isInteger(request.register) || request.register < 1 || request.register > 99) {
    throw new CaisseApError(`Numéro de caisse invalide pour le terminal : ${request.register} (1 à 99)`);
  }
  if (!/^\d{12}$/.test(request.identifier)) throw new CaisseApError('Caisse-AP : CJ attend 12 chiffres');
  if (!/^\d{3}$/.test(request.currency)) throw new CaisseApError('Caisse-AP : CE attend 3 chiffres');
  return [
    ['CZ', CAISSE_AP_VERSION],
    ['CJ', request.identifier],
    ['CA', String(request.register).padStart(2, '0')],
    ['CB', String(request.amount).padStart(2, '0')],
    ['CD', request.direction],
    ['CE', request.currency],
    // BA=0: answer once the transaction is over (not an immediate acknowledgement).
    ['BA', '0'],
  ];
}

/** `AF`: why a transaction was not done (Caisse-AP reasons, in French). */
export const REASONS: Readonly<Record<string, string>> = {
  '00': 'Raison inconnue',
  '01': 'Autorisée',
  '02': 'Appel phonie',
  '03': 'Forçage',
  '04': 'Refusée',
  '05': 'Interdite',
  '06': 'Abandon',
  '07': 'Non aboutie',
  '08': 'Temps de saisie dépassé',
  '09': 'Erreur de format du message',
  '10': 'Erreur de sélection',
  '11': 'Annulée par l’opérateur',
  '12': 'Type d’action inconnu',
  '13': 'Devise non supportée',
};

/** `CC`: the card application (the last character names it). */
export const APPLICATIONS: Readonly<Record<string, string>> = {
  '1': 'CB contact',
  B: 'CB sans contact',
  C: 'Chèque',
  '2': 'American Express',
  D: 'American Express sans contact',
  '3': 'CB enseigne',
  '9': 'JCB',
  U: 'UnionPay',
  '0': 'Autre carte',
};

export type PaymentAnswer =
  | {
      readonly status: 'done';
      /** The answered `CB`: what was actually paid (can be lower than asked). */
      readonly amountPaid: number;
      readonly application: string | null;
      readonly authorisation: string | null;
      readonly maskedPan: string | null;
    }
  | { readonly status: 'not-done'; readonly reason: string; readonly reasonLabel: string };

/**
 * Reads the terminal's answer to `request`: the echoed tags must match (a different `CJ`, `CA`, `CD`
 * or `CE` is not the answer to this request: a French error), `AE` 10 is done, 01 not done.
 */
export function readPaymentAnswer(
  request: PaymentRequest,
  answer: ReadonlyMap<string, string>,
): PaymentAnswer {
  const sent = new Map(paymentRequestFields(request));
  for (const tag of ['CJ', 'CA', 'CD', 'CE'] as const) {
    const value = answer.get(tag);
    if (value === undefined) throw new CaisseApError(`Caisse-AP : la réponse n'a pas le champ ${tag}`);
    const same = tag === 'CA' ? Number(value) === request.register : value === sent.get(tag);
    if (!same) {
      throw new CaisseApError(
        `Caisse-AP : la réponse porte ${tag}=${value} au lieu de ${sent.get(tag) ?? ''}`,
      );
    }
  }
  const result = answer.get('AE');
  if (result === '10') {
    const paid = answer.get('CB');
    if (paid === undefined || !/^\d{1,12}$/.test(paid)) {
      throw new CaisseApError('Caisse-AP : paiement accepté sans montant (CB) lisible');
    }
    const amountPaid = Number(paid);
    if (amountPaid < 1 || amountPaid > request.amount) {
      throw new CaisseApError(`Caisse-AP : montant payé ${amountPaid} hors de 1 à ${request.amount}`);
    }
    return {
      status: 'done',
      amountPaid,
      application: answer.get('CC') ?? null,
      authorisation: answer.get('AC') ?? null,
      maskedPan: answer.get('AA') ?? null,
    };
  }
  if (result === '01') {
    const reason = (answer.get('AF') ?? '00').slice(0, 2);
    return { status: 'not-done', reason, reasonLabel: REASONS[reason] ?? `Raison ${reason}` };
  }
  throw new CaisseApError(`Caisse-AP : résultat AE=${result ?? '(absent)'} inconnu`);
}

/** A CJ for an attempt: 12 digits from a number (an attempt counter, a clock given by the caller). */
export function identifierOf(n: number): string {
  return String(Math.abs(Math.trunc(n)) % 1_000_000_000_000).padStart(12, '0');
}
