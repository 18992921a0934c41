/**
 * « Utilisateurs » (issue 12): the users of the store, a new user (the PIN drawn by the server is shown
 * this once), a change of role (its default rights) or of rights, disabling and enabling (right
 * `manage_users`, or a manager's code in place), and a PIN reset that always asks a manager's code and
 * PIN. Every change is journaled by the server.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type RegisterInfo, type RegisterRow, type Right, type Role, type User } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';
import { ManagerDialog } from '../dialogs.tsx';
import { ChoiceField, SettingsForm, TextField } from '../settings.tsx';

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  cashier: 'Caissier',
  seller: 'Vendeur',
  manager: 'Responsable',
  admin: 'Administrateur',
};

const RIGHT_NAMES: Readonly<Record<Right, string>> = {
  discount_over_limit: 'remise au-delà de la limite',
  cancel_ticket: 'annulation de ticket',
  refund: 'retour',
  open_drawer: 'tiroir',
  excess_override: 'rendu non autorisé',
  reprint: 'réimpression',
  closure: 'clôture',
  manage_catalogue: 'catalogue',
  manage_users: 'utilisateurs',
  change_price: 'changement de prix',
  manage_settings: 'paramètres',
  export_archive: 'archives',
  customer_data: 'données clients (RGPD)',
  cash_movement: 'apports et retraits',
  confirm_card: 'paiement carte sans réponse',
  manage_stock: 'stock',
};

export function Users(props: { info: RegisterInfo }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [registers, setRegisters] = useState<RegisterRow[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [resetting, setResetting] = useState<{ code: string; error: string | null } | null>(null);
  const { confidential, dialog } = useConfidential();

  // The staff is listed to who manages users (a manager's code on the spot otherwise).
  const load = () =>
    confidential((authorization) => api.users(authorization)).then(
      (list) => setUsers(list?.items ?? []),
      (e: unknown) => setError(errorText(e)),
    );
  useEffect(() => {
    void load();
    api.registers().then(
      (list) => setRegisters(list.items),
      () => setRegisters([]),
    );
  }, []);

  const change = (user: User, what: Parameters<typeof api.changeUser>[1], done: string) => {
    setError(null);
    setStatus(null);
    confidential((authorization) => api.changeUser(user.code, what, authorization)).then(
      (saved) => {
        if (saved === null) return;
        setUsers((list) => list?.map((u) => (u.code === saved.code ? saved : u)) ?? null);
        setStatus(done);
      },
      (e: unknown) => setError(`Refusé, rien n’est enregistré : ${errorText(e)}`),
    );
  };

  return (
    <section aria-label="Utilisateurs">
      <h1>Utilisateurs</h1>
      {error === null ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {status === null ? null : <p role="status">{status}</p>}
      {users === null ? (
        error === null ? (
          <p role="status">Chargement…</p>
        ) : null
      ) : (
        <table>
          <caption class="sr">Utilisateurs du magasin</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Nom</th>
              <th scope="col">Rôle</th>
              <th scope="col">Droits</th>
              <th scope="col">Caisse</th>
              <th scope="col">État</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.code} class={u.active ? undefined : 'muted'}>
                <th scope="row">{u.code}</th>
                <td>{u.name}</td>
                <td>
                  <select
                    aria-label={`Rôle de ${u.code}`}
                    value={u.role}
                    onChange={(e) => {
                      const role = e.currentTarget.value as Role;
                      change(
                        u,
                        { role },
                        `${u.code} : rôle ${ROLE_NAMES[role].toLowerCase()}, droits du rôle`,
                      );
                    }}
                  >
                    {(Object.entries(ROLE_NAMES) as [Role, string][]).map(([role, label]) => (
                      <option key={role} value={role}>
                        {label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <details>
                    <summary>
                      {u.rights.length === 0 ? 'aucun' : u.rights.map((r) => RIGHT_NAMES[r]).join(', ')}
                    </summary>
                    {(Object.entries(RIGHT_NAMES) as [Right, string][]).map(([right, label]) => (
                      <label key={right} class="check">
                        <input
                          type="checkbox"
                          checked={u.rights.includes(right)}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            const rights = on ? [...u.rights, right] : u.rights.filter((r) => r !== right);
                            change(
                              u,
                              { rights },
                              `${u.code} : droit « ${label} » ${on ? 'accordé' : 'retiré'}`,
                            );
                          }}
                        />
                        {label}
                      </label>
                    ))}
                  </details>
                </td>
                <td>{u.registerNumber === null ? '—' : `n° ${u.registerNumber}`}</td>
                <td>{u.active ? 'actif' : 'désactivé'}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      change(
                        u,
                        { active: !u.active },
                        `${u.code} ${u.active ? 'désactivé : il ne peut plus se connecter' : 'réactivé'}`,
                      )
                    }
                  >
                    {u.active ? `Désactiver ${u.code}` : `Réactiver ${u.code}`}
                  </button>
                  <button type="button" onClick={() => setResetting({ code: u.code, error: null })}>
                    Réinitialiser le PIN de {u.code}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NewUserForm
        registers={registers}
        defaultRegister={props.info.number}
        create={(user) =>
          confidential((authorization) => api.createUser(user, authorization)).then((created) => {
            if (created === null) return null;
            void load();
            return created;
          })
        }
      />
      {resetting === null ? null : (
        <ManagerDialog
          reason={`Nouveau code PIN pour ${resetting.code} : le code et le PIN d’un responsable sont demandés`}
          error={resetting.error}
          onCancel={() => setResetting(null)}
          onSubmit={(authorization) =>
            api.resetPin(resetting.code, authorization).then(
              (answer) => {
                setResetting(null);
                setError(null);
                setStatus(
                  `Nouveau code PIN de ${answer.user.code} : ${answer.pin ?? ''} (affiché cette seule fois : notez-le ; ses sessions sont fermées)`,
                );
              },
              (e: unknown) => setResetting({ code: resetting.code, error: errorText(e) }),
            )
          }
        />
      )}
      {dialog}
    </section>
  );
}

function NewUserForm(props: {
  registers: RegisterRow[];
  defaultRegister: number;
  create: (user: Parameters<typeof api.createUser>[0]) => Promise<{ user: User; pin: string | null } | null>;
}) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('cashier');
  const [pin, setPin] = useState('');
  const [register, setRegister] = useState('');
  const registerNames: Record<string, string> = { '': 'Aucune' };
  for (const r of props.registers) registerNames[String(r.number)] = `n° ${r.number} ${r.name}`;
  return (
    <SettingsForm
      name="Nouvel utilisateur"
      button="Créer l’utilisateur"
      onSave={async () => {
        const created = await props.create({
          code,
          name,
          role,
          ...(pin === '' ? {} : { pin }),
          ...(register === '' ? {} : { registerNumber: Number(register) }),
        });
        if (created === null) return 'abandoned';
        setCode('');
        setName('');
        setPin('');
        return {
          done:
            created.pin === null
              ? `Utilisateur ${created.user.code} créé avec le code PIN choisi`
              : `Utilisateur ${created.user.code} créé ; son code PIN : ${created.pin} (affiché cette seule fois : notez-le)`,
        };
      }}
    >
      {(invalid) => (
        <>
          <TextField label="Code de l’utilisateur" value={code} onInput={setCode} invalid={invalid('code')} />
          <TextField label="Nom" value={name} onInput={setName} invalid={invalid('name')} />
          <ChoiceField label="Rôle" value={role} names={ROLE_NAMES} onChange={setRole} />
          <TextField
            label="Code PIN (4 à 8 chiffres ; vide : tiré au hasard)"
            type="password"
            value={pin}
            onInput={setPin}
            invalid={invalid('pin')}
          />
          <ChoiceField
            label={`Caisse habituelle (celle-ci : n° ${props.defaultRegister})`}
            value={register}
            names={registerNames}
            onChange={setRegister}
          />
        </>
      )}
    </SettingsForm>
  );
}
