/**
 * Zone 6 of seed 001, the shortcut buttons. While the ticket is being entered: the register's
 * article shortcuts as a touch grid by family (a bakery or a café sells without a scanner), each
 * button named, coloured, with its price and picture. After Total: the payment modes by blocks of 8,
 * each with its number key (1 to 8; 9: the next block; arrows; Échap: back to the amount).
 */
import { useState } from 'preact/hooks';
import type { RegisterShortcut } from '../api.ts';
import { formatMoney } from '../format.ts';
import type { Controller } from './controller.ts';
import { familiesOf, textColorOn } from './state.ts';

function PaymentModes({ c }: { c: Controller }) {
  const { modePage } = c.state;
  const modes = c.props.info.paymentModes;
  const pages = Math.max(1, Math.ceil(modes.length / 8));
  const shown = modes.slice(modePage * 8, modePage * 8 + 8);
  const move = (step: number) => {
    const buttons = [
      ...(c.modes.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? []),
    ];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[(at + step + buttons.length) % buttons.length]?.focus();
  };
  return (
    <section
      class="zone shortcuts modes"
      aria-label="Modes de règlement"
      ref={c.modes}
      onKeyDown={(event) => {
        if (event.ctrlKey || event.altKey || event.metaKey) return;
        const n = /^[1-9]$/.test(event.key) ? Number(event.key) : 0;
        if (n >= 1 && n <= shown.length) {
          event.preventDefault();
          const mode = shown[n - 1];
          if (mode !== undefined) c.pay(mode);
        } else if (n === 9 && pages > 1) {
          event.preventDefault();
          c.setModePage((modePage + 1) % pages);
        } else if (event.key === 'ArrowRight' || event.key === 'ArrowDown') {
          event.preventDefault();
          move(1);
        } else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') {
          event.preventDefault();
          move(-1);
        } else if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          c.focusViseur();
        }
      }}
    >
      {shown.map((mode, i) => (
        <button
          type="button"
          key={mode.code}
          class="mode"
          aria-keyshortcuts={String(i + 1)}
          onClick={() => c.pay(mode)}
        >
          {mode.label} <kbd>{i + 1}</kbd>
        </button>
      ))}
      {pages > 1 ? (
        <button type="button" aria-keyshortcuts="9" onClick={() => c.setModePage((modePage + 1) % pages)}>
          Modes suivants <kbd>9</kbd>
        </button>
      ) : null}
    </section>
  );
}

function ShortcutButton(props: { shortcut: RegisterShortcut; onPick: () => void }) {
  const { shortcut } = props;
  return (
    <button
      type="button"
      class="product"
      style={{ background: shortcut.color, color: textColorOn(shortcut.color) }}
      onClick={props.onPick}
    >
      {shortcut.picture === null ? null : <img src={shortcut.picture} alt="" />}
      <span class="product-name">{shortcut.label}</span>
      {shortcut.unitPrice === null ? null : (
        <span class="product-price">{formatMoney(shortcut.unitPrice)}</span>
      )}
    </button>
  );
}

function ProductGrid({ c }: { c: Controller }) {
  const shortcuts = c.shortcuts;
  const families = familiesOf(shortcuts ?? []);
  const [family, setFamily] = useState<string | null>(null);
  const current = families.find((f) => f.key === family) ?? families[0];
  if (shortcuts === null) {
    return (
      <section class="zone shortcuts" aria-label="Raccourcis articles">
        <p class="hint">Chargement des raccourcis…</p>
      </section>
    );
  }
  if (shortcuts.length === 0) {
    return (
      <section class="zone shortcuts" aria-label="Raccourcis articles">
        <p class="hint">Aucun raccourci sur cette caisse : la gestion les définit (page Raccourcis).</p>
      </section>
    );
  }
  return (
    <section class="zone shortcuts" aria-label="Raccourcis articles">
      {families.length > 1 ? (
        <fieldset class="families">
          <legend class="sr">Familles</legend>
          {families.map((f) => (
            <button
              type="button"
              class="family-tab"
              key={f.key}
              aria-pressed={f.key === current?.key}
              onClick={() => setFamily(f.key)}
            >
              {f.label}
            </button>
          ))}
        </fieldset>
      ) : null}
      <fieldset class="products">
        <legend class="sr">{current?.label ?? 'Articles'}</legend>
        {(current?.items ?? []).map((s) => (
          <ShortcutButton
            key={s.position}
            shortcut={s}
            onPick={() => {
              void c.addArticle(s.ref);
              c.focusViseur();
            }}
          />
        ))}
      </fieldset>
    </section>
  );
}

export function Shortcuts({ c }: { c: Controller }) {
  return c.state.ticket?.phase === 'payment' ? <PaymentModes c={c} /> : <ProductGrid c={c} />;
}
