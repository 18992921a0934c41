/**
 * Zone 6 of seed 001: the shortcut buttons. While the ticket is being entered, the article
 * shortcuts; after Total, the payment modes by blocks of 8.
 */
import type { Controller } from './controller.ts';

export function Shortcuts({ c }: { c: Controller }) {
  const { ticket, modePage } = c.state;
  const inPayment = ticket?.phase === 'payment';
  const modes = c.props.info.paymentModes;
  const pages = Math.max(1, Math.ceil(modes.length / 8));
  const shownModes = modes.slice(modePage * 8, modePage * 8 + 8);
  return (
    <section class="zone shortcuts" aria-label={inPayment ? 'Modes de règlement' : 'Raccourcis'}>
      {inPayment ? (
        <>
          {shownModes.map((mode) => (
            <button type="button" key={mode.code} class="mode" onClick={() => c.pay(mode)}>
              {mode.label}
            </button>
          ))}
          {pages > 1 ? (
            <button type="button" onClick={() => c.setModePage((modePage + 1) % pages)}>
              Modes suivants
            </button>
          ) : null}
        </>
      ) : c.shortcuts.length === 0 ? (
        <p class="hint">Raccourcis articles : paramétrez-les dans la gestion (Paramètres).</p>
      ) : (
        c.shortcuts.map((ref) => (
          <button type="button" key={ref} onClick={() => void c.addArticle(ref)}>
            {ref}
          </button>
        ))
      )}
    </section>
  );
}
