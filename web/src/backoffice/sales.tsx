/**
 * « Ventes »: the register's validated sales (reprint, PDF duplicate, e-mail again, cancel) with the
 * charts of sales per hour and per day.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type JournalRecord, type RegisterInfo, saveFile, type Ticket } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';
import { Dialog } from '../dialogs.tsx';
import { formatMoney } from '../format.ts';
import { DuplicateDialog, REPRINT_REASONS, ReprintDialog } from '../sale-view.tsx';
import { CHART_DAYS, DayChart, HourChart } from './charts.tsx';

type SaleAction =
  | { kind: 'reprint'; number: number; error: string | null; busy: boolean }
  | { kind: 'duplicate'; sale: JournalRecord; duplicate: JournalRecord }
  | { kind: 'email'; number: number; email: string; error: string | null; busy: boolean }
  | { kind: 'cancel'; number: number; key: string; error: string | null; busy: boolean };

/**
 * The register's records of the ticket chain (sales and cancellations) of the last `CHART_DAYS` days,
 * page by page from `GET /api/sales` (200 a page, at most 100 pages).
 */
async function recentRecords(register: number): Promise<JournalRecord[]> {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - (CHART_DAYS - 1));
  const from = start.toISOString();
  const all: JournalRecord[] = [];
  for (let page = 0; page < 100; page++) {
    const answer = await api.sales({ register, from, limit: 200, offset: all.length });
    all.push(...answer.items);
    if (!answer.hasMore) break;
  }
  return all;
}

