/**
 * The register's small dialogs about the ticket: the held tickets to take up, « Annuler » (the
 * pointed line, the whole ticket, back to entry), « Autres opérations », the ticket's columns, the
 * HT/TVA breakdown and a plain message.
 */
import type { Ticket } from '../api.ts';
import { Dialog } from '../dialogs.tsx';
import { formatMoney, formatRate } from '../format.ts';
import { COLUMNS, type Column, type DialogState } from './state.ts';

export function HeldDialog(props: { tickets: Ticket[]; onResume: (t: Ticket) => void; onClose: () => void }) {
  return (
    <Dialog title="Tickets en attente" onClose={props.onClose}>
      <ul class="list">
        {props.tickets.map((t) => (
          <li key={t.id}>
            <button type="button" onClick={() => props.onResume(t)}>
              Reprendre le ticket de {formatMoney(t.totals.ttc)} ({t.items.length} ligne(s),{' '}
              {t.customer?.name ?? 'client comptoir'}, {new Date(t.updatedAt).toLocaleTimeString('fr-FR')})
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={props.onClose}>
        Fermer
      </button>
    </Dialog>
  );
}

export function VatDialog(props: { state: Extract<DialogState, { kind: 'vat' }>; onClose: () => void }) {
  const { state } = props;
  return (
    <Dialog title="HT/TVA" onClose={props.onClose}>
      <table>
        <thead>
          <tr>
            <th scope="col">Taux</th>
            <th scope="col">HT</th>
            <th scope="col">TVA</th>
            <th scope="col">TTC</th>
          </tr>
        </thead>
        <tbody>
          {state.rows.map((row) => (
            <tr key={row.rate}>
              <td>{formatRate(row.rate)}</td>
              <td>{formatMoney(row.base)}</td>
              <td>{formatMoney(row.tax)}</td>
              <td>{formatMoney(row.total)}</td>
            </tr>
          ))}
          <tr class="footer">
            <th scope="row">Total</th>
            <td>{formatMoney(state.ht)}</td>
            <td>{formatMoney(state.vat)}</td>
            <td>{formatMoney(state.ttc)}</td>
          </tr>
        </tbody>
      </table>
      <button type="button" onClick={props.onClose}>
        Fermer
      </button>
    </Dialog>
  );
}

export function CancelDialog(props: {
  canDeleteLine: boolean;
  onDeleteLine: () => void;
  onClear: () => void;
  onBack: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title="Annuler" onClose={props.onClose}>
      <div class="choices">
        <button type="button" disabled={!props.canDeleteLine} onClick={props.onDeleteLine}>
          Supprimer la ligne pointée
        </button>
        <button type="button" onClick={props.onClear}>
          Supprimer le ticket en entier
        </button>
        <button type="button" onClick={props.onBack}>
          Revenir à la saisie
        </button>
      </div>
    </Dialog>
  );
}

export function OtherDialog(props: {
  onColumns: () => void;
  onAbandon: () => void;
  onBackOffice: () => void;
  onLogout: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title="Autres opérations" onClose={props.onClose}>
      <div class="choices">
        <button type="button" onClick={props.onColumns}>
          Colonnes du ticket
        </button>
        <button type="button" onClick={props.onAbandon}>
          Abandonner le ticket
        </button>
        <button type="button" onClick={props.onBackOffice}>
          Gestion
        </button>
        <button type="button" onClick={props.onLogout}>
          Déconnexion
        </button>
        <button type="button" onClick={props.onClose}>
          Fermer
        </button>
      </div>
    </Dialog>
  );
}

export function ColumnsDialog(props: {
  columns: Set<Column>;
  onChange: (columns: Set<Column>) => void;
  onClose: () => void;
}) {
  return (
    <Dialog title="Colonnes du ticket" onClose={props.onClose}>
      {COLUMNS.map(([id, label]) => (
        <label key={id} class="check">
          <input
            type="checkbox"
            checked={props.columns.has(id)}
            onChange={(event) => {
              const next = new Set(props.columns);
              if (event.currentTarget.checked) next.add(id);
              else next.delete(id);
              props.onChange(next);
            }}
          />
          {label}
        </label>
      ))}
      <button type="button" onClick={props.onClose}>
        Fermer
      </button>
    </Dialog>
  );
}

export function MessageDialog(props: { title: string; text: string; onClose: () => void; onOk: () => void }) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <p role="status">{props.text}</p>
      <button type="button" onClick={props.onOk}>
        OK
      </button>
    </Dialog>
  );
}
