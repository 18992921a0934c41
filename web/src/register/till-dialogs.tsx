/**
 * The till's day at the register (issue 13): « Ouverture de caisse » when the register's day is not
 * open (the float counted as a total or coin by coin, a reason when it differs from what the last
 * closing left), and from « Autres opérations »: « Apport », « Retrait », « Lecture X » and
 * « Fermeture de caisse » (the count per mode, then expected, counted and difference). A right that
 * lacks is given by a manager's code on the spot (`useConfidential`).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, type Authorization, call } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';
import { Dialog } from '../dialogs.tsx';
import { formatMoney, parseMoney } from '../format.ts';

interface ModeFigures {
  mode: string;
  float: number | null;
  sales: number;
  refunds: number;
  movements: number | null;
  expected: number | null;
}
interface Reading {
  ticketCount: number;
  cancellationCount: number;
  movementCount: number;
  perRate: { rate: number; ttc: number }[];
  perMode: ModeFigures[];
}
/** `GET /api/till`. */
export interface TillStatus {
  currency: string;
  cashMode: string;
  modes: { code: string; label: string }[];
  denominations: { value: number; key: string; label: string }[];
  required: boolean;
  showsExpected: boolean;
  open: boolean;
  expectedFloat: number | null;
  reading: Reading | null;
}
interface ModeCount {
  mode: string;
  expected: number;
  counted: number;
  difference: number;
}
interface Closed {
  counts: ModeCount[];
  kept: number;
  removed: number;
  closure: { sequence: number; label: string };
}
export type TillOperation = 'in' | 'out' | 'x' | 'close';
type CountBody = { total: number } | { denominations: Record<string, number> };

/** A count being typed: as one total, or pieces per coin and note. */
interface CountDraft {
  byPiece: boolean;
  total: string;
  pieces: Record<string, string>;
}
const EMPTY_COUNT: CountDraft = { byPiece: true, total: '', pieces: {} };

/** The count's body and amount, or the French reason it cannot be sent. */
function readDraft(
  draft: CountDraft,
  status: TillStatus,
): { ok: true; body: CountBody; amount: number } | { ok: false; message: string } {
  if (!draft.byPiece || status.denominations.length === 0) {
    const total = parseMoney(draft.total);
    if (total === undefined || total < 0)
      return { ok: false, message: 'Saisissez le total compté (par exemple 150,00).' };
    return { ok: true, body: { total }, amount: total };
  }
  const denominations: Record<string, number> = {};
  let amount = 0;
  for (const d of status.denominations) {
    const text = (draft.pieces[d.key] ?? '').trim();
    if (text === '') continue;
    if (!/^\d+$/.test(text))
      return { ok: false, message: `${d.label} : un nombre entier de pièces, 0 ou plus.` };
    denominations[d.key] = Number(text);
    amount += d.value * Number(text);
  }
  return { ok: true, body: { denominations }, amount };
}

/** The count's fields: a choice total / by piece, then the grid (one number field per coin and note). */
function CountFields(props: {
  status: TillStatus;
  draft: CountDraft;
  onChange: (draft: CountDraft) => void;
  legend: string;
}) {
  const { draft, status } = props;
  const read = readDraft(draft, status);
  const byPiece = draft.byPiece && status.denominations.length > 0;
  return (
    <fieldset class="till-count">
      <legend>{props.legend}</legend>
      {status.denominations.length === 0 ? null : (
        <div class="row">
          <label class="check">
            <input
              type="radio"
              name="count-kind"
              checked={byPiece}
              onChange={() => props.onChange({ ...draft, byPiece: true })}
            />
            Par pièce et billet
          </label>
          <label class="check">
            <input
              type="radio"
              name="count-kind"
              checked={!byPiece}
              onChange={() => props.onChange({ ...draft, byPiece: false })}
            />
            En un total
          </label>
        </div>
      )}
      {byPiece ? (
        <div class="till-grid">
          {status.denominations.map((d) => (
            <label key={d.key}>
              {d.label}
              <input
                type="text"
                inputMode="numeric"
                autocomplete="off"
                size={4}
                value={draft.pieces[d.key] ?? ''}
                onInput={(e) =>
                  props.onChange({ ...draft, pieces: { ...draft.pieces, [d.key]: e.currentTarget.value } })
                }
              />
            </label>
          ))}
        </div>
      ) : (
        <label>
          Total compté (€)
          <input
            type="text"
            inputMode="decimal"
            autocomplete="off"
            value={draft.total}
            onInput={(e) => props.onChange({ ...draft, total: e.currentTarget.value })}
          />
        </label>
      )}
      <p role="status">{read.ok ? `Total compté : ${formatMoney(read.amount)}` : read.message}</p>
    </fieldset>
  );
}

