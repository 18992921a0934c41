/**
 * « Clients »: search, the customer form (consent flags), a new customer, the customer's rights (GDPR:
 * export of their data, anonymisation), the CSV import.
 */
import { useState } from 'preact/hooks';
import { api, type Customer, type CustomerChanges, saveFile } from '../api.ts';
import { CsvImport } from '../catalogue.tsx';
import { errorText, useConfidential } from '../confidential.tsx';
import { Dialog } from '../dialogs.tsx';
import { SettingsForm, TextField } from '../settings.tsx';
import { SearchForm } from './search.tsx';

const FIELD_NAMES: Record<string, string> = {
  name: 'nom',
  address1: 'adresse',
  address2: 'complément d’adresse',
  postalCode: 'code postal',
  city: 'ville',
  cardNumber: 'carte',
  email: 'e-mail',
  phone: 'téléphone',
  sellerCode: 'vendeur',
  loyaltyPoints: 'points de fidélité',
  visits: 'visites',
  consents: 'consentements',
};

export function Customers() {
  const [items, setItems] = useState<Customer[]>([]);
  const [editing, setEditing] = useState<Customer | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [erasing, setErasing] = useState<Customer | null>(null);
  const { confidential, dialog } = useConfidential();
  const exportData = (c: Customer) => {
    setMessage(null);
    confidential((authorization) => api.customerExport(c.code, authorization)).then(
      (file) => {
        if (file === null) return;
        saveFile(file);
        setMessage(`Données du client ${c.code} exportées (${file.filename}) ; l’export est journalisé`);
      },
      (e: unknown) => setMessage(errorText(e)),
    );
  };
  const anonymise = (c: Customer) => {
    setErasing(null);
    setMessage(null);
    confidential((authorization) => api.anonymiseCustomer(c.code, authorization)).then(
      async (done) => {
        if (done === null) return;
        const kept = done.kept.map((k) => FIELD_NAMES[k.field] ?? k.field);
        setMessage(
          `Client ${done.code} anonymisé : ${done.erased.map((f) => FIELD_NAMES[f] ?? f).join(', ')} effacés` +
            (kept.length === 0 ? '' : ` ; gardés : ${kept.join(', ')} (${done.kept[0]?.reason ?? ''})`) +
            ` ; ${done.mailsErased} e-mail(s) vidé(s) ; ${done.salesKept} vente(s) signée(s) conservée(s) (obligation légale)`,
        );
        const page = await api.customers(done.code, 1);
        setItems(items.map((i) => page.items.find((p) => p.code === i.code) ?? i));
      },
      (e: unknown) => setMessage(errorText(e)),
    );
  };
  return (
    <section aria-label="Clients">
      <h1>Clients</h1>
      <SearchForm
        label="Carte, code ou -NOM"
        onSearch={(text) =>
          api.customers(text, 50).then(
            (page) => setItems(page.items),
            (e: unknown) => setMessage(e instanceof Error ? e.message : String(e)),
          )
        }
      />
      {message === null ? null : <p role="status">{message}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Nom</th>
            <th scope="col">Ville</th>
            <th scope="col">E-mail</th>
            <th scope="col">Ticket par e-mail</th>
            <th scope="col">Mailings</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.code}>
              <td>{c.code}</td>
              <td>{c.name}</td>
              <td>{c.city}</td>
              <td>{c.email}</td>
              <td>{c.consentEmailReceipts ? 'oui' : 'non'}</td>
              <td>{c.consentMailings ? 'oui' : 'non'}</td>
              <td>
                <div class="row">
                  <button type="button" onClick={() => setEditing(c)} aria-label={`Modifier ${c.name}`}>
                    Modifier
                  </button>
                  <button
                    type="button"
                    onClick={() => exportData(c)}
                    aria-label={`Exporter les données de ${c.code}`}
                  >
                    Exporter (RGPD)
                  </button>
                  <button type="button" onClick={() => setErasing(c)} aria-label={`Anonymiser ${c.code}`}>
                    Anonymiser
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing === null ? null : (
        <CustomerForm
          key={editing.code}
          customer={editing}
          onSaved={(saved) => {
            setItems(items.map((c) => (c.code === saved.code ? saved : c)));
            setEditing(null);
            setMessage(`Client ${saved.name} enregistré`);
          }}
        />
      )}
      {erasing === null ? null : (
        <Dialog title={`Anonymiser le client ${erasing.code}`} onClose={() => setErasing(null)}>
          <p>
            Effacer les données personnelles de {erasing.name} (nom, adresse, e-mail, téléphone, carte,
            consentements, fidélité, e-mails envoyés) ? Les ventes signées restent au journal, sous
            l’obligation légale de conservation ; un client dont une facture a été remise garde le nom et
            l’adresse qu’elle imprime. L’opération est définitive et journalisée.
          </p>
          <div class="row">
            <button type="button" onClick={() => setErasing(null)} data-autofocus>
              Abandonner
            </button>
            <button type="button" class="danger" onClick={() => anonymise(erasing)}>
              Anonymiser
            </button>
          </div>
        </Dialog>
      )}
      {dialog}
      <NewCustomerForm onCreated={(created) => setItems([created, ...items])} />
      <CsvImport kind="customers" />
    </section>
  );
}

