/** The search list (F8/F9, the magnifier): articles, customers or sellers, one picked by a click. */
import { useState } from 'preact/hooks';
import { Dialog } from '../dialogs.tsx';
import type { DialogState, SearchKind } from './state.ts';

const TITLES: Readonly<Record<SearchKind, string>> = {
  article: 'Recherche d’articles',
  customer: 'Recherche de clients',
  seller: 'Recherche de vendeurs',
};

export function SearchDialog(props: {
  state: Extract<DialogState, { kind: 'search' }>;
  onSearch: (kind: SearchKind, text: string) => void;
  onPick: (kind: SearchKind, value: string) => void;
  onClose: () => void;
}) {
  const { state } = props;
  const [query, setQuery] = useState(state.text);
  return (
    <Dialog title={TITLES[state.search]} onClose={props.onClose} wide>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSearch(state.search, query);
        }}
      >
        <label>
          Recherche
          <input value={query} onInput={(e) => setQuery(e.currentTarget.value)} autocomplete="off" />
        </label>
      </form>
      {state.error === null ? null : (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
      <ul class="list" aria-label="Résultats">
        {state.hits.map((hit) => (
          <li key={hit.key}>
            <button type="button" onClick={() => props.onPick(state.search, hit.value)}>
              {hit.label} <span class="detail">{hit.detail}</span>
            </button>
          </li>
        ))}
      </ul>
      {state.hits.length === 0 && state.error === null ? <p>Aucun résultat.</p> : null}
      <button type="button" onClick={props.onClose}>
        Fermer
      </button>
    </Dialog>
  );
}
