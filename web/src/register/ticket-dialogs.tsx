/**
 * The register's small dialogs about the ticket: the held tickets to take up, « Annuler » (the
 * pointed line, the whole ticket, back to entry), « Autres opérations », the ticket's columns, the
 * HT/TVA breakdown and a plain message.
 */
import type { Ticket } from '../api.ts';
import { Dialog } from '../dialogs.tsx';
import { formatMoney, formatRate } from '../format.ts';
import { helpRows, keysShown, PAYMENT_HELP } from './keymap.ts';
import { COLUMNS, type Column, type ConfirmAction, countsText, type DialogState } from './state.ts';

export function HeldDialog(props: { tickets: Ticket[]; onResume: (t: Ticket) => void; onClose: () => void }) {
  return (
    <Dialog title="Tickets en attente" onClose={props.onClose}>
      <ul class="list">
        {props.tickets.map((t, i) => (
          <li key={t.id}>
            <button
              type="button"
              onClick={() => props.onResume(t)}
              data-autofocus={i === 0 ? true : undefined}
            >
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
      <button type="button" onClick={props.onClose} data-autofocus>
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
          Supprimer le ticket en entier…
        </button>
        <button type="button" onClick={props.onBack} data-autofocus>
          Revenir à la saisie
        </button>
      </div>
    </Dialog>
  );
}

export function OtherDialog(props: {
  onFooter: (kind: 'percent' | 'amount') => void;
  onColumns: () => void;
  onTill: (op: 'in' | 'out' | 'x' | 'close') => void;
  onAbandon: () => void;
  onBackOffice: () => void;
  onLogout: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title="Autres opérations" onClose={props.onClose}>
      <p class="hint">Remise en pied : saisissez d’abord le pourcentage ou le montant dans le viseur.</p>
      <div class="choices">
        <button type="button" onClick={() => props.onFooter('percent')}>
          Remise en pied en % (sur tout le ticket)
        </button>
        <button type="button" onClick={() => props.onFooter('amount')}>
          Remise en pied en € (sur tout le ticket)
        </button>
        <button type="button" onClick={props.onColumns}>
          Colonnes du ticket
        </button>
        <button type="button" onClick={() => props.onTill('in')}>
          Apport
        </button>
        <button type="button" onClick={() => props.onTill('out')}>
          Retrait
        </button>
        <button type="button" onClick={() => props.onTill('x')}>
          Lecture X
        </button>
        <button type="button" onClick={() => props.onTill('close')}>
          Fermeture de caisse
        </button>
        <button type="button" onClick={props.onAbandon}>
          Abandonner le ticket… <kbd>{keysShown('abandon')}</kbd>
        </button>
        <button type="button" onClick={props.onBackOffice}>
          Gestion
        </button>
        <button type="button" onClick={props.onLogout}>
          Déconnexion
        </button>
        <button type="button" onClick={props.onClose} data-autofocus>
          Fermer
        </button>
      </div>
    </Dialog>
  );
}

/** Before a ticket is lost: what is on it, and « Revenir au ticket » as the first choice. */
export function ConfirmDialog(props: {
  action: ConfirmAction;
  ticket: Ticket;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const abandon = props.action === 'abandon';
  return (
    <Dialog
      title={abandon ? 'Abandonner le ticket ?' : 'Supprimer toutes les lignes ?'}
      onClose={props.onClose}
    >
      <p>
        Le ticket en cours ({countsText(props.ticket.totals)}, total {formatMoney(props.ticket.totals.ttc)}){' '}
        {abandon
          ? 'sera abandonné : ses lignes seront perdues (l’abandon est tracé au journal technique).'
          : 'perdra toutes ses lignes.'}
      </p>
      <div class="row">
        <button type="button" onClick={props.onClose} data-autofocus>
          Revenir au ticket
        </button>
        <button type="button" class="danger" onClick={props.onConfirm}>
          {abandon ? 'Abandonner le ticket' : 'Supprimer les lignes'}
        </button>
      </div>
    </Dialog>
  );
}

/** F1: every key of the register, and how a payment goes by keyboard. */
export function HelpDialog(props: { onClose: () => void }) {
  return (
    <Dialog title="Aide : les touches de la caisse" onClose={props.onClose} wide>
      <table class="keymap">
        <caption>Saisie du ticket</caption>
        <thead>
          <tr>
            <th scope="col">Touche</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {helpRows().map((row) => (
            <tr key={row.keys}>
              <th scope="row">
                <kbd>{row.keys}</kbd>
              </th>
              <td>{row.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="keymap">
        <caption>Règlement, après Total</caption>
        <tbody>
          {PAYMENT_HELP.map((row) => (
            <tr key={row.keys}>
              <th scope="row">
                <kbd>{row.keys}</kbd>
              </th>
              <td>{row.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">
        Un code scanné ou tapé puis Entrée ajoute l’article, où que soit le curseur. Dans une fenêtre : Tab
        passe d’un choix à l’autre, Échap la ferme.
      </p>
      <button type="button" onClick={props.onClose} data-autofocus>
        Fermer
      </button>
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
      <button type="button" onClick={props.onOk} data-autofocus>
        OK
      </button>
    </Dialog>
  );
}
