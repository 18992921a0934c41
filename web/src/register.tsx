/**
 * The cashier's screen of seed 001, in its eight zones: register information, customer information,
 * the customer display copy, the viseur, the permanent keys, the shortcut buttons, the ticket table
 * and the function keys. Everything goes through the viseur and the keyboard (F5, F6, Shift+F5,
 * Shift+F6, F8/F9), or the touch screen; a scanner's code ended by Enter adds its line at once.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  type Article,
  type Authorization,
  api,
  type Customer,
  type Item,
  type JournalRecord,
  type RegisterInfo,
  type SessionInfo,
  type Ticket,
} from './api.ts';
import { CredentialsDialog, Dialog, ManagerDialog, type ReceiptChoice, ReceiptDialog } from './dialogs.tsx';
import {
  formatMoney,
  formatQuantity,
  formatRate,
  looksLikeBarcode,
  parseMoney,
  parsePercent,
  parseQuantity,
} from './format.ts';
import { DuplicateDialog, ReprintDialog } from './sale-view.tsx';

type Role = 'seller' | 'customer' | 'ref' | 'supplierRef' | 'designation';
const ROLE_LABELS: Record<Role, string> = {
  seller: 'Vendeur',
  customer: 'Client',
  supplierRef: 'Référence fournisseur',
  designation: 'Désignation',
  ref: 'Référence',
};
const ROLE_HINTS: Record<Role, string> = {
  seller: 'Code vendeur (Entrée vide : vendeur de la caisse)',
  customer: 'Carte, code ou -NOM du client (Entrée vide : client comptoir)',
  ref: 'Référence article, EAN ou FOURNISSEUR-RÉF ; -DÉSIGNATION, *FAMILLE1, +FAMILLE2 : recherche (F8)',
  supplierRef: 'Code fournisseur, tiret, référence chez le fournisseur (ex. F0000001-SUN1)',
  designation: 'Début de la désignation, puis Entrée pour la liste',
};

const COLUMNS = [
  ['ref', 'Référence'],
  ['designation', 'Désignation'],
  ['qty', 'Qté'],
  ['unitPrice', 'Prix unitaire'],
  ['discount', 'Remise'],
  ['vat', 'TVA'],
  ['net', 'Montant'],
] as const;
type Column = (typeof COLUMNS)[number][0];

function loadColumns(): Set<Column> {
  try {
    const saved = JSON.parse(localStorage.getItem('comptoir.columns') ?? 'null') as Column[] | null;
    if (Array.isArray(saved) && saved.length > 0) return new Set(saved);
  } catch {}
  return new Set(COLUMNS.map(([id]) => id));
}

/** Shortcut article buttons (zone 6): references kept on this register. */
function loadShortcuts(): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem('comptoir.shortcuts') ?? 'null') as string[] | null;
    if (Array.isArray(saved)) return saved.slice(0, 16);
  } catch {}
  return [];
}

type SearchKind = 'article' | 'customer' | 'seller';
interface SearchHit {
  key: string;
  label: string;
  detail: string;
  value: string;
}

type DialogState =
  | { kind: 'none' }
  | { kind: 'manager'; reason: string; error: string | null; retry: (auth: Authorization) => void }
  | { kind: 'search'; search: SearchKind; text: string; hits: SearchHit[]; error: string | null }
  | { kind: 'receipt'; error: string | null; busy: boolean }
  | { kind: 'held'; tickets: Ticket[] }
  | { kind: 'vat'; rows: Ticket['vat']; ht: number; vat: number; ttc: number }
  | { kind: 'switch'; error: string | null }
  | { kind: 'cancel' }
  | { kind: 'other' }
  | { kind: 'columns' }
  | { kind: 'message'; title: string; text: string }
  | { kind: 'customer'; customer: Customer; error: string | null }
  | { kind: 'composition'; error: string | null }
  | { kind: 'reprint'; number: string; error: string | null; busy: boolean }
  | { kind: 'duplicate'; sale: JournalRecord; duplicate: JournalRecord };

function discountText(
  discount: { kind: 'percent'; rate: number } | { kind: 'amount'; amount: number } | null,
) {
  if (discount === null) return '';
  return discount.kind === 'percent' ? `-${formatRate(discount.rate)}` : `-${formatMoney(discount.amount)}`;
}

function itemLabel(item: Item): string {
  if (item.kind === 'subtotal') return 'Sous-total';
  return item.designation ?? item.ref;
}

