/**
 * The back office, as far as the server's API goes: articles and customers (search, edit, consent
 * flags, CSV import with its progress and report: catalogue.tsx), the sales of the register (reprint,
 * PDF, e-mail again, cancel) with charts of sales per hour and per day, the closures (daily Z, month,
 * year: run with a manager's code in place, each one's Z data and its signed PDF), the journal, the
 * e-mail outbox and the store's settings (settings.tsx). Loaded on demand, so that none of it weighs on the register's first load.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  type Article,
  type ArticleRecord,
  api,
  type ClosureKind,
  type ClosurePayload,
  type Customer,
  type CustomerChanges,
  type JournalRecord,
  type OutboxFilter,
  type OutboxItem,
  type RegisterInfo,
  type SessionInfo,
  saveFile,
  type Ticket,
  type Verification,
} from './api.ts';
import { Shortcuts } from './backoffice/shortcuts.tsx';
import { ArticleForm, CsvImport } from './catalogue.tsx';
import { errorText, useConfidential } from './confidential.tsx';
import { Dialog } from './dialogs.tsx';
import { formatMoney, formatRate } from './format.ts';
import { DuplicateDialog, REPRINT_REASONS, ReprintDialog } from './sale-view.tsx';
import { Settings } from './settings.tsx';

type Page = 'articles' | 'customers' | 'sales' | 'closures' | 'journal' | 'outbox' | 'settings' | 'shortcuts';
const PAGES: readonly (readonly [Page, string])[] = [
  ['articles', 'Articles'],
  ['customers', 'Clients'],
  ['sales', 'Ventes'],
  ['closures', 'Clôtures'],
  ['journal', 'Journal'],
  ['outbox', 'E-mails'],
  ['settings', 'Paramètres'],
  ['shortcuts', 'Raccourcis'],
];

const pageOf = (): Page => {
  const name = location.hash.replace(/^#\/gestion\/?/, '');
  return (PAGES.find(([id]) => id === name)?.[0] ?? 'sales') as Page;
};

export function BackOffice(props: { info: RegisterInfo; session: SessionInfo; onBack: () => void }) {
  const [page, setPage] = useState<Page>(pageOf);
  useEffect(() => {
    const onHash = () => setPage(pageOf());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return (
    <div class="backoffice">
      <nav aria-label="Gestion">
        <button type="button" onClick={props.onBack}>
          Retour à la caisse
        </button>
        {PAGES.map(([id, label]) => (
          <a key={id} href={`#/gestion/${id}`} aria-current={page === id ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <main>
        {page === 'articles' ? <Articles /> : null}
        {page === 'customers' ? <Customers /> : null}
        {page === 'sales' ? <Sales info={props.info} /> : null}
        {page === 'settings' ? <Settings info={props.info} /> : null}
        {page === 'shortcuts' ? <Shortcuts info={props.info} /> : null}
        {page === 'closures' ? <Closures info={props.info} /> : null}
        {page === 'journal' ? <Journal /> : null}
        {page === 'outbox' ? <Outbox /> : null}
      </main>
    </div>
  );
}

function SearchForm(props: { label: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState('');
  return (
    <form
      class="row"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim() !== '') props.onSearch(text.trim());
      }}
    >
      <label>
        {props.label}
        <input value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <button type="submit">Rechercher</button>
    </form>
  );
}

function Articles() {
  const [items, setItems] = useState<Article[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  /** The article in the form: null for a new one, undefined when the form is closed. */
  const [editing, setEditing] = useState<ArticleRecord | null | undefined>(undefined);
  const open = (ref: string) =>
    api.article(ref).then(
      (a) => {
        setEditing(a);
        setError(null);
        setMessage(null);
      },
      (e: unknown) => setError(errorText(e)),
    );
  return (
    <section aria-label="Articles">
      <h1>Articles</h1>
      <SearchForm
        label="Référence, EAN, -désignation, *famille"
        onSearch={(text) =>
          api.articles(text, 50).then(
            (page) => {
              setItems(page.items);
              setError(null);
            },
            (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
          )
        }
      />
      <div class="row">
        <button
          type="button"
          onClick={() => {
            setEditing(null);
            setMessage(null);
          }}
        >
          Nouvel article
        </button>
      </div>
      {error === null ? null : <p role="alert">{error}</p>}
      {message === null ? null : <p role="status">{message}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Référence</th>
            <th scope="col">Désignation</th>
            <th scope="col">EAN</th>
            <th scope="col">TVA</th>
            <th scope="col">Prix TTC</th>
            <th scope="col">Stock</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.ref}>
              <td>{a.ref}</td>
              <td>{a.designation}</td>
              <td>{a.ean ?? ''}</td>
              <td>{formatRate(a.vatRate)}</td>
              <td>{formatMoney(a.unitPrice)}</td>
              <td>{a.stock === null ? '' : a.stock / 1000}</td>
              <td>
                <button type="button" onClick={() => void open(a.ref)} aria-label={`Modifier ${a.ref}`}>
                  Modifier
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing === undefined ? null : (
        <ArticleForm
          key={editing?.ref ?? 'nouvel-article'}
          article={editing}
          onCancel={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined);
            setMessage(`Article ${saved.ref} enregistré`);
            setItems(
              items.map((a) =>
                a.ref === saved.ref
                  ? {
                      ...a,
                      designation: saved.designation,
                      ean: saved.ean,
                      vatRate: saved.vatRate,
                      unitPrice: saved.price ?? a.unitPrice,
                    }
                  : a,
              ),
            );
          }}
        />
      )}
      <CsvImport kind="articles" />
    </section>
  );
}

