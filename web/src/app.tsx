/** The page: login (user code + PIN), then the register screen, or the back office. */
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, hasToken, type RegisterInfo, type SessionInfo, setToken } from './api.ts';
import { Register } from './register/index.tsx';

const BackOffice = lazy(() => import('./backoffice/index.tsx').then((m) => ({ default: m.BackOffice })));

type View = 'register' | 'backoffice';
const viewOf = (): View => (location.hash.startsWith('#/gestion') ? 'backoffice' : 'register');

export function App() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [info, setInfo] = useState<RegisterInfo | null>(null);
  const [checking, setChecking] = useState(hasToken());
  const [view, setView] = useState<View>(viewOf);

  useEffect(() => {
    const onHash = () => {
      const next = viewOf();
      setView(next);
      // Back at the register: its settings and payment modes as the back office may have left them.
      if (next === 'register' && hasToken()) api.register().then(setInfo, () => undefined);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!hasToken()) return;
    Promise.all([api.session(), api.register()]).then(
      ([s, r]) => {
        setSession(s);
        setInfo(r);
        setChecking(false);
      },
      () => {
        setToken(null);
        setChecking(false);
      },
    );
  }, []);

  const logout = () => {
    void api.logout().catch(() => undefined);
    setToken(null);
    setSession(null);
    setInfo(null);
  };

  const screen = checking || session === null || info === null ? 'login' : view;
  useEffect(() => {
    if (screen === 'login') document.title = 'Connexion — Comptoir';
    else if (screen === 'backoffice') document.title = 'Gestion — Comptoir';
  }, [screen]);

  if (checking) return <p role="status">Connexion…</p>;
  if (session === null || info === null) {
    return (
      <Login
        onLogin={(s, r) => {
          setSession(s);
          setInfo(r);
        }}
      />
    );
  }
  if (view === 'backoffice') {
    return (
      <Suspense fallback={<p role="status">Chargement de la gestion…</p>}>
        <BackOffice info={info} session={session} onBack={() => (location.hash = '')} />
      </Suspense>
    );
  }
  return (
    <Register
      session={session}
      info={info}
      onSession={setSession}
      onLogout={logout}
      onBackOffice={() => (location.hash = '#/gestion')}
    />
  );
}

function Login(props: { onLogin: (session: SessionInfo, info: RegisterInfo) => void }) {
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [register, setRegister] = useState(localStorage.getItem('comptoir.register') ?? '1');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const pinField = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <main class="login">
      <h1>Comptoir</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          api
            .login(code.trim(), pin, Number(register) || 1)
            .then(async (answer) => {
              setToken(answer.token);
              localStorage.setItem('comptoir.register', register);
              props.onLogin(answer, await api.register());
            })
            .catch((e: unknown) => {
              setError(e instanceof Error ? e.message : String(e));
              // The button was disabled while waiting: the focus goes back to the PIN, to type it again.
              setPin('');
              setTimeout(() => pinField.current?.focus(), 0);
            })
            .finally(() => setBusy(false));
        }}
      >
        <label>
          Code utilisateur
          <input
            ref={first}
            value={code}
            autocomplete="username"
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </label>
        <label>
          PIN
          <input
            ref={pinField}
            type="password"
            inputMode="numeric"
            autocomplete="current-password"
            value={pin}
            onInput={(e) => setPin(e.currentTarget.value)}
          />
        </label>
        <label>
          Caisse
          <input
            type="number"
            min={1}
            max={9999}
            value={register}
            onInput={(e) => setRegister(e.currentTarget.value)}
          />
        </label>
        {error === null ? null : (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Se connecter
        </button>
      </form>
    </main>
  );
}
