/**
 * The back office, as far as the server's API goes: articles and customers (search, edit, consent
 * flags), the sales of the register with a chart of sales per hour, the closures (daily Z, month, year:
 * run with a manager's code in place, each one's Z data) and the register's settings.
 * Loaded on demand, so that none of it weighs on the register's first load.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  type Article,
  type Authorization,
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
  type SoftwareIdentity,
  saveFile,
  type Ticket,
  type Verification,
} from './api.ts';
import { Dialog, ManagerDialog } from './dialogs.tsx';
import { formatMoney, formatRate } from './format.ts';
import { DuplicateDialog, REPRINT_REASONS, ReprintDialog } from './sale-view.tsx';

type Page = 'articles' | 'customers' | 'sales' | 'closures' | 'journal' | 'outbox' | 'settings';
const PAGES: readonly (readonly [Page, string])[] = [
  ['articles', 'Articles'],
  ['customers', 'Clients'],
  ['sales', 'Ventes'],
  ['closures', 'Clôtures'],
  ['journal', 'Journal'],
  ['outbox', 'E-mails'],
  ['settings', 'Paramètres'],
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
        {page === 'settings' ? <Settings info={props.info} session={props.session} /> : null}
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
      {error === null ? null : <p role="alert">{error}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Référence</th>
            <th scope="col">Désignation</th>
            <th scope="col">EAN</th>
            <th scope="col">TVA</th>
            <th scope="col">Prix TTC</th>
            <th scope="col">Stock</th>
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
            </tr>
          ))}
        </tbody>
      </table>
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
  | { kind: 'email'; number: number; email: string; error: string | null; busy: boolean };

function Sales(props: { info: RegisterInfo }) {
  const register = props.info.number;
  const [sales, setSales] = useState<Ticket[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [action, setAction] = useState<SaleAction | null>(null);
  const { confidential, dialog } = useConfidential();
  useEffect(() => {
    api.tickets('validated').then(
      (list) => setSales(list.items),
      (e: unknown) => setError(errorText(e)),
    );
  }, []);
  const total = (sales ?? []).reduce((sum, t) => sum + t.totals.ttc, 0);
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
          <HourChart sales={sales} />
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
 * Sales per hour of the day. uPlot: about 20 kB gzipped, canvas-based, maintained, no dependency
 * (Chart.js is about three times larger for the same bar chart). Loaded with this page only.
 */
function HourChart(props: { sales: Ticket[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const hours = Array.from({ length: 24 }, (_, h) => h);
    const totals = hours.map(() => 0);
    for (const t of props.sales) {
      if (t.sale === null) continue;
      const h = new Date(t.sale.validatedAt).getHours();
      totals[h] = (totals[h] ?? 0) + t.totals.ttc / 100;
    }
    let chart: { destroy(): void } | null = null;
    let live = true;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (!live || ref.current === null) return;
      const bars = UPlot.paths.bars?.({ size: [0.8] });
      chart = new UPlot(
        {
          title: 'Ventes par heure (€ TTC)',
          width: Math.min(720, ref.current.clientWidth || 720),
          height: 220,
          scales: { x: { time: false } },
          series: [
            { label: 'Heure' },
            {
              label: 'Ventes',
              stroke: '#1d4ed8',
              fill: 'rgba(29,78,216,0.25)',
              ...(bars === undefined ? {} : { paths: bars }),
            },
          ],
        },
        [hours, totals],
        ref.current,
      );
    });
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [props.sales]);
  return <div ref={ref} role="img" aria-label="Graphique des ventes par heure" class="chart" />;
}