function Customers() {
  const [items, setItems] = useState<Customer[]>([]);
  const [editing, setEditing] = useState<Customer | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <section aria-label="Clients">
      <h1>Clients</h1>
      <SearchForm
        label="Carte, code ou -NOM"
        onSearch={(text) =>
          api.customers(text, 50).then(
            (page) => setItems(page.items),
            (e: unknown) => setMessage(e instanceof Error ? e.message : String(e)),
          )
        }
      />
      {message === null ? null : <p role="status">{message}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Nom</th>
            <th scope="col">Ville</th>
            <th scope="col">E-mail</th>
            <th scope="col">Ticket par e-mail</th>
            <th scope="col">Mailings</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.code}>
              <td>{c.code}</td>
              <td>{c.name}</td>
              <td>{c.city}</td>
              <td>{c.email}</td>
              <td>{c.consentEmailReceipts ? 'oui' : 'non'}</td>
              <td>{c.consentMailings ? 'oui' : 'non'}</td>
              <td>
                <button type="button" onClick={() => setEditing(c)} aria-label={`Modifier ${c.name}`}>
                  Modifier
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing === null ? null : (
        <CustomerForm
          key={editing.code}
          customer={editing}
          onSaved={(saved) => {
            setItems(items.map((c) => (c.code === saved.code ? saved : c)));
            setEditing(null);
            setMessage(`Client ${saved.name} enregistré`);
          }}
        />
      )}
      <CsvImport kind="customers" />
    </section>
  );
}

const SHOWN_FIELDS = [
  'name',
  'address1',
  'postalCode',
  'city',
  'email',
  'phone',
  'consentEmailReceipts',
  'consentMailings',
  'dematRefused',
  'taxExempt',
] as const satisfies readonly (keyof CustomerChanges & keyof Customer)[];

