/**
 * Zone 7 of seed 001: the ticket being entered as a table (its columns chosen per register), the
 * pointed line, the footer discount, the payments after Total, and the counts.
 */
import { api, type Item } from '../api.ts';
import { formatMoney } from '../format.ts';
import type { Controller } from './controller.ts';
import { COLUMNS, type Column, countsText, discountText, lineCells, modeLabel } from './state.ts';

function LineRow(props: { item: Item; columns: Set<Column>; pointed: boolean; onPoint: () => void }) {
  const { item, columns } = props;
  const cells = lineCells(item);
  return (
    <tr
      class={`${item.kind}${props.pointed ? ' pointed' : ''}`}
      aria-selected={props.pointed}
      tabIndex={0}
      onClick={props.onPoint}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          props.onPoint();
        }
      }}
    >
      {COLUMNS.filter(([id]) => columns.has(id)).map(([id]) => (
        <td key={id} class={id}>
          {cells[id]}
        </td>
      ))}
    </tr>
  );
}

export function TicketLines({ c }: { c: Controller }) {
  const { ticket } = c.state;
  const { columns } = c;
  if (ticket === null) return null;
  const { totals } = ticket;
  const inPayment = ticket.phase === 'payment';
  return (
    <section class="zone lines" aria-label="Ticket en cours">
      <table>
        <caption class="sr">Lignes du ticket</caption>
        <thead>
          <tr>
            {COLUMNS.filter(([id]) => columns.has(id)).map(([id, label]) => (
              <th key={id} scope="col" class={id}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ticket.items.map((item) => (
            <LineRow
              key={item.id}
              item={item}
              columns={columns}
              pointed={ticket.pointer === item.id}
              onPoint={() => {
                void c.act('point', { lineId: item.id });
                c.focusViseur();
              }}
            />
          ))}
          {ticket.footerDiscount === null ? null : (
            <tr class="footer">
              <td colSpan={columns.size}>Remise en pied {discountText(ticket.footerDiscount)}</td>
            </tr>
          )}
        </tbody>
      </table>
      {inPayment ? (
        <table class="payments">
          <caption>Règlements</caption>
          <tbody>
            {ticket.payments.map((p) => {
              const label = modeLabel(c.props.info, p.mode);
              return (
                <tr key={p.id}>
                  <th scope="row">{label}</th>
                  <td>{formatMoney(p.given)}</td>
                  <td>
                    <button
                      type="button"
                      class="small"
                      aria-label={`Annuler le règlement ${label} ${formatMoney(p.given)}`}
                      onClick={() =>
                        void c.enqueue(async () => c.show(await api.cancelPayment(ticket.id, p.id)))
                      }
                    >
                      Annuler
                    </button>
                  </td>
                </tr>
              );
            })}
            {totals.roundingAdjustment === 0 ? null : (
              <tr>
                <th scope="row">Arrondi espèces</th>
                <td>{formatMoney(totals.roundingAdjustment)}</td>
                <td />
              </tr>
            )}
            {totals.change > 0 ? (
              <tr>
                <th scope="row">Rendu monnaie</th>
                <td>{formatMoney(totals.change)}</td>
                <td />
              </tr>
            ) : null}
            {totals.creditNote > 0 ? (
              <tr>
                <th scope="row">Bon d’avoir émis</th>
                <td>{formatMoney(totals.creditNote)}</td>
                <td />
              </tr>
            ) : null}
          </tbody>
        </table>
      ) : null}
      <p class="counts">{countsText(totals)}</p>
    </section>
  );
}
