/** « Composition » (seed 001): a composed article entered on the fly, its components by the viseur. */
import { useState } from 'preact/hooks';
import { Dialog } from '../dialogs.tsx';
import { parseMoney } from '../format.ts';

export function CompositionDialog(props: {
  error: string | null;
  onSubmit: (body: {
    ref: string;
    designation?: string;
    price: number | null;
    components: { text: string }[];
  }) => void;
  onCancel: () => void;
}) {
  const [ref, setRef] = useState('');
  const [designation, setDesignation] = useState('');
  const [price, setPrice] = useState('');
  const [components, setComponents] = useState('');
  const [error, setError] = useState<string | null>(props.error);
  return (
    <Dialog title="Composition" onClose={props.onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const list = components
            .split(/[\n,;]/)
            .map((s) => s.trim())
            .filter((s) => s !== '');
          const parsed = price.trim() === '' ? null : parseMoney(price);
          if (ref.trim() === '' || list.length === 0 || parsed === undefined) {
            setError(
              'Référence du composé, au moins un composant et un prix valide (ou vide) sont nécessaires',
            );
            return;
          }
          props.onSubmit({
            ref: ref.trim(),
            ...(designation.trim() === '' ? {} : { designation: designation.trim() }),
            price: parsed,
            components: list.map((text) => ({ text })),
          });
        }}
      >
        <label>
          Référence du composé
          <input value={ref} onInput={(e) => setRef(e.currentTarget.value)} />
        </label>
        <label>
          Désignation du composé
          <input value={designation} onInput={(e) => setDesignation(e.currentTarget.value)} />
        </label>
        <label>
          Prix du composé (vide : somme des composants)
          <input value={price} inputMode="decimal" onInput={(e) => setPrice(e.currentTarget.value)} />
        </label>
        <label>
          Composants (références ou EAN, un par ligne)
          <textarea value={components} onInput={(e) => setComponents(e.currentTarget.value)} rows={4} />
        </label>
        {error === null ? null : (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row">
          <button type="submit">Valider la composition</button>
          <button type="button" onClick={props.onCancel}>
            Annuler la composition
          </button>
        </div>
      </form>
    </Dialog>
  );
}