function Settings(props: { info: RegisterInfo; session: SessionInfo }) {
  const { info } = props;
  const [shortcuts, setShortcuts] = useState(
    (JSON.parse(localStorage.getItem('comptoir.shortcuts') ?? '[]') as string[]).join(', '),
  );
  const [saved, setSaved] = useState(false);
  return (
    <section aria-label="Paramètres">
      <h1>Paramètres</h1>
      <dl>
        <dt>Magasin</dt>
        <dd>{info.storeName}</dd>
        <dt>Caisse</dt>
        <dd>
          n° {info.number} {info.name}
        </dd>
        <dt>Client par défaut</dt>
        <dd>{info.defaultCustomer}</dd>
        <dt>Vendeur par défaut</dt>
        <dd>{info.defaultSeller ?? 'aucun'}</dd>
        <dt>Remise maximale</dt>
        <dd>
          {info.discountLimitPercent === null ? 'sans limite' : formatRate(info.discountLimitPercent)}
          {info.discountLimitAmount === null ? '' : ` / ${formatMoney(info.discountLimitAmount)}`}
        </dd>
      </dl>
      <h2>Modes de règlement</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Libellé</th>
            <th scope="col">Excédent</th>
            <th scope="col">Arrondi</th>
            <th scope="col">Tiroir</th>
          </tr>
        </thead>
        <tbody>
          {info.paymentModes.map((m) => (
            <tr key={m.code}>
              <td>{m.code}</td>
              <td>{m.label}</td>
              <td>{{ change: 'rendu', creditNote: 'avoir', refuse: 'refusé' }[m.excess] ?? m.excess}</td>
              <td>{m.roundingStep > 1 ? formatMoney(m.roundingStep) : '—'}</td>
              <td>{m.opensDrawer ? 'oui' : 'non'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const list = shortcuts
            .split(/[,;\s]+/)
            .map((s) => s.trim().toUpperCase())
            .filter((s) => s !== '');
          localStorage.setItem('comptoir.shortcuts', JSON.stringify(list.slice(0, 16)));
          setSaved(true);
        }}
      >
        <label>
          Boutons raccourcis articles de ce poste (références, séparées par des virgules)
          <input value={shortcuts} onInput={(e) => setShortcuts(e.currentTarget.value)} />
        </label>
        <button type="submit">Enregistrer les raccourcis</button>
        {saved ? <p role="status">Raccourcis enregistrés</p> : null}
      </form>
      <About />
    </section>
  );
}

const INTEGRITY_TEXT: Readonly<Record<SoftwareIdentity['integrity'], string>> = {
  intact: 'conforme au manifeste de la version publiée',
  modified: 'LOGICIEL MODIFIÉ par rapport au manifeste de la version publiée',
  'no-manifest': 'aucun manifeste de version (copie de développement, non publiée)',
  'bad-manifest': 'MANIFESTE INVALIDE',
};

/** « À propos » (NF525 item 51): what the software is, its certification status and its integrity. */
function About() {
  const [identity, setIdentity] = useState<SoftwareIdentity | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.info().then(setIdentity, (e: unknown) => setError(errorText(e)));
  }, []);
  return (
    <section aria-label="À propos">
      <h2>À propos</h2>
      {error !== null ? <p role="alert">{error}</p> : null}
      {identity === null ? null : (
        <dl>
          <dt>Logiciel</dt>
          <dd>
            {identity.product} {identity.version} — logiciel de caisse, catégorie {identity.category}
          </dd>
          <dt>Version fiscale</dt>
          <dd>{identity.fiscalVersion}</dd>
          <dt>Licence</dt>
          <dd>{identity.licence}</dd>
          <dt>Certification NF525</dt>
          <dd>{identity.certificationText}</dd>
          <dt>Empreinte du logiciel</dt>
          <dd>
            <code>sha256:{identity.digest}</code> ({identity.files} fichiers)
          </dd>
          <dt>Intégrité</dt>
          <dd>{INTEGRITY_TEXT[identity.integrity]}</dd>
        </dl>
      )}
    </section>
  );
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Confidential operations of the back office: sent as the user; when the server answers that a right
 * is needed, a manager gives code and PIN in place and the same call goes again with them. Resolves
 * with the answer, or null when the manager's dialog is abandoned.
 */
function useConfidential(): {
  confidential: <T>(send: (authorization?: Authorization) => Promise<T>) => Promise<T | null>;
  dialog: ComponentChildren;
} {
  const [ask, setAsk] = useState<{
    reason: string;
    error: string | null;
    submit: (authorization: Authorization) => void;
    cancel: () => void;
  } | null>(null);
  const confidential = <T,>(send: (authorization?: Authorization) => Promise<T>) =>
    send().catch(
      (error: unknown) =>
        new Promise<T | null>((resolve, reject) => {
          if (!(error instanceof ApiError && error.needsManager)) {
            reject(error);
            return;
          }
          setAsk({
            reason: error.message,
            error: null,
            submit: (authorization) =>
              send(authorization).then(
                (answer) => {
                  setAsk(null);
                  resolve(answer);
                },
                (again: unknown) => {
                  if (again instanceof ApiError && again.managerRefused) {
                    setAsk((a) => (a === null ? a : { ...a, error: errorText(again) }));
                    return;
                  }
                  setAsk(null);
                  reject(again);
                },
              ),
            cancel: () => {
              setAsk(null);
              resolve(null);
            },
          });
        }),
    );
  const dialog =
    ask === null ? null : (
      <ManagerDialog reason={ask.reason} error={ask.error} onSubmit={ask.submit} onCancel={ask.cancel} />
    );
  return { confidential, dialog };
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
                    <button type="button" onClick={() => setShown(c.number)}>
                      Voir la clôture n° {c.number}
                    </button>
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
