/**
 * Register sessions: a user logs in with code and PIN on a register and gets a bearer token; the
 * token's SHA-256 is persisted (a restart keeps people logged in), never the token. "Changer
 * utilisateur" (seed 001) puts another user on the same session. PIN attempts are rate-limited and
 * every login, failure, lock, switch and logout is a technical event.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from './errors.ts';
import { PinLimiter } from './pin-limiter.ts';
import type { Db, EventJournal } from './ports.ts';
import { checkPin, findUser, type ServerUser } from './users.ts';

export interface Session {
  readonly tokenHash: string;
  readonly user: ServerUser;
  readonly register: number;
  readonly expiresAt: number;
}

export interface SessionOptions {
  readonly sessionMs: number;
  readonly maxAttempts: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionService {
  private readonly cache = new Map<string, Session>();
  private readonly byUser: PinLimiter;
  private readonly byAddress: PinLimiter;

  constructor(
    private readonly db: Db,
    private readonly events: EventJournal,
    private readonly options: SessionOptions,
    private readonly clock: () => Date,
  ) {
    const limits = { windowMs: options.windowMs, lockMs: options.lockMs };
    this.byUser = new PinLimiter({ ...limits, maxAttempts: options.maxAttempts });
    this.byAddress = new PinLimiter({ ...limits, maxAttempts: options.maxAttempts * 4 });
  }

  /**
   * Checks a user's code and PIN under the rate limits; `purpose` names what for (login, switch,
   * override) in the events. Throws 401 on a wrong code or PIN, 429 when locked.
   */
  async authenticate(
    userCode: string,
    pin: string,
    context: { register: number; address: string; operator: string; purpose: string },
  ): Promise<ServerUser> {
    const code = userCode.trim().toUpperCase();
    const userKey = `${context.register}:${code}`;
    const addressKey = context.address;
    const now = this.clock();
    const wait = Math.max(
      this.byUser.lockedFor([userKey], now.getTime()),
      this.byAddress.lockedFor([addressKey], now.getTime()),
    );
    if (wait > 0) throw locked(wait);
    const user = await checkPin(this.db, code, pin);
    if (user === undefined) {
      const lockedNow =
        this.byUser.fail([userKey], now.getTime()) || this.byAddress.fail([addressKey], now.getTime());
      await this.events.record(this.db, {
        kind: lockedNow ? 'LOGIN_LOCKED' : 'LOGIN_FAILED',
        register: context.register,
        operator: context.operator,
        authorizer: code,
        subject: context.purpose,
        detail: `adresse ${context.address}`,
        at: now,
      });
      if (lockedNow) throw locked(this.options.lockMs);
      throw new ApiError(401, 'BAD_CREDENTIALS', 'Code utilisateur ou code PIN incorrect');
    }
    this.byUser.succeed([userKey]);
    return user;
  }

  async login(
    userCode: string,
    pin: string,
    register: number,
    address: string,
  ): Promise<{ token: string; session: Session }> {
    await this.requireRegister(register);
    const user = await this.authenticate(userCode, pin, {
      register,
      address,
      operator: userCode.trim().toUpperCase(),
      purpose: 'connexion',
    });
    const now = this.clock();
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      tokenHash: hashToken(token),
      user,
      register,
      expiresAt: now.getTime() + this.options.sessionMs,
    };
    await this.db
      .insertInto('server_sessions')
      .values({
        token_hash: session.tokenHash,
        user_code: user.code,
        register_number: register,
        created_at: now.toISOString(),
        expires_at: new Date(session.expiresAt).toISOString(),
      })
      .execute();
    this.cache.set(session.tokenHash, session);
    await this.events.record(this.db, { kind: 'LOGIN', register, operator: user.code, at: now });
    return { token, session };
  }

  /** The session of a bearer token; 401 when unknown or expired. */
  async resolve(token: string): Promise<Session> {
    const tokenHash = hashToken(token);
    const now = this.clock().getTime();
    let session = this.cache.get(tokenHash);
    if (session === undefined) {
      const row = await this.db
        .selectFrom('server_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      const user = row === undefined ? undefined : await findUser(this.db, row.user_code);
      if (row !== undefined && user !== undefined) {
        session = {
          tokenHash,
          user,
          register: row.register_number,
          expiresAt: Date.parse(row.expires_at),
        };
        this.cache.set(tokenHash, session);
      }
    }
    if (session === undefined || session.expiresAt <= now) {
      if (session !== undefined) await this.drop(tokenHash);
      throw new ApiError(401, 'NOT_AUTHENTICATED', 'Session absente ou expirée : connectez-vous');
    }
    return session;
  }

  /** "Changer utilisateur": another user takes the session over on the same register. */
  async switchUser(session: Session, userCode: string, pin: string, address: string): Promise<Session> {
    const user = await this.authenticate(userCode, pin, {
      register: session.register,
      address,
      operator: session.user.code,
      purpose: 'changement d’utilisateur',
    });
    await this.db
      .updateTable('server_sessions')
      .set({ user_code: user.code })
      .where('token_hash', '=', session.tokenHash)
      .execute();
    const next: Session = { ...session, user };
    this.cache.set(session.tokenHash, next);
    await this.events.record(this.db, {
      kind: 'USER_SWITCH',
      register: session.register,
      operator: user.code,
      authorizer: session.user.code,
      at: this.clock(),
    });
    return next;
  }

  async logout(session: Session): Promise<void> {
    await this.drop(session.tokenHash);
    await this.events.record(this.db, {
      kind: 'LOGOUT',
      register: session.register,
      operator: session.user.code,
      at: this.clock(),
    });
  }

  /**
   * A user was changed from the back office: their cached sessions are read again at the next request
   * (new role and rights); with `end`, they are closed (user disabled, PIN reset).
   */
  async forgetUser(code: string, end: boolean): Promise<void> {
    for (const [tokenHash, session] of this.cache) {
      if (session.user.code === code) this.cache.delete(tokenHash);
    }
    if (end) await this.db.deleteFrom('server_sessions').where('user_code', '=', code).execute();
  }

  private async drop(tokenHash: string): Promise<void> {
    this.cache.delete(tokenHash);
    await this.db.deleteFrom('server_sessions').where('token_hash', '=', tokenHash).execute();
  }

  private async requireRegister(register: number): Promise<void> {
    const row = await this.db
      .selectFrom('registers')
      .select('id')
      .where('number', '=', register)
      .executeTakeFirst();
    if (row === undefined) throw new ApiError(404, 'UNKNOWN_REGISTER', `Caisse inconnue : ${register}`);
  }
}

function locked(ms: number): ApiError {
  const seconds = Math.ceil(ms / 1000);
  return new ApiError(
    429,
    'PIN_LOCKED',
    `Trop d’essais de code PIN : réessayez dans ${seconds} s`,
    undefined,
    { retryAfterSeconds: seconds },
  );
}