function ErrorLine(props: { error: string | null }) {
  return props.error === null ? null : (
    <p class="error" role="alert">
      {props.error}
    </p>
  );
}

/** « Ouverture de caisse »: the float counted; a reason when it differs from the expected one. */
function OpeningDialog(props: { status: TillStatus; onOpened: () => void; onLogout: () => void }) {
  const { status } = props;
  const [draft, setDraft] = useState<CountDraft>(EMPTY_COUNT);
  const [reason, setReason] = useState('');
  const [asked, setAsked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const read = readDraft(draft, status);
  const differs = asked || (read.ok && status.expectedFloat !== null && read.amount !== status.expectedFloat);
  return (
    <Dialog title="Ouverture de caisse" wide>
      <p>
        La journée de la caisse n’est pas ouverte : comptez le fonds de caisse avant la première vente.
        {status.expectedFloat === null
          ? ''
          : ` Fonds attendu (laissé à la dernière fermeture) : ${formatMoney(status.expectedFloat)}.`}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!read.ok) {
            setError(read.message);
            return;
          }
          setBusy(true);
          call('POST', '/api/till/open', {
            count: read.body,
            ...(differs && reason.trim() !== '' ? { reason: reason.trim() } : {}),
          }).then(
            () => props.onOpened(),
            (e: unknown) => {
              setBusy(false);
              if (e instanceof ApiError && e.code === 'REASON_REQUIRED') setAsked(true);
              setError(errorText(e));
            },
          );
        }}
      >
        <CountFields status={status} draft={draft} onChange={setDraft} legend="Fonds de caisse compté" />
        {differs ? (
          <label>
            Motif de l’écart avec le fonds attendu
            <input
              value={reason}
              autocomplete="off"
              onInput={(e) => setReason(e.currentTarget.value)}
              required
            />
          </label>
        ) : null}
        <ErrorLine error={error} />
        <div class="row">
          <button type="submit" disabled={busy}>
            Ouvrir la caisse
          </button>
          <button type="button" onClick={props.onLogout}>
            Déconnexion
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const MOVEMENT_REASONS: Record<'in' | 'out', readonly string[]> = {
  in: ['Fonds de monnaie', 'Apport du coffre'],
  out: ['Remise en banque', 'Dépense (n° de justificatif)', 'Prélèvement', 'Mise au coffre'],
};

