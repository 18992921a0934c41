/**
 * The back office's catalogue pieces (issue 8): the article form (`GET`/`PUT /api/articles/:ref`) and
 * the CSV import of articles or customers with its progress bar and report (`POST /api/import/:kind`,
 * then `GET /api/import/jobs/:id` until it is finished). Part of the back office's chunk, loaded on
 * demand.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  type ArticleChange,
  type ArticleRecord,
  api,
  type CsvKind,
  type ImportJob,
} from './api.ts';
import { errorText, useConfidential } from './confidential.tsx';
import { parseMoney, parsePercent } from './format.ts';

/** Cents as the form shows them: "12,90". */
const moneyText = (minor: number | null) =>
  minor === null ? '' : `${Math.trunc(minor / 100)},${String(Math.abs(minor) % 100).padStart(2, '0')}`;
/** Hundredths of a percent as the form shows them: "5,5". */
const rateText = (centi: number) => (centi / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 });

interface Fields {
  ref: string;
  designation: string;
  ean: string;
  otherBarcodes: string;
  family1: string;
  family2: string;
  vatRate: string;
  price: string;
  ecoParticipation: string;
  active: boolean;
  stockManaged: boolean;
  lotSerial: boolean;
}

function fieldsOf(a: ArticleRecord | null): Fields {
  return {
    ref: a?.ref ?? '',
    designation: a?.designation ?? '',
    ean: a?.ean ?? '',
    otherBarcodes: a?.otherBarcodes.join(' ') ?? '',
    family1: a?.family1 ?? '',
    family2: a?.family2 ?? '',
    vatRate: a === null ? '20' : rateText(a.vatRate),
    price: moneyText(a?.price ?? null),
    ecoParticipation: a === null ? '0,00' : moneyText(a.ecoParticipation),
    active: a?.active ?? true,
    stockManaged: a?.stockManaged ?? true,
    lotSerial: a?.lotSerial ?? false,
  };
}

class FormError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** The body of the PUT: what the form shows, and every other field of the article kept as it was. */
function changeOf(f: Fields, base: ArticleRecord | null): ArticleChange {
  const vatRate = parsePercent(f.vatRate);
  if (vatRate === undefined || vatRate < 0)
    throw new FormError('Taux de TVA illisible (ex. 20 ou 5,5)', 'vatRate');
  const price = f.price.trim() === '' ? null : parseMoney(f.price);
  if (price === undefined) throw new FormError('Prix TTC illisible (ex. 12,90)', 'price');
  const eco = f.ecoParticipation.trim() === '' ? 0 : parseMoney(f.ecoParticipation);
  if (eco === undefined) throw new FormError('Éco-participation illisible (ex. 0,50)', 'ecoParticipation');
  const orNull = (text: string) => (text.trim() === '' ? null : text.trim());
  return {
    designation: f.designation,
    ean: orNull(f.ean),
    otherBarcodes: f.otherBarcodes.split(/[\s,;]+/).filter((s) => s !== ''),
    family1: orNull(f.family1),
    family2: orNull(f.family2),
    vatRate,
    price,
    prices: base?.prices ?? {},
    ecoParticipation: eco,
    issues: base?.issues ?? null,
    lotSerial: f.lotSerial,
    composed: base?.composed ?? false,
    stockManaged: f.stockManaged,
    active: f.active,
    supplierRefs: base?.supplierRefs ?? [],
    components: base?.components ?? [],
  };
}

