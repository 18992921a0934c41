/** Zone 8 of seed 001, the function keys: hold and resume, change user, HT/TVA, price check… */
import type { Controller } from './controller.ts';

export function FunctionKeys({ c }: { c: Controller }) {
  const inPayment = c.state.ticket?.phase === 'payment';
  const { functions } = c;
  return (
    <section class="zone functions" aria-label="Touches de fonction">
      <button type="button" onClick={functions.hold} disabled={inPayment}>
        Mise en attente
      </button>
      <button type="button" onClick={functions.resume}>
        Reprise attente
      </button>
      <button type="button" onClick={functions.switchUser}>
        Changer utilisateur
      </button>
      <button type="button" onClick={functions.vat}>
        HT/TVA
      </button>
      <button type="button" onClick={functions.priceCheck}>
        Afficher Prix
      </button>
      <button type="button" onClick={functions.reprint}>
        Réimpression
      </button>
      <button type="button" onClick={functions.composition} disabled={inPayment}>
        Composition
      </button>
      <button type="button" onClick={functions.offers}>
        Offres
      </button>
      <button type="button" aria-pressed={c.state.invoice} onClick={functions.invoice}>
        Facture demandée
      </button>
    </section>
  );
}
