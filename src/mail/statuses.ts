/** The states of a queued e-mail and their French labels (apart, so that reading them loads no driver). */
export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'retrying', 'failed'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export const STATUS_LABELS: Readonly<Record<MailStatus, string>> = {
  queued: 'en attente',
  sending: 'envoi en cours',
  sent: 'envoyé',
  retrying: 'nouvel essai prévu',
  failed: 'échec définitif',
};
