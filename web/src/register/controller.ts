/**
 * The register's controller: the state (`state.ts`) with its reducer, the calls to the server one
 * after the other (a scanner may send the next code before the answer), the manager's code asked in
 * place when the server says an operation is confidential, and the keyboard (`keymap.ts`). What each
 * key and button does is in `actions.ts`; the zones and dialogs get this controller and call it.
 */
import type { RefObject } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  type Article,
  type Authorization,
  api,
  type Customer,
  type RegisterInfo,
  type RegisterShortcut,
  type SessionInfo,
  type Ticket,
} from '../api.ts';
import { formatMoney } from '../format.ts';
import { type CounterActions, counterActions } from './actions.ts';
import { actionFor } from './keymap.ts';
import {
  type Column,
  type DialogState,
  INITIAL_STATE,
  type Message,
  type RegisterEvent,
  type RegisterState,
  type Role,
  readColumns,
  reduce,
  type SearchHit,
  type SearchKind,
  ticketToTakeUp,
} from './state.ts';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** How a seller's role reads on the search list. */
const ROLE_NAMES: Readonly<Record<string, string>> = {
  admin: 'Administrateur',
  manager: 'Responsable',
  cashier: 'Caissier',
  seller: 'Vendeur',
};

export interface RegisterProps {
  session: SessionInfo;
  info: RegisterInfo;
  onSession: (session: SessionInfo) => void;
  onLogout: () => void;
  onBackOffice: () => void;
}

export type PaymentMode = RegisterInfo['paymentModes'][number];

/** What the zones and dialogs read and call. */
export interface Controller extends CounterActions {
  readonly props: RegisterProps;
  readonly state: RegisterState;
  /** What is typed in the viseur (kept here: a key may come before the next render). */
  readonly text: string;
  readonly setText: (text: string) => void;
  readonly viseur: RefObject<HTMLInputElement | null>;
  /** The payment modes' buttons (the focus goes there once the amount is given). */
  readonly modes: RefObject<HTMLElement | null>;
  readonly customer: Customer | null;
  readonly setCustomer: (customer: Customer | null) => void;
  readonly columns: Set<Column>;
  readonly setColumns: (columns: Set<Column>) => void;
  /** The register's article shortcuts (zone 6), from the server; null while they load. */
  readonly shortcuts: readonly RegisterShortcut[] | null;
  readonly focusViseur: () => void;
}

/** The core the actions are built on (`actions.ts`). */
export interface Core {
  readonly props: RegisterProps;
  readonly stateRef: { readonly current: RegisterState };
  readonly dispatch: (event: RegisterEvent) => void;
  readonly viseur: RefObject<HTMLInputElement | null>;
  readonly customer: Customer | null;
  readonly setCustomer: (customer: Customer | null) => void;
  readonly setText: (text: string) => void;
  /** What is in the viseur now (read from the field: a key may come before the next render). */
  readonly typed: () => string;
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
  readonly openSearch: (kind: SearchKind, query: string) => Promise<void>;
  readonly addArticle: (value: string) => Promise<void>;
  readonly openNext: (note: string) => Promise<void>;
}

export function useRegister(props: RegisterProps): Controller {
  const [state, dispatch] = useReducer(reduce, INITIAL_STATE);
  const [text, setText] = useState('');
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [columns, setColumns] = useState<Set<Column>>(() =>
    readColumns(localStorage.getItem('comptoir.columns')),
  );
  const [shortcuts, setShortcuts] = useState<readonly RegisterShortcut[] | null>(null);
  const viseur = useRef<HTMLInputElement>(null);
  const modes = useRef<HTMLElement>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const stateRef = useRef(state);
  stateRef.current = state;
  const { ticket } = state;

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
          if (error instanceof ApiError && error.code === 'SERIAL_REQUIRED') {
            const submit = (serial: string) => {
              void enqueue(async () => {
                try {
                  const next = await api.step(current.id, path, { ...body, serial });
                  closeDialog();
                  show(next);
                  await then?.(next);
                  focusViseur();
                } catch (again) {
                  dispatch({ type: 'managerError', error: errorText(again) });
                }
              });
            };
            setDialog({ kind: 'serial', reason: error.message, error: null, submit });
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
  useEffect(() => {
    api.registerShortcuts().then(
      (answer) => setShortcuts(answer.items),
      () => setShortcuts([]),
    );
  }, []);

  // The focus goes where the next keystroke belongs, once the screen shows it.
  const ready = ticket !== null;
  const { target, seq } = state.focus;
  useLayoutEffect(() => {
    if (!ready || seq < 0) return;
    // A dialog drawn over the register (the till's opening…) keeps the focus it took.
    if (document.querySelector('[role=dialog]') !== null) return;
    if (target === 'modes') {
      const first = modes.current?.querySelector<HTMLElement>('button:not(:disabled)');
      if (first !== undefined && first !== null) {
        first.focus();
        return;
      }
    }
    viseur.current?.focus();
  }, [ready, target, seq]);

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
            detail: ROLE_NAMES[s.role] ?? s.role,
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

  /** The next ticket, inside a queued action. */
  const openNext = useCallback(async (note: string) => {
    const fresh = await api.open();
    dispatch({ type: 'next', ticket: fresh, note });
  }, []);

  const core: Core = {
    props,
    stateRef,
    dispatch,
    viseur,
    customer,
    setCustomer,
    setText,
    typed,
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
    openSearch,
    addArticle,
    openNext,
  };
  const actions = counterActions(core);

  // The key map (keymap.ts), wherever the focus is, except in a dialog (which has its own keys).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (stateRef.current.dialog.kind !== 'none' || event.ctrlKey || event.altKey || event.metaKey) return;
      // A dialog of its own over the register (the till's) has its own keys too.
      if ((event.target as HTMLElement | null)?.closest?.('[role=dialog]') != null) return;
      const action = actionFor(event.key, event.shiftKey);
      if (action !== undefined) {
        event.preventDefault();
        actions.run(action);
        return;
      }
      const target = event.target as HTMLElement | null;
      const typing =
        target !== null &&
        (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
      // A key typed anywhere else goes to the viseur (a scanner needs no click first), except the
      // payment modes' own number keys.
      if (!typing && event.key.length === 1 && !modes.current?.contains(target)) viseur.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return {
    ...actions,
    props,
    state,
    text,
    setText,
    viseur,
    modes,
    customer,
    setCustomer,
    columns,
    setColumns,
    shortcuts,
    focusViseur,
  };
}
