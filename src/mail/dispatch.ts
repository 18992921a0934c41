/**
 * Which documents of a validated sale go by e-mail and which stay printed (seed 000's table), when the
 * receipt goes by e-mail at all. Pure.
 *
 * | document                                   | by e-mail                                      |
 * | ------------------------------------------ | ---------------------------------------------- |
 * | ticket (option « Ticket »)                 | yes                                            |
 * | ticket (option « Ticket + Ticket »)        | yes; the duplicate stays printed               |
 * | ticket (option « Ticket + Ticket cadeau ») | yes, and the gift ticket in a second e-mail    |
 * | invoice                                    | only with the option « Facture » (then instead of the ticket) |
 * | vouchers (avoir, acompte, arrhes, cadeau)  | yes, one e-mail each                           |
 * | prepaid card ticket                        | yes, unless its code is pre-generated          |
 * | service tickets                            | the first one only; the others printed         |
 * | deferred-cheque and defective vouchers     | never: printed                                 |
 */
import type {
  GiftTicket,
  Invoice,
  ReceiptDocument,
  SaleTicket,
  ServiceTicket,
  Voucher,
} from '../receipts/document.ts';

/** The register's ticket option (« option en caisse »). */
export type TicketOption = 'ticket' | 'ticket+ticket' | 'ticket+gift' | 'invoice';

export const TICKET_OPTIONS: readonly TicketOption[] = ['ticket', 'ticket+ticket', 'ticket+gift', 'invoice'];

/** The documents a sale issued, as the receipts integration gives them. */
export interface IssuedDocuments {
  readonly ticket: SaleTicket;
  readonly gift?: GiftTicket;
  readonly invoice?: Invoice;
  readonly vouchers?: readonly IssuedVoucher[];
  readonly services?: readonly ServiceTicket[];
  /** Deferred-cheque and defective vouchers: always printed (not in the document model's e-mail set). */
  readonly printedOnly?: readonly PrintedOnlyDocument[];
}

export interface IssuedVoucher {
  readonly document: Voucher;
  /** « Code pré-généré » or « Forcer la saisie d'un code-barres »: the customer holds a physical card. */
  readonly preGeneratedCode?: boolean;
}

export interface PrintedOnlyDocument {
  readonly role: 'deferred-cheque' | 'defective';
  readonly label: string;
}

export type PlannedItem =
  | { readonly role: 'ticket' | 'ticket-duplicate'; readonly document: SaleTicket }
  | { readonly role: 'gift'; readonly document: GiftTicket }
  | { readonly role: 'invoice'; readonly document: Invoice }
  | { readonly role: 'voucher'; readonly document: Voucher }
  | { readonly role: 'service'; readonly document: ServiceTicket }
  | { readonly role: PrintedOnlyDocument['role']; readonly label: string };

export interface DispatchPlan {
  /** One e-mail each, in this order. */
  readonly email: readonly ReceiptDocument[];
  /** What the register still prints. */
  readonly print: readonly PlannedItem[];
}

/**
 * Splits a sale's documents between e-mail and printer. `invoiceByEmail` is false when the customer
 * refused dematerialization or has no valid address (seed 003): the invoice is then printed.
 */
export function planDispatch(
  issued: IssuedDocuments,
  option: TicketOption,
  invoiceByEmail = true,
): DispatchPlan {
  const email: ReceiptDocument[] = [];
  const print: PlannedItem[] = [];
  if (option === 'invoice' && issued.invoice !== undefined) {
    if (invoiceByEmail) email.push(issued.invoice);
    else print.push({ role: 'invoice', document: issued.invoice });
  } else {
    email.push(issued.ticket);
    if (option === 'ticket+ticket') print.push({ role: 'ticket-duplicate', document: issued.ticket });
    if (option === 'ticket+gift' && issued.gift !== undefined) email.push(issued.gift);
  }
  for (const voucher of issued.vouchers ?? []) {
    const physicalCard = voucher.document.voucherType === 'prepaid-card' && voucher.preGeneratedCode === true;
    if (physicalCard) print.push({ role: 'voucher', document: voucher.document });
    else email.push(voucher.document);
  }
  const [first, ...others] = issued.services ?? [];
  if (first !== undefined) email.push(first);
  for (const service of others) print.push({ role: 'service', document: service });
  for (const item of issued.printedOnly ?? []) print.push({ role: item.role, label: item.label });
  return { email, print };
}

/** Everything printed, as when the receipt goes to the printer (the e-mail plan's complement). */
export function planPrintOnly(issued: IssuedDocuments, option: TicketOption): DispatchPlan {
  const plan = planDispatch(issued, option);
  const asItems: PlannedItem[] = plan.email.map((document): PlannedItem => {
    switch (document.kind) {
      case 'sale':
        return { role: 'ticket', document };
      case 'gift':
        return { role: 'gift', document };
      case 'invoice':
        return { role: 'invoice', document };
      case 'voucher':
        return { role: 'voucher', document };
      case 'service':
        return { role: 'service', document };
      default:
        throw new RangeError('Une clôture ne fait pas partie des documents d’une vente');
    }
  });
  return { email: [], print: [...asItems, ...plan.print] };
}
