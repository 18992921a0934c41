/**
 * The back office's « Paramètres »: the store's settings read from `GET /api/settings` and changed with
 * `PUT /api/settings` (right `manage_settings`, or a manager's code in place), one form per part: the
 * store's identity (what the receipts print), each register's options and receipt options, the
 * receipts and e-mails (messages, reprint reasons) and the SMTP server (the payment modes have their
 * own page, which reuses the forms of this one). Each form sends only its own part; the server checks it whole and writes nothing when it refuses it, its French message
 * shown in the form. Then « À propos » (the article shortcuts have their own page).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { MailDocumentType, MailSettings } from '../../src/mail/settings.ts';
import {
  ApiError,
  api,
  type Excess,
  type PaymentModeSettings,
  type PrinterKind,
  type RegisterInfo,
  type RegisterSettingsView,
  type SettingsChange,
  type Settings as SettingsData,
  type SmtpSecurity,
  type SoftwareIdentity,
  type StoreField,
} from './api.ts';
import { errorText, useConfidential } from './confidential.tsx';
import { parseMoney, parsePercent } from './format.ts';

/** What a form's save came to. */
export type Outcome = 'saved' | 'unchanged' | 'abandoned';
export type Save = (change: SettingsChange) => Promise<SettingsData | null>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function Settings(props: { info: RegisterInfo }) {
  const [settings, setSettings] = useState<SettingsData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { confidential, dialog } = useConfidential();
  useEffect(() => {
    api.settings().then(setSettings, (e: unknown) => setError(errorText(e)));
  }, []);
  const save: Save = (change) =>
    confidential((authorization) => api.saveSettings(change, authorization)).then((next) => {
      if (next !== null) setSettings(next);
      return next;
    });
  return (
    <section aria-label="Paramètres">
      <h1>Paramètres</h1>
      {error === null ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {settings === null ? (
        error === null ? (
          <p role="status">Chargement…</p>
        ) : null
      ) : (
        <>
          <StoreForm store={settings.store} save={save} />
          {settings.registers.map((r) => (
            <RegisterForm key={r.number} register={r} current={r.number === props.info.number} save={save} />
          ))}
          <ReceiptForm receipt={settings.receipt} save={save} />
          <SmtpForm smtp={settings.smtp} save={save} />
        </>
      )}
      <About />
      {dialog}
    </section>
  );
}

/**
 * One part of the settings: its fields, its « Enregistrer » button, and what came of it next to them
 * (the server's refusal as an alert, the field at fault marked invalid).
 */
export function SettingsForm(props: {
  name: string;
  button: string;
  /** What came of it; a text: the message shown (a creation's). */
  onSave: () => Promise<Outcome | { done: string }>;
  children: (invalid: (field: string) => boolean) => ComponentChildren;
}) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [field, setField] = useState<string | undefined>(undefined);
  return (
    <form
      aria-label={props.name}
      class="settings"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setMessage(null);
        setField(undefined);
        props
          .onSave()
          .then(
            (outcome) =>
              setMessage({
                error: false,
                text:
                  typeof outcome === 'object'
                    ? outcome.done
                    : {
                        saved: `${props.name} : modifications enregistrées`,
                        unchanged: `${props.name} : aucune modification`,
                        abandoned: `${props.name} : modification abandonnée, rien n’est enregistré`,
                      }[outcome],
              }),
            (e: unknown) => {
              setField(e instanceof ApiError ? e.field : undefined);
              setMessage({ error: true, text: `Refusé, rien n’est enregistré : ${errorText(e)}` });
            },
          )
          .finally(() => setBusy(false));
      }}
    >
      <h2>{props.name}</h2>
      {props.children((name) => field !== undefined && (field === name || field.endsWith(`.${name}`)))}
      {message === null ? null : (
        <p class={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {props.button}
      </button>
    </form>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  invalid?: boolean;
  type?: 'text' | 'email' | 'number' | 'password';
  multiline?: boolean;
  placeholder?: string;
}) {
  const invalid = props.invalid === true ? 'true' : undefined;
  return props.multiline === true ? (
    <label>
      {props.label}
      <textarea
        value={props.value}
        rows={3}
        aria-invalid={invalid}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  ) : (
    <label>
      {props.label}
      <input
        // One input of the four types (preact types each one apart: the cast keeps a single element).
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        autocomplete="off"
        {...(props.placeholder === undefined ? {} : { placeholder: props.placeholder })}
        aria-invalid={invalid}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

/** A labelled list of choices, from their French names by value. */
export function ChoiceField<T extends string>(props: {
  label: string;
  value: T;
  names: Readonly<Record<T, string>>;
  onChange: (value: T) => void;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as T)}>
        {(Object.entries(props.names) as [T, string][]).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      {props.label}
    </label>
  );
}

const STORE_FIELDS: readonly (readonly [StoreField, string, boolean?])[] = [
  ['sign', 'Enseigne'],
  ['name', 'Raison sociale'],
  ['address1', 'Adresse'],
  ['address2', 'Complément d’adresse'],
  ['postalCode', 'Code postal'],
  ['city', 'Ville'],
  ['country', 'Pays (code ISO)'],
  ['siret', 'SIRET'],
  ['naf', 'Code NAF (APE)'],
  ['vatNumber', 'N° de TVA intracommunautaire'],
  ['phone', 'Téléphone'],
  ['fax', 'Fax'],
  ['email', 'Adresse e-mail'],
  ['web', 'Site web'],
  ['footer', 'Pied de ticket', true],
];

/** The store's identity: what the receipts, invoices and e-mails print. */
function StoreForm(props: { store: SettingsData['store']; save: Save }) {
  const [values, setValues] = useState(props.store);
  return (
    <SettingsForm
      name="Magasin"
      button="Enregistrer le magasin"
      onSave={async () => {
        const changed = STORE_FIELDS.map(([f]) => f).filter((f) => values[f] !== props.store[f]);
        if (changed.length === 0) return 'unchanged';
        const next = await props.save({ store: Object.fromEntries(changed.map((f) => [f, values[f]])) });
        if (next === null) return 'abandoned';
        setValues(next.store);
        return 'saved';
      }}
    >
      {(invalid) => (
        <div class="fields">
          <p>
            Magasin {props.store.code}, devise {props.store.currency}
          </p>
          {STORE_FIELDS.map(([field, label, multiline]) => (
            <TextField
              key={field}
              label={label}
              value={values[field]}
              invalid={invalid(field)}
              multiline={multiline === true}
              {...(field === 'email' ? { type: 'email' } : {})}
              onInput={(value) => setValues({ ...values, [field]: value })}
            />
          ))}
        </div>
      )}
    </SettingsForm>
  );
}

const PRINTER_NAMES: Readonly<Record<PrinterKind, string>> = {
  thermal: 'Imprimante thermique (ticket 80 mm)',
  a4: 'Imprimante A4',
  serial: 'Imprimante série',
  none: 'Aucune imprimante',
};

const RECEIPT_OPTIONS: readonly (readonly [
  keyof RegisterSettingsView['settings']['receiptOptions'],
  string,
])[] = [
  ['showEmail', 'Imprimer l’adresse e-mail du magasin'],
  ['showWeb', 'Imprimer le site web'],
  ['showPhoneFax', 'Imprimer le téléphone et le fax'],
  ['showLegalIds', 'Imprimer SIRET, NAF et n° de TVA'],
  ['showGlobalDiscountPercent', 'Imprimer le pourcentage de remise globale'],
  ['showBarcode', 'Imprimer le code-barres du ticket'],
  ['showQrCode', 'Imprimer le QR code du ticket'],
];

/** `null` (no limit) ↔ an empty field; amounts and rates typed the French way. */
const limitText = (value: number | null, format: (n: number) => string) =>
  value === null ? '' : format(value).replace(/\s?[€%]$/, '');
export const decimalText = (n: number) => (n / 100).toFixed(2).replace('.', ',').replace(/,00$/, '');

function readLimit(text: string, parse: (t: string) => number | undefined, label: string): number | null {
  if (text.trim() === '') return null;
  const value = parse(text);
  if (value === undefined || value < 0) throw new Error(`${label} : nombre positif attendu (ex. 12,5)`);
  return value;
}

/** A register: its name, printer, default seller and customer, discount limits, receipt options. */
function RegisterForm(props: { register: RegisterSettingsView; current: boolean; save: Save }) {
  const { register } = props;
  const [r, setR] = useState(register);
  const [percent, setPercent] = useState(limitText(register.settings.discountLimitPercent, decimalText));
  const [amount, setAmount] = useState(limitText(register.settings.discountLimitAmount, decimalText));
  const s = r.settings;
  const set = (settings: Partial<RegisterSettingsView['settings']>) =>
    setR({ ...r, settings: { ...r.settings, ...settings } });
  const name = `Caisse n° ${register.number}`;
  return (
    <SettingsForm
      name={name}
      button={`Enregistrer la caisse n° ${register.number}`}
      onSave={async () => {
        const after: RegisterSettingsView = {
          ...r,
          defaultSellerCode: r.defaultSellerCode?.trim() === '' ? null : r.defaultSellerCode,
          settings: {
            ...s,
            discountLimitPercent: readLimit(percent, parsePercent, 'Remise maximale en %'),
            discountLimitAmount: readLimit(amount, parseMoney, 'Remise maximale en euros'),
          },
        };
        if (same(after, register)) return 'unchanged';
        const { number, ...rest } = after;
        const next = await props.save({ registers: [{ number, ...rest }] });
        if (next === null) return 'abandoned';
        const saved = next.registers.find((x) => x.number === number);
        if (saved !== undefined) {
          setR(saved);
          setPercent(limitText(saved.settings.discountLimitPercent, decimalText));
          setAmount(limitText(saved.settings.discountLimitAmount, decimalText));
        }
        return 'saved';
      }}
    >
      {(invalid) => (
        <div class="fields">
          {props.current ? <p>La caisse de ce poste.</p> : null}
          <TextField
            label="Nom de la caisse"
            value={r.name}
            invalid={invalid('name')}
            onInput={(name) => setR({ ...r, name })}
          />
          <ChoiceField
            label="Imprimante"
            value={r.printerKind}
            names={PRINTER_NAMES}
            onChange={(printerKind) => setR({ ...r, printerKind })}
          />
          <TextField
            label="Vendeur par défaut (code, vide : aucun)"
            value={r.defaultSellerCode ?? ''}
            invalid={invalid('defaultSellerCode')}
            onInput={(code) => setR({ ...r, defaultSellerCode: code })}
          />
          <TextField
            label="Client par défaut (code)"
            value={r.defaultCustomerCode}
            invalid={invalid('defaultCustomerCode')}
            onInput={(code) => setR({ ...r, defaultCustomerCode: code })}
          />
          <TextField
            label="Remise maximale en % (vide : sans limite)"
            value={percent}
            invalid={invalid('discountLimitPercent')}
            onInput={setPercent}
          />
          <TextField
            label="Remise maximale en euros (vide : sans limite)"
            value={amount}
            invalid={invalid('discountLimitAmount')}
            onInput={setAmount}
          />
          <label>
            Exemplaires imprimés
            <input
              type="number"
              min={1}
              max={5}
              value={s.receipt.copies}
              aria-invalid={invalid('copies') ? 'true' : undefined}
              onInput={(e) => set({ receipt: { ...s.receipt, copies: Number(e.currentTarget.value) } })}
            />
          </label>
          <CheckField
            label="Vendeur obligatoire"
            checked={s.sellerMandatory}
            onChange={(sellerMandatory) => set({ sellerMandatory })}
          />
          <CheckField
            label="Articles gérés par lot/série vendables (numéro saisi sur la ligne, imprimé sur le ticket)"
            checked={s.allowLotSerial}
            onChange={(allowLotSerial) => set({ allowLotSerial })}
          />
          <CheckField
            label="Bloquer la vente d’un article en rupture de stock (sinon un simple avertissement)"
            checked={s.blockOutOfStock}
            onChange={(blockOutOfStock) => set({ blockOutOfStock })}
          />
          <CheckField
            label="Imprimer les composants des articles composés"
            checked={s.printComponents}
            onChange={(printComponents) => set({ printComponents })}
          />
          <CheckField
            label="Demander avant d’imprimer le ticket"
            checked={s.receipt.askBeforePrinting}
            onChange={(askBeforePrinting) => set({ receipt: { ...s.receipt, askBeforePrinting } })}
          />
          <CheckField
            label="Proposer le ticket par e-mail"
            checked={s.receipt.offerEmail}
            onChange={(offerEmail) => set({ receipt: { ...s.receipt, offerEmail } })}
          />
          <fieldset>
            <legend>Options sur le ticket</legend>
            {RECEIPT_OPTIONS.map(([option, label]) => (
              <CheckField
                key={option}
                label={label}
                checked={s.receiptOptions[option]}
                onChange={(on) => set({ receiptOptions: { ...s.receiptOptions, [option]: on } })}
              />
            ))}
          </fieldset>
        </div>
      )}
    </SettingsForm>
  );
}

export const EXCESS_NAMES: Readonly<Record<Excess, string>> = {
  change: 'rendu de monnaie',
  creditNote: 'avoir',
  refuse: 'refusé',
};

/** The store's payment modes (those restricted to one register are shown, not changed here). */
export function PaymentModesForm(props: { modes: PaymentModeSettings[]; save: Save }) {
  const [modes, setModes] = useState(props.modes);
  const [steps, setSteps] = useState(props.modes.map((m) => decimalText(m.roundingStep)));
  const update = (i: number, change: Partial<PaymentModeSettings>) =>
    setModes(modes.map((m, j) => (j === i ? { ...m, ...change } : m)));
  return (
    <SettingsForm
      name="Modes de règlement"
      button="Enregistrer les modes de règlement"
      onSave={async () => {
        const after = modes.map((m, i) => {
          const step = parseMoney(steps[i] ?? '');
          if (step === undefined || step < 0)
            throw new Error(`Arrondi du mode ${m.code} : montant positif attendu (ex. 0,05)`);
          return { ...m, roundingStep: step };
        });
        const changed = after.filter((m, i) => m.registerNumber === null && !same(m, props.modes[i]));
        if (changed.length === 0) return 'unchanged';
        const next = await props.save({
          paymentModes: changed.map(({ registerNumber: _r, ...m }) => m),
        });
        if (next === null) return 'abandoned';
        setModes(next.paymentModes);
        setSteps(next.paymentModes.map((m) => decimalText(m.roundingStep)));
        return 'saved';
      }}
    >
      {() => (
        <table>
          <caption class="sr">Modes de règlement</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Libellé</th>
              <th scope="col">Excédent</th>
              <th scope="col">Arrondi (€)</th>
              <th scope="col">Ouvre le tiroir</th>
              <th scope="col">Actif</th>
              <th scope="col">Ordre</th>
            </tr>
          </thead>
          <tbody>
            {modes.map((m, i) => {
              const fixed = m.registerNumber !== null;
              return (
                <tr key={`${m.code}-${m.registerNumber ?? ''}`}>
                  <th scope="row">
                    {m.code}
                    {fixed ? ` (caisse ${m.registerNumber})` : ''}
                  </th>
                  <td>
                    <input
                      aria-label={`Libellé du mode ${m.code}`}
                      value={m.label}
                      disabled={fixed}
                      onInput={(e) => update(i, { label: e.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <select
                      aria-label={`Excédent du mode ${m.code}`}
                      value={m.excess}
                      disabled={fixed}
                      onChange={(e) => update(i, { excess: e.currentTarget.value as Excess })}
                    >
                      {Object.entries(EXCESS_NAMES).map(([kind, label]) => (
                        <option key={kind} value={kind}>
                          {label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      aria-label={`Arrondi du mode ${m.code}`}
                      value={steps[i] ?? ''}
                      disabled={fixed}
                      size={6}
                      onInput={(e) => {
                        const text = e.currentTarget.value;
                        setSteps(steps.map((s, j) => (j === i ? text : s)));
                      }}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Le mode ${m.code} ouvre le tiroir`}
                      checked={m.opensDrawer}
                      disabled={fixed}
                      onChange={(e) => update(i, { opensDrawer: e.currentTarget.checked })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Mode ${m.code} actif`}
                      checked={m.active}
                      disabled={fixed}
                      onChange={(e) => update(i, { active: e.currentTarget.checked })}
                    />
                  </td>
                  <td>
                    <input
                      type="number"
                      min={0}
                      aria-label={`Ordre du mode ${m.code}`}
                      value={m.position}
                      disabled={fixed}
                      size={4}
                      onInput={(e) => update(i, { position: Number(e.currentTarget.value) })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </SettingsForm>
  );
}

const DOCUMENT_NAMES: Readonly<Record<MailDocumentType, string>> = {
  ticket: 'Ticket de caisse',
  gift: 'Ticket cadeau',
  invoice: 'Facture',
  'credit-note': 'Avoir',
  voucher: 'Bon d’achat',
  'prepaid-card': 'Carte prépayée',
  service: 'Ticket de service',
  'demat-letter': 'Lettre de dématérialisation',
};

/** Receipts and e-mails: forced e-mail choice, reprint reasons, retries, each document's message. */
function ReceiptForm(props: { receipt: MailSettings; save: Save }) {
  const [r, setR] = useState(props.receipt);
  const [reasons, setReasons] = useState(props.receipt.reprint.reasons.join('\n'));
  const [days, setDays] = useState(String(props.receipt.retry.days).replace('.', ','));
  const [type, setType] = useState<MailDocumentType>('ticket');
  const template = r.templates[type] ?? {};
  return (
    <SettingsForm
      name="Tickets et e-mails"
      button="Enregistrer les tickets et e-mails"
      onSave={async () => {
        const retryDays = Number(days.replace(',', '.'));
        if (days.trim() === '' || !Number.isFinite(retryDays))
          throw new Error('Jours d’essais d’envoi : nombre attendu (ex. 3)');
        const after: MailSettings = {
          ...r,
          retry: { days: retryDays },
          reprint: {
            ...r.reprint,
            reasons: reasons
              .split('\n')
              .map((line) => line.trim())
              .filter((line) => line !== ''),
          },
        };
        if (same(after, props.receipt)) return 'unchanged';
        const { receiptThresholds: _kept, ...change } = after;
        const next = await props.save({ receipt: change });
        if (next === null) return 'abandoned';
        setR(next.receipt);
        setReasons(next.receipt.reprint.reasons.join('\n'));
        setDays(String(next.receipt.retry.days).replace('.', ','));
        return 'saved';
      }}
    >
      {(invalid) => (
        <div class="fields">
          <CheckField
            label="Saisie libre du motif de réimpression"
            checked={r.reprint.freeReason}
            onChange={(freeReason) => setR({ ...r, reprint: { ...r.reprint, freeReason } })}
          />
          <TextField
            label="Motifs de réimpression (un par ligne)"
            value={reasons}
            multiline
            invalid={invalid('reasons')}
            onInput={setReasons}
          />
          <TextField
            label="Jours d’essais d’envoi des e-mails"
            value={days}
            invalid={invalid('days')}
            onInput={setDays}
          />
          <TextField
            label="Société nommée dans la lettre de dématérialisation (vide : la raison sociale)"
            value={r.demat.company}
            onInput={(company) => setR({ ...r, demat: { ...r.demat, company } })}
          />
          <TextField
            label="Contact en cas de refus de la dématérialisation"
            value={r.demat.refusalContact}
            onInput={(refusalContact) => setR({ ...r, demat: { ...r.demat, refusalContact } })}
          />
          <fieldset>
            <legend>Messages des e-mails</legend>
            <ChoiceField label="Document" value={type} names={DOCUMENT_NAMES} onChange={setType} />
            <TextField
              label="Objet du message (vide : l’objet par défaut)"
              value={template.subject ?? ''}
              invalid={invalid('subject')}
              onInput={(subject) =>
                setR({ ...r, templates: { ...r.templates, [type]: { ...template, subject } } })
              }
            />
            <TextField
              label="Texte du message (vide : le ticket simplifié)"
              value={template.body ?? ''}
              multiline
              invalid={invalid('body')}
              onInput={(body) => setR({ ...r, templates: { ...r.templates, [type]: { ...template, body } } })}
            />
          </fieldset>
        </div>
      )}
    </SettingsForm>
  );
}

const SECURITY_NAMES: Readonly<Record<SmtpSecurity, string>> = {
  starttls: 'STARTTLS (port 587)',
  tls: 'TLS (port 465)',
  none: 'Aucune (réseau local seulement)',
};

/** The SMTP server: its password is never shown; an empty field keeps the one stored. */
function SmtpForm(props: { smtp: SettingsData['smtp']; save: Save }) {
  const init = (smtp: SettingsData['smtp']) => ({
    host: smtp?.host ?? '',
    port: String(smtp?.port ?? 587),
    security: smtp?.security ?? ('starttls' as SmtpSecurity),
    user: smtp?.user ?? '',
  });
  const [values, setValues] = useState(init(props.smtp));
  const [password, setPassword] = useState('');
  return (
    <SettingsForm
      name="Serveur SMTP"
      button="Enregistrer le serveur SMTP"
      onSave={async () => {
        if (same(values, init(props.smtp)) && password === '') return 'unchanged';
        const port = Number(values.port);
        const next = await props.save({
          smtp: {
            host: values.host.trim(),
            port: Number.isInteger(port) ? port : -1,
            security: values.security,
            user: values.user,
            ...(password === '' ? {} : { password }),
          },
        });
        if (next === null) return 'abandoned';
        setValues(init(next.smtp));
        setPassword('');
        return 'saved';
      }}
    >
      {(invalid) => (
        <div class="fields">
          <TextField
            label="Serveur SMTP"
            value={values.host}
            invalid={invalid('host')}
            placeholder="smtp.example.fr"
            onInput={(host) => setValues({ ...values, host })}
          />
          <TextField
            label="Port"
            type="number"
            value={values.port}
            invalid={invalid('port')}
            onInput={(port) => setValues({ ...values, port })}
          />
          <ChoiceField
            label="Sécurité"
            value={values.security}
            names={SECURITY_NAMES}
            onChange={(security) => setValues({ ...values, security })}
          />
          <TextField
            label="Utilisateur"
            value={values.user}
            invalid={invalid('user')}
            onInput={(user) => setValues({ ...values, user })}
          />
          <TextField
            label={`Mot de passe (vide : ${props.smtp?.passwordSet === true ? 'celui enregistré est gardé' : 'aucun'})`}
            type="password"
            value={password}
            invalid={invalid('password')}
            onInput={setPassword}
          />
        </div>
      )}
    </SettingsForm>
  );
}

const INTEGRITY_TEXT: Readonly<Record<SoftwareIdentity['integrity'], string>> = {
  intact: 'conforme au manifeste de la version publiée',
  modified: 'LOGICIEL MODIFIÉ par rapport au manifeste de la version publiée',
  'no-manifest': 'aucun manifeste de version (copie de développement, non publiée)',
  'bad-manifest': 'MANIFESTE INVALIDE',
};

/** « À propos » (NF525 item 51): what the software is, its certification status and its integrity. */
function About() {
  const [identity, setIdentity] = useState<SoftwareIdentity | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.info().then(setIdentity, (e: unknown) => setError(errorText(e)));
  }, []);
  return (
    <section aria-label="À propos">
      <h2>À propos</h2>
      {error !== null ? <p role="alert">{error}</p> : null}
      {identity === null ? null : (
        <dl>
          <dt>Logiciel</dt>
          <dd>
            {identity.product} {identity.version} — logiciel de caisse, catégorie {identity.category}
          </dd>
          <dt>Version fiscale</dt>
          <dd>{identity.fiscalVersion}</dd>
          <dt>Licence</dt>
          <dd>{identity.licence}</dd>
          <dt>Certification NF525</dt>
          <dd>{identity.certificationText}</dd>
          <dt>Empreinte du logiciel</dt>
          <dd>
            <code>sha256:{identity.digest}</code> ({identity.files} fichiers)
          </dd>
          <dt>Intégrité</dt>
          <dd>{INTEGRITY_TEXT[identity.integrity]}</dd>
        </dl>
      )}
    </section>
  );
}
