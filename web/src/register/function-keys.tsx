/**
 * Zone 8 of seed 001, the function keys: hold and resume, change user, HT/TVA, price check, reprint,
 * composition, offers, invoice asked, and the help screen with every key (F1).
 */
import type { Controller } from './controller.ts';
import { type KeyAction, keysAria, keysShown } from './keymap.ts';

function FunctionKey(props: {
  label: string;
  action?: KeyAction;
  onClick: () => void;
  disabled?: boolean;
  pressed?: boolean;
}) {
  return (
    <button
      type="button"
      onClick={props.onClick}
      disabled={props.disabled === true}
      aria-pressed={props.pressed}
      aria-keyshortcuts={props.action === undefined ? undefined : keysAria(props.action)}
    >
      {props.label}
      {props.action === undefined ? null : (
        <>
          {' '}
          <kbd>{keysShown(props.action)}</kbd>
        </>
      )}
    </button>
  );
}

export function FunctionKeys({ c }: { c: Controller }) {
  const inPayment = c.state.ticket?.phase === 'payment';
  const { functions } = c;
  return (
    <section class="zone functions" aria-label="Touches de fonction">
      <FunctionKey label="Aide" action="help" onClick={functions.help} />
      <FunctionKey label="Client" action="customer" onClick={functions.customer} disabled={inPayment} />
      <FunctionKey label="Vendeur" action="seller" onClick={functions.seller} />
      <FunctionKey label="Mise en attente" action="hold" onClick={functions.hold} disabled={inPayment} />
      <FunctionKey label="Reprise attente" action="resume" onClick={functions.resume} />
      <FunctionKey label="Changer utilisateur" action="switchUser" onClick={functions.switchUser} />
      <FunctionKey label="HT/TVA" onClick={functions.vat} />
      <FunctionKey label="Afficher Prix" action="priceCheck" onClick={functions.priceCheck} />
      <FunctionKey label="Réimpression" action="reprint" onClick={functions.reprint} />
      <FunctionKey label="Composition" onClick={functions.composition} disabled={inPayment} />
      <FunctionKey label="Offres" onClick={functions.offers} />
      <FunctionKey label="Facture demandée" onClick={functions.invoice} pressed={c.state.invoice} />
    </section>
  );
}
