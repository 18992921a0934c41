/** « Numéro de lot ou de série » (seed 001): a lot/serial article's number, typed or scanned, before its line. */
import { useState } from 'preact/hooks';
import { Dialog } from '../dialogs.tsx';

export function SerialDialog(props: {
  reason: string;
  error: string | null;
  onSubmit: (serial: string) => void;
  onCancel: () => void;
}) {
  const [serial, setSerial] = useState('');
  return (
    <Dialog title="Numéro de lot ou de série" onClose={props.onCancel}>
      <p>{props.reason}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (serial.trim() !== '') props.onSubmit(serial.trim());
        }}
      >
        <label>
          Numéro de lot ou de série
          <input
            value={serial}
            autocomplete="off"
            maxLength={40}
            onInput={(e) => setSerial(e.currentTarget.value)}
            required
          />
        </label>
        {props.error === null ? null : (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <div class="row">
          <button type="submit">Ajouter la ligne</button>
          <button type="button" onClick={props.onCancel}>
            Ne pas ajouter l’article
          </button>
        </div>
      </form>
    </Dialog>
  );
}
