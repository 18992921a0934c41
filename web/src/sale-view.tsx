/**
 * A validated sale read back from the fiscal journal, drawn as its receipt (the duplicate shown and
 * printed after a reprint), and the reprint form: which ticket, and the reason the journal keeps.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  api,
  type DuplicatePayload,
  type JournalRecord,
  type ReprintRules,
  type SalePayload,
} from './api.ts';
import { Dialog } from './dialogs.tsx';
import { formatMoney, formatQuantity, formatRate } from './format.ts';

/** The receipt of a sale (or a cancellation) from its signed payload; `duplicate` adds the mention. */
export function SaleTicket(props: { sale: JournalRecord; duplicate?: JournalRecord }) {
  const { sale } = props;
  const payload = sale.payload as SalePayload;
  const detail = payload.detail;
  const copy = props.duplicate?.payload as DuplicatePayload | undefined;
  const payments =
    detail === undefined
      ? payload.payments.map((p) => ({ label: p.mode, amount: p.amount }))
      : detail.payments.map((p) => ({ label: p.label, amount: p.given }));
  return (
    <div class="receipt print" aria-label={`Ticket n° ${sale.number}`} role="document">
      {copy === undefined || props.duplicate === undefined ? null : (
        <p class="duplicate">
          DUPLICATA n° {copy.copyNumber} — motif : {copy.reason}
          <br />
          imprimé le {new Date(props.duplicate.at).toLocaleString('fr-FR')} par {copy.operator}, signature{' '}
          {props.duplicate.shortSignature}
        </p>
      )}
      <p>
        {sale.type === 'CANCELLATION' ? 'Annulation' : 'Ticket'} n° {sale.number} — caisse {sale.register}
        <br />
        {new Date(sale.at).toLocaleString('fr-FR')}
        {detail === undefined ? '' : ` — ${detail.cashier.name}`}
        {detail === undefined || detail.customer.code === 'DIVERS' ? '' : ` — client ${detail.customer.name}`}
      </p>
      <table>
        <tbody>
          {detail === undefined
            ? payload.lines.map((l, i) => (
                <tr key={i}>
                  <td>{l.label}</td>
                  <td class="num">{formatQuantity(l.quantity)}</td>
                  <td class="num">{formatMoney(l.totalTtc)}</td>
                </tr>
              ))
            : detail.lines.map((l, i) => (
                <tr key={i}>
                  <td>
                    {l.designation}
                    {l.lineDiscount === 0 ? '' : ` (remise ${formatMoney(-l.lineDiscount)})`}
                  </td>
                  <td class="num">{formatQuantity(l.quantity)}</td>
                  <td class="num">{formatMoney(l.net)}</td>
                </tr>
              ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total TTC</th>
            <td />
            <td class="num">{formatMoney(payload.totalTtc)}</td>
          </tr>
          {payload.perRate.map((r) => (
            <tr key={r.rate}>
              <td>TVA {formatRate(r.rate)}</td>
              <td class="num">HT {formatMoney(r.ht)}</td>
              <td class="num">{formatMoney(r.vat)}</td>
            </tr>
          ))}
          {payments.map((p, i) => (
            <tr key={`p${i}`}>
              <td>{p.label}</td>
              <td />
              <td class="num">{formatMoney(p.amount)}</td>
            </tr>
          ))}
          {detail === undefined || detail.change === 0 ? null : (
            <tr>
              <td>Rendu</td>
              <td />
              <td class="num">{formatMoney(detail.change)}</td>
            </tr>
          )}
        </tfoot>
      </table>
      <p class="signature">Signature {sale.shortSignature}</p>
    </div>
  );
}

export const REPRINT_REASONS = ['Demande du client', 'Ticket illisible', 'Incident d’impression'];

/** « Réimpression »: the ticket number (the last one by default) and the reason, both required. */
export function ReprintDialog(props: {
  number: string;
  error: string | null;
  busy: boolean;
  onSubmit: (number: number, reason: string) => void;
  onCancel: () => void;
}) {
  const [number, setNumber] = useState(props.number);
  const [reason, setReason] = useState('');
  // The store's own list of reasons, and whether another one may be typed.
  const [rules, setRules] = useState<ReprintRules>({ freeReason: true, reasons: [] });
  useEffect(() => {
    api.reprintReasons().then(setRules, () => undefined);
  }, []);
  const suggestions = rules.reasons.length > 0 ? rules.reasons : REPRINT_REASONS;
  return (
    <Dialog title="Réimpression" onClose={props.onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const n = Number(number);
          if (Number.isInteger(n) && n > 0 && reason.trim() !== '') props.onSubmit(n, reason.trim());
        }}
      >
        <label>
          N° du ticket
          <input
            type="number"
            min={1}
            value={number}
            onInput={(e) => setNumber(e.currentTarget.value)}
            required
          />
        </label>
        <label for="reprint-reason">
          Motif de la réimpression
          {rules.freeReason ? (
            <input
              id="reprint-reason"
              list="reprint-reasons"
              value={reason}
              autocomplete="off"
              onInput={(e) => setReason(e.currentTarget.value)}
              required
              data-autofocus
            />
          ) : (
            <select
              id="reprint-reason"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              required
              data-autofocus
            >
              <option value="">— choisir —</option>
              {rules.reasons.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </label>
        <datalist id="reprint-reasons">
          {suggestions.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        {props.error === null ? null : (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <div class="row">
          <button type="submit" disabled={props.busy}>
            Réimprimer
          </button>
          <button type="button" onClick={props.onCancel}>
            Fermer
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The duplicate just recorded, with its receipt; « Imprimer » prints only the receipt. */
export function DuplicateDialog(props: {
  sale: JournalRecord;
  duplicate: JournalRecord;
  onClose: () => void;
}) {
  const copy = props.duplicate.payload as DuplicatePayload;
  return (
    <Dialog title="Duplicata" onClose={props.onClose} wide>
      <p role="status">
        Duplicata n° {copy.copyNumber} du ticket n° {props.sale.number} enregistré au journal
      </p>
      <SaleTicket sale={props.sale} duplicate={props.duplicate} />
      <div class="row">
        <button type="button" onClick={() => window.print()} data-autofocus>
          Imprimer
        </button>
        <button type="button" onClick={props.onClose}>
          Fermer
        </button>
      </div>
    </Dialog>
  );
}
