/**
 * Zone 4 of seed 001: the viseur, the single field where everything is typed or scanned, its
 * magnifier (search, F8/F9), the « Choix du viseur » and what the field wants now, and the message
 * line under it.
 */
import type { Controller } from './controller.ts';
import { ROLE_HINTS, ROLE_LABELS, type Role, searchKindOf } from './state.ts';

export function Viseur({ c }: { c: Controller }) {
  const { ticket, role, message, drawer } = c.state;
  const inPayment = ticket?.phase === 'payment';
  return (
    <section class="zone viseur" aria-label="Saisie">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          c.enter();
        }}
      >
        <div class="viseur-row">
          <input
            ref={c.viseur}
            class="viseur-input"
            aria-label="Viseur"
            aria-describedby="viseur-hint"
            autocomplete="off"
            value={c.text}
            onInput={(event) => c.setText(event.currentTarget.value)}
          />
          <button
            type="button"
            aria-label="Rechercher"
            aria-keyshortcuts="F8 F9"
            onClick={() => void c.openSearch(searchKindOf(role), c.text)}
          >
            <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
              <circle cx="10" cy="10" r="6.5" fill="none" stroke="currentColor" stroke-width="2.5" />
              <line x1="15" y1="15" x2="21" y2="21" stroke="currentColor" stroke-width="2.5" />
            </svg>
          </button>
        </div>
        <div class="viseur-row">
          <label class="role">
            <span class="sr">Choix du viseur</span>
            <select
              aria-label="Choix du viseur"
              value={role}
              onChange={(event) => {
                c.setRole(event.currentTarget.value as Role);
                c.focusViseur();
              }}
            >
              {(Object.keys(ROLE_LABELS) as Role[]).map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          </label>
          <span id="viseur-hint" class="hint">
            {inPayment ? 'Montant réglé (vide : le restant dû), puis le mode de règlement' : ROLE_HINTS[role]}
          </span>
        </div>
      </form>
      <p
        class={message?.error === true ? 'message error' : 'message'}
        role={message?.error === true ? 'alert' : 'status'}
      >
        {message?.text ?? ''}
        {drawer ? ' Tiroir ouvert.' : ''}
      </p>
    </section>
  );
}
