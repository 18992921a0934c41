/**
 * Zone 5 of seed 001, the permanent keys: Qté, Prix, Rem%, Rem€ act on the pointed line with what
 * the viseur holds; S/T, Total, Annuler, Autres opérations.
 */
import type { Controller } from './controller.ts';

export function Keypad({ c }: { c: Controller }) {
  const inPayment = c.state.ticket?.phase === 'payment';
  const { keys } = c;
  return (
    <section class="zone keys" aria-label="Touches permanentes">
      <button type="button" aria-label="Qté" aria-keyshortcuts="F5" onClick={keys.quantity}>
        Qté <kbd>F5</kbd>
      </button>
      <button type="button" aria-label="Prix" aria-keyshortcuts="F6" onClick={keys.price}>
        Prix <kbd>F6</kbd>
      </button>
      <button type="button" aria-label="Rem%" aria-keyshortcuts="Shift+F5" onClick={keys.percent}>
        Rem% <kbd>⇧F5</kbd>
      </button>
      <button type="button" aria-label="Rem€" aria-keyshortcuts="Shift+F6" onClick={keys.amount}>
        Rem€ <kbd>⇧F6</kbd>
      </button>
      <button type="button" aria-label="S/T" onClick={keys.subtotal}>
        S/T
      </button>
      <button type="button" aria-label="Total" class="primary" onClick={keys.total} disabled={inPayment}>
        Total
      </button>
      <button type="button" aria-label="Annuler" onClick={keys.cancel}>
        Annuler
      </button>
      <button type="button" aria-label="Autres opérations" onClick={keys.other}>
        Autres…
      </button>
    </section>
  );
}
