/**
 * The register's actions: every key, button and dialog answer of the screen turned into calls to
 * the server, one after the other (a scanner may send the next code before the answer), and into
 * events of the state module (`state.ts`). The zones and dialogs get this controller and call it.
 */
import type { RefObject } from 'preact';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  type Article,
  type Authorization,
  api,
  type Customer,
  type RegisterInfo,
  type SessionInfo,
  type Ticket,
} from '../api.ts';
import type { ReceiptChoice } from '../dialogs.tsx';
import { formatMoney, looksLikeBarcode, parseMoney, parsePercent, parseQuantity } from '../format.ts';
import {
  type Column,
  type DialogState,
  discountPath,
  INITIAL_STATE,
  type Message,
  type RegisterState,
  type Role,
  readColumns,
  reduce,
  type SearchHit,
  type SearchKind,
  saleDoneNote,
  searchKindOf,
  serverReceiptChoice,
  ticketToTakeUp,
} from './state.ts';

/** The idempotency key of a ticket's validation, kept for the tab's life (a retry sends it again). */
function idempotencyKey(ticket: Ticket): string {
  const stored = sessionStorage.getItem(`comptoir.key.${ticket.id}`);
  if (stored !== null) return stored;
  const key = `${ticket.id}.${crypto.randomUUID()}`;
  sessionStorage.setItem(`comptoir.key.${ticket.id}`, key);
  return key;
}

/** Shortcut article buttons (zone 6): references kept on this register. */
function loadShortcuts(): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem('comptoir.shortcuts') ?? 'null') as string[] | null;
    if (Array.isArray(saved)) return saved.slice(0, 16);
  } catch {}
  return [];
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface RegisterProps {
  session: SessionInfo;
  info: RegisterInfo;
  onSession: (session: SessionInfo) => void;
  onLogout: () => void;
  onBackOffice: () => void;
}

export type PaymentMode = RegisterInfo['paymentModes'][number];

export interface Controller {
  readonly props: RegisterProps;
  readonly state: RegisterState;
  /** What is typed in the viseur (kept here: a key may come before the next render). */
  readonly text: string;
  readonly setText: (text: string) => void;
  readonly viseur: RefObject<HTMLInputElement | null>;
  readonly customer: Customer | null;
  readonly setCustomer: (customer: Customer | null) => void;
  readonly columns: Set<Column>;
  readonly setColumns: (columns: Set<Column>) => void;
  readonly shortcuts: readonly string[];
  readonly focusViseur: () => void;
  readonly setDialog: (dialog: DialogState) => void;
  readonly closeDialog: () => void;
  readonly setRole: (role: Role) => void;
  readonly setMessage: (message: Message | null) => void;
  readonly setModePage: (page: number) => void;
  readonly enqueue: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  readonly show: (ticket: Ticket) => void;
  readonly act: (
    path: string,
    body?: Record<string, unknown>,
    then?: (t: Ticket) => void | Promise<void>,
  ) => Promise<void>;
  readonly confidential: <T>(
    run: (authorization?: Authorization) => Promise<T>,
    done: (result: T) => Promise<void> | void,
    refused: (text: string) => void,
  ) => Promise<void>;
  readonly enter: () => void;
  readonly openSearch: (kind: SearchKind, query: string) => Promise<void>;
  readonly pick: (kind: SearchKind, value: string) => void;
  readonly addArticle: (value: string) => Promise<void>;
  readonly keys: {
    quantity: () => void;
    price: () => void;
    percent: () => void;
    amount: () => void;
    subtotal: () => void;
    total: () => void;
    cancel: () => void;
    other: () => void;
  };
  readonly pay: (mode: PaymentMode) => void;
  readonly openNext: (note: string) => Promise<void>;
  readonly chooseReceipt: (choice: ReceiptChoice, email: string, gift: boolean) => void;
  readonly resumeHeld: (held: Ticket) => void;
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
  };
}

