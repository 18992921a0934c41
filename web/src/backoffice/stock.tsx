/**
 * « Stock » (issue 16, docs/stock.md): an article's quantity per store and depot with its last
 * movements; the stock documents (ME-, ME+, receptions, counts) with their validation and the receipt
 * of a validated ME-; a new document typed as « RÉF=QUANTITÉ » lines or counts pasted as a CSV; the
 * valuation. Documents and valuation need the right `manage_stock` (a manager's code on the spot).
 */
import { useState } from 'preact/hooks';
import {
  api,
  type StockDocument,
  type StockDocumentInput,
  type StockValuation,
  type StockView,
} from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';

type Kind = StockDocumentInput['kind'] | 'csv';

/** « RÉF=QUANTITÉ » or « RÉF=QUANTITÉ@COÛT », one per line. */
function linesOf(text: string): { ref: string; quantity: string; unitCost?: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const [ref = '', rest = ''] = l.split('=');
      const [quantity = '', unitCost] = rest.split('@');
      return {
        ref: ref.trim(),
        quantity: quantity.trim(),
        ...(unitCost === undefined ? {} : { unitCost: unitCost.trim() }),
      };
    });
}

export function Stock() {
  const [ref, setRef] = useState('');
  const [view, setView] = useState<StockView | null>(null);
  const [documents, setDocuments] = useState<StockDocument[] | null>(null);
  const [valuation, setValuation] = useState<StockValuation | null>(null);
  const [kind, setKind] = useState<Kind>('transfer_out');
  const [depot, setDepot] = useState('DEP1');
  const [other, setOther] = useState('');
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const { confidential, dialog } = useConfidential();
  const fail = (e: unknown) => setMessage({ error: true, text: errorText(e) });
  const done = (t: string) => setMessage({ error: false, text: t });

  const show = () => {
    setMessage(null);
    api.stock(ref.trim()).then(setView, fail);
  };
  const loadDocuments = () =>
    confidential((a) => api.stockDocuments(a)).then((d) => {
      if (d !== null) setDocuments(d.documents);
    }, fail);
  const act = (
    send: (a?: Parameters<typeof api.stockDocuments>[0]) => Promise<StockDocument>,
    what: string,
  ) => {
    setMessage(null);
    confidential(send)
      .then(async (d) => {
        if (d === null) return;
        done(`${what} : ${d.label} ${d.number}`);
        await loadDocuments();
      })
      .catch(fail);
  };
  const create = () => {
    if (kind === 'csv') return act((a) => api.importCounts(depot, text, a), 'Inventaire importé');
    const lines = linesOf(text);
    const input: StockDocumentInput =
      kind === 'transfer_out'
        ? { kind, depot, toDepot: other, lines }
        : kind === 'reception'
          ? { kind, depot, supplier: other, lines }
          : { kind, depot, lines };
    act((a) => api.createStockDocument(input, a), 'Brouillon écrit');
  };

  return (
    <section aria-label="Stock">
      <h1>Stock</h1>
      {message === null ? null : (
        <p class={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          show();
        }}
      >
        <label>
          Référence de l’article
          <input value={ref} onInput={(e) => setRef(e.currentTarget.value)} />
        </label>
        <button type="submit">Afficher le stock</button>
      </form>
      {view === null ? null : (
        <section aria-label="Stock de l’article">
          <h2>
            {view.ref} — {view.designation}
            {view.managed ? '' : ' (non géré en stock)'}
          </h2>
          <table>
            <caption>Quantité par magasin et dépôt</caption>
            <thead>
              <tr>
                <th scope="col">Magasin</th>
                <th scope="col">Dépôt</th>
                <th scope="col">Quantité</th>
              </tr>
            </thead>
            <tbody>
              {view.depots.map((d) => (
                <tr key={d.depot}>
                  <td>{d.store}</td>
                  <td>{d.depot}</td>
                  <td>{d.quantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>Derniers mouvements</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Dépôt</th>
                <th scope="col">Mouvement</th>
                <th scope="col">Quantité</th>
                <th scope="col">Document</th>
              </tr>
            </thead>
            <tbody>
              {view.movements.map((m, i) => (
                <tr key={`${m.at}-${i}`}>
                  <td>{new Date(m.at).toLocaleString('fr-FR')}</td>
                  <td>{m.depot}</td>
                  <td>{m.label}</td>
                  <td>{m.quantity}</td>
                  <td>{m.document}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <h2>Nouveau document</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create();
        }}
      >
        <label>
          Document
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
            <option value="transfer_out">Transfert sortant (ME-)</option>
            <option value="reception">Réception fournisseur</option>
            <option value="count">Inventaire</option>
            <option value="csv">Inventaire depuis un CSV (ref;quantity)</option>
          </select>
        </label>
        <label>
          Dépôt
          <input value={depot} onInput={(e) => setDepot(e.currentTarget.value)} />
        </label>
        {kind === 'transfer_out' || kind === 'reception' ? (
          <label>
            {kind === 'transfer_out' ? 'Dépôt de destination' : 'Fournisseur'}
            <input value={other} onInput={(e) => setOther(e.currentTarget.value)} />
          </label>
        ) : null}
        <label>
          {kind === 'csv'
            ? 'Contenu du CSV'
            : 'Lignes (RÉF=QUANTITÉ, ou RÉF=QUANTITÉ@COÛT pour une réception)'}
          <textarea rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <button type="submit">Écrire le brouillon</button>
      </form>

      <h2>Documents de stock</h2>
      <button type="button" onClick={() => void loadDocuments()}>
        Afficher les documents
      </button>
      {documents === null ? null : documents.length === 0 ? (
        <p>Aucun document.</p>
      ) : (
        <table>
          <caption class="sr">Documents de stock</caption>
          <thead>
            <tr>
              <th scope="col">N°</th>
              <th scope="col">Document</th>
              <th scope="col">État</th>
              <th scope="col">Dépôt</th>
              <th scope="col">Lignes</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {documents.map((d) => (
              <tr key={d.number}>
                <td>{d.number}</td>
                <td>{d.label}</td>
                <td>{d.status === 'draft' ? 'brouillon' : 'validé'}</td>
                <td>
                  {d.depot}
                  {d.otherDepot === null ? '' : ` ↔ ${d.otherDepot}`}
                </td>
                <td>
                  {d.lines
                    .map(
                      (l) =>
                        `${l.ref} ${l.quantity}${l.difference === undefined ? '' : ` (écart ${l.difference})`}`,
                    )
                    .join(', ')}
                </td>
                <td>
                  {d.status === 'draft' ? (
                    <button
                      type="button"
                      onClick={() => act((a) => api.validateStockDocument(d.number, a), 'Validé')}
                    >
                      Valider {d.number}
                    </button>
                  ) : d.kind === 'transfer_out' ? (
                    <button
                      type="button"
                      onClick={() => act((a) => api.receiveTransfer(d.number, a), 'Reçu')}
                    >
                      Recevoir {d.number} (ME+)
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Valorisation</h2>
      <button
        type="button"
        onClick={() =>
          confidential((a) => api.stockValuation(a)).then((v) => {
            if (v !== null) setValuation(v);
          }, fail)
        }
      >
        Valoriser le stock
      </button>
      {valuation === null ? null : (
        <p role="status">
          Valeur du stock : {valuation.total}
          {valuation.withoutCost > 0 ? ` (${valuation.withoutCost} ligne(s) sans coût connu)` : ''}
        </p>
      )}
      {dialog}
    </section>
  );
}
