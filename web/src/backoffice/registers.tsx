/**
 * « Caisses » (issue 12): the registers of the store with their signing key in force, and a new
 * register (right `manage_settings`, or a manager's code in place): the server makes its key pair as
 * `comptoir init` does and opens its journal. Its options are then set in « Paramètres » and its
 * shortcuts in « Raccourcis ».
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type RegisterRow } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';
import { SettingsForm, TextField } from '../settings.tsx';

export function Registers() {
  const [registers, setRegisters] = useState<RegisterRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const { confidential, dialog } = useConfidential();
  useEffect(() => {
    api.registers().then(
      (list) => setRegisters(list.items),
      (e: unknown) => setError(errorText(e)),
    );
  }, []);
  const next = registers === null ? 1 : Math.max(0, ...registers.map((r) => r.number)) + 1;
  return (
    <section aria-label="Caisses">
      <h1>Caisses</h1>
      {error === null ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {registers === null ? null : (
        <table>
          <caption class="sr">Caisses du magasin</caption>
          <thead>
            <tr>
              <th scope="col">N°</th>
              <th scope="col">Nom</th>
              <th scope="col">Dépôt</th>
              <th scope="col">Clé de signature</th>
            </tr>
          </thead>
          <tbody>
            {registers.map((r) => (
              <tr key={r.number}>
                <th scope="row">{r.number}</th>
                <td>{r.name}</td>
                <td>{r.depotCode}</td>
                <td>
                  <code>{r.keyId ?? 'pas encore créée'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SettingsForm
        name="Nouvelle caisse"
        button="Ajouter la caisse"
        onSave={async () => {
          const wanted = number.trim() === '' ? next : Number(number);
          if (!Number.isInteger(wanted) || wanted < 1 || wanted > 9999) {
            throw new Error('Numéro de caisse : un nombre entier de 1 à 9999');
          }
          const added = await confidential((authorization) =>
            api.addRegister({ number: wanted, name }, authorization),
          );
          if (added === null) return 'abandoned';
          setRegisters((list) => [...(list ?? []), added]);
          setNumber('');
          setName('');
          return {
            done: `Caisse ${added.number} « ${added.name} » ajoutée ; clé de signature ${added.keyId ?? ''}`,
          };
        }}
      >
        {(invalid) => (
          <>
            <TextField
              label={`Numéro (vide : ${next})`}
              value={number}
              onInput={setNumber}
              invalid={invalid('number')}
            />
            <TextField label="Nom de la caisse" value={name} onInput={setName} invalid={invalid('name')} />
          </>
        )}
      </SettingsForm>
      {dialog}
    </section>
  );
}
