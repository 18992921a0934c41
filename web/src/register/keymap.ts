/**
 * The register's keyboard (issue 12): every operation of the counter has its key, shown on its
 * button and on the help screen (F1). Function keys follow seed 001 where it names them (F5, F6,
 * Shift+F5, Shift+F6, F8/F9); the others avoid the browser's own reserved keys (F11, F12, Ctrl+…).
 * Pure data and lookups, tested in node.
 */

export type KeyAction =
  | 'help'
  | 'subtotal'
  | 'customer'
  | 'seller'
  | 'switchUser'
  | 'quantity'
  | 'percent'
  | 'price'
  | 'label'
  | 'amount'
  | 'hold'
  | 'resume'
  | 'search'
  | 'priceCheck'
  | 'reprint'
  | 'total'
  | 'abandon'
  | 'cancel';

export interface KeyBinding {
  /** `KeyboardEvent.key`. */
  readonly key: string;
  readonly shift: boolean;
  readonly action: KeyAction;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { key: 'F1', shift: false, action: 'help' },
  { key: 'F2', shift: false, action: 'subtotal' },
  { key: 'F2', shift: true, action: 'label' },
  { key: 'F3', shift: false, action: 'customer' },
  { key: 'F4', shift: false, action: 'seller' },
  { key: 'F4', shift: true, action: 'switchUser' },
  { key: 'F5', shift: false, action: 'quantity' },
  { key: 'F5', shift: true, action: 'percent' },
  { key: 'F6', shift: false, action: 'price' },
  { key: 'F6', shift: true, action: 'amount' },
  { key: 'F7', shift: false, action: 'hold' },
  { key: 'F7', shift: true, action: 'resume' },
  { key: 'F8', shift: false, action: 'search' },
  { key: 'F9', shift: false, action: 'search' },
  { key: 'F8', shift: true, action: 'priceCheck' },
  { key: 'F9', shift: true, action: 'reprint' },
  { key: 'F10', shift: false, action: 'total' },
  { key: 'F10', shift: true, action: 'abandon' },
  { key: 'Escape', shift: false, action: 'cancel' },
];

/** What each action does, as the help screen says it. */
export const ACTION_LABELS: Readonly<Record<KeyAction, string>> = {
  help: 'Aide : la liste des touches',
  subtotal: 'S/T : ligne de sous-total (une remise dessus se répartit sur les lignes au-dessus)',
  customer: 'Client : le viseur attend la carte, le code ou -NOM du client',
  seller: 'Vendeur : le viseur attend le code du vendeur',
  switchUser: 'Changer utilisateur',
  quantity: 'Qté : la quantité saisie, sur la ligne pointée',
  percent: 'Rem% : la remise en pourcentage, sur la ligne ou le sous-total pointé',
  price: 'Prix : le prix unitaire TTC, sur la ligne pointée',
  label: 'Libellé : le texte du viseur devient le libellé de la ligne pointée',
  amount: 'Rem€ : la remise en euros, sur la ligne ou le sous-total pointé',
  hold: 'Mise en attente du ticket',
  resume: 'Reprise attente (le ticket en cours est mis en attente d’abord)',
  search: 'Recherche : articles, clients ou vendeurs selon le viseur',
  priceCheck: 'Afficher Prix de l’article saisi ou scanné',
  reprint: 'Réimpression d’un ticket (duplicata)',
  total: 'Total, puis Valider une fois le ticket réglé',
  abandon: 'Abandonner le ticket (après confirmation)',
  cancel: 'Annuler : la ligne pointée, le ticket, ou le retour aux lignes après Total',
};

/** The action a key press asks for, if any. */
export function actionFor(key: string, shift: boolean): KeyAction | undefined {
  return KEY_BINDINGS.find((b) => b.key === key && b.shift === shift)?.action;
}

const keyName = (b: KeyBinding, style: 'shown' | 'aria') => {
  const key = b.key === 'Escape' ? (style === 'shown' ? 'Échap' : 'Escape') : b.key;
  if (!b.shift) return key;
  return style === 'shown' ? `⇧${key}` : `Shift+${key}`;
};

/** The keys of an action as its button shows them: « F8 F9 », « ⇧F5 ». */
export function keysShown(action: KeyAction): string {
  return KEY_BINDINGS.filter((b) => b.action === action)
    .map((b) => keyName(b, 'shown'))
    .join(' ');
}

/** The keys of an action for `aria-keyshortcuts`: « Shift+F5 ». */
export function keysAria(action: KeyAction): string {
  return KEY_BINDINGS.filter((b) => b.action === action)
    .map((b) => keyName(b, 'aria'))
    .join(' ');
}

/** The help screen's rows, one per action, in the order of the keys. */
export function helpRows(): { keys: string; label: string }[] {
  const seen = new Set<KeyAction>();
  const rows: { keys: string; label: string }[] = [];
  for (const binding of KEY_BINDINGS) {
    if (seen.has(binding.action)) continue;
    seen.add(binding.action);
    rows.push({ keys: keysShown(binding.action), label: ACTION_LABELS[binding.action] });
  }
  return rows;
}

/** What the help screen says of the payment, after Total. */
export const PAYMENT_HELP: readonly { keys: string; label: string }[] = [
  { keys: 'montant, Entrée', label: 'Le montant réglé (vide : le restant dû), puis les modes de règlement' },
  { keys: '1 à 8', label: 'Le mode de règlement de ce numéro (flèches et Entrée aussi)' },
  { keys: '9', label: 'Les modes de règlement suivants' },
  { keys: 'Échap', label: 'Depuis les modes : retour au montant ; depuis le montant : retour aux lignes' },
  { keys: 'F10', label: 'Valider le ticket réglé' },
];

/** The message when a key needs a number typed first: which number, and which key. */
export function needNumberText(what: string, action: KeyAction, keyLabel: string): string {
  return `Saisissez ${what} dans le viseur, puis appuyez sur ${keyLabel} (${keysShown(action)})`;
}
