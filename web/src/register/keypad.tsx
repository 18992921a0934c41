/**
 * Zone 5 of seed 001, the permanent keys: Qté, Prix, Libellé, Rem%, Rem€ act on the pointed line with what
 * the viseur holds; S/T, Total (Valider once paying), Annuler, Autres opérations. Each shows its key,
 * and its accessible name is its visible text, key included.
 */
import type { Controller } from './controller.ts';
import { type KeyAction, keysAria, keysShown } from './keymap.ts';

function Key(props: { action: KeyAction; label: string; onClick: () => void; primary?: boolean }) {
  return (
    <button
      type="button"
      class={props.primary === true ? 'primary' : undefined}
      aria-keyshortcuts={keysAria(props.action)}
      onClick={props.onClick}
    >
      {props.label} <kbd>{keysShown(props.action)}</kbd>
    </button>
  );
}

export function Keypad({ c }: { c: Controller }) {
  const inPayment = c.state.ticket?.phase === 'payment';
  const { keys } = c;
  return (
    <section class="zone keys" aria-label="Touches permanentes">
      <Key action="quantity" label="Qté" onClick={keys.quantity} />
      <Key action="price" label="Prix" onClick={keys.price} />
      <Key action="label" label="Libellé" onClick={keys.label} />
      <Key action="percent" label="Rem%" onClick={keys.percent} />
      <Key action="amount" label="Rem€" onClick={keys.amount} />
      <Key action="subtotal" label="S/T" onClick={keys.subtotal} />
      {inPayment ? (
        <Key action="total" label="Valider" onClick={keys.validate} primary />
      ) : (
        <Key action="total" label="Total" onClick={keys.total} primary />
      )}
      <Key action="cancel" label="Annuler" onClick={keys.cancel} />
      <button type="button" onClick={keys.other}>
        Autres opérations
      </button>
    </section>
  );
}
