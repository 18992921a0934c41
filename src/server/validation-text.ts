/**
 * The API's refusals of a malformed request in plain French (issue 12): one sentence naming the
 * field as the screens name it and saying what it wants, never the validation library's own text
 * (« Trop petit : chaîne… »). A message of our own (a schema's refine) is kept as it is.
 */
import { z } from 'zod';

const french = z.locales.fr().localeError;
/** Put before zod's own messages by `defaultMessages`, so that a message of our own is told apart. */
const DEFAULT_MARK = '\u2063';

/**
 * The error map the API parses with: zod's French text, marked as the default (a schema's own
 * message, which takes precedence over this map, carries no mark).
 */
export const defaultMessages: z.core.$ZodErrorMap = (issue) => {
  const text = french(issue);
  return `${DEFAULT_MARK}${typeof text === 'string' ? text : (text?.message ?? '')}`;
};

/** An issue's message without the default mark. */
export const issueText = (issue: z.core.$ZodIssue): string => issue.message.replace(DEFAULT_MARK, '');

/** How the sentences name the request fields (the last segment of the issue's path). */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  pin: 'le PIN',
  userCode: 'le code utilisateur',
  register: 'le numéro de caisse',
  text: 'la saisie',
  code: 'le code',
  qty: 'la quantité',
  unitPrice: 'le prix',
  price: 'le prix',
  amount: 'le montant',
  percent: 'le pourcentage',
  mode: 'le mode de règlement',
  email: 'l’adresse e-mail',
  reason: 'le motif',
  number: 'le numéro',
  label: 'le libellé',
  name: 'le nom',
  color: 'la couleur',
  picture: 'l’image',
  ref: 'la référence',
  lineId: 'la ligne',
  lineIds: 'les lignes',
  idempotencyKey: 'la clé de validation',
  id: 'l’identifiant',
  limit: 'le nombre de résultats',
  offset: 'le rang de départ',
  components: 'les composants',
  shortcuts: 'les raccourcis',
};

function fieldName(path: readonly PropertyKey[], where: string): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (last === undefined) return where === 'body' ? 'la requête' : 'les paramètres';
  return FIELD_NAMES[last] ?? `le champ « ${path.map(String).join('.')} »`;
}

const capital = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** Whether the issue carries a message written for it (not zod's default text). */
function ownMessage(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' || !issue.message.startsWith(DEFAULT_MARK);
}

/** One validation issue as a French sentence (« Le PIN doit compter au moins 4 caractères »). */
export function issueSentence(issue: z.core.$ZodIssue, where = 'body'): string {
  const field = fieldName(issue.path, where);
  if (ownMessage(issue)) return `${capital(field)} : ${issueText(issue)}`;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? `${capital(field)} est obligatoire`
          : `${capital(field)} doit compter au moins ${issue.minimum} caractères`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `${capital(field)} : il en faut au moins ${issue.minimum}`;
      return `${capital(field)} doit valoir ${issue.inclusive === false ? 'plus de' : 'au moins'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string')
        return `${capital(field)} doit compter au plus ${issue.maximum} caractères`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `${capital(field)} : ${issue.maximum} au plus`;
      return `${capital(field)} doit valoir ${issue.inclusive === false ? 'moins de' : 'au plus'} ${issue.maximum}`;
    case 'invalid_type':
      return issue.input === undefined
        ? `${capital(field)} manque`
        : `${capital(field)} n’est pas lisible (attendu : ${TYPE_NAMES[issue.expected] ?? issue.expected})`;
    case 'invalid_format':
      if (issue.format === 'email')
        return field === FIELD_NAMES.email
          ? 'Adresse e-mail invalide'
          : `${capital(field)} : adresse e-mail invalide`;
      if (issue.format === 'uuid') return `${capital(field)} n’est pas un identifiant valide`;
      return `${capital(field)} contient des caractères non admis`;
    case 'invalid_value':
      return `${capital(field)} doit être l’un de : ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `Champ(s) inconnu(s) : ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `${capital(field)} doit être un multiple de ${String(issue.divisor)}`;
    default:
      return `${capital(field)} n’est pas valide`;
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'un texte',
  number: 'un nombre',
  int: 'un nombre entier',
  boolean: 'oui ou non',
  array: 'une liste',
  object: 'un objet',
};
