/** The search form of the articles and customers pages. */
import { useState } from 'preact/hooks';

export function SearchForm(props: { label: string; onSearch: (text: string) => void }) {
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