/** « Apport » or « Retrait »: amount and reason; a cash-out over the expected cash is confirmed. */
function MovementDialog(props: {
  direction: 'in' | 'out';
  confidential: <T>(send: (authorization?: Authorization) => Promise<T>) => Promise<T | null>;
  onDone: (text: string) => void;
  onClose: () => void;
}) {
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [force, setForce] = useState(false);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = props.direction === 'in' ? 'Apport' : 'Retrait';
  const list = `till-reasons-${props.direction}`;
  return (
    <Dialog title={title} onClose={props.onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const value = parseMoney(amount);
          if (value === undefined || value <= 0) {
            setError('Saisissez un montant plus grand que zéro (par exemple 20,00).');
            return;
          }
          setBusy(true);
          props
            .confidential((authorization) =>
              call<{ expectedCash: number | null }>('POST', '/api/till/movements', {
                direction: props.direction,
                amount: value,
                reason: reason.trim(),
                ...(force ? { force: true } : {}),
                ...(authorization === undefined ? {} : { authorization }),
              }),
            )
            .then(
              (done) => {
                setBusy(false);
                if (done === null) return;
                props.onDone(
                  `${title} de ${formatMoney(value)} enregistré${done.expectedCash === null ? '' : ` : espèces attendues ${formatMoney(done.expectedCash)}`}.`,
                );
              },
              (e: unknown) => {
                setBusy(false);
                if (e instanceof ApiError && e.code === 'CASH_OUT_OVER_EXPECTED') setOver(true);
                setError(errorText(e));
              },
            );
        }}
      >
        <label>
          Montant (€)
          <input
            type="text"
            inputMode="decimal"
            autocomplete="off"
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
            required
          />
        </label>
        <label>
          Motif
          <input
            list={list}
            autocomplete="off"
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            required
          />
        </label>
        <datalist id={list}>
          {MOVEMENT_REASONS[props.direction].map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        {over ? (
          <label class="check">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
            Retrait au-delà des espèces attendues, confirmé par un responsable
          </label>
        ) : null}
        <ErrorLine error={error} />
        <div class="row">
          <button type="submit" disabled={busy}>
            Enregistrer
          </button>
          <button type="button" onClick={props.onClose}>
            Fermer
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const modeLabel = (status: TillStatus, mode: string) =>
  status.modes.find((m) => m.code === mode)?.label ?? mode;
const shown = (amount: number | null) => (amount === null ? 'masqué' : formatMoney(amount));

/** « Lecture X »: the day so far, journaled, nothing reset. */
function XDialog(props: { status: TillStatus; onClose: () => void }) {
  const [reading, setReading] = useState<Reading | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call<Reading>('POST', '/api/till/x', {}).then(setReading, (e: unknown) => setError(errorText(e)));
  }, []);
  return (
    <Dialog title="Lecture X" onClose={props.onClose} wide>
      <ErrorLine error={error} />
      {reading === null ? (
        error === null ? (
          <p role="status">Lecture en cours…</p>
        ) : null
      ) : (
        <>
          <p role="status">
            {reading.ticketCount} ticket(s), {reading.cancellationCount} annulation(s),{' '}
            {reading.movementCount} mouvement(s) de caisse depuis l’ouverture.
          </p>
          <table class="keymap">
            <caption>Par mode de paiement</caption>
            <thead>
              <tr>
                <th scope="col">Mode</th>
                <th scope="col">Fonds</th>
                <th scope="col">Ventes</th>
                <th scope="col">Remboursements</th>
                <th scope="col">Mouvements</th>
                <th scope="col">Attendu</th>
              </tr>
            </thead>
            <tbody>
              {reading.perMode.map((m) => (
                <tr key={m.mode}>
                  <th scope="row">{modeLabel(props.status, m.mode)}</th>
                  <td>{shown(m.float)}</td>
                  <td>{formatMoney(m.sales)}</td>
                  <td>{formatMoney(m.refunds)}</td>
                  <td>{shown(m.movements)}</td>
                  <td>{shown(m.expected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <button type="button" onClick={props.onClose} data-autofocus>
        Fermer
      </button>
    </Dialog>
  );
}

/** « Fermeture de caisse »: the count per mode and what stays in the drawer, then the result. */
function ClosingDialog(props: {
  status: TillStatus;
  confidential: <T>(send: (authorization?: Authorization) => Promise<T>) => Promise<T | null>;
  onClose: () => void;
  onClosed: () => void;
}) {
  const { status } = props;
  const [draft, setDraft] = useState<CountDraft>(EMPTY_COUNT);
  const [others, setOthers] = useState<Record<string, string>>({});
  const [keep, setKeep] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [closed, setClosed] = useState<Closed | null>(null);
  if (closed !== null) {
    return (
      // Its own key: drawn anew (not the counting form's dialog reused), so the focus goes in.
      <Dialog key="closed" title="Caisse fermée" onClose={props.onClosed} wide>
        <table class="keymap">
          <caption>Comptage de fermeture ({closed.closure.label})</caption>
          <thead>
            <tr>
              <th scope="col">Mode</th>
              <th scope="col">Attendu</th>
              <th scope="col">Compté</th>
              <th scope="col">Écart</th>
            </tr>
          </thead>
          <tbody>
            {closed.counts.map((c) => (
              <tr key={c.mode}>
                <th scope="row">{modeLabel(status, c.mode)}</th>
                <td>{formatMoney(c.expected)}</td>
                <td>{formatMoney(c.counted)}</td>
                <td>{formatMoney(c.difference)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p role="status">
          Fonds conservé dans le tiroir : {formatMoney(closed.kept)} ; remis au coffre :{' '}
          {formatMoney(closed.removed)}. Clôture journalière (Z) faite.
        </p>
        <button type="button" onClick={props.onClosed} data-autofocus>
          Terminer
        </button>
      </Dialog>
    );
  }
  const otherModes = status.modes.filter((m) => m.code !== status.cashMode);
  return (
    <Dialog key="count" title="Fermeture de caisse" onClose={props.onClose} wide>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const read = readDraft(draft, status);
          if (!read.ok) {
            setError(read.message);
            return;
          }
          const counts: Record<string, number> = {};
          for (const m of otherModes) {
            const text = (others[m.code] ?? '').trim();
            if (text === '') continue;
            const value = parseMoney(text);
            if (value === undefined || value < 0) {
              setError(`${m.label} : un montant, 0 ou plus (par exemple 120,00).`);
              return;
            }
            counts[m.code] = value;
          }
          const kept = keep.trim() === '' ? undefined : parseMoney(keep);
          if (kept !== undefined && kept < 0) {
            setError('Fonds conservé : un montant, 0 ou plus.');
            return;
          }
          if (keep.trim() !== '' && kept === undefined) {
            setError('Fonds conservé : un montant (par exemple 150,00).');
            return;
          }
          setBusy(true);
          props
            .confidential((authorization) =>
              call<Closed>('POST', '/api/till/close', {
                cash: read.body,
                counts,
                ...(kept === undefined ? {} : { keep: kept }),
                ...(authorization === undefined ? {} : { authorization }),
              }),
            )
            .then(
              (done) => {
                setBusy(false);
                if (done !== null) setClosed(done);
              },
              (e: unknown) => {
                setBusy(false);
                setError(errorText(e));
              },
            );
        }}
      >
        <CountFields status={status} draft={draft} onChange={setDraft} legend="Espèces comptées" />
        {otherModes.map((m) => (
          <label key={m.code}>
            {m.label} : total compté (€)
            <input
              type="text"
              inputMode="decimal"
              autocomplete="off"
              value={others[m.code] ?? ''}
              onInput={(e) => setOthers({ ...others, [m.code]: e.currentTarget.value })}
            />
          </label>
        ))}
        <label>
          Fonds conservé dans le tiroir pour demain (€, vide : toutes les espèces)
          <input
            type="text"
            inputMode="decimal"
            autocomplete="off"
            value={keep}
            onInput={(e) => setKeep(e.currentTarget.value)}
          />
        </label>
        <ErrorLine error={error} />
        <div class="row">
          <button type="submit" disabled={busy}>
            Fermer la caisse
          </button>
          <button type="button" onClick={props.onClose}>
            Abandonner
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The till's state and dialogs for the register screen: `show` opens an operation; `element` is what
 * to draw (the opening dialog whenever the day is not open and the register requires it).
 */
export function useTill(props: { user: string; onDone: (text: string) => void; onLogout: () => void }) {
  const [status, setStatus] = useState<TillStatus | null>(null);
  const [operation, setOperation] = useState<TillOperation | null>(null);
  const { confidential, dialog } = useConfidential();
  const refresh = useCallback(() => {
    call<TillStatus>('GET', '/api/till').then(setStatus, () => setStatus(null));
  }, []);
  // Read again when another user takes the register (a blind count shows a manager more).
  useEffect(refresh, [props.user]);
  const close = () => {
    setOperation(null);
    props.onDone('');
  };
  let element = null;
  if (status !== null) {
    if (!status.open && status.required && operation === null) {
      element = (
        <OpeningDialog
          status={status}
          onLogout={props.onLogout}
          onOpened={() => {
            refresh();
            props.onDone('Caisse ouverte : bonne journée !');
          }}
        />
      );
    } else if (operation === 'in' || operation === 'out') {
      element = (
        <MovementDialog
          direction={operation}
          confidential={confidential}
          onClose={close}
          onDone={(text) => {
            setOperation(null);
            props.onDone(text);
          }}
        />
      );
    } else if (operation === 'x') element = <XDialog status={status} onClose={close} />;
    else if (operation === 'close') {
      element = (
        <ClosingDialog
          status={status}
          confidential={confidential}
          onClose={close}
          onClosed={() => {
            setOperation(null);
            refresh();
          }}
        />
      );
    }
  }
  return {
    show: (op: TillOperation) => {
      setOperation(op);
      refresh();
    },
    element: (
      <>
        {element}
        {dialog}
      </>
    ),
  };
}
