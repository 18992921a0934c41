/**
 * Zones 1 to 3 of seed 001: the register's information (seller, cashier, register, ticket), the
 * customer's (name, address, points, visits, whether the receipt can go by e-mail) and the copy of
 * the customer display (last line, total, what is left to pay or given back).
 */
import { formatMoney } from '../format.ts';
import type { Controller } from './controller.ts';
import { itemLabel } from './state.ts';

export function InfoZone({ c }: { c: Controller }) {
  const { ticket, lastSale, invoice } = c.state;
  const { session, info } = c.props;
  if (ticket === null) return null;
  return (
    <section class="zone info" aria-label="Informations caisse">
      <dl>
        <dt>Vendeur</dt>
        <dd>{ticket.seller === null ? '—' : `${ticket.seller.name ?? ticket.seller.code}`}</dd>
        <dt>Caissier</dt>
        <dd>
          {session.user.name} ({session.user.code})
        </dd>
        <dt>Caisse</dt>
        <dd>
          n° {info.number} {info.name}
        </dd>
        <dt>Ticket</dt>
        <dd>
          {ticket.held ? 'repris' : 'en cours'}
          {lastSale === null ? '' : ` (dernier : n° ${lastSale})`}
          {invoice ? ' — facture demandée' : ''}
        </dd>
      </dl>
    </section>
  );
}

/** Whether the ticket is for the counter customer (no card, no e-mail to offer). */
export function isCounterCustomer(c: Controller): boolean {
  return c.customer === null || c.customer.code === c.props.info.defaultCustomer;
}

export function CustomerZone({ c }: { c: Controller }) {
  const { ticket } = c.state;
  const { customer } = c;
  const emailOk = customer?.consentEmailReceipts === true && customer.email !== '';
  const counter = isCounterCustomer(c);
  return (
    <section class="zone customer" aria-label="Informations client">
      <p class="name">{customer?.name ?? ticket?.customer?.name ?? 'Client comptoir'}</p>
      {customer === null ? null : (
        <p>
          {[customer.address1, `${customer.postalCode} ${customer.city}`.trim()]
            .filter((s) => s !== '')
            .join(', ')}
          {counter ? '' : ` — ${customer.loyaltyPoints} points, ${customer.visits} passages`}
        </p>
      )}
      {counter ? null : emailOk ? (
        <p class="ok">E-mail : le client reçoit son ticket par e-mail</p>
      ) : (
        <button
          type="button"
          class="alert"
          onClick={() => customer !== null && c.setDialog({ kind: 'customer', customer, error: null })}
        >
          Le client ne peut pas recevoir son ticket par e-mail (cliquez ici pour modifier)
        </button>
      )}
    </section>
  );
}

export function CustomerDisplay({ c }: { c: Controller }) {
  const { ticket } = c.state;
  if (ticket === null) return null;
  const { totals } = ticket;
  const lastItem = ticket.items[ticket.items.length - 1];
  return (
    <section class="zone display" aria-label="Afficheur client">
      <p class="last">
        {lastItem === undefined
          ? 'Bienvenue'
          : `${itemLabel(lastItem)} ${lastItem.kind === 'subtotal' ? formatMoney(lastItem.amount) : formatMoney(lastItem.net)}`}
      </p>
      <p class="total">
        Total <output aria-label="Total à payer">{formatMoney(totals.ttc)}</output>
      </p>
      {ticket.phase === 'payment' ? (
        totals.change > 0 ? (
          <p class="due">
            Rendu <output aria-label="Rendu">{formatMoney(totals.change)}</output>
          </p>
        ) : totals.creditNote > 0 ? (
          <p class="due">
            Avoir <output aria-label="Avoir">{formatMoney(totals.creditNote)}</output>
          </p>
        ) : (
          <p class="due">
            Reste dû <output aria-label="Reste dû">{formatMoney(totals.remaining)}</output>
          </p>
        )
      ) : null}
    </section>
  );
}
