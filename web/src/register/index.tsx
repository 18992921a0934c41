/**
 * The cashier's screen of seed 001, in its eight zones: register information, customer information,
 * the customer display copy, the viseur, the permanent keys, the shortcut buttons, the ticket table
 * and the function keys. Everything goes through the viseur and the keyboard (F5, F6, Shift+F5,
 * Shift+F6, F8/F9), or the touch screen; a scanner's code ended by Enter adds its line at once.
 *
 * The state lives in `state.ts` (pure), the actions in `controller.ts`; each zone and dialog has its
 * own file and reads the controller.
 */
import { useEffect } from 'preact/hooks';
import { type RegisterProps, useRegister } from './controller.ts';
import { RegisterDialogs } from './dialog-host.tsx';
import { FunctionKeys } from './function-keys.tsx';
import { CustomerDisplay, CustomerZone, InfoZone } from './header-zones.tsx';
import { Keypad } from './keypad.tsx';
import { Shortcuts } from './shortcuts.tsx';
import { TicketLines } from './ticket-lines.tsx';
import { useTill } from './till-dialogs.tsx';
import { Viseur } from './viseur.tsx';

export function Register(props: RegisterProps) {
  const c = useRegister(props);
  const till = useTill({
    user: props.session.user.code,
    onDone: (text) => {
      if (text !== '') c.setMessage({ error: false, text });
      c.focusViseur();
    },
    onLogout: props.onLogout,
  });
  const { ticket, message } = c.state;
  const phase = ticket?.phase ?? 'lines';
  useEffect(() => {
    document.title = `${phase === 'payment' ? 'Règlement' : 'Saisie du ticket'} — caisse n° ${props.info.number} — Comptoir`;
  }, [phase, props.info.number]);
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
  return (
    <main class="register">
      <InfoZone c={c} />
      <CustomerZone c={c} />
      <CustomerDisplay c={c} />
      <Viseur c={c} />
      <Keypad c={c} />
      <Shortcuts c={c} />
      <TicketLines c={c} />
      <FunctionKeys c={c} />
      <RegisterDialogs c={c} onTill={till.show} />
      {till.element}
    </main>
  );
}