function CustomerForm(props: { customer: Customer; onSaved: (c: Customer) => void }) {
  const [c, setC] = useState(props.customer);
  const [error, setError] = useState<string | null>(null);
  const text = (field: 'name' | 'address1' | 'postalCode' | 'city' | 'email' | 'phone', label: string) => (
    <label>
      {label}
      <input value={c[field]} onInput={(e) => setC({ ...c, [field]: e.currentTarget.value })} />
    </label>
  );
  const flag = (
    field: 'consentEmailReceipts' | 'consentMailings' | 'dematRefused' | 'taxExempt',
    label: string,
  ) => (
    <label class="check">
      <input
        type="checkbox"
        checked={c[field]}
        onChange={(e) => setC({ ...c, [field]: e.currentTarget.checked })}
      />
      {label}
    </label>
  );
  return (
    <form
      aria-label={`Fiche client ${props.customer.code}`}
      onSubmit={(event) => {
        event.preventDefault();
        // Only what this form shows and the user changed: every other field is kept by the server.
        const changes: CustomerChanges = {};
        for (const field of SHOWN_FIELDS) {
          if (c[field] !== props.customer[field]) Object.assign(changes, { [field]: c[field] });
        }
        api
          .saveCustomer(c.code, changes)
          .then(props.onSaved, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
      }}
    >
      <h2>Fiche client {c.code}</h2>
      {text('name', 'Nom')}
      {text('address1', 'Adresse')}
      {text('postalCode', 'Code postal')}
      {text('city', 'Ville')}
      {text('email', 'Adresse électronique')}
      {text('phone', 'Téléphone')}
      {flag('consentEmailReceipts', 'Le client souhaite recevoir ses tickets de caisse par e-mail')}
      {flag('consentMailings', 'Le client souhaite recevoir les mailings')}
      {flag('dematRefused', 'Le client refuse la dématérialisation')}
      {flag('taxExempt', 'Exonéré de TVA')}
      {error === null ? null : <p role="alert">{error}</p>}
      <button type="submit">Enregistrer le client</button>
    </form>
  );
}

type SaleAction =
  | { kind: 'reprint'; number: number; error: string | null; busy: boolean }
  | { kind: 'duplicate'; sale: JournalRecord; duplicate: JournalRecord }
  | { kind: 'email'; number: number; email: string; error: string | null; busy: boolean }
  | { kind: 'cancel'; number: number; key: string; error: string | null; busy: boolean };

/** The days the per-day chart shows. */
const CHART_DAYS = 30;

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

function Sales(props: { info: RegisterInfo }) {
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

/**
 * A bar chart. uPlot: about 20 kB gzipped, canvas-based, maintained, no dependency (Chart.js is about
 * three times larger for the same bar chart). Loaded with this page only.
 */
function BarChart(props: {
  title: string;
  name: string;
  xLabel: string;
  /** Hours (plain numbers) or days (Unix seconds, shown as dates). */
  time: boolean;
  xs: number[];
  ys: number[];
}) {
  const ref = useRef<HTMLDivElement>(null);
  const data = JSON.stringify([props.xs, props.ys]);
  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let live = true;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (!live || ref.current === null) return;
      const bars = UPlot.paths.bars?.({ size: [0.8] });
      chart = new UPlot(
        {
          title: props.title,
          width: Math.min(560, ref.current.clientWidth || 560),
          height: 220,
          scales: { x: { time: props.time } },
          ...(props.time
            ? {
                axes: [
                  {
                    values: (_: unknown, ticks: number[]) =>
                      ticks.map((t) =>
                        new Date(t * 1000).toLocaleDateString('fr-FR', { day: 'numeric', month: 'short' }),
                      ),
                  },
                  {},
                ],
              }
            : {}),
          series: [
            {
              label: props.xLabel,
              ...(props.time
                ? {
                    value: (_: unknown, t: number | null) =>
                      t === null ? '' : new Date(t * 1000).toLocaleDateString('fr-FR'),
                  }
                : {}),
            },
            {
              label: 'Ventes',
              stroke: '#1d4ed8',
              fill: 'rgba(29,78,216,0.25)',
              ...(bars === undefined ? {} : { paths: bars }),
            },
          ],
        },
        [props.xs, props.ys],
        ref.current,
      );
    });
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [data]);
  return <div ref={ref} role="img" aria-label={props.name} class="chart" />;
}

/** Sales per hour of the day (the tickets validated listed). */
function HourChart(props: { sales: Ticket[] }) {
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const totals = hours.map(() => 0);
  for (const t of props.sales) {
    if (t.sale === null) continue;
    const h = new Date(t.sale.validatedAt).getHours();
    totals[h] = (totals[h] ?? 0) + t.totals.ttc / 100;
  }
  return (
    <BarChart
      title="Ventes par heure (€ TTC)"
      name="Graphique des ventes par heure"
      xLabel="Heure"
      time={false}
      xs={hours}
      ys={totals}
    />
  );
}