/** The article form: `article` null for « Nouvel article ». */
export function ArticleForm(props: {
  article: ArticleRecord | null;
  onSaved: (a: ArticleRecord) => void;
  onCancel: () => void;
}) {
  const [f, setF] = useState<Fields>(() => fieldsOf(props.article));
  const [error, setError] = useState<{ message: string; field: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
  const { confidential, dialog } = useConfidential();
  const isNew = props.article === null;
  const title = isNew ? 'Nouvel article' : `Fiche article ${props.article?.ref ?? ''}`;
  const invalid = (field: keyof Fields) =>
    error?.field === field || error?.field?.startsWith(`${field}.`) === true ? 'true' : undefined;
  const text = (field: Exclude<keyof Fields, 'active' | 'stockManaged' | 'lotSerial'>, label: string) => (
    <label>
      {label}
      <input
        value={f[field]}
        aria-invalid={invalid(field)}
        onInput={(e) => setF({ ...f, [field]: e.currentTarget.value })}
      />
    </label>
  );
  const flag = (field: 'active' | 'stockManaged' | 'lotSerial', label: string) => (
    <label class="check">
      <input
        type="checkbox"
        checked={f[field]}
        onChange={(e) => setF({ ...f, [field]: e.currentTarget.checked })}
      />
      {label}
    </label>
  );
  const save = async () => {
    let change: ArticleChange;
    try {
      change = changeOf(f, props.article);
    } catch (e) {
      setError({ message: errorText(e), field: e instanceof FormError ? e.field : undefined });
      return;
    }
    const ref = f.ref.trim();
    if (ref === '') {
      setError({ message: 'La référence est obligatoire', field: 'ref' });
      return;
    }
    setBusy(true);
    try {
      // « Nouvel article » does not replace an article of the same reference (PUT would).
      if (isNew) {
        const taken = await api.article(ref).then(
          () => true,
          (e: unknown) => {
            if (e instanceof ApiError && e.status === 404) return false;
            throw e;
          },
        );
        if (taken) {
          setError({ message: `La référence ${ref.toUpperCase()} existe déjà`, field: 'ref' });
          return;
        }
      }
      const saved = await confidential((authorization) => api.saveArticle(ref, change, authorization));
      if (saved !== null) props.onSaved(saved);
    } catch (e) {
      setError({ message: errorText(e), field: e instanceof ApiError ? e.field : undefined });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <form
        aria-label={title}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h2>{title}</h2>
        {isNew ? text('ref', 'Référence') : null}
        {text('designation', 'Désignation')}
        {text('ean', 'Code EAN-13')}
        {text('otherBarcodes', 'Autres codes-barres (séparés par des espaces)')}
        {text('family1', 'Famille')}
        {text('family2', 'Sous-famille')}
        {text('vatRate', 'Taux de TVA (%)')}
        {text('price', 'Prix TTC (tarif de base)')}
        {text('ecoParticipation', 'Éco-participation')}
        {flag('active', 'Article actif')}
        {flag('stockManaged', 'Géré en stock')}
        {flag('lotSerial', 'Numéro de lot ou de série à la vente')}
        {error === null ? null : <p role="alert">{error.message}</p>}
        <div class="row">
          <button type="submit" disabled={busy}>
            Enregistrer l’article
          </button>
          <button type="button" onClick={props.onCancel}>
            Fermer
          </button>
        </div>
      </form>
      {dialog}
    </>
  );
}

const POLL_MS = 300;

/** « Importer un fichier CSV »: the file sent, a progress bar while it is imported, then the report. */
export function CsvImport(props: { kind: CsvKind; onFinished?: () => void }) {
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { confidential, dialog } = useConfidential();
  const input = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  const follow = (id: string) => {
    timer.current = setTimeout(() => {
      api.importJob(id).then(
        (next) => {
          setJob(next);
          if (next.finished) props.onFinished?.();
          else follow(id);
        },
        (e: unknown) => setError(errorText(e)),
      );
    }, POLL_MS);
  };
  const start = async (file: File) => {
    setError(null);
    setJob(null);
    try {
      const started = await confidential((authorization) => api.importCsv(props.kind, file, authorization));
      if (started === null) return;
      setJob(started);
      follow(started.id);
    } catch (e) {
      setError(errorText(e));
    } finally {
      if (input.current !== null) input.current.value = '';
    }
  };
  const report = job?.report;
  const label = props.kind === 'articles' ? 'articles' : 'clients';
  return (
    <section class="csv-import" aria-label={`Import CSV des ${label}`}>
      <label>
        Importer un fichier CSV
        <input
          ref={input}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file !== undefined) void start(file);
          }}
        />
      </label>
      {error === null ? null : <p role="alert">{error}</p>}
      {job === null ? null : (
        <p>
          <progress
            aria-label="Progression de l’import"
            max={Math.max(job.total, 1)}
            value={job.finished ? Math.max(job.total, 1) : job.done}
          />{' '}
          {job.done} / {job.total} lignes
        </p>
      )}
      {job?.error === undefined ? null : <p role="alert">Import interrompu : {job.error.message}</p>}
      {report === undefined ? null : (
        <div role="status">
          <p>
            Import terminé ({job?.file}) : {report.records} lignes lues, {report.imported} importées,{' '}
            {report.records - report.imported} refusées.
          </p>
          {report.rejected.length === 0 ? null : (
            <table aria-label="Lignes refusées">
              <thead>
                <tr>
                  <th scope="col">Ligne</th>
                  <th scope="col">Code</th>
                  <th scope="col">Motif</th>
                </tr>
              </thead>
              <tbody>
                {report.rejected.map((r) => (
                  <tr key={`${r.line}-${r.code}`}>
                    <td>{r.line === 0 ? '…' : r.line}</td>
                    <td>{r.code}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {dialog}
    </section>
  );
}
