/** A customer's card from the register: the e-mail address and the consent to e-mailed receipts. */
import { useState } from 'preact/hooks';
import type { Customer } from '../api.ts';
import { Dialog } from '../dialogs.tsx';

export function CustomerDialog(props: {
  customer: Customer;
  error: string | null;
  onSave: (email: string, consent: boolean) => void;
  onCancel: () => void;
}) {
  const [email, setEmail] = useState(props.customer.email);
  const [consent, setConsent] = useState(props.customer.consentEmailReceipts);
  return (
    <Dialog title={`Client ${props.customer.name}`} onClose={props.onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSave(email.trim(), consent);
        }}
      >
        <label>
          Adresse électronique
          <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
          Le client souhaite recevoir ses tickets de caisse par e-mail
        </label>
        {props.error === null ? null : (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <div class="row">
          <button type="submit">Enregistrer</button>
          <button type="button" onClick={props.onCancel}>
            Fermer
          </button>
        </div>
      </form>
    </Dialog>
  );
}