const SHOWN_FIELDS = [
  'name',
  'address1',
  'postalCode',
  'city',
  'email',
  'phone',
  'consentEmailReceipts',
  'consentMailings',
  'dematRefused',
  'taxExempt',
] as const satisfies readonly (keyof CustomerChanges & keyof Customer)[];

function CustomerForm(props: { customer: Customer; onSaved: (c: Customer) => void }) {
  const [c, setC] = useState(props.customer);
  const [error, setError] = useState<string | null>(null);
  const text = (field: 'name' | 'address1' | 'postalCode' | 'city' | 'email' | 'phone', label: string) => (
    <label>
      {label}
      <input value={c[field]} onInput={(e) => setC({ ...c, [field]: e.currentTarget.value })} />
    </label>
  );
  const flag = (
    field: 'consentEmailReceipts' | 'consentMailings' | 'dematRefused' | 'taxExempt',
    label: string,
  ) => (
    <label class="check">
      <input
        type="checkbox"
        checked={c[field]}
        onChange={(e) => setC({ ...c, [field]: e.currentTarget.checked })}
      />
      {label}
    </label>
  );
  return (
    <form
      aria-label={`Fiche client ${props.customer.code}`}
      onSubmit={(event) => {
        event.preventDefault();
        // Only what this form shows and the user changed: every other field is kept by the server.
        const changes: CustomerChanges = {};
        for (const field of SHOWN_FIELDS) {
          if (c[field] !== props.customer[field]) Object.assign(changes, { [field]: c[field] });
        }
        api
          .saveCustomer(c.code, changes)
          .then(props.onSaved, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
      }}
    >
      <h2>Fiche client {c.code}</h2>
      {text('name', 'Nom')}
      {text('address1', 'Adresse')}
      {text('postalCode', 'Code postal')}
      {text('city', 'Ville')}
      {text('email', 'Adresse électronique')}
      {text('phone', 'Téléphone')}
      {flag('consentEmailReceipts', 'Le client souhaite recevoir ses tickets de caisse par e-mail')}
      {flag('consentMailings', 'Le client souhaite recevoir les mailings')}
      {flag('dematRefused', 'Le client refuse la dématérialisation')}
      {flag('taxExempt', 'Exonéré de TVA')}
      {error === null ? null : <p role="alert">{error}</p>}
      <button type="submit">Enregistrer le client</button>
    </form>
  );
}

/** A new customer: code and name, and the address and contact when known (consents set afterwards). */
function NewCustomerForm(props: { onCreated: (c: Customer) => void }) {
  const empty = { code: '', name: '', email: '', phone: '', postalCode: '', city: '' };
  const [c, setC] = useState(empty);
  const field = (key: keyof typeof empty, label: string, invalid: (f: string) => boolean) => (
    <TextField
      label={label}
      value={c[key]}
      onInput={(v) => setC({ ...c, [key]: v })}
      invalid={invalid(key)}
    />
  );
  return (
    <SettingsForm
      name="Nouveau client"
      button="Créer le client"
      onSave={async () => {
        const body = Object.fromEntries(Object.entries(c).filter(([k, v]) => v !== '' || k === 'name'));
        const created = await api.createCustomer(body as typeof empty);
        props.onCreated(created);
        setC(empty);
        return { done: `Client ${created.code} « ${created.name} » créé` };
      }}
    >
      {(invalid) => (
        <>
          {field('code', 'Code du client', invalid)}
          {field('name', 'Nom du client', invalid)}
          {field('email', 'Adresse e-mail du client', invalid)}
          {field('phone', 'Téléphone du client', invalid)}
          {field('postalCode', 'Code postal du client', invalid)}
          {field('city', 'Ville du client', invalid)}
        </>
      )}
    </SettingsForm>
  );
}
