/**
 * What each key, button and dialog answer of the register does (issue 12): a ticket always ready
 * for a scan (the viseur starts on « Référence »; a code typed for a seller that is an article goes
 * on the ticket), the seller asked at Total only where the register makes it mandatory, « Reprise
 * attente » holding the ticket in progress first, a confirmation before a ticket is abandoned, and
 * the focus sent where the next keystroke belongs (after Total, the amount; then the modes).
 */
import { ApiError, api, type Ticket } from '../api.ts';
import type { ReceiptChoice } from '../dialogs.tsx';
import { formatMoney, looksLikeBarcode, parseMoney, parsePercent, parseQuantity } from '../format.ts';
import type { Core, PaymentMode } from './controller.ts';
import { type KeyAction, keysShown, needNumberText } from './keymap.ts';
import {
  beforeResume,
  type ConfirmAction,
  discountPath,
  type SearchKind,
  saleDoneNote,
  searchKindOf,
  sellerMissing,
  serverReceiptChoice,
} from './state.ts';

/** The idempotency key of a ticket's validation, kept for the tab's life (a retry sends it again). */
function idempotencyKey(ticket: Ticket): string {
  const stored = sessionStorage.getItem(`comptoir.key.${ticket.id}`);
  if (stored !== null) return stored;
  const key = `${ticket.id}.${crypto.randomUUID()}`;
  sessionStorage.setItem(`comptoir.key.${ticket.id}`, key);
  return key;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface CounterActions {
  readonly enter: () => void;
  readonly pick: (kind: SearchKind, value: string) => void;
  readonly keys: {
    quantity: () => void;
    price: () => void;
    label: () => void;
    percent: () => void;
    amount: () => void;
    subtotal: () => void;
    total: () => void;
    validate: () => void;
    cancel: () => void;
    other: () => void;
  };
  readonly pay: (mode: PaymentMode) => void;
  readonly chooseReceipt: (choice: ReceiptChoice, email: string, gift: boolean) => void;
  readonly resumeHeld: (held: Ticket) => void;
  /** Asks the confirmation of an action that loses the ticket. */
  readonly ask: (action: ConfirmAction) => void;
  /** Does it, once confirmed. */
  readonly confirmed: (action: ConfirmAction) => void;
  readonly footerDiscount: (kind: 'percent' | 'amount') => void;
  readonly openNext: (note: string) => Promise<void>;
  readonly addArticle: (value: string) => Promise<void>;
  readonly openSearch: (kind: SearchKind, query: string) => Promise<void>;
  readonly act: Core['act'];
  readonly enqueue: Core['enqueue'];
  readonly show: Core['show'];
  readonly confidential: Core['confidential'];
  readonly setDialog: Core['setDialog'];
  readonly closeDialog: Core['closeDialog'];
  readonly setRole: Core['setRole'];
  readonly setMessage: Core['setMessage'];
  readonly setModePage: Core['setModePage'];
  readonly functions: {
    hold: () => void;
    resume: () => void;
    switchUser: () => void;
    vat: () => void;
    priceCheck: () => void;
    reprint: () => void;
    composition: () => void;
    offers: () => void;
    invoice: () => void;
    help: () => void;
    customer: () => void;
    seller: () => void;
  };
  /** A key of the key map (keymap.ts). */
  readonly run: (action: KeyAction) => void;
}

export function counterActions(core: Core): CounterActions {
  const { stateRef, dispatch, props, act, enqueue, show, setRole, setMessage, setDialog, closeDialog } = core;
  const { info } = props;
  const current = () => stateRef.current.ticket;
  const inPayment = () => current()?.phase === 'payment';

  const needNumber = (what: string, action: KeyAction, label: string) =>
    setMessage({ error: true, text: needNumberText(what, action, label) });

  /** After the seller is given: back to the articles, and on to Total when it was waiting for it. */
  const sellerGiven = (next: Ticket) => {
    setRole('ref');
    if (stateRef.current.totalAfterSeller) total(next);
  };

  /** Enter in the viseur: what it means follows the viseur's role. */
  const enter = () => {
    const value = core.typed().trim();
    const ticket = current();
    if (ticket === null) return;
    if (ticket.phase === 'payment') {
      // The amount stays in the viseur; the next keystroke chooses the mode.
      dispatch({ type: 'focus', target: 'modes' });
      return;
    }
    core.setText('');
    const role = stateRef.current.role;
    if (role === 'seller') {
      if (value === '') {
        if (info.defaultSeller === null) {
          setRole('ref');
          if (stateRef.current.totalAfterSeller)
            setMessage({ error: true, text: 'Vendeur obligatoire sur cette caisse : saisissez son code' });
          return;
        }
        void act('seller', { code: '' }, sellerGiven);
        return;
      }
      void enqueue(async () => {
        try {
          const next = await api.step(ticket.id, 'seller', { code: value });
          show(next);
          sellerGiven(next);
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 404) throw error;
          // Not a seller: an article (or a customer's card) scanned here is never refused.
          try {
            show(await api.step(ticket.id, 'lines', { text: value }));
          } catch (again) {
            if (!(again instanceof ApiError) || again.status !== 404 || !looksLikeBarcode(value)) throw error;
            show(await api.step(ticket.id, 'customer', { text: value }));
          }
          setRole('ref');
        }
      });
      return;
    }
    if (role === 'customer') {
      if (value === '') {
        setRole('ref');
        return;
      }
      if (value.startsWith('-') && value.length > 1) {
        void core.openSearch('customer', value);
        return;
      }
      void enqueue(async () => {
        try {
          show(await api.step(ticket.id, 'customer', { text: value }));
          setRole('ref');
        } catch (error) {
          if (error instanceof ApiError && error.status === 404) {
            // An article scanned while the viseur waited for a customer: it goes on the ticket.
            try {
              show(await api.step(ticket.id, 'lines', { text: value }));
              setRole('ref');
              return;
            } catch {
              throw error;
            }
          }
          if (error instanceof ApiError && error.code === 'AMBIGUOUS_CUSTOMER') {
            await core.openSearch('customer', value);
            return;
          }
          throw error;
        }
      });
      return;
    }
    if (value === '') return;
    if (role === 'designation') {
      void core.openSearch('article', `-${value.replace(/^-/, '')}`);
      return;
    }
    if (/^[-*+]./.test(value)) {
      void core.openSearch('article', value);
      return;
    }
    void enqueue(async () => {
      try {
        show(await api.step(ticket.id, 'lines', { text: value }));
      } catch (error) {
        if (error instanceof ApiError && error.code === 'AMBIGUOUS_ARTICLE') {
          await core.openSearch('article', value);
          return;
        }
        if (error instanceof ApiError && error.code === 'SERIAL_REQUIRED') {
          // A lot/serial article: the same line again, through the step that asks its number.
          void act('lines', { text: value });
          return;
        }
        if (error instanceof ApiError && error.status === 404) {
          // Not an article: a customer's card scanned, or a customer's code typed without F3.
          try {
            show(await api.step(ticket.id, 'customer', { text: value }));
            return;
          } catch {
            throw error;
          }
        }
        if (error instanceof ApiError && error.needsManager) core.setText(value);
        throw error;
      }
    });
  };

  const pick = (kind: SearchKind, value: string) => {
    closeDialog();
    if (kind === 'article') void core.addArticle(value);
    else if (kind === 'customer') void act('customer', { text: value }, () => setRole('ref'));
    else void act('seller', { code: value }, sellerGiven);
    core.focusViseur();
  };

  /** Rem% / Rem€: on the pointed line or sub-total; with no line, said plainly (no silent footer). */
  const discount = (body: { percent: number } | { amount: number }) => {
    const path = discountPath(current());
    if (path === null) {
      // The figure typed is not kept: the next scan must not be glued to it.
      core.setText('');
      setMessage({
        error: true,
        text: 'Aucune ligne pointée : scannez d’abord un article (remise sur tout le ticket : Autres opérations, Remise en pied)',
      });
      return;
    }
    core.setText('');
    void act(path, body);
  };

  /** Total; `given`: the ticket just answered (the state may not show it yet). */
  function total(given?: Ticket) {
    const ticket = given ?? current();
    if (ticket === null) return;
    if (sellerMissing(info, ticket)) {
      dispatch({ type: 'sellerForTotal' });
      return;
    }
    void act('total', {}, (next) => dispatch({ type: 'paying', ticket: next }));
  }

  /** Validation, inside a queued action (never queued again: the queue would wait for itself). */
  const validateNow = async (ticket: Ticket) => {
    const done = await api.step(ticket.id, 'validate', { idempotencyKey: idempotencyKey(ticket) });
    const ask = info.receipt.askBeforePrinting;
    dispatch({ type: 'validated', ticket: done, ask });
    // « Demander avant d’imprimer le ticket » off: the paper ticket at once, as its button would.
    if (!ask) receipt(done, 'print', '', false, false);
  };

  const validate = () => {
    const ticket = current();
    if (ticket === null) return;
    if (ticket.phase !== 'payment') {
      total();
      return;
    }
    if (ticket.totals.remaining > 0) {
      setMessage({
        error: true,
        text: `Reste dû ${formatMoney(ticket.totals.remaining)} : choisissez le mode de règlement (1 à 8)`,
      });
      dispatch({ type: 'focus', target: 'modes' });
      return;
    }
    void enqueue(() => validateNow(ticket));
  };

  const keys = {
    quantity: () => {
      const qty = parseQuantity(core.typed());
      if (qty === undefined || qty === 0) return needNumber('la quantité', 'quantity', 'Qté');
      core.setText('');
      void act('quantity', { qty });
    },
    price: () => {
      const unitPrice = parseMoney(core.typed());
      if (unitPrice === undefined || unitPrice < 0) return needNumber('le prix TTC', 'price', 'Prix');
      core.setText('');
      void act('price', { unitPrice });
    },
    label: () => {
      const designation = core.typed().trim();
      if (designation === '') {
        setMessage({
          error: true,
          text: `Saisissez le nouveau libellé dans le viseur, puis appuyez sur Libellé (${keysShown('label')})`,
        });
        return;
      }
      core.setText('');
      void act('label', { designation });
    },
    percent: () => {
      const percent = parsePercent(core.typed());
      if (percent === undefined || percent < 0)
        return needNumber('le pourcentage de remise', 'percent', 'Rem%');
      discount({ percent });
    },
    amount: () => {
      const amount = parseMoney(core.typed());
      if (amount === undefined || amount < 0) return needNumber('le montant de la remise', 'amount', 'Rem€');
      discount({ amount });
    },
    subtotal: () => void act('subtotal'),
    total: () => total(),
    validate,
    cancel: () => {
      const ticket = current();
      if (ticket?.phase === 'payment') {
        if (ticket.payments.length > 0) {
          setMessage({
            error: true,
            text: 'Des règlements sont saisis : annulez-les d’abord (bouton Annuler de chaque règlement)',
          });
          return;
        }
        void act('back-to-lines', {}, () => dispatch({ type: 'focus', target: 'viseur' }));
      } else setDialog({ kind: 'cancel' });
    },
    other: () => setDialog({ kind: 'other' }),
  };

  const pay = (mode: PaymentMode) => {
    const given = core.typed().trim();
    const amount = given === '' ? null : parseMoney(given);
    if (amount === undefined || (amount !== null && amount <= 0)) {
      setMessage({
        error: true,
        text: 'Montant illisible : saisissez le montant réglé (ex. 20 ou 12,50), ou rien pour le restant dû, puis le mode',
      });
      dispatch({ type: 'focus', target: 'viseur' });
      return;
    }
    core.setText('');
    void act('payments', { mode: mode.code, amount }, async (next) => {
      if (mode.opensDrawer) dispatch({ type: 'drawer' });
      if (next.totals.remaining <= 0 && next.payments.length > 0) await validateNow(next);
      else dispatch({ type: 'focus', target: 'viseur' });
    });
  };

  const chooseReceipt = (choice: ReceiptChoice, email: string, gift: boolean) => {
    const ticket = current();
    if (ticket !== null) receipt(ticket, choice, email, gift, true);
  };

  /**
   * The receipt choice sent, then the next ticket; `asked` false (the register does not ask): no
   * dialog while it goes, the question shown only if the choice fails.
   */
  function receipt(ticket: Ticket, choice: ReceiptChoice, email: string, gift: boolean, asked: boolean) {
    if (asked) setDialog({ kind: 'receipt', error: null, busy: true });
    void (async () => {
      try {
        const serverChoice = serverReceiptChoice(choice, email);
        if (choice === 'email-save' && email !== '' && core.customer !== null) {
          const saved = await api.saveCustomer(core.customer.code, { email, consentEmailReceipts: true });
          core.setCustomer(saved);
        }
        const done = await api.step(ticket.id, 'receipt', {
          choice: serverChoice,
          ...(serverChoice === 'email' ? { email } : {}),
          // « Option en caisse » (seed 000): the invoice when asked, else the ticket and its gift ticket.
          option: stateRef.current.invoice ? 'invoice' : gift ? 'ticket+gift' : 'ticket',
        });
        closeDialog();
        const printError = done.receipt?.print?.error ?? null;
        await enqueue(() => core.openNext(saleDoneNote(ticket.sale?.number, serverChoice, printError)));
      } catch (error) {
        // The choice is made once (its answer was lost): this sale is done, a copy is a reprint.
        if (error instanceof ApiError && error.code === 'RECEIPT_ALREADY_CHOSEN') {
          closeDialog();
          await enqueue(() => core.openNext(`${error.message} : saisie du ticket suivant`));
          return;
        }
        setDialog({ kind: 'receipt', busy: false, error: errorText(error) });
      }
    })();
  }

  /** « Reprise attente »: the ticket in progress is held first (abandoned when empty). */
  const resumeHeld = (held: Ticket) => {
    closeDialog();
    void enqueue(async () => {
      const ticket = current();
      const plan = ticket === null || ticket.id === held.id ? 'nothing' : beforeResume(ticket);
      if (plan === 'refuse') {
        setMessage({
          error: true,
          text: 'Ticket en cours de règlement : terminez-le avant de reprendre un ticket',
        });
        return;
      }
      if (ticket !== null && plan === 'hold') await api.step(ticket.id, 'hold', {});
      if (ticket !== null && plan === 'abandon')
        await api.step(ticket.id, 'abandon', {}).catch(() => undefined);
      const resumed = await api.step(held.id, 'resume', {});
      dispatch({ type: 'started', ticket: resumed });
      setMessage({
        error: false,
        text:
          plan === 'hold'
            ? 'Ticket repris ; le ticket qui était en cours est mis en attente'
            : 'Ticket repris',
      });
    });
  };

  const ask = (action: ConfirmAction) => {
    const ticket = current();
    if (ticket === null) return;
    // An empty ticket loses nothing: no question.
    if (ticket.items.length === 0 && ticket.payments.length === 0) confirmed(action);
    else setDialog({ kind: 'confirm', action });
  };

  function confirmed(action: ConfirmAction) {
    const ticket = current();
    closeDialog();
    if (ticket === null) return;
    if (action === 'clear') {
      void act('clear', {}, () => dispatch({ type: 'focus', target: 'viseur' }));
      return;
    }
    void enqueue(async () => {
      await api.step(ticket.id, 'abandon', {});
      await core.openNext('Ticket abandonné');
    });
  }

  const footerDiscount = (kind: 'percent' | 'amount') => {
    const typed = core.typed();
    const value = kind === 'percent' ? parsePercent(typed) : parseMoney(typed);
    closeDialog();
    if (value === undefined || value < 0) {
      setMessage({
        error: true,
        text: `Saisissez ${kind === 'percent' ? 'le pourcentage' : 'le montant'} de la remise en pied dans le viseur, puis Autres opérations, Remise en pied`,
      });
      dispatch({ type: 'focus', target: 'viseur' });
      return;
    }
    core.setText('');
    void act('footer-discount', kind === 'percent' ? { percent: value } : { amount: value }, () =>
      dispatch({ type: 'focus', target: 'viseur' }),
    );
  };

  const functions = {
    hold: () => {
      if (inPayment()) {
        setMessage({
          error: true,
          text: 'Mise en attente impossible après Total : revenez aux lignes (Échap)',
        });
        return;
      }
      void act('hold', {}, async () => {
        await core.openNext('Ticket mis en attente');
      });
    },
    resume: () => {
      if (beforeResume(current()) === 'refuse') {
        setMessage({
          error: true,
          text: 'Ticket en cours de règlement : terminez-le avant de reprendre un ticket',
        });
        return;
      }
      void enqueue(async () => {
        const held = await api.tickets('held');
        if (held.items.length === 0) {
          setMessage({ error: false, text: 'Aucun ticket en attente' });
          return;
        }
        setDialog({ kind: 'held', tickets: held.items });
      });
    },
    switchUser: () => setDialog({ kind: 'switch', error: null }),
    vat: () =>
      void enqueue(async () => {
        const ticket = current();
        if (ticket === null) return;
        const vat = await api.vat(ticket.id);
        setDialog({ kind: 'vat', rows: vat.rows, ht: vat.ht, vat: vat.vat, ttc: vat.ttc });
      }),
    priceCheck: () => {
      const value = core.typed().trim();
      if (value === '') {
        setMessage({
          error: false,
          text: `Afficher Prix : saisissez ou scannez la référence, puis appuyez sur Afficher Prix (${keysShown('priceCheck')})`,
        });
        return;
      }
      core.setText('');
      void enqueue(async () => {
        const article = await api.priceCheck(value);
        setDialog({
          kind: 'message',
          title: 'Afficher Prix',
          text: `${article.designation} (${article.ref}) : ${formatMoney(article.unitPrice)}${
            article.promotion === null ? '' : ` — ${article.promotion}`
          }`,
        });
      });
    },
    reprint: () =>
      void enqueue(async () => {
        // The last sale of this session, else the register's last one in the journal.
        let number = stateRef.current.lastSale;
        if (number === null) {
          const last = await api.sales({ register: info.number, limit: 1 });
          number = last.items[0]?.number ?? null;
        }
        setDialog({
          kind: 'reprint',
          number: number === null ? '' : String(number),
          error: null,
          busy: false,
        });
      }),
    composition: () => setDialog({ kind: 'composition', error: null }),
    offers: () =>
      setDialog({ kind: 'message', title: 'Offres', text: 'Aucune offre globale éligible pour ce client.' }),
    invoice: () => dispatch({ type: 'invoice' }),
    help: () => setDialog({ kind: 'help' }),
    customer: () => {
      if (inPayment()) return;
      setRole('customer');
      dispatch({ type: 'focus', target: 'viseur' });
    },
    seller: () => {
      setRole('seller');
      dispatch({ type: 'focus', target: 'viseur' });
    },
  };

  const run = (action: KeyAction) => {
    const search = () => void core.openSearch(searchKindOf(stateRef.current.role), core.typed());
    const table: Record<KeyAction, () => void> = {
      help: functions.help,
      subtotal: keys.subtotal,
      customer: functions.customer,
      seller: functions.seller,
      switchUser: functions.switchUser,
      quantity: keys.quantity,
      percent: keys.percent,
      price: keys.price,
      label: keys.label,
      amount: keys.amount,
      hold: functions.hold,
      resume: functions.resume,
      search,
      priceCheck: functions.priceCheck,
      reprint: functions.reprint,
      total: validate,
      abandon: () => ask('abandon'),
      cancel: keys.cancel,
    };
    table[action]();
  };

  return {
    enter,
    pick,
    keys,
    pay,
    chooseReceipt,
    resumeHeld,
    ask,
    confirmed,
    footerDiscount,
    openNext: core.openNext,
    addArticle: core.addArticle,
    openSearch: core.openSearch,
    act,
    enqueue,
    show,
    confidential: core.confidential,
    setDialog,
    closeDialog,
    setRole,
    setMessage,
    setModePage: core.setModePage,
    functions,
    run,
  };
}