export function useRegister(props: RegisterProps): Controller {
  const { info } = props;
  const [state, dispatch] = useReducer(reduce, INITIAL_STATE);
  const [text, setText] = useState('');
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [columns, setColumns] = useState<Set<Column>>(() =>
    readColumns(localStorage.getItem('comptoir.columns')),
  );
  const shortcuts = useMemo(loadShortcuts, []);
  const viseur = useRef<HTMLInputElement>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const stateRef = useRef(state);
  stateRef.current = state;
  const { ticket, role } = state;

  const focusViseur = useCallback(() => viseur.current?.focus(), []);
  const setDialog = useCallback((dialog: DialogState) => dispatch({ type: 'dialog', dialog }), []);
  const closeDialog = useCallback(() => dispatch({ type: 'dialog', dialog: { kind: 'none' } }), []);
  const setRole = useCallback((next: Role) => dispatch({ type: 'role', role: next }), []);
  const setMessage = useCallback((message: Message | null) => dispatch({ type: 'message', message }), []);
  const setModePage = useCallback((page: number) => dispatch({ type: 'modePage', page }), []);
  /** What is in the viseur now (read from the field: a key may come before the next render). */
  const typed = () => viseur.current?.value ?? text;
  const fail = useCallback(
    (error: unknown) => dispatch({ type: 'message', message: { error: true, text: errorText(error) } }),
    [],
  );

  /** Runs actions one after the other (a scanner may send the next code before the answer). */
  const enqueue = useCallback(
    <T>(fn: () => Promise<T>): Promise<T | undefined> => {
      const next = queue.current.then(fn, fn);
      queue.current = next.catch(() => undefined);
      return next.catch((error: unknown) => {
        fail(error);
        return undefined;
      });
    },
    [fail],
  );

  const show = useCallback((next: Ticket) => dispatch({ type: 'shown', ticket: next }), []);

  /**
   * A step on the ticket; when the server says the operation is confidential, the manager's code is
   * asked in place and the same step is sent again with it.
   */
  const act = useCallback(
    (path: string, body: Record<string, unknown> = {}, then?: (t: Ticket) => void | Promise<void>) =>
      enqueue(async () => {
        const current = stateRef.current.ticket;
        if (current === null) return;
        try {
          const next = await api.step(current.id, path, body);
          show(next);
          await then?.(next);
        } catch (error) {
          if (error instanceof ApiError && error.needsManager) {
            const retry = (authorization: Authorization) => {
              void enqueue(async () => {
                try {
                  const next = await api.step(current.id, path, { ...body, authorization });
                  closeDialog();
                  show(next);
                  await then?.(next);
                  focusViseur();
                } catch (again) {
                  dispatch({ type: 'managerError', error: errorText(again) });
                }
              });
            };
            setDialog({ kind: 'manager', reason: error.message, error: null, retry });
            return;
          }
          throw error;
        }
      }).then(() => undefined),
    [enqueue, show, focusViseur, closeDialog, setDialog],
  );

  /**
   * A confidential operation outside the ticket (reprint…): sent as the user; when the server asks for
   * a right the user lacks, a manager's code is asked in place and the same call is sent again with it.
   */
  const confidential = useCallback(
    <T>(
      run: (authorization?: Authorization) => Promise<T>,
      done: (result: T) => Promise<void> | void,
      refused: (text: string) => void,
    ) =>
      enqueue(async () => {
        try {
          const result = await run();
          await done(result);
        } catch (error) {
          if (!(error instanceof ApiError && error.needsManager)) {
            refused(errorText(error));
            return;
          }
          const retry = (authorization: Authorization) => {
            void enqueue(async () => {
              try {
                const result = await run(authorization);
                closeDialog();
                await done(result);
              } catch (again) {
                if (again instanceof ApiError && !again.managerRefused) {
                  closeDialog();
                  refused(errorText(again));
                  return;
                }
                dispatch({ type: 'managerError', error: errorText(again) });
              }
            });
          };
          setDialog({ kind: 'manager', reason: error.message, error: null, retry });
        }
      }).then(() => undefined),
    [enqueue, closeDialog, setDialog],
  );

  const startTicket = useCallback(async () => {
    const open = await api.tickets('open');
    const next = ticketToTakeUp(open.items) ?? (await api.open());
    dispatch({ type: 'started', ticket: next });
  }, []);

  useEffect(() => {
    void enqueue(startTicket);
  }, [enqueue, startTicket]);
  const ready = ticket !== null;
  useEffect(() => {
    if (ready) viseur.current?.focus();
  }, [ready]);

  // Zone 2: the customer's card, read again when the ticket's customer changes.
  const customerCode = ticket?.customer?.code ?? null;
  useEffect(() => {
    if (customerCode === null) {
      setCustomer(null);
      return;
    }
    let live = true;
    api.customers(customerCode, 5).then(
      (page) => {
        if (live) setCustomer(page.items.find((c) => c.code === customerCode) ?? null);
      },
      () => {
        if (live) setCustomer(null);
      },
    );
    return () => {
      live = false;
    };
  }, [customerCode]);

  const openSearch = useCallback(
    async (kind: SearchKind, query: string) => {
      const shown = query.trim();
      // The query moves to the search list: the viseur is free again.
      setText('');
      try {
        let hits: SearchHit[] = [];
        if (kind === 'article') {
          const page = await api.articles(shown === '' ? '-' : shown, 30);
          hits = page.items.map((a: Article) => ({
            key: a.ref,
            label: `${a.ref} — ${a.designation}`,
            detail: formatMoney(a.unitPrice),
            value: a.ref,
          }));
        } else if (kind === 'customer') {
          const page = await api.customers(shown === '' ? '-' : shown, 30);
          hits = page.items.map((c) => ({
            key: c.code,
            label: `${c.code} — ${c.name}`,
            detail: c.city,
            value: c.code,
          }));
        } else {
          const page = await api.sellers(shown);
          hits = page.items.map((s) => ({
            key: s.sellerCode,
            label: `${s.sellerCode} — ${s.name}`,
            detail: s.role,
            value: s.sellerCode,
          }));
        }
        setDialog({ kind: 'search', search: kind, text: shown, hits, error: null });
      } catch (error) {
        setDialog({ kind: 'search', search: kind, text: shown, hits: [], error: errorText(error) });
      }
    },
    [setDialog],
  );

  const addArticle = useCallback(
    (value: string) =>
      act('lines', { text: value }, () => {
        setRole('ref');
      }),
    [act, setRole],
  );

  /** Enter in the viseur: what it means follows the viseur's role. */
  const enter = useCallback(() => {
    const value = (viseur.current?.value ?? text).trim();
    setText('');
    const current = stateRef.current.ticket;
    if (current === null) return;
    if (current.phase === 'payment') {
      if (value !== '') setMessage({ error: false, text: 'Montant saisi : choisissez le mode de règlement' });
      setText(value);
      return;
    }
    if (role === 'seller') {
      if (looksLikeBarcode(value)) {
        // A card or an article scanned before the seller was given: the seller stays the default.
        setRole('customer');
        void enqueue(async () => {
          try {
            show(await api.step(current.id, 'customer', { text: value }));
            setRole('ref');
          } catch (error) {
            if (!(error instanceof ApiError) || error.status !== 404) throw error;
            show(await api.step(current.id, 'lines', { text: value }));
            setRole('ref');
          }
        });
        return;
      }
      if (value === '' && info.defaultSeller === null) {
        // No seller for this register: an empty Enter goes on to the customer (seed 001).
        setRole('customer');
        return;
      }
      void act('seller', { code: value }, () => setRole('customer'));
      return;
    }
    if (role === 'customer') {
      if (value === '') {
        setRole('ref');
        return;
      }
      if (value.startsWith('-') && value.length > 1) {
        void openSearch('customer', value);
        return;
      }
      void enqueue(async () => {
        try {
          show(await api.step(current.id, 'customer', { text: value }));
          setRole('ref');
        } catch (error) {
          if (looksLikeBarcode(value) && error instanceof ApiError && error.status === 404) {
            show(await api.step(current.id, 'lines', { text: value }));
            setRole('ref');
            return;
          }
          if (error instanceof ApiError && error.code === 'AMBIGUOUS_CUSTOMER') {
            await openSearch('customer', value);
            return;
          }
          throw error;
        }
      });
      return;
    }
    if (value === '') return;
    if (role === 'designation') {
      void openSearch('article', `-${value.replace(/^-/, '')}`);
      return;
    }
    if (/^[-*+]./.test(value)) {
      void openSearch('article', value);
      return;
    }
    void enqueue(async () => {
      try {
        show(await api.step(current.id, 'lines', { text: value }));
      } catch (error) {
        if (error instanceof ApiError && error.code === 'AMBIGUOUS_ARTICLE') {
          await openSearch('article', value);
          return;
        }
        if (error instanceof ApiError && error.needsManager) {
          setText(value);
        }
        throw error;
      }
    });
  }, [text, role, act, enqueue, show, openSearch, info.defaultSeller, setMessage, setRole]);

  const pick = useCallback(
    (kind: SearchKind, value: string) => {
      closeDialog();
      if (kind === 'article') void addArticle(value);
      else if (kind === 'customer') void act('customer', { text: value }, () => setRole('ref'));
      else void act('seller', { code: value }, () => setRole('customer'));
      focusViseur();
    },
    [act, addArticle, focusViseur, closeDialog, setRole],
  );

  const needNumber = (what: string) =>
    setMessage({ error: true, text: `Saisissez ${what} dans le viseur, puis la touche` });

  const keys = {
    quantity: () => {
      const qty = parseQuantity(typed());
      if (qty === undefined || qty === 0) return needNumber('la quantité');
      setText('');
      void act('quantity', { qty });
    },
    price: () => {
      const unitPrice = parseMoney(typed());
      if (unitPrice === undefined || unitPrice < 0) return needNumber('le prix TTC');
      setText('');
      void act('price', { unitPrice });
    },
    percent: () => {
      const percent = parsePercent(typed());
      if (percent === undefined || percent < 0) return needNumber('le pourcentage de remise');
      setText('');
      void act(discountPath(stateRef.current.ticket), { percent });
    },
    amount: () => {
      const amount = parseMoney(typed());
      if (amount === undefined || amount < 0) return needNumber('le montant de la remise');
      setText('');
      void act(discountPath(stateRef.current.ticket), { amount });
    },
    subtotal: () => void act('subtotal'),
    total: () => void act('total', {}, () => dispatch({ type: 'modePage', page: 0 })),
    cancel: () => {
      if (stateRef.current.ticket?.phase === 'payment') void act('back-to-lines');
      else setDialog({ kind: 'cancel' });
    },
    other: () => setDialog({ kind: 'other' }),
  };

  /** Validation, inside a queued action (never queued again: the queue would wait for itself). */
  const validateNow = async (current: Ticket) => {
    const done = await api.step(current.id, 'validate', { idempotencyKey: idempotencyKey(current) });
    dispatch({ type: 'validated', ticket: done });
  };

  const pay = (mode: PaymentMode) => {
    const given = typed().trim();
    const amount = given === '' ? null : parseMoney(given);
    if (amount === undefined || (amount !== null && amount <= 0)) return needNumber('un montant valide');
    setText('');
    void act('payments', { mode: mode.code, amount }, async (next) => {
      if (mode.opensDrawer) dispatch({ type: 'drawer' });
      if (next.totals.remaining <= 0 && next.payments.length > 0) await validateNow(next);
    });
  };

  /** The next ticket, inside a queued action. */
  const openNext = async (note: string) => {
    const fresh = await api.open();
    dispatch({ type: 'next', ticket: fresh, note });
    focusViseur();
  };

  const chooseReceipt = (choice: ReceiptChoice, email: string, gift: boolean) => {
    const current = stateRef.current.ticket;
    if (current === null) return;
    setDialog({ kind: 'receipt', error: null, busy: true });
    void (async () => {
      try {
        const serverChoice = serverReceiptChoice(choice, email);
        if (choice === 'email-save' && email !== '' && customer !== null) {
          const saved = await api.saveCustomer(customer.code, {
            email,
            consentEmailReceipts: true,
          });
          setCustomer(saved);
        }
        await api.step(current.id, 'receipt', {
          choice: serverChoice,
          ...(serverChoice === 'email' ? { email } : {}),
          // « Option en caisse » (seed 000): the invoice when asked, else the ticket and its gift ticket.
          option: stateRef.current.invoice ? 'invoice' : gift ? 'ticket+gift' : 'ticket',
        });
        closeDialog();
        await enqueue(() => openNext(saleDoneNote(current.sale?.number, serverChoice)));
      } catch (error) {
        // The choice is made once (its answer was lost): this sale is done, a copy is a reprint.
        if (error instanceof ApiError && error.code === 'RECEIPT_ALREADY_CHOSEN') {
          closeDialog();
          await enqueue(() => openNext(`${error.message} : saisie du ticket suivant`));
          return;
        }
        setDialog({ kind: 'receipt', busy: false, error: errorText(error) });
      }
    })();
  };

  const resumeHeld = (held: Ticket) => {
    closeDialog();
    void enqueue(async () => {
      const current = stateRef.current.ticket;
      if (current !== null && current.id !== held.id && current.items.length === 0) {
        await api.step(current.id, 'abandon', {}).catch(() => undefined);
      }
      const resumed = await api.step(held.id, 'resume', {});
      show(resumed);
      setRole('ref');
      focusViseur();
    });
  };

  const functions = {
    hold: () =>
      void act('hold', {}, async () => {
        await openNext('Ticket mis en attente');
      }),
    resume: () =>
      void enqueue(async () => {
        const held = await api.tickets('held');
        if (held.items.length === 0) {
          setMessage({ error: false, text: 'Aucun ticket en attente' });
          return;
        }
        setDialog({ kind: 'held', tickets: held.items });
      }),
    switchUser: () => setDialog({ kind: 'switch', error: null }),
    vat: () =>
      void enqueue(async () => {
        const current = stateRef.current.ticket;
        if (current === null) return;
        const vat = await api.vat(current.id);
        setDialog({ kind: 'vat', rows: vat.rows, ht: vat.ht, vat: vat.vat, ttc: vat.ttc });
      }),
    priceCheck: () => {
      const value = typed().trim();
      if (value === '') {
        setMessage({
          error: false,
          text: 'Afficher Prix : saisissez ou scannez la référence, puis la touche',
        });
        return;
      }
      setText('');
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
  };

  // Keyboard shortcuts of seed 001, wherever the focus is (except in a dialog).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (stateRef.current.dialog.kind !== 'none') return;
      const search = () => void openSearch(searchKindOf(stateRef.current.role), typed());
      const map: Record<string, (() => void) | undefined> = {
        F5: event.shiftKey ? keys.percent : keys.quantity,
        F6: event.shiftKey ? keys.amount : keys.price,
        F8: search,
        F9: search,
      };
      const fn = map[event.key];
      if (fn !== undefined) {
        event.preventDefault();
        fn();
        return;
      }
      const target = event.target as HTMLElement | null;
      const typing = target !== null && (target.tagName === 'INPUT' || target.tagName === 'SELECT');
      if (!typing && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        viseur.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return {
    props,
    state,
    text,
    setText,
    viseur,
    customer,
    setCustomer,
    columns,
    setColumns,
    shortcuts,
    focusViseur,
    setDialog,
    closeDialog,
    setRole,
    setMessage,
    setModePage,
    enqueue,
    show,
    act,
    confidential,
    enter,
    openSearch,
    pick,
    addArticle,
    keys,
    pay,
    openNext,
    chooseReceipt,
    resumeHeld,
    functions,
  };
}
