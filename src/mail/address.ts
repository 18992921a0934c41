/**
 * E-mail address validation before anything is queued (issue 6): the syntax of the local part
 * (RFC 5322 dot-atom, the form every shop customer has) and the shape of the domain (labels of letters,
 * digits and hyphens, internationalised letters allowed, a top-level domain of letters or `xn--`).
 * No DNS look-up: the register may be offline, and the outbox retries anyway. Pure.
 */
import { MailError } from './errors.ts';

export type AddressProblem =
  | 'empty'
  | 'too-long'
  | 'no-at'
  | 'several-at'
  | 'local-part'
  | 'domain-missing-dot'
  | 'domain-label'
  | 'top-level-domain'
  | 'spaces';

export type AddressCheck = { ok: true; address: string } | { ok: false; problem: AddressProblem };

const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a0-\uffff-]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

const MESSAGES: Readonly<Record<AddressProblem, string>> = {
  empty: 'Adresse e-mail vide',
  'too-long': 'Adresse e-mail trop longue (254 caractères au plus)',
  'no-at': 'Adresse e-mail invalide : il manque « @ »',
  'several-at': 'Adresse e-mail invalide : un seul « @ » est permis',
  'local-part':
    'Adresse e-mail invalide : la partie avant « @ » contient un caractère interdit ou un point mal placé',
  'domain-missing-dot': 'Adresse e-mail invalide : le domaine doit contenir un point (exemple.fr)',
  'domain-label': 'Adresse e-mail invalide : le nom de domaine est mal formé',
  'top-level-domain': 'Adresse e-mail invalide : l’extension du domaine (.fr, .com…) est mal formée',
  spaces: 'Adresse e-mail invalide : elle ne doit pas contenir d’espace',
};

/** Checks one address (trimmed first); the domain is returned lower-cased. */
export function checkAddress(input: string): AddressCheck {
  const address = input.trim();
  if (address === '') return { ok: false, problem: 'empty' };
  if (address.length > 254) return { ok: false, problem: 'too-long' };
  if (/\s/u.test(address)) return { ok: false, problem: 'spaces' };
  const at = address.lastIndexOf('@');
  if (at < 0) return { ok: false, problem: 'no-at' };
  if (address.indexOf('@') !== at) return { ok: false, problem: 'several-at' };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local.length === 0 || local.length > 64) return { ok: false, problem: 'local-part' };
  if (!local.split('.').every((atom) => LOCAL_ATOM.test(atom))) return { ok: false, problem: 'local-part' };
  const labels = domain.split('.');
  if (labels.length < 2) return { ok: false, problem: 'domain-missing-dot' };
  const top = labels[labels.length - 1] ?? '';
  if (!labels.slice(0, -1).every((label) => DOMAIN_LABEL.test(label))) {
    return { ok: false, problem: 'domain-label' };
  }
  if (!TOP_LEVEL.test(top)) return { ok: false, problem: 'top-level-domain' };
  return { ok: true, address: `${local}@${domain}` };
}

export function isValidAddress(input: string): boolean {
  return checkAddress(input).ok;
}

export function addressProblemMessage(problem: AddressProblem): string {
  return MESSAGES[problem];
}

/** The normalised address, or a `MailError` INVALID_EMAIL with the French reason and the address. */
export function requireAddress(input: string, field = 'to'): string {
  const check = checkAddress(input);
  if (check.ok) return check.address;
  const shown = input.trim() === '' ? '' : ` (${input.trim()})`;
  throw new MailError('INVALID_EMAIL', `${addressProblemMessage(check.problem)}${shown}`, field);
}
