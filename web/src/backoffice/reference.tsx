/**
 * « Familles et TVA » (issue 12): the statistical families (level 1 « *FAM », level 2 « +FAM ») and
 * the VAT rates, each list with its creation form (families: right `manage_catalogue`; VAT rates:
 * right `manage_settings`, journaled by the server). Articles take them in their form.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Family, type VatRate } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';
import { parsePercent } from '../format.ts';
import { ChoiceField, SettingsForm, TextField } from '../settings.tsx';

const LEVEL_NAMES = { '1': 'Famille (niveau 1)', '2': 'Sous-famille (niveau 2)' } as const;
const percentText = (rate: number) => `${(rate / 100).toLocaleString('fr-FR')} %`;

export function Reference() {
  const [families, setFamilies] = useState<Family[]>([]);
  const [rates, setRates] = useState<VatRate[]>([]);
  const [error, setError] = useState<string | null>(null);
  const { confidential, dialog } = useConfidential();
  const [level, setLevel] = useState<'1' | '2'>('1');
  const [familyCode, setFamilyCode] = useState('');
  const [familyLabel, setFamilyLabel] = useState('');
  const [rateCode, setRateCode] = useState('');
  const [rateText, setRateText] = useState('');
  const [rateLabel, setRateLabel] = useState('');
  useEffect(() => {
    api.families().then(
      (list) => setFamilies(list.items),
      (e: unknown) => setError(errorText(e)),
    );
    api.vatRates().then(
      (list) => setRates(list.items),
      (e: unknown) => setError(errorText(e)),
    );
  }, []);
  return (
    <section aria-label="Familles et TVA">
      <h1>Familles et TVA</h1>
      {error === null ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h2>Familles</h2>
      <table>
        <caption class="sr">Familles statistiques</caption>
        <thead>
          <tr>
            <th scope="col">Niveau</th>
            <th scope="col">Code</th>
            <th scope="col">Libellé</th>
          </tr>
        </thead>
        <tbody>
          {families.map((f) => (
            <tr key={`${f.level}-${f.code}`}>
              <td>{f.level}</td>
              <th scope="row">{f.code}</th>
              <td>{f.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <SettingsForm
        name="Nouvelle famille"
        button="Créer la famille"
        onSave={async () => {
          const created = await confidential((authorization) =>
            api.createFamily(
              { level: Number(level) as 1 | 2, code: familyCode, label: familyLabel },
              authorization,
            ),
          );
          if (created === null) return 'abandoned';
          setFamilies((list) => [...list, created]);
          setFamilyCode('');
          setFamilyLabel('');
          return { done: `Famille ${created.code} « ${created.label} » créée` };
        }}
      >
        {(invalid) => (
          <>
            <ChoiceField label="Niveau" value={level} names={LEVEL_NAMES} onChange={setLevel} />
            <TextField
              label="Code de la famille"
              value={familyCode}
              onInput={setFamilyCode}
              invalid={invalid('code')}
            />
            <TextField
              label="Libellé de la famille"
              value={familyLabel}
              onInput={setFamilyLabel}
              invalid={invalid('label')}
            />
          </>
        )}
      </SettingsForm>

      <h2>Taux de TVA</h2>
      <table>
        <caption class="sr">Taux de TVA</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Taux</th>
            <th scope="col">Libellé</th>
          </tr>
        </thead>
        <tbody>
          {rates.map((r) => (
            <tr key={r.code}>
              <th scope="row">{r.code}</th>
              <td>{percentText(r.rate)}</td>
              <td>{r.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <SettingsForm
        name="Nouveau taux de TVA"
        button="Créer le taux de TVA"
        onSave={async () => {
          const rate = parsePercent(rateText);
          if (rate === undefined || rate < 0 || rate > 10000) {
            throw new Error('Taux : un pourcentage de 0 à 100 (ex. 8,5)');
          }
          const created = await confidential((authorization) =>
            api.createVatRate({ code: rateCode, rate, label: rateLabel }, authorization),
          );
          if (created === null) return 'abandoned';
          setRates((list) => [...list, created].sort((a, b) => b.rate - a.rate));
          setRateCode('');
          setRateText('');
          setRateLabel('');
          return { done: `Taux de TVA ${created.code} (${percentText(created.rate)}) créé` };
        }}
      >
        {(invalid) => (
          <>
            <TextField
              label="Code du taux"
              value={rateCode}
              onInput={setRateCode}
              invalid={invalid('code')}
            />
            <TextField label="Taux (%)" value={rateText} onInput={setRateText} invalid={invalid('rate')} />
            <TextField
              label="Libellé du taux"
              value={rateLabel}
              onInput={setRateLabel}
              invalid={invalid('label')}
            />
          </>
        )}
      </SettingsForm>
      {dialog}
    </section>
  );
}
