/**
 * The back office, as far as the server's API goes: one file per page under this folder — articles and
 * customers (search, edit, consent flags, CSV import with its progress and report: ../catalogue.tsx),
 * the sales of the register (reprint, PDF, e-mail again, cancel) with charts of sales per hour and per
 * day, the closures (daily Z, month, year: run with a manager's code in place, each one's Z data and
 * its signed PDF), the journal, the e-mail outbox, the store's settings (../settings.tsx), and the
 * manager's pages: users, registers, families and VAT rates, payment modes. Loaded on
 * demand, so that none of it weighs on the register's first load.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RegisterInfo, SessionInfo } from '../api.ts';
import { Settings } from '../settings.tsx';
import { Articles } from './articles.tsx';
import { Closures } from './closures.tsx';
import { Customers } from './customers.tsx';
import { Journal } from './journal.tsx';
import { Outbox } from './outbox.tsx';
import { PaymentModes } from './payment-modes.tsx';
import { Reference } from './reference.tsx';
import { Registers } from './registers.tsx';
import { Sales } from './sales.tsx';
import { Shortcuts } from './shortcuts.tsx';
import { Stock } from './stock.tsx';
import { Users } from './users.tsx';

type Page =
  | 'articles'
  | 'customers'
  | 'sales'
  | 'closures'
  | 'journal'
  | 'outbox'
  | 'settings'
  | 'shortcuts'
  | 'users'
  | 'registers'
  | 'reference'
  | 'payment-modes'
  | 'stock';
const PAGES: readonly (readonly [Page, string])[] = [
  ['articles', 'Articles'],
  ['customers', 'Clients'],
  ['sales', 'Ventes'],
  ['closures', 'Clôtures'],
  ['journal', 'Journal'],
  ['outbox', 'E-mails'],
  ['settings', 'Paramètres'],
  ['shortcuts', 'Raccourcis'],
  ['users', 'Utilisateurs'],
  ['registers', 'Caisses'],
  ['reference', 'Familles et TVA'],
  ['payment-modes', 'Modes de règlement'],
  ['stock', 'Stock'],
];

const pageOf = (): Page => {
  const name = location.hash.replace(/^#\/gestion\/?/, '');
  return (PAGES.find(([id]) => id === name)?.[0] ?? 'sales') as Page;
};

export function BackOffice(props: { info: RegisterInfo; session: SessionInfo; onBack: () => void }) {
  const [page, setPage] = useState<Page>(pageOf);
  useEffect(() => {
    const onHash = () => setPage(pageOf());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return (
    <div class="backoffice">
      <nav aria-label="Gestion">
        <button type="button" onClick={props.onBack}>
          Retour à la caisse
        </button>
        {PAGES.map(([id, label]) => (
          <a key={id} href={`#/gestion/${id}`} aria-current={page === id ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <main>
        {page === 'articles' ? <Articles /> : null}
        {page === 'customers' ? <Customers /> : null}
        {page === 'sales' ? <Sales info={props.info} /> : null}
        {page === 'settings' ? <Settings info={props.info} /> : null}
        {page === 'shortcuts' ? <Shortcuts info={props.info} /> : null}
        {page === 'closures' ? <Closures info={props.info} /> : null}
        {page === 'journal' ? <Journal /> : null}
        {page === 'outbox' ? <Outbox /> : null}
        {page === 'users' ? <Users info={props.info} /> : null}
        {page === 'registers' ? <Registers /> : null}
        {page === 'reference' ? <Reference /> : null}
        {page === 'payment-modes' ? <PaymentModes /> : null}
        {page === 'stock' ? <Stock /> : null}
      </main>
    </div>
  );
}
