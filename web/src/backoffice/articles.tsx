/** « Articles »: search, the article form (new or edited), the CSV import. */
import { useState } from 'preact/hooks';
import { type Article, type ArticleRecord, api } from '../api.ts';
import { ArticleForm, CsvImport } from '../catalogue.tsx';
import { errorText } from '../confidential.tsx';
import { formatMoney, formatRate } from '../format.ts';
import { SearchForm } from './search.tsx';

export function Articles() {
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
