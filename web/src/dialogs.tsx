/** The register's dialogs: drawn in place over the screen, keyboard first, every control named. */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Authorization } from './api.ts';
import type { ReceiptChoice } from './register/state.ts';

export type { ReceiptChoice };

const FOCUSABLE =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: the focus goes in (on `data-autofocus`, else the first field; with no field, on
 * the dialog itself, so that a stray Enter chooses nothing), stays in (Tab and Shift+Tab go round),
 * Escape closes it when it can be closed, and the focus goes back to what opened it (or to the
 * screen's `data-focus-home` field when that is gone).
 */
export function Dialog(props: {
  title: string;
  onClose?: () => void;
  children: ComponentChildren;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // A layout effect: the focus moves in as the dialog is drawn, before a key can reach the page behind.
  useLayoutEffect(() => {
    const within = ref.current;
    const active = document.activeElement;
    const opener = active instanceof HTMLElement && active !== document.body ? active : null;
    const first =
      within?.querySelector<HTMLElement>('[data-autofocus]:not(:disabled)') ??
      within?.querySelector<HTMLElement>(
        'input:not(:disabled), select:not(:disabled), textarea:not(:disabled)',
      );
    (first ?? within)?.focus();
    return () => {
      const now = document.activeElement;
      // Something else took the focus on purpose (the viseur…): it keeps it.
      if (now !== null && now !== document.body && !(within?.contains(now) ?? false) && now.isConnected)
        return;
      const back =
        opener?.isConnected && !(opener as HTMLButtonElement).disabled
          ? opener
          : document.querySelector<HTMLElement>('[data-focus-home]');
      back?.focus();
      // Once the dialog is gone (what is behind it may have been drawn again), once more if lost.
      setTimeout(() => {
        const active = document.activeElement;
        if (active === null || active === document.body || !active.isConnected)
          (back?.isConnected ? back : document.querySelector<HTMLElement>('[data-focus-home]'))?.focus();
      }, 0);
    };
  }, []);
  return (
    <div class="overlay">
      <div
        ref={ref}
        class={props.wide === true ? 'dialog wide' : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        tabIndex={-1}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && props.onClose !== undefined) {
            event.preventDefault();
            event.stopPropagation();
            props.onClose();
            return;
          }
          if (event.key !== 'Tab') return;
          const items = [...(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])].filter(
            (el) => el.offsetParent !== null || el === document.activeElement,
          );
          const firstItem = items[0];
          const lastItem = items[items.length - 1];
          if (firstItem === undefined || lastItem === undefined) {
            event.preventDefault();
            return;
          }
          const active = document.activeElement;
          if (event.shiftKey && (active === firstItem || active === ref.current)) {
            event.preventDefault();
            lastItem.focus();
          } else if (!event.shiftKey && active === lastItem) {
            event.preventDefault();
            firstItem.focus();
          }
        }}
      >
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

/** « Code confidentiel » (seed 001): a manager gives code and PIN on the spot. */
export function ManagerDialog(props: {
  reason: string;
  error: string | null;
  onSubmit: (auth: Authorization) => void;
  onCancel: () => void;
}) {
  const [userCode, setUserCode] = useState('');
  const [pin, setPin] = useState('');
  return (
    <Dialog title="Code responsable" onClose={props.onCancel}>
      <p>{props.reason}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit({ userCode: userCode.trim(), pin });
        }}
      >
        <label>
          Code du responsable
          <input
            value={userCode}
            autocomplete="off"
            onInput={(e) => setUserCode(e.currentTarget.value)}
            required
          />
        </label>
        <label>
          PIN du responsable
          <input
            type="password"
            inputMode="numeric"
            value={pin}
            autocomplete="off"
            onInput={(e) => setPin(e.currentTarget.value)}
            required
          />
        </label>
        {props.error === null ? null : (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <div class="row">
          <button type="submit">Autoriser</button>
          <button type="button" onClick={props.onCancel}>
            Abandonner l’opération
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Code and PIN (change user). */
export function CredentialsDialog(props: {
  title: string;
  error: string | null;
  onSubmit: (code: string, pin: string) => void;
  onCancel: () => void;
}) {
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  return (
    <Dialog title={props.title} onClose={props.onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit(code.trim(), pin);
        }}
      >
        <label>
          Code utilisateur
          <input value={code} autocomplete="off" onInput={(e) => setCode(e.currentTarget.value)} required />
        </label>
        <label>
          PIN
          <input
            type="password"
            inputMode="numeric"
            value={pin}
            onInput={(e) => setPin(e.currentTarget.value)}
            required
          />
        </label>
        {props.error === null ? null : (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <div class="row">
          <button type="submit">Valider</button>
          <button type="button" onClick={props.onCancel}>
            Fermer
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Seed 000: « Ticket par E-Mail », four answers, the customer's address prefilled. */
export function ReceiptDialog(props: {
  saleNumber: number | null;
  total: string;
  email: string;
  canSave: boolean;
  /** The register offers the e-mail (setting « Proposer le ticket par e-mail »); false: paper or nothing. */
  offerEmail: boolean;
  /**
   * « Poster le ticket par e-mail » without saving: offered to the counter customer (the address
   * typed is not kept) and to a customer who agreed; not to one who cannot receive mail.
   */
  offerPlainEmail: boolean;
  error: string | null;
  busy: boolean;
  onChoose: (choice: ReceiptChoice, email: string, gift: boolean) => void;
}) {
  const [email, setEmail] = useState(props.email);
  const [gift, setGift] = useState(false);
  const choose = (choice: ReceiptChoice) => props.onChoose(choice, email.trim(), gift);
  return (
    <Dialog title={props.offerEmail ? 'Ticket par e-mail' : 'Ticket'} wide>
      <p role="status">
        Ticket {props.saleNumber === null ? '' : `n° ${props.saleNumber} `}validé — total {props.total}
      </p>
      {props.offerEmail ? (
        <label>
          E-mail d’envoi
          <input
            type="email"
            value={email}
            autocomplete="off"
            onInput={(e) => setEmail(e.currentTarget.value)}
            placeholder="adresse du client"
          />
        </label>
      ) : null}
      <label class="check">
        <input type="checkbox" checked={gift} onChange={(e) => setGift(e.currentTarget.checked)} />
        {props.offerEmail
          ? 'Ticket cadeau en plus (sans les prix, dans un second e-mail)'
          : 'Ticket cadeau en plus'}
      </label>
      {props.error === null ? null : (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <div class="choices">
        {props.offerEmail ? (
          <button
            type="button"
            disabled={props.busy || !props.canSave}
            onClick={() => choose('email-save')}
            data-autofocus={email === '' ? undefined : true}
          >
            Poster le ticket par e-mail et sauvegarder l’adresse avec l’accord du client
          </button>
        ) : null}
        <button type="button" disabled={props.busy} onClick={() => choose('print')}>
          Le client veut un ticket physique
        </button>
        {props.offerEmail && props.offerPlainEmail ? (
          <button type="button" disabled={props.busy} onClick={() => choose('email')}>
            Poster le ticket par e-mail
          </button>
        ) : null}
        <button type="button" disabled={props.busy} onClick={() => choose('none')}>
          Le client ne veut pas de ticket
        </button>
      </div>
    </Dialog>
  );
}
