/**
 * « Modes de règlement » (issue 12): the store's payment modes with their order, cash rounding and
 * excess rule (`PUT /api/settings`), and a new mode (`POST /api/payment-modes`); both need the right
 * `manage_settings` (or a manager's code in place) and are journaled by the server. The register
 * offers a new mode from its next ticket.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Excess, type Settings } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';
import { parseMoney } from '../format.ts';
import {
  CheckField,
  ChoiceField,
  EXCESS_NAMES,
  PaymentModesForm,
  type Save,
  SettingsForm,
  TextField,
} from '../settings.tsx';

export function PaymentModes() {
  const [settings, setSettings] = useState<Settings | null>(null);
  /** Bumped after a creation, so that the list's form starts again from the server's modes. */
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const { confidential, dialog } = useConfidential();
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('');
  const [excess, setExcess] = useState<Excess>('refuse');
  const [rounding, setRounding] = useState('0');
  const [drawer, setDrawer] = useState(false);
  const load = () =>
    api.settings().then(
      (next) => {
        setSettings(next);
        setVersion((v) => v + 1);
      },
      (e: unknown) => setError(errorText(e)),
    );
  useEffect(() => {
    void load();
  }, []);
  const save: Save = (change) =>
    confidential((authorization) => api.saveSettings(change, authorization)).then((next) => {
      if (next !== null) setSettings(next);
      return next;
    });
  const lastPosition = Math.max(0, ...(settings?.paymentModes.map((m) => m.position) ?? []));
  return (
    <section aria-label="Modes de règlement">
      <h1>Modes de règlement</h1>
      {error === null ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {settings === null ? null : (
        <PaymentModesForm key={version} modes={settings.paymentModes} save={save} />
      )}
      <SettingsForm
        name="Nouveau mode de règlement"
        button="Créer le mode de règlement"
        onSave={async () => {
          const step = parseMoney(rounding);
          if (step === undefined || step < 0) throw new Error('Arrondi : montant positif attendu (ex. 0,05)');
          const created = await confidential((authorization) =>
            api.createPaymentMode(
              { code, label, excess, roundingStep: step, opensDrawer: drawer, position: lastPosition + 1 },
              authorization,
            ),
          );
          if (created === null) return 'abandoned';
          setCode('');
          setLabel('');
          await load();
          return {
            done: `Mode de règlement ${created.code} « ${created.label} » créé, en dernière position`,
          };
        }}
      >
        {(invalid) => (
          <>
            <TextField label="Code du mode" value={code} onInput={setCode} invalid={invalid('code')} />
            <TextField label="Libellé du mode" value={label} onInput={setLabel} invalid={invalid('label')} />
            <ChoiceField label="Excédent" value={excess} names={EXCESS_NAMES} onChange={setExcess} />
            <TextField
              label="Arrondi (€)"
              value={rounding}
              onInput={setRounding}
              invalid={invalid('roundingStep')}
            />
            <CheckField label="Ouvre le tiroir" checked={drawer} onChange={setDrawer} />
          </>
        )}
      </SettingsForm>
      {dialog}
    </section>
  );
}