/** A key for one cancellation asked (sent again, the same request is not done twice). */
const onceKey = () => `cancel-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

export function Sales(props: { info: RegisterInfo }) {
  const register = props.info.number;
  const [sales, setSales] = useState<Ticket[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [action, setAction] = useState<SaleAction | null>(null);
  const [records, setRecords] = useState<JournalRecord[] | null>(null);
  const { confidential, dialog } = useConfidential();
  const load = () =>
    Promise.all([
      api.tickets('validated').then((list) => setSales(list.items)),
      recentRecords(register).then(setRecords),
    ]).catch((e: unknown) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);
  const total = (sales ?? []).reduce((sum, t) => sum + t.totals.ttc, 0);
  /** Sale number → the number of the cancellation that cancels it. */
  const cancelledBy = new Map(
    (records ?? []).flatMap((r) =>
      r.type === 'CANCELLATION' && r.cancels !== null ? [[r.cancels, r.number] as const] : [],
    ),
  );
  const pdf = (number: number) => {
    setMessage(null);
    setError(null);
    confidential((authorization) => api.receiptPdf(register, number, undefined, authorization)).then(
      (file) => {
        if (file === null) return;
        saveFile(file);
        setMessage(`Duplicata PDF du ticket n° ${number} téléchargé (${file.filename})`);
      },
      (e: unknown) => setError(errorText(e)),
    );
  };
  return (
    <section aria-label="Ventes">
      <h1>Ventes de la caisse</h1>
      {error === null ? null : <p role="alert">{error}</p>}
      {message === null ? null : <p role="status">{message}</p>}
      {sales === null ? (
        <p role="status">Chargement…</p>
      ) : (
        <>
          <p>
            {sales.length} vente(s), {formatMoney(total)} TTC
          </p>
          <div class="charts">
            <HourChart sales={sales} />
            {records === null ? null : <DayChart records={records} />}
          </div>
          <table>
            <thead>
              <tr>
                <th scope="col">N°</th>
                <th scope="col">Heure</th>
                <th scope="col">Client</th>
                <th scope="col">Total TTC</th>
                <th scope="col">Ticket</th>
                <th scope="col">Signature</th>
                <th scope="col">Duplicatas</th>
                <th scope="col">Annulation</th>
              </tr>
            </thead>
            <tbody>
              {sales.map((t) => {
                const n = t.sale?.number;
                return (
                  <tr key={t.id}>
                    <td>{n ?? ''}</td>
                    <td>{t.sale === null ? '' : new Date(t.sale.validatedAt).toLocaleString('fr-FR')}</td>
                    <td>{t.customer?.name ?? ''}</td>
                    <td class="num">{formatMoney(t.totals.ttc)}</td>
                    <td>{t.receipt === null ? 'non choisi' : t.receipt.choice}</td>
                    <td>{t.sale?.shortSignature ?? ''}</td>
                    <td>
                      {n === undefined ? null : (
                        <div class="row">
                          <button
                            type="button"
                            aria-label={`Réimprimer le ticket n° ${n}`}
                            onClick={() =>
                              setAction({ kind: 'reprint', number: n, error: null, busy: false })
                            }
                          >
                            Réimprimer
                          </button>
                          <button type="button" aria-label={`PDF du ticket n° ${n}`} onClick={() => pdf(n)}>
                            PDF
                          </button>
                          <button
                            type="button"
                            aria-label={`Renvoyer par e-mail le ticket n° ${n}`}
                            onClick={() =>
                              setAction({ kind: 'email', number: n, email: '', error: null, busy: false })
                            }
                          >
                            Renvoyer par e-mail
                          </button>
                        </div>
                      )}
                    </td>
                    <td>
                      {n === undefined ? null : cancelledBy.has(n) ? (
                        `annulée par le ticket n° ${cancelledBy.get(n)}`
                      ) : records === null ? null : (
                        <button
                          type="button"
                          aria-label={`Annuler la vente n° ${n}`}
                          onClick={() =>
                            setAction({ kind: 'cancel', number: n, key: onceKey(), error: null, busy: false })
                          }
                        >
                          Annuler
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {action?.kind === 'reprint' ? (
        <ReprintDialog
          number={String(action.number)}
          error={action.error}
          busy={action.busy}
          onCancel={() => setAction(null)}
          onSubmit={(number, reason) => {
            setAction({ kind: 'reprint', number, error: null, busy: true });
            confidential((authorization) => api.reprint(register, number, reason, authorization))
              .then(async (duplicate) => {
                if (duplicate === null) return setAction(null);
                setAction({ kind: 'duplicate', sale: await api.sale(register, number), duplicate });
              })
              .catch((e: unknown) =>
                setAction({ kind: 'reprint', number, error: errorText(e), busy: false }),
              );
          }}
        />
      ) : null}
      {action?.kind === 'duplicate' ? (
        <DuplicateDialog sale={action.sale} duplicate={action.duplicate} onClose={() => setAction(null)} />
      ) : null}
      {action?.kind === 'email' ? (
        <EmailAgainDialog
          number={action.number}
          error={action.error}
          busy={action.busy}
          onCancel={() => setAction(null)}
          onSubmit={(to, reason) => {
            setAction({ ...action, error: null, busy: true });
            confidential((authorization) =>
              api.emailSale(
                register,
                action.number,
                { ...(to === '' ? {} : { to }), ...(reason === '' ? {} : { reason }) },
                authorization,
              ),
            )
              .then((queued) => {
                setAction(null);
                if (queued !== null) {
                  setMessage(
                    `Ticket n° ${action.number} mis en file d’envoi pour ${queued.to} (e-mail n° ${queued.outboxId})`,
                  );
                }
              })
              .catch((e: unknown) => setAction({ ...action, error: errorText(e), busy: false }));
          }}
        />
      ) : null}
      {action?.kind === 'cancel' ? (
        <Dialog title={`Annulation de la vente n° ${action.number}`} onClose={() => setAction(null)}>
          <p>
            Annuler la vente n° {action.number} ? Un ticket d’annulation, de montants opposés, est signé au
            journal : l’opération est définitive.
          </p>
          {action.error === null ? null : (
            <p class="error" role="alert">
              {action.error}
            </p>
          )}
          <div class="row">
            <button
              type="button"
              class="primary"
              disabled={action.busy}
              onClick={() => {
                setAction({ ...action, error: null, busy: true });
                setMessage(null);
                confidential((authorization) =>
                  api.cancelSale(register, action.number, action.key, authorization),
                )
                  .then(async (cancellation) => {
                    setAction(null);
                    if (cancellation === null) return;
                    setMessage(
                      `Vente n° ${action.number} annulée par le ticket n° ${cancellation.number}` +
                        (cancellation.totalTTC === null ? '' : ` (${formatMoney(cancellation.totalTTC)})`),
                    );
                    await load();
                  })
                  .catch((e: unknown) => setAction({ ...action, error: errorText(e), busy: false }));
              }}
            >
              Annuler la vente
            </button>
            <button type="button" data-autofocus onClick={() => setAction(null)}>
              Abandonner
            </button>
          </div>
        </Dialog>
      ) : null}
      {dialog}
    </section>
  );
}

/** « Renvoyer par e-mail »: to the address typed, else the customer's (with their consent). */
function EmailAgainDialog(props: {
  number: number;
  error: string | null;
  busy: boolean;
  onSubmit: (to: string, reason: string) => void;
  onCancel: () => void;
}) {
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  return (
    <Dialog title={`Renvoyer le ticket n° ${props.number} par e-mail`} onClose={props.onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit(to.trim(), reason.trim());
        }}
      >
        <label>
          Adresse e-mail (vide : celle du client, s’il a donné son accord)
          <input type="email" value={to} autocomplete="off" onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          Motif (vide : « Envoi par e-mail »)
          <input
            list="reprint-reasons"
            value={reason}
            autocomplete="off"
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </label>
        <datalist id="reprint-reasons">
          {REPRINT_REASONS.map((r) => (
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
            Envoyer
          </button>
          <button type="button" onClick={props.onCancel}>
            Fermer
          </button>
        </div>
      </form>
    </Dialog>
  );
}