function idempotencyKey(ticket: Ticket): string {
  const stored = sessionStorage.getItem(`comptoir.key.${ticket.id}`);
  if (stored !== null) return stored;
  const key = `${ticket.id}.${crypto.randomUUID()}`;
  sessionStorage.setItem(`comptoir.key.${ticket.id}`, key);
  return key;
}

export function Register(props: {
  session: SessionInfo;
  info: RegisterInfo;
  onSession: (session: SessionInfo) => void;
  onLogout: () => void;
  onBackOffice: () => void;
}) {
  const { info } = props;
  const [session, setSession] = [props.session, props.onSession];
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [role, setRole] = useState<Role>('seller');
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  const [modePage, setModePage] = useState(0);
  const [columns, setColumns] = useState<Set<Column>>(loadColumns);
  const [lastSale, setLastSale] = useState<number | null>(null);
  const [invoice, setInvoice] = useState(false);
  const [drawer, setDrawer] = useState(false);
  const shortcuts = useMemo(loadShortcuts, []);
  const viseur = useRef<HTMLInputElement>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const ticketRef = useRef<Ticket | null>(null);
  ticketRef.current = ticket;

  const focusViseur = useCallback(() => viseur.current?.focus(), []);
  /** What is in the viseur now (read from the field: a key may come before the next render). */
  const typed = () => viseur.current?.value ?? text;
  const fail = useCallback((error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    setMessage({ error: true, text });
  }, []);

  /** Runs actions one after the other (a scanner may send the next code before the answer). */
  const enqueue = useCallback(
    <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
      const next = queue.current.then(fn, fn);
      queue.current = next.catch(() => undefined);
      return next.catch((error: unknown) => {
        fail(error);
        return undefined;
      });
    },
    [fail],
  );

  const show = useCallback((next: Ticket) => {
    setTicket(next);
    // The engine's blocking errors (payments not matching yet…) only matter at validation.
    const notice = next.notices[0];
    setMessage(notice === undefined ? null : { error: false, text: notice.message });
  }, []);

  /**
   * A step on the ticket; when the server says the operation is confidential, the manager's code is
   * asked in place and the same step is sent again with it.
   */
  const act = useCallback(
    (path: string, body: Record<string, unknown> = {}, then?: (t: Ticket) => void | Promise<void>) =>
      enqueue(async () => {
        const current = ticketRef.current;
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
                  setDialog({ kind: 'none' });
                  show(next);
                  await then?.(next);
                  focusViseur();
                } catch (again) {
                  const text = again instanceof Error ? again.message : String(again);
                  setDialog((d) => (d.kind === 'manager' ? { ...d, error: text } : d));
                }
              });
            };
            setDialog({ kind: 'manager', reason: error.message, error: null, retry });
            return;
          }
          throw error;
        }
      }),
    [enqueue, show, focusViseur],
  );

  /**
   * A confidential operation outside the ticket (reprint…): sent as the user; when the server asks for
   * a right the user lacks, a manager's code is asked in place and the same call is sent again with it.
   */
  const confidential = useCallback(
    <T,>(
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
            refused(error instanceof Error ? error.message : String(error));
            return;
          }
          const retry = (authorization: Authorization) => {
            void enqueue(async () => {
              try {
                const result = await run(authorization);
                setDialog({ kind: 'none' });
                await done(result);
              } catch (again) {
                const text = again instanceof Error ? again.message : String(again);
                if (again instanceof ApiError && !again.managerRefused) {
                  setDialog({ kind: 'none' });
                  refused(text);
                  return;
                }
                setDialog((d) => (d.kind === 'manager' ? { ...d, error: text } : d));
              }
            });
          };
          setDialog({ kind: 'manager', reason: error.message, error: null, retry });
        }
      }),
    [enqueue],
  );

  const startTicket = useCallback(async () => {
    const open = await api.tickets('open');
    const mine = open.items.find((t) => t.items.length > 0 || t.payments.length > 0) ?? open.items[0];
    const next = mine ?? (await api.open());
    setTicket(next);
    setRole(next.seller === null && next.items.length === 0 ? 'seller' : 'ref');
    setModePage(0);
    setDrawer(false);
    setInvoice(false);
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

  const openSearch = useCallback(async (kind: SearchKind, query: string) => {
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
      setDialog({
        kind: 'search',
        search: kind,
        text: shown,
        hits: [],
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }, []);

  const addArticle = useCallback(
    (value: string) =>
      act('lines', { text: value }, () => {
        setRole('ref');
      }),
    [act],
  );

  /** Enter in the viseur: what it means follows the viseur's role. */
  const enter = useCallback(() => {
    const value = (viseur.current?.value ?? text).trim();
    setText('');
    const current = ticketRef.current;
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
  }, [text, role, act, enqueue, show, openSearch]);

  const pick = useCallback(
    (kind: SearchKind, value: string) => {
      setDialog({ kind: 'none' });
      if (kind === 'article') void addArticle(value);
      else if (kind === 'customer') void act('customer', { text: value }, () => setRole('ref'));
      else void act('seller', { code: value }, () => setRole('customer'));
      focusViseur();
    },
    [act, addArticle, focusViseur],
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
      void act(ticket?.pointer === null ? 'footer-discount' : 'discount', { percent });
    },
    amount: () => {
      const amount = parseMoney(typed());
      if (amount === undefined || amount < 0) return needNumber('le montant de la remise');
      setText('');
      void act(ticket?.pointer === null ? 'footer-discount' : 'discount', { amount });
    },
    subtotal: () => void act('subtotal'),
    total: () => void act('total', {}, () => setModePage(0)),
    cancel: () => {
      if (ticket?.phase === 'payment') void act('back-to-lines');
      else setDialog({ kind: 'cancel' });
    },
    other: () => setDialog({ kind: 'other' }),
  };

  /** Validation, inside a queued action (never queued again: the queue would wait for itself). */
  const validateNow = async (current: Ticket) => {
    const done = await api.step(current.id, 'validate', { idempotencyKey: idempotencyKey(current) });
    show(done);
    setLastSale(done.sale?.number ?? null);
    setDialog({ kind: 'receipt', error: null, busy: false });
  };

  const pay = (mode: RegisterInfo['paymentModes'][number]) => {
    const given = typed().trim();
    const amount = given === '' ? null : parseMoney(given);
    if (amount === undefined || (amount !== null && amount <= 0)) return needNumber('un montant valide');
    setText('');
    void act('payments', { mode: mode.code, amount }, async (next) => {
      if (mode.opensDrawer) setDrawer(true);
      if (next.totals.remaining <= 0 && next.payments.length > 0) await validateNow(next);
    });
  };

  /** The next ticket, inside a queued action. */
  const openNext = async (note: string) => {
    const fresh = await api.open();
    setTicket(fresh);
    setRole('seller');
    setModePage(0);
    setDrawer(false);
    setInvoice(false);
    setMessage({ error: false, text: note });
    focusViseur();
  };

  const chooseReceipt = (choice: ReceiptChoice, email: string, gift: boolean) => {
    const current = ticketRef.current;
    if (current === null) return;
    setDialog({ kind: 'receipt', error: null, busy: true });
    void (async () => {
      try {
        let serverChoice: 'print' | 'email' | 'none' = choice === 'email-save' ? 'email' : choice;
        // Seed 000: with no address, the ticket is printed.
        if (serverChoice === 'email' && email === '') serverChoice = 'print';
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
          option: invoice ? 'invoice' : gift ? 'ticket+gift' : 'ticket',
        });
        setDialog({ kind: 'none' });
        const number = current.sale?.number;
        await enqueue(() =>
          openNext(
            `Ticket${number === undefined ? '' : ` n° ${number}`} terminé${
              serverChoice === 'email' ? ' (envoyé par e-mail)' : serverChoice === 'print' ? ' (imprimé)' : ''
            } : saisie du ticket suivant`,
          ),
        );
      } catch (error) {
        // The choice is made once (its answer was lost): this sale is done, a copy is a reprint.
        if (error instanceof ApiError && error.code === 'RECEIPT_ALREADY_CHOSEN') {
          setDialog({ kind: 'none' });
          await enqueue(() => openNext(`${error.message} : saisie du ticket suivant`));
          return;
        }
        setDialog({
          kind: 'receipt',
          busy: false,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    })();
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
        if (ticket === null) return;
        const vat = await api.vat(ticket.id);
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
        let number = lastSale;
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
    invoice: () => setInvoice((v) => !v),
  };

  // Keyboard shortcuts of seed 001, wherever the focus is (except in a dialog).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (dialog.kind !== 'none') return;
      const map: Record<string, (() => void) | undefined> = {
        F5: event.shiftKey ? keys.percent : keys.quantity,
        F6: event.shiftKey ? keys.amount : keys.price,
        F8: () =>
          void openSearch(
            role === 'customer' ? 'customer' : role === 'seller' ? 'seller' : 'article',
            typed(),
          ),
        F9: () =>
          void openSearch(
            role === 'customer' ? 'customer' : role === 'seller' ? 'seller' : 'article',
            typed(),
          ),
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

  if (ticket === null) {
    return (
      <main class="loading">
        <p role="status">Ouverture du ticket…</p>
        {message === null ? null : (
          <p class="error" role="alert">
            {message.text}
          </p>
        )}
      </main>
    );
  }

  const inPayment = ticket.phase === 'payment';
  const totals = ticket.totals;
  const modes = info.paymentModes;
  const pages = Math.max(1, Math.ceil(modes.length / 8));
  const shownModes = modes.slice(modePage * 8, modePage * 8 + 8);
  const lastItem = ticket.items[ticket.items.length - 1];
  const emailOk = customer?.consentEmailReceipts === true && customer.email !== '';
  const counter = customer === null || customer.code === info.defaultCustomer;
  const modeLabel = (code: string) => modes.find((m) => m.code === code)?.label ?? code;

  return (
    <main class="register">
      <section class="zone info" aria-label="Informations caisse">
        <dl>
          <dt>Vendeur</dt>
          <dd>{ticket.seller === null ? '—' : `${ticket.seller.name ?? ticket.seller.code}`}</dd>
          <dt>Caissier</dt>
          <dd>
            {session.user.name} ({session.user.code})
          </dd>
          <dt>Caisse</dt>
          <dd>
            n° {info.number} {info.name}
          </dd>
          <dt>Ticket</dt>
          <dd>
            {ticket.held ? 'repris' : 'en cours'}
            {lastSale === null ? '' : ` (dernier : n° ${lastSale})`}
            {invoice ? ' — facture demandée' : ''}
          </dd>
        </dl>
      </section>

      <section class="zone customer" aria-label="Informations client">
        <p class="name">{customer?.name ?? ticket.customer?.name ?? 'Client comptoir'}</p>
        {customer === null ? null : (
          <p>
            {[customer.address1, `${customer.postalCode} ${customer.city}`.trim()]
              .filter((s) => s !== '')
              .join(', ')}
            {counter ? '' : ` — ${customer.loyaltyPoints} points, ${customer.visits} passages`}
          </p>
        )}
        {counter ? null : emailOk ? (
          <p class="ok">E-mail : le client reçoit son ticket par e-mail</p>
        ) : (
          <button
            type="button"
            class="alert"
            onClick={() => customer !== null && setDialog({ kind: 'customer', customer, error: null })}
          >
            Le client ne peut pas recevoir son ticket par e-mail (cliquez ici pour modifier)
          </button>
        )}
      </section>

      <section class="zone display" aria-label="Afficheur client">
        <p class="last">
          {lastItem === undefined
            ? 'Bienvenue'
            : `${itemLabel(lastItem)} ${lastItem.kind === 'subtotal' ? formatMoney(lastItem.amount) : formatMoney(lastItem.net)}`}
        </p>
        <p class="total">
          Total <output aria-label="Total à payer">{formatMoney(totals.ttc)}</output>
        </p>
        {inPayment ? (
          totals.change > 0 ? (
            <p class="due">
              Rendu <output aria-label="Rendu">{formatMoney(totals.change)}</output>
            </p>
          ) : totals.creditNote > 0 ? (
            <p class="due">
              Avoir <output aria-label="Avoir">{formatMoney(totals.creditNote)}</output>
            </p>
          ) : (
            <p class="due">
              Reste dû <output aria-label="Reste dû">{formatMoney(totals.remaining)}</output>
            </p>
          )
        ) : null}
      </section>

      <section class="zone viseur" aria-label="Saisie">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            enter();
          }}
        >
          <div class="viseur-row">
            <input
              ref={viseur}
              class="viseur-input"
              aria-label="Viseur"
              aria-describedby="viseur-hint"
              autocomplete="off"
              value={text}
              onInput={(event) => setText(event.currentTarget.value)}
            />
            <button
              type="button"
              aria-label="Rechercher"
              aria-keyshortcuts="F8 F9"
              onClick={() =>
                void openSearch(
                  role === 'customer' ? 'customer' : role === 'seller' ? 'seller' : 'article',
                  text,
                )
              }
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
                  setRole(event.currentTarget.value as Role);
                  focusViseur();
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
              {inPayment
                ? 'Montant réglé (vide : le restant dû), puis le mode de règlement'
                : ROLE_HINTS[role]}
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

      <section class="zone keys" aria-label="Touches permanentes">
        <button type="button" aria-label="Qté" aria-keyshortcuts="F5" onClick={keys.quantity}>
          Qté <kbd>F5</kbd>
        </button>
        <button type="button" aria-label="Prix" aria-keyshortcuts="F6" onClick={keys.price}>
          Prix <kbd>F6</kbd>
        </button>
        <button type="button" aria-label="Rem%" aria-keyshortcuts="Shift+F5" onClick={keys.percent}>
          Rem% <kbd>⇧F5</kbd>
        </button>
        <button type="button" aria-label="Rem€" aria-keyshortcuts="Shift+F6" onClick={keys.amount}>
          Rem€ <kbd>⇧F6</kbd>
        </button>
        <button type="button" aria-label="S/T" onClick={keys.subtotal}>
          S/T
        </button>
        <button type="button" aria-label="Total" class="primary" onClick={keys.total} disabled={inPayment}>
          Total
        </button>
        <button type="button" aria-label="Annuler" onClick={keys.cancel}>
          Annuler
        </button>
        <button type="button" aria-label="Autres opérations" onClick={keys.other}>
          Autres…
        </button>
      </section>

      <section class="zone shortcuts" aria-label={inPayment ? 'Modes de règlement' : 'Raccourcis'}>
        {inPayment ? (
          <>
            {shownModes.map((mode) => (
              <button type="button" key={mode.code} class="mode" onClick={() => pay(mode)}>
                {mode.label}
              </button>
            ))}
            {pages > 1 ? (
              <button type="button" onClick={() => setModePage((modePage + 1) % pages)}>
                Modes suivants
              </button>
            ) : null}
          </>
        ) : shortcuts.length === 0 ? (
          <p class="hint">Raccourcis articles : paramétrez-les dans la gestion (Paramètres).</p>
        ) : (
          shortcuts.map((ref) => (
            <button type="button" key={ref} onClick={() => void addArticle(ref)}>
              {ref}
            </button>
          ))
        )}
      </section>

      <section class="zone lines" aria-label="Ticket en cours">
        <table>
          <caption class="sr">Lignes du ticket</caption>
          <thead>
            <tr>
              {COLUMNS.filter(([id]) => columns.has(id)).map(([id, label]) => (
                <th key={id} scope="col" class={id}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ticket.items.map((item) => (
              <LineRow
                key={item.id}
                item={item}
                columns={columns}
                pointed={ticket.pointer === item.id}
                onPoint={() => {
                  void act('point', { lineId: item.id });
                  focusViseur();
                }}
              />
            ))}
            {ticket.footerDiscount === null ? null : (
              <tr class="footer">
                <td colSpan={columns.size}>Remise en pied {discountText(ticket.footerDiscount)}</td>
              </tr>
            )}
          </tbody>
        </table>
        {inPayment ? (
          <table class="payments">
            <caption>Règlements</caption>
            <tbody>
              {ticket.payments.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{modeLabel(p.mode)}</th>
                  <td>{formatMoney(p.given)}</td>
                  <td>
                    <button
                      type="button"
                      class="small"
                      aria-label={`Annuler le règlement ${modeLabel(p.mode)} ${formatMoney(p.given)}`}
                      onClick={() => void enqueue(async () => show(await api.cancelPayment(ticket.id, p.id)))}
                    >
                      Annuler
                    </button>
                  </td>
                </tr>
              ))}
              {totals.roundingAdjustment === 0 ? null : (
                <tr>
                  <th scope="row">Arrondi espèces</th>
                  <td>{formatMoney(totals.roundingAdjustment)}</td>
                  <td />
                </tr>
              )}
              {totals.change > 0 ? (
                <tr>
                  <th scope="row">Rendu monnaie</th>
                  <td>{formatMoney(totals.change)}</td>
                  <td />
                </tr>
              ) : null}
              {totals.creditNote > 0 ? (
                <tr>
                  <th scope="row">Bon d’avoir émis</th>
                  <td>{formatMoney(totals.creditNote)}</td>
                  <td />
                </tr>
              ) : null}
            </tbody>
          </table>
        ) : null}
        <p class="counts">
          {totals.articleCount / 1000 === Math.trunc(totals.articleCount / 1000)
            ? `${totals.articleCount / 1000} article(s)`
            : `${formatQuantity(totals.articleCount)} article(s)`}
          , {totals.lineCount} ligne(s)
        </p>
      </section>

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
        <button type="button" aria-pressed={invoice} onClick={functions.invoice}>
          Facture demandée
        </button>
      </section>

      {dialog.kind === 'manager' ? (
        <ManagerDialog
          reason={dialog.reason}
          error={dialog.error}
          onSubmit={dialog.retry}
          onCancel={() => {
            setDialog({ kind: 'none' });
            focusViseur();
          }}
        />
      ) : null}
      {dialog.kind === 'receipt' ? (
        <ReceiptDialog
          saleNumber={ticket.sale?.number ?? null}
          total={formatMoney(totals.ttc)}
          email={customer?.email ?? ''}
          canSave={!counter}
          error={dialog.error}
          busy={dialog.busy}
          onChoose={chooseReceipt}
        />
      ) : null}
      {dialog.kind === 'search' ? (
        <SearchDialog
          state={dialog}
          onSearch={(kind, q) => void openSearch(kind, q)}
          onPick={pick}
          onClose={() => {
            setDialog({ kind: 'none' });
            focusViseur();
          }}
        />
      ) : null}
      {dialog.kind === 'held' ? (
        <Dialog title="Tickets en attente" onClose={() => setDialog({ kind: 'none' })}>
          <ul class="list">
            {dialog.tickets.map((t) => (
              <li key={t.id}>
                <button
                  type="button"
                  onClick={() => {
                    setDialog({ kind: 'none' });
                    void enqueue(async () => {
                      const current = ticketRef.current;
                      if (current !== null && current.id !== t.id && current.items.length === 0) {
                        await api.step(current.id, 'abandon', {}).catch(() => undefined);
                      }
                      const resumed = await api.step(t.id, 'resume', {});
                      show(resumed);
                      setRole('ref');
                      focusViseur();
                    });
                  }}
                >
                  Reprendre le ticket de {formatMoney(t.totals.ttc)} ({t.items.length} ligne(s),{' '}
                  {t.customer?.name ?? 'client comptoir'}, {new Date(t.updatedAt).toLocaleTimeString('fr-FR')}
                  )
                </button>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setDialog({ kind: 'none' })}>
            Fermer
          </button>
        </Dialog>
      ) : null}
      {dialog.kind === 'vat' ? (
        <Dialog title="HT/TVA" onClose={() => setDialog({ kind: 'none' })}>
          <table>
            <thead>
              <tr>
                <th scope="col">Taux</th>
                <th scope="col">HT</th>
                <th scope="col">TVA</th>
                <th scope="col">TTC</th>
              </tr>
            </thead>
            <tbody>
              {dialog.rows.map((row) => (
                <tr key={row.rate}>
                  <td>{formatRate(row.rate)}</td>
                  <td>{formatMoney(row.base)}</td>
                  <td>{formatMoney(row.tax)}</td>
                  <td>{formatMoney(row.total)}</td>
                </tr>
              ))}
              <tr class="footer">
                <th scope="row">Total</th>
                <td>{formatMoney(dialog.ht)}</td>
                <td>{formatMoney(dialog.vat)}</td>
                <td>{formatMoney(dialog.ttc)}</td>
              </tr>
            </tbody>
          </table>
          <button type="button" onClick={() => setDialog({ kind: 'none' })}>
            Fermer
          </button>
        </Dialog>
      ) : null}
      {dialog.kind === 'switch' ? (
        <CredentialsDialog
          title="Changer utilisateur"
          error={dialog.error}
          onCancel={() => setDialog({ kind: 'none' })}
          onSubmit={(code, pin) => {
            api.switchUser(code, pin).then(
              (next) => {
                setSession(next);
                setDialog({ kind: 'none' });
                setMessage({ error: false, text: `Utilisateur : ${next.user.name}` });
                focusViseur();
              },
              (error: unknown) =>
                setDialog({ kind: 'switch', error: error instanceof Error ? error.message : String(error) }),
            );
          }}
        />
      ) : null}
      {dialog.kind === 'cancel' ? (
        <Dialog title="Annuler" onClose={() => setDialog({ kind: 'none' })}>
          <div class="choices">
            <button
              type="button"
              disabled={ticket.pointer === null}
              onClick={() => {
                setDialog({ kind: 'none' });
                if (ticket.pointer !== null) void act('delete', { lineIds: [ticket.pointer] });
                focusViseur();
              }}
            >
              Supprimer la ligne pointée
            </button>
            <button
              type="button"
              onClick={() => {
                setDialog({ kind: 'none' });
                void act('clear');
                focusViseur();
              }}
            >
              Supprimer le ticket en entier
            </button>
            <button
              type="button"
              onClick={() => {
                setDialog({ kind: 'none' });
                focusViseur();
              }}
            >
              Revenir à la saisie
            </button>
          </div>
        </Dialog>
      ) : null}
      {dialog.kind === 'other' ? (
        <Dialog title="Autres opérations" onClose={() => setDialog({ kind: 'none' })}>
          <div class="choices">
            <button type="button" onClick={() => setDialog({ kind: 'columns' })}>
              Colonnes du ticket
            </button>
            <button
              type="button"
              onClick={() => {
                setDialog({ kind: 'none' });
                void enqueue(async () => {
                  await api.step(ticket.id, 'abandon', {});
                  await openNext('Ticket abandonné');
                });
              }}
            >
              Abandonner le ticket
            </button>
            <button type="button" onClick={props.onBackOffice}>
              Gestion
            </button>
            <button type="button" onClick={props.onLogout}>
              Déconnexion
            </button>
            <button type="button" onClick={() => setDialog({ kind: 'none' })}>
              Fermer
            </button>
          </div>
        </Dialog>
      ) : null}
      {dialog.kind === 'columns' ? (
        <Dialog title="Colonnes du ticket" onClose={() => setDialog({ kind: 'none' })}>
          {COLUMNS.map(([id, label]) => (
            <label key={id} class="check">
              <input
                type="checkbox"
                checked={columns.has(id)}
                onChange={(event) => {
                  const next = new Set(columns);
                  if (event.currentTarget.checked) next.add(id);
                  else next.delete(id);
                  setColumns(next);
                  localStorage.setItem('comptoir.columns', JSON.stringify([...next]));
                }}
              />
              {label}
            </label>
          ))}
          <button type="button" onClick={() => setDialog({ kind: 'none' })}>
            Fermer
          </button>
        </Dialog>
      ) : null}
      {dialog.kind === 'message' ? (
        <Dialog title={dialog.title} onClose={() => setDialog({ kind: 'none' })}>
          <p role="status">{dialog.text}</p>
          <button
            type="button"
            onClick={() => {
              setDialog({ kind: 'none' });
              focusViseur();
            }}
          >
            OK
          </button>
        </Dialog>
      ) : null}
      {dialog.kind === 'customer' ? (
        <CustomerEdit
          customer={dialog.customer}
          error={dialog.error}
          onCancel={() => setDialog({ kind: 'none' })}
          onSave={(email, consent) => {
            api
              .saveCustomer(dialog.customer.code, {
                email,
                consentEmailReceipts: consent,
              })
              .then(
                (saved) => {
                  setCustomer(saved);
                  setDialog({ kind: 'none' });
                  focusViseur();
                },
                (error: unknown) =>
                  setDialog({
                    kind: 'customer',
                    customer: dialog.customer,
                    error: error instanceof Error ? error.message : String(error),
                  }),
              );
          }}
        />
      ) : null}
      {dialog.kind === 'reprint' ? (
        <ReprintDialog
          number={dialog.number}
          error={dialog.error}
          busy={dialog.busy}
          onCancel={() => {
            setDialog({ kind: 'none' });
            focusViseur();
          }}
          onSubmit={(number, reason) => {
            setDialog({ kind: 'reprint', number: String(number), error: null, busy: true });
            void confidential(
              (authorization) => api.reprint(info.number, number, reason, authorization),
              async (duplicate) => {
                const sale = await api.sale(info.number, number);
                setDialog({ kind: 'duplicate', sale, duplicate });
              },
              (error) => setDialog({ kind: 'reprint', number: String(number), error, busy: false }),
            );
          }}
        />
      ) : null}
      {dialog.kind === 'duplicate' ? (
        <DuplicateDialog
          sale={dialog.sale}
          duplicate={dialog.duplicate}
          onClose={() => {
            setDialog({ kind: 'none' });
            focusViseur();
          }}
        />
      ) : null}
      {dialog.kind === 'composition' ? (
        <CompositionDialog
          error={dialog.error}
          onCancel={() => setDialog({ kind: 'none' })}
          onSubmit={(body) => {
            setDialog({ kind: 'none' });
            void act('compositions', body);
            focusViseur();
          }}
        />
      ) : null}
    </main>
  );
}

function LineRow(props: { item: Item; columns: Set<Column>; pointed: boolean; onPoint: () => void }) {
  const { item, columns } = props;
  const cells: Record<Column, string> =
    item.kind === 'subtotal'
      ? {
          ref: '',
          designation: 'Sous-total',
          qty: '',
          unitPrice: '',
          discount: discountText(item.discount),
          vat: '',
          net: formatMoney(item.amount),
        }
      : item.kind === 'composition'
        ? {
            ref: item.ref,
            designation: `${item.designation ?? item.ref} (${item.components.length} composants)`,
            qty: formatQuantity(item.qty),
            unitPrice: item.price === null ? '' : formatMoney(item.price),
            discount: '',
            vat: 'mixte',
            net: formatMoney(item.net),
          }
        : {
            ref: item.ref,
            designation: item.designation ?? '',
            qty: formatQuantity(item.qty),
            unitPrice: formatMoney(item.unitPrice),
            discount:
              item.discount === null
                ? item.globalDiscount === 0
                  ? ''
                  : `-${formatMoney(item.globalDiscount)}`
                : discountText(item.discount),
            vat: formatRate(item.vatRate),
            net: formatMoney(item.net),
          };
  return (
    <tr
      class={`${item.kind}${props.pointed ? ' pointed' : ''}`}
      aria-selected={props.pointed}
      tabIndex={0}
      onClick={props.onPoint}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          props.onPoint();
        }
      }}
    >
      {COLUMNS.filter(([id]) => columns.has(id)).map(([id]) => (
        <td key={id} class={id}>
          {cells[id]}
        </td>
      ))}
    </tr>
  );
}

function SearchDialog(props: {
  state: Extract<DialogState, { kind: 'search' }>;
  onSearch: (kind: SearchKind, text: string) => void;
  onPick: (kind: SearchKind, value: string) => void;
  onClose: () => void;
}) {
  const { state } = props;
  const [query, setQuery] = useState(state.text);
  const titles: Record<SearchKind, string> = {
    article: 'Recherche d’articles',
    customer: 'Recherche de clients',
    seller: 'Recherche de vendeurs',
  };
  return (
    <Dialog title={titles[state.search]} onClose={props.onClose} wide>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSearch(state.search, query);
        }}
      >
        <label>
          Recherche
          <input value={query} onInput={(e) => setQuery(e.currentTarget.value)} autocomplete="off" />
        </label>
      </form>
      {state.error === null ? null : (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
      <ul class="list" aria-label="Résultats">
        {state.hits.map((hit) => (
          <li key={hit.key}>
            <button type="button" onClick={() => props.onPick(state.search, hit.value)}>
              {hit.label} <span class="detail">{hit.detail}</span>
            </button>
          </li>
        ))}
      </ul>
      {state.hits.length === 0 && state.error === null ? <p>Aucun résultat.</p> : null}
      <button type="button" onClick={props.onClose}>
        Fermer
      </button>
    </Dialog>
  );
}

function CustomerEdit(props: {
  customer: Customer;
  error: string | null;
  onSave: (email: string, consent: boolean) => void;
  onCancel: () => void;
}) {
  const [email, setEmail] = useState(props.customer.email);
  const [consent, setConsent] = useState(props.customer.consentEmailReceipts);
  return (
    <Dialog title={`Client ${props.customer.name}`} onClose={props.onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSave(email.trim(), consent);
        }}
      >
        <label>
          Adresse électronique
          <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
          Le client souhaite recevoir ses tickets de caisse par e-mail
        </label>
        {props.error === null ? null : (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <div class="row">
          <button type="submit">Enregistrer</button>
          <button type="button" onClick={props.onCancel}>
            Fermer
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function CompositionDialog(props: {
  error: string | null;
  onSubmit: (body: {
    ref: string;
    designation?: string;
    price: number | null;
    components: { text: string }[];
  }) => void;
  onCancel: () => void;
}) {
  const [ref, setRef] = useState('');
  const [designation, setDesignation] = useState('');
  const [price, setPrice] = useState('');
  const [components, setComponents] = useState('');
  const [error, setError] = useState<string | null>(props.error);
  return (
    <Dialog title="Composition" onClose={props.onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const list = components
            .split(/[\n,;]/)
            .map((s) => s.trim())
            .filter((s) => s !== '');
          const parsed = price.trim() === '' ? null : parseMoney(price);
          if (ref.trim() === '' || list.length === 0 || parsed === undefined) {
            setError(
              'Référence du composé, au moins un composant et un prix valide (ou vide) sont nécessaires',
            );
            return;
          }
          props.onSubmit({
            ref: ref.trim(),
            ...(designation.trim() === '' ? {} : { designation: designation.trim() }),
            price: parsed,
            components: list.map((text) => ({ text })),
          });
        }}
      >
        <label>
          Référence du composé
          <input value={ref} onInput={(e) => setRef(e.currentTarget.value)} />
        </label>
        <label>
          Désignation du composé
          <input value={designation} onInput={(e) => setDesignation(e.currentTarget.value)} />
        </label>
        <label>
          Prix du composé (vide : somme des composants)
          <input value={price} inputMode="decimal" onInput={(e) => setPrice(e.currentTarget.value)} />
        </label>
        <label>
          Composants (références ou EAN, un par ligne)
          <textarea value={components} onInput={(e) => setComponents(e.currentTarget.value)} rows={4} />
        </label>
        {error === null ? null : (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row">
          <button type="submit">Valider la composition</button>
          <button type="button" onClick={props.onCancel}>
            Annuler la composition
          </button>
        </div>
      </form>
    </Dialog>
  );
}
