/** « Clôtures »: run a daily, monthly or yearly closure, list them, read each one's Z, its PDF. */
import { useEffect, useState } from 'preact/hooks';
import {
  api,
  type ClosureKind,
  type ClosurePayload,
  type JournalRecord,
  type RegisterInfo,
  saveFile,
} from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';
import { Dialog } from '../dialogs.tsx';
import { formatMoney, formatRate } from '../format.ts';

const CLOSURE_KINDS: readonly (readonly [ClosureKind, string, string])[] = [
  ['DAY', 'Clôture journalière (Z)', 'la journée'],
  ['MONTH', 'Clôture mensuelle', 'le mois'],
  ['YEAR', 'Clôture annuelle', 'l’exercice'],
];
const KIND_NAMES: Record<string, string> = { DAY: 'Jour (Z)', MONTH: 'Mois', YEAR: 'Exercice' };

/** `20261123142552` (UTC) → the local date and time. */
function stampText(stamp: { utc: string }): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp.utc);
  if (m === null) return stamp.utc;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, se)).toLocaleString('fr-FR');
}

/** The register's closures (daily Z, month, fiscal year): run one, list them, read each one's Z. */
export function Closures(props: { info: RegisterInfo }) {
  const { info } = props;
  const [items, setItems] = useState<JournalRecord[] | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [confirm, setConfirm] = useState<(typeof CLOSURE_KINDS)[number] | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const { confidential, dialog } = useConfidential();
  const fail = (e: unknown) => setMessage({ error: true, text: errorText(e) });
  const load = () => api.closures(info.number).then((list) => setItems(list.items), fail);
  useEffect(() => {
    void load();
  }, []);

  const run = (kind: ClosureKind, label: string) => {
    setConfirm(null);
    setBusy(true);
    setMessage(null);
    confidential((authorization) => api.close(kind, authorization))
      .then(async (done) => {
        if (done === null) {
          setMessage({ error: false, text: `${label} abandonnée` });
          return;
        }
        const last = done.closures[done.closures.length - 1];
        if (last !== undefined) {
          const period = (last.payload as ClosurePayload).periodLabel;
          setMessage({ error: false, text: `${label} ${period} enregistrée (n° ${last.number})` });
          setShown(last.number);
        }
        await load();
      })
      .catch(fail)
      .finally(() => setBusy(false));
  };

  /**
   * The closure's Z as the signed PDF the server renders from the journal: its original the first
   * time, then a journaled duplicate (a manager's code when the user lacks the reprint right).
   */
  const reportPdf = (number: number) => {
    setMessage(null);
    confidential((authorization) => api.closureReport(info.number, number, authorization)).then((file) => {
      if (file === null) return;
      saveFile(file);
      const what = /duplicata/.test(file.filename) ? 'duplicata journalisé' : 'original';
      setMessage({
        error: false,
        text: `PDF du Z de la clôture n° ${number} téléchargé : ${what} (${file.filename})`,
      });
    }, fail);
  };

  const selected = items?.find((c) => c.number === shown) ?? items?.[0];
  return (
    <section aria-label="Clôtures">
      <h1>Clôtures de la caisse n° {info.number}</h1>
      <div class="row">
        {CLOSURE_KINDS.map((k) => (
          <button key={k[0]} type="button" disabled={busy} onClick={() => setConfirm(k)}>
            {k[1]}
          </button>
        ))}
      </div>
      {message === null ? null : (
        <p class={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {items === null ? (
        <p role="status">Chargement…</p>
      ) : items.length === 0 ? (
        <p>Aucune clôture sur cette caisse.</p>
      ) : (
        <table>
          <caption class="sr">Liste des clôtures</caption>
          <thead>
            <tr>
              <th scope="col">N°</th>
              <th scope="col">Type</th>
              <th scope="col">Période</th>
              <th scope="col">Faite le</th>
              <th scope="col">Tickets</th>
              <th scope="col">Total période</th>
              <th scope="col">Grand total perpétuel</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {items.map((c) => {
              const z = c.payload as ClosurePayload;
              return (
                <tr key={c.number} aria-current={c === selected ? 'true' : undefined}>
                  <td>{c.number}</td>
                  <td>{KIND_NAMES[z.kind] ?? z.kind}</td>
                  <td>{z.periodLabel}</td>
                  <td>{new Date(c.at).toLocaleString('fr-FR')}</td>
                  <td class="num">{z.ticketCount}</td>
                  <td class="num">{formatMoney(z.periodTotal)}</td>
                  <td class="num">{formatMoney(z.perpetualTotal)}</td>
                  <td>
                    <div class="row">
                      <button type="button" onClick={() => setShown(c.number)}>
                        Voir la clôture n° {c.number}
                      </button>
                      <button
                        type="button"
                        aria-label={`PDF du Z de la clôture n° ${c.number}`}
                        onClick={() => reportPdf(c.number)}
                      >
                        PDF du Z
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selected === undefined ? null : <ZReport closure={selected} info={info} />}
      {confirm === null ? null : (
        <Dialog title={confirm[1]} onClose={() => setConfirm(null)}>
          <p>
            Clôturer {confirm[2]} de la caisse n° {info.number} ? Les totaux sont arrêtés et signés au journal
            : l’opération est définitive.
          </p>
          <div class="row">
            <button type="button" class="primary" onClick={() => run(confirm[0], confirm[1])}>
              Clôturer
            </button>
            <button type="button" onClick={() => setConfirm(null)}>
              Abandonner
            </button>
          </div>
        </Dialog>
      )}
      {dialog}
    </section>
  );
}

/** The Z data of one closure, as the signed record holds it; « Imprimer » prints it alone. */
function ZReport(props: { closure: JournalRecord; info: RegisterInfo }) {
  const { closure } = props;
  const z = closure.payload as ClosurePayload;
  const mode = (code: string) => props.info.paymentModes.find((m) => m.code === code)?.label ?? code;
  const range = (r: { from: number; to: number }) => (r.to < r.from ? 'aucun' : `n° ${r.from} à ${r.to}`);
  const money = (label: string, amount: number) => (
    <>
      <dt>{label}</dt>
      <dd class="num">{formatMoney(amount)}</dd>
    </>
  );
  return (
    <article class="zreport" aria-label={`Clôture n° ${closure.number}`}>
      <div class="receipt print">
        <h2>
          {z.kind === 'DAY' ? 'Rapport Z' : `Clôture ${KIND_NAMES[z.kind]?.toLowerCase() ?? z.kind}`} —{' '}
          {z.periodLabel} — clôture n° {closure.number}
        </h2>
        <p>
          Caisse {closure.register}, du {stampText(z.periodStart)} au {stampText(z.periodEnd)}, faite le{' '}
          {new Date(closure.at).toLocaleString('fr-FR')}
        </p>
        <dl class="figures">
          <dt>Tickets</dt>
          <dd class="num">{z.ticketCount}</dd>
          <dt>Annulations</dt>
          <dd class="num">{z.cancellationCount}</dd>
          <dt>Duplicatas</dt>
          <dd class="num">{z.duplicateCount}</dd>
          {z.kind === 'DAY' ? (
            <>
              <dt>Tickets couverts</dt>
              <dd class="num">{range(z.tickets)}</dd>
            </>
          ) : (
            <>
              <dt>Clôtures couvertes</dt>
              <dd class="num">{range(z.closures)}</dd>
            </>
          )}
        </dl>
        <table>
          <caption>Totaux par taux de TVA</caption>
          <thead>
            <tr>
              <th scope="col">Taux</th>
              <th scope="col" class="num">
                HT
              </th>
              <th scope="col" class="num">
                TVA
              </th>
              <th scope="col" class="num">
                TTC
              </th>
            </tr>
          </thead>
          <tbody>
            {z.perRate.map((r) => (
              <tr key={r.rate}>
                <td>{formatRate(r.rate)}</td>
                <td class="num">{formatMoney(r.ht)}</td>
                <td class="num">{formatMoney(r.vat)}</td>
                <td class="num">{formatMoney(r.ttc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table>
          <caption>Totaux par mode de règlement</caption>
          <tbody>
            {z.perPayment.map((p) => (
              <tr key={p.mode}>
                <td>{mode(p.mode)}</td>
                <td class="num">{formatMoney(p.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl class="figures">
          {money('Ventes TTC', z.salesTtc)}
          {money('Retours et annulations TTC', z.returnsTtc)}
          {money('Grand total de la période', z.periodTotal)}
          {money('Grand total de la période (absolu)', z.periodTotalAbs)}
          {money('Grand total perpétuel', z.perpetualTotal)}
          {money('Grand total perpétuel (absolu)', z.perpetualTotalAbs)}
        </dl>
        <p class="signature">Signature {closure.shortSignature}</p>
      </div>
      <button type="button" onClick={() => window.print()}>
        Imprimer la clôture
      </button>
    </article>
  );
}
