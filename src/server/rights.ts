/**
 * Confidential operations (seed 001: « code confidentiel qui permet de passer outre »): the user at
 * the register needs the right, or a user who has it gives their code and PIN on the spot. Every
 * refusal and every override is a technical event naming both users.
 */
import type { Right } from '../store/validation.ts';
import { ApiError } from './errors.ts';
import type { Db, EventJournal } from './ports.ts';
import type { Session, SessionService } from './sessions.ts';
import { hasRight } from './users.ts';

/** A manager's code given on the spot. */
export interface Authorization {
  readonly userCode: string;
  readonly pin: string;
}

export const RIGHT_LABELS: Readonly<Record<Right, string>> = {
  discount_over_limit: 'remise au-delà de la limite',
  cancel_ticket: 'annulation de ticket',
  refund: 'retour / remboursement',
  open_drawer: 'ouverture du tiroir',
  excess_override: 'rendu non autorisé',
  reprint: 'réimpression',
  closure: 'clôture',
  manage_catalogue: 'gestion du catalogue',
  manage_users: 'gestion des utilisateurs',
  change_price: 'changement de prix',
  manage_settings: 'paramètres',
  export_archive: 'export des archives',
  customer_data: 'données personnelles des clients (RGPD)',
  cash_movement: 'apport et retrait de caisse',
  confirm_card: 'confirmation d’un paiement par carte resté sans réponse du terminal',
  manage_stock: 'gestion du stock',
};

export interface Granted {
  /** The user at the register. */
  readonly operator: string;
  /** The user who gave their code, when it was not the operator's own right. */
  readonly authorizer: string | null;
}

export class Rights {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly events: EventJournal,
    private readonly clock: () => Date,
  ) {}

  /** Whether the session's user holds the right (no event: used to decide whether to ask). */
  holds(session: Session, right: Right): boolean {
    return hasRight(session.user, right);
  }

  /**
   * Grants `right` to the session's user, or through `authorization`; throws 403 (with an event)
   * otherwise. `subject` says what was asked, for the event.
   */
  async require(
    session: Session,
    right: Right,
    authorization: Authorization | undefined,
    address: string,
    subject: string,
  ): Promise<Granted> {
    if (hasRight(session.user, right)) return { operator: session.user.code, authorizer: null };
    const manager = await this.manager(session, right, authorization, address, subject, {
      missing: `Opération confidentielle (${RIGHT_LABELS[right]}) : le code d’un responsable est nécessaire`,
      purpose: 'dérogation',
    });
    await this.events.record(this.db, {
      kind: 'RIGHTS_OVERRIDE',
      register: session.register,
      operator: session.user.code,
      authorizer: manager,
      subject: `${right} : ${subject}`,
      at: this.clock(),
    });
    return { operator: session.user.code, authorizer: manager };
  }

  /**
   * Like `require`, but a manager's code and PIN are asked even of a user who holds the right (a PIN
   * reset is confirmed on the spot): 403 without them, 401 when they are wrong.
   */
  async confirm(
    session: Session,
    right: Right,
    authorization: Authorization | undefined,
    address: string,
    subject: string,
  ): Promise<Granted> {
    const manager = await this.manager(session, right, authorization, address, subject, {
      missing: `Opération confidentielle (${RIGHT_LABELS[right]}) : le code et le PIN d’un responsable sont nécessaires`,
      purpose: 'confirmation',
    });
    return { operator: session.user.code, authorizer: manager };
  }

  /** The code of the manager whose code and PIN grant `right`; 401/403 (with an event) otherwise. */
  private async manager(
    session: Session,
    right: Right,
    authorization: Authorization | undefined,
    address: string,
    subject: string,
    text: { readonly missing: string; readonly purpose: string },
  ): Promise<string> {
    const label = RIGHT_LABELS[right];
    if (authorization === undefined) {
      await this.refuse(session, right, null, subject);
      throw new ApiError(403, 'RIGHT_REQUIRED', text.missing, undefined, { right });
    }
    let manager: Awaited<ReturnType<SessionService['authenticate']>>;
    try {
      manager = await this.sessions.authenticate(authorization.userCode, authorization.pin, {
        register: session.register,
        address,
        operator: session.user.code,
        purpose: `${text.purpose} : ${label}`,
      });
    } catch (error) {
      await this.refuse(session, right, authorization.userCode.trim().toUpperCase(), subject);
      throw error;
    }
    if (!hasRight(manager, right)) {
      await this.refuse(session, right, manager.code, subject);
      throw new ApiError(
        403,
        'RIGHT_REQUIRED',
        `${manager.code} n’a pas le droit nécessaire (${label})`,
        undefined,
        { right },
      );
    }
    return manager.code;
  }

  private async refuse(session: Session, right: Right, authorizer: string | null, subject: string) {
    await this.events.record(this.db, {
      kind: 'RIGHT_REFUSED',
      register: session.register,
      operator: session.user.code,
      ...(authorizer === null ? {} : { authorizer }),
      subject: `${right} : ${subject}`,
      at: this.clock(),
    });
  }
}
