/**
 * « Raccourcis » (issue 12): a register's article shortcut buttons, edited in the back office and
 * kept on the server (`PUT /api/registers/:number/shortcuts`): each names an article, with the name
 * the button reads, a colour (the text colour follows, readable on it) and an optional picture; in
 * their order, the touch grid groups them by the article's family.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type RegisterInfo, type ShortcutChange } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';
import { formatMoney } from '../format.ts';
import { textColorOn } from '../register/state.ts';

/** The largest picture accepted (the server's limit is on its data URL, a third larger). */
const MAX_PICTURE_BYTES = 60_000;
const DEFAULT_COLORS = ['#fde68a', '#bbf7d0', '#bfdbfe', '#fbcfe8', '#ddd6fe', '#fed7aa'];

interface Row extends ShortcutChange {
  /** A key for the list (the rows move). */
  key: number;
  price: number | null;
}

let nextKey = 1;

function readPicture(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    if (file.size > MAX_PICTURE_BYTES) {
      reject(new Error(`Image trop lourde (${Math.round(file.size / 1000)} ko) : 60 ko au plus`));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('Image illisible'));
    reader.readAsDataURL(file);
  });
}

export function Shortcuts(props: { info: RegisterInfo }) {
  const [register, setRegister] = useState(String(props.info.number));
  const [rows, setRows] = useState<Row[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { confidential, dialog } = useConfidential();
  const number = Number(register);

  const load = (n: number) => {
    setRows(null);
    setError(null);
    api.shortcuts(n).then(
      (list) =>
        setRows(
          list.items.map((s) => ({
            key: nextKey++,
            ref: s.ref,
            label: s.label,
            color: s.color,
            picture: s.picture,
            price: s.unitPrice,
          })),
        ),
      (e: unknown) => {
        setRows([]);
        setError(errorText(e));
      },
    );
  };
  useEffect(() => load(props.info.number), [props.info.number]);

  const change = (key: number, patch: Partial<Row>) =>
    setRows((list) => (list ?? []).map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const move = (index: number, step: number) =>
    setRows((list) => {
      const next = [...(list ?? [])];
      const [row] = next.splice(index, 1);
      if (row !== undefined) next.splice(Math.max(0, Math.min(next.length, index + step)), 0, row);
      return next;
    });
  /** The article's name (and price) fills an empty button name once its reference is typed. */
  const lookUp = (row: Row) => {
    if (row.ref.trim() === '') return;
    api.priceCheck(row.ref.trim()).then(
      (a) =>
        change(row.key, {
          ref: a.ref,
          price: a.unitPrice,
          ...(row.label.trim() === '' ? { label: a.designation.slice(0, 40) } : {}),
        }),
      (e: unknown) => setError(errorText(e)),
    );
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      const list = (rows ?? []).map(({ ref, label, color, picture }) => ({ ref, label, color, picture }));
      const saved = await confidential((authorization) => api.saveShortcuts(number, list, authorization));
      if (saved !== null) {
        setStatus(`Raccourcis de la caisse n° ${number} enregistrés (${saved.items.length} bouton(s))`);
        load(number);
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Raccourcis">
      <h2>Raccourcis articles de la caisse</h2>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (Number.isInteger(number) && number > 0) load(number);
        }}
      >
        <label>
          N° de caisse
          <input
            type="number"
            min={1}
            max={9999}
            value={register}
            onInput={(e) => setRegister(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Afficher</button>
      </form>
      {rows === null ? (
        <p role="status">Chargement…</p>
      ) : (
        <form
          aria-label={`Raccourcis de la caisse n° ${number}`}
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          {rows.length === 0 ? <p>Aucun raccourci sur cette caisse.</p> : null}
          <table class="shortcut-editor">
            <thead>
              <tr>
                <th scope="col">N°</th>
                <th scope="col">Article</th>
                <th scope="col">Nom du bouton</th>
                <th scope="col">Couleur</th>
                <th scope="col">Image</th>
                <th scope="col">Aperçu</th>
                <th scope="col">Ordre</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={row.key}>
                  <td>{i + 1}</td>
                  <td>
                    <input
                      aria-label={`Article du raccourci n° ${i + 1}`}
                      value={row.ref}
                      onInput={(e) => change(row.key, { ref: e.currentTarget.value })}
                      onBlur={() => lookUp(row)}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Nom du raccourci n° ${i + 1}`}
                      value={row.label}
                      maxLength={40}
                      onInput={(e) => change(row.key, { label: e.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="color"
                      aria-label={`Couleur du raccourci n° ${i + 1}`}
                      value={row.color}
                      onInput={(e) => change(row.key, { color: e.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="file"
                      accept="image/png,image/jpeg,image/webp,image/gif"
                      aria-label={`Image du raccourci n° ${i + 1}`}
                      onChange={(e) => {
                        const file = e.currentTarget.files?.[0];
                        if (file !== undefined)
                          readPicture(file).then(
                            (picture) => change(row.key, { picture }),
                            (err: unknown) => setError(errorText(err)),
                          );
                      }}
                    />
                    {row.picture === null ? null : (
                      <button type="button" onClick={() => change(row.key, { picture: null })}>
                        Retirer l’image n° {i + 1}
                      </button>
                    )}
                  </td>
                  <td>
                    <span class="preview" style={{ background: row.color, color: textColorOn(row.color) }}>
                      {row.picture === null ? null : <img src={row.picture} alt="" />}
                      {row.label === '' ? '—' : row.label}
                      {row.price === null ? '' : ` ${formatMoney(row.price)}`}
                    </span>
                  </td>
                  <td class="row">
                    <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                      Monter n° {i + 1}
                    </button>
                    <button type="button" disabled={i === rows.length - 1} onClick={() => move(i, 1)}>
                      Descendre n° {i + 1}
                    </button>
                    <button type="button" onClick={() => setRows(rows.filter((r) => r.key !== row.key))}>
                      Retirer n° {i + 1}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {error === null ? null : (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          {status === null ? null : <p role="status">{status}</p>}
          <div class="row">
            <button
              type="button"
              onClick={() =>
                setRows([
                  ...rows,
                  {
                    key: nextKey++,
                    ref: '',
                    label: '',
                    color: DEFAULT_COLORS[rows.length % DEFAULT_COLORS.length] ?? '#e5e7eb',
                    picture: null,
                    price: null,
                  },
                ])
              }
            >
              Ajouter un raccourci
            </button>
            <button type="submit" class="primary" disabled={busy}>
              Enregistrer les raccourcis
            </button>
          </div>
        </form>
      )}
      {dialog}
    </section>
  );
}
