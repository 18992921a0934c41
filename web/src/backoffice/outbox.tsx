/** « E-mails »: the outbox by status, each message's errors, a retry now. */
import { useEffect, useState } from 'preact/hooks';
import { api, type OutboxFilter, type OutboxItem } from '../api.ts';
import { errorText, useConfidential } from '../confidential.tsx';

const MAIL_STATUS_NAMES: Record<OutboxItem['status'], string> = {
  queued: 'en file',
  sending: 'en cours d’envoi',
  retrying: 'nouvel essai prévu',
  sent: 'envoyé',
  failed: 'en échec',
};

/** The e-mail outbox: the latest messages by status, their errors, a retry now. */
export function Outbox() {
  const [filter, setFilter] = useState<OutboxFilter | ''>('');
  const [list, setList] = useState<Awaited<ReturnType<typeof api.outbox>> | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const { confidential, dialog } = useConfidential();
  const fail = (e: unknown) => setMessage({ error: true, text: errorText(e) });
  const load = (status: OutboxFilter | '') =>
    api.outbox(status === '' ? undefined : status).then(setList, fail);
  useEffect(() => {
    void load(filter);
  }, [filter]);
  const retry = (item: OutboxItem) => {
    setMessage(null);
    confidential((authorization) => api.retryMail(item.id, authorization))
      .then(async (done) => {
        if (done === null) return;
        setMessage({ error: false, text: `E-mail n° ${item.id} remis en envoi immédiat` });
        await load(filter);
      })
      .catch(fail);
  };
  const date = (iso: string | null) => (iso === null ? '' : new Date(iso).toLocaleString('fr-FR'));
  return (
    <section aria-label="E-mails">
      <h1>File des e-mails</h1>
      {list === null ? null : (
        <p role="status" aria-label="Nombre d’e-mails par état">
          En attente : {list.counts.pending} — envoyés : {list.counts.sent} — en échec : {list.counts.failed}
        </p>
      )}
      <label>
        Afficher les e-mails
        <select value={filter} onChange={(e) => setFilter(e.currentTarget.value as OutboxFilter | '')}>
          <option value="">Tous</option>
          <option value="pending">En attente</option>
          <option value="sent">Envoyés</option>
          <option value="failed">En échec</option>
        </select>
      </label>
      {message === null ? null : (
        <p class={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {list === null ? (
        <p role="status">Chargement…</p>
      ) : list.items.length === 0 ? (
        <p>Aucun e-mail.</p>
      ) : (
        <table>
          <caption class="sr">E-mails</caption>
          <thead>
            <tr>
              <th scope="col">N°</th>
              <th scope="col">Destinataire</th>
              <th scope="col">Objet</th>
              <th scope="col">État</th>
              <th scope="col">Essais</th>
              <th scope="col">Prochain essai</th>
              <th scope="col">Dernière erreur</th>
              <th scope="col">Créé le</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {list.items.map((m) => (
              <tr key={m.id}>
                <td>{m.id}</td>
                <td>{m.to}</td>
                <td>{m.subject}</td>
                <td>
                  {MAIL_STATUS_NAMES[m.status] ?? m.status}
                  {m.sentAt === null ? '' : ` le ${date(m.sentAt)}`}
                </td>
                <td class="num">{m.attempts}</td>
                <td>{date(m.nextAttemptAt)}</td>
                <td>{m.lastError ?? ''}</td>
                <td>{date(m.createdAt)}</td>
                <td>
                  {m.status === 'sent' ? null : (
                    <button
                      type="button"
                      onClick={() => retry(m)}
                      aria-label={`Réessayer l’e-mail n° ${m.id}`}
                    >
                      Réessayer
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog}
    </section>
  );
}