/** Sales per day over the last 30 days, net of cancellations (the journal's ticket chain). */
function DayChart(props: { records: JournalRecord[] }) {
  const days: number[] = [];
  const index = new Map<string, number>();
  const day = new Date();
  day.setHours(0, 0, 0, 0);
  day.setDate(day.getDate() - (CHART_DAYS - 1));
  for (let i = 0; i < CHART_DAYS; i++) {
    index.set(day.toDateString(), i);
    days.push(day.getTime() / 1000);
    day.setDate(day.getDate() + 1);
  }
  const totals = days.map(() => 0);
  for (const r of props.records) {
    const i = index.get(new Date(r.at).toDateString());
    if (i !== undefined && r.totalTTC !== null) totals[i] = (totals[i] ?? 0) + r.totalTTC / 100;
  }
  return (
    <BarChart
      title={`Ventes par jour, ${CHART_DAYS} derniers jours (€ TTC)`}
      name="Graphique des ventes par jour"
      xLabel="Jour"
      time
      xs={days}
      ys={totals}
    />
  );
}

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
function Closures(props: { info: RegisterInfo }) {
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

  /** The closure's Z as the signed PDF the server renders from the journal. */
  const reportPdf = (number: number) => {
    setMessage(null);
    api.closureReport(info.number, number).then((file) => {
      saveFile(file);
      setMessage({ error: false, text: `PDF du Z de la clôture n° ${number} téléchargé (${file.filename})` });
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

/** The journal: its verification (run now, last result) and the signed archive of a closed period. */
function Journal() {
  const [result, setResult] = useState<Verification | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [period, setPeriod] = useState('');
  const { confidential, dialog } = useConfidential();
  useEffect(() => {
    api.verification().then(setResult, (e: unknown) => {
      if (e instanceof ApiError && e.status === 404) setResult(null);
      else setMessage({ error: true, text: errorText(e) });
    });
  }, []);
  const verify = () => {
    setBusy(true);
    setMessage(null);
    api
      .verify()
      .then(setResult, (e: unknown) => setMessage({ error: true, text: errorText(e) }))
      .finally(() => setBusy(false));
  };
  return (
    <section aria-label="Journal">
      <h1>Journal fiscal</h1>
      <h2>Vérification</h2>
      <p>
        Chaque signature, chaque chaînage, la continuité des numéros, chaque clôture recalculée et les têtes
        de chaîne gardées hors de la base.
      </p>
      <button type="button" class="primary" disabled={busy} onClick={verify}>
        Vérifier le journal
      </button>
      {busy ? <p role="status">Vérification en cours…</p> : null}
      {result === undefined ? null : result === null ? (
        <p role="status">Aucune vérification faite jusqu’ici.</p>
      ) : (
        <VerificationResult result={result} />
      )}
      <h2>Archive d’une période clôturée</h2>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          const wanted = period.trim();
          setMessage(null);
          confidential((authorization) => api.archive(wanted, authorization)).then(
            (file) => {
              if (file === null) return;
              saveFile(file);
              setMessage({ error: false, text: `Archive ${wanted} téléchargée (${file.filename})` });
            },
            (e: unknown) => setMessage({ error: true, text: errorText(e) }),
          );
        }}
      >
        <label>
          Période (mois AAAA-MM ou exercice AAAA)
          <input
            value={period}
            required
            pattern="\d{4}(-\d{2})?"
            placeholder="2026-11"
            onInput={(e) => setPeriod(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Télécharger l’archive</button>
      </form>
      {message === null ? null : (
        <p class={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {dialog}
    </section>
  );
}

function VerificationResult(props: { result: Verification }) {
  const { result } = props;
  const when = new Date(result.ranAt).toLocaleString('fr-FR');
  return (
    <section aria-label="Résultat de la vérification">
      {result.ok ? (
        <p class="ok" role="status">
          Journal intègre : {result.checked} enregistrement(s) vérifié(s) le {when} ({result.operator}).
        </p>
      ) : (
        <p class="error" role="alert">
          Journal altéré : {result.problemCount} problème(s) sur {result.checked} enregistrement(s) vérifié(s)
          le {when}.
        </p>
      )}
      {result.problems.length === 0 ? null : (
        <table>
          <caption class="sr">Problèmes trouvés</caption>
          <thead>
            <tr>
              <th scope="col">Caisse</th>
              <th scope="col">Chaîne</th>
              <th scope="col">N°</th>
              <th scope="col">Problème</th>
            </tr>
          </thead>
          <tbody>
            {result.problems.map((p, i) => (
              <tr key={i}>
                <td>{p.register}</td>
                <td>{p.chain}</td>
                <td>{p.sequence}</td>
                <td>
                  {p.message} <code>{p.code}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const MAIL_STATUS_NAMES: Record<OutboxItem['status'], string> = {
  queued: 'en file',
  sending: 'en cours d’envoi',
  retrying: 'nouvel essai prévu',
  sent: 'envoyé',
  failed: 'en échec',
};

/** The e-mail outbox: the latest messages by status, their errors, a retry now. */
function Outbox() {
  const [filter, setFilter] = useState<OutboxFilter | ''>('');
  const [list, setList] = useState<Awaited<ReturnType<typeof api.outbox>> | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const { confidential, dialog } = useConfidential();
  const fail = (e: unknown) => setMessage({ error: true, text: errorText(e) });
  const load = (status: OutboxFilter | '') =>
    api.outbox(status === '' ? undefined : status).then(setList, fail);
  useEffect(() => {
    void load(filter);
  }, [filter]);
  const retry = (item: OutboxItem) => {
    setMessage(null);
    confidential((authorization) => api.retryMail(item.id, authorization))
      .then(async (done) => {
        if (done === null) return;
        setMessage({ error: false, text: `E-mail n° ${item.id} remis en envoi immédiat` });
        await load(filter);
      })
      .catch(fail);
  };
  const date = (iso: string | null) => (iso === null ? '' : new Date(iso).toLocaleString('fr-FR'));
  return (
    <section aria-label="E-mails">
      <h1>File des e-mails</h1>
      {list === null ? null : (
        <p role="status" aria-label="Nombre d’e-mails par état">
          En attente : {list.counts.pending} — envoyés : {list.counts.sent} — en échec : {list.counts.failed}
        </p>
      )}
      <label>
        Afficher les e-mails
        <select value={filter} onChange={(e) => setFilter(e.currentTarget.value as OutboxFilter | '')}>
          <option value="">Tous</option>
          <option value="pending">En attente</option>
          <option value="sent">Envoyés</option>
          <option value="failed">En échec</option>
        </select>
      </label>
      {message === null ? null : (
        <p class={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {list === null ? (
        <p role="status">Chargement…</p>
      ) : list.items.length === 0 ? (
        <p>Aucun e-mail.</p>
      ) : (
        <table>
          <caption class="sr">E-mails</caption>
          <thead>
            <tr>
              <th scope="col">N°</th>
              <th scope="col">Destinataire</th>
              <th scope="col">Objet</th>
              <th scope="col">État</th>
              <th scope="col">Essais</th>
              <th scope="col">Prochain essai</th>
              <th scope="col">Dernière erreur</th>
              <th scope="col">Créé le</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {list.items.map((m) => (
              <tr key={m.id}>
                <td>{m.id}</td>
                <td>{m.to}</td>
                <td>{m.subject}</td>
                <td>
                  {MAIL_STATUS_NAMES[m.status] ?? m.status}
                  {m.sentAt === null ? '' : ` le ${date(m.sentAt)}`}
                </td>
                <td class="num">{m.attempts}</td>
                <td>{date(m.nextAttemptAt)}</td>
                <td>{m.lastError ?? ''}</td>
                <td>{date(m.createdAt)}</td>
                <td>
                  {m.status === 'sent' ? null : (
                    <button
                      type="button"
                      onClick={() => retry(m)}
                      aria-label={`Réessayer l’e-mail n° ${m.id}`}
                    >
                      Réessayer
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog}
    </section>
  );
}
