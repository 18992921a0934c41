/** « Journal »: the journal's verification (run now, last result) and the archive of a closed period. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, saveFile, type Verification } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';

/** The journal: its verification (run now, last result) and the signed archive of a closed period. */
export function Journal() {
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
