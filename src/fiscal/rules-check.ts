/**
 * The rules a journal must obey that only its signed records can prove (issue 11, items 3 and 4),
 * shared by both verifiers (`checkJournal` and the streaming `JournalChecker`):
 *
 * - TIME_REVERSED: within a register × chain, a record stamped before its predecessor; a closure
 *   whose period ends before it starts;
 * - DOUBLE_CANCELLATION: a ticket cancelled by a second CANCELLATION record;
 * - CLOSURE_OVERDUE: a sale (TICKET or CANCELLATION) stamped more than 24 hours after the last daily
 *   closure before it (after the register's first sale when it never closed).
 *
 * Memory stays small whatever the journal's size: a stamp per chain, the register's daily closures
 * (a few per day), its cancellations, and the sales that look overdue when they pass. A sale is
 * judged against the daily closures seen so far; a closure seen later can only make it less late, so
 * the suspects are judged again at the end against every closure.
 */
import { MAX_HOURS_WITHOUT_CLOSURE } from './closure.ts';
import { instantOf, type JournalRecord, type Stamp } from './record.ts';
import type { Problem } from './verify.ts';

const LIMIT_MS = MAX_HOURS_WITHOUT_CLOSURE * 3_600_000;

/** `20261123080000` → `23/11/2026 08:00:00 UTC`, for the French messages. */
export function frenchUtc(utc: string): string {
  return `${utc.slice(6, 8)}/${utc.slice(4, 6)}/${utc.slice(0, 4)} ${utc.slice(8, 10)}:${utc.slice(10, 12)}:${utc.slice(12, 14)} UTC`;
}

const ms = (utc: string): number => instantOf({ utc, offset: '+0000' } as Stamp).getTime();

interface DayClosure {
  readonly sequence: number;
  readonly utc: string;
  readonly ticketsTo: number;
}

interface Suspect {
  readonly record: JournalRecord;
  readonly utc: string;
}

interface RegisterRules {
  /** Daily closures by closure sequence. */
  readonly days: DayClosure[];
  firstSaleUtc: string | undefined;
  readonly cancelled: Map<number, number>;
  readonly suspects: Suspect[];
}

function at(r: JournalRecord, code: Problem['code'], message: string): Problem {
  return { register: r.register, chain: r.chain, sequence: r.sequence, code, message };
}

export class RulesChecker {
  private readonly lastUtc = new Map<string, string>();
  private readonly registers = new Map<string, RegisterRules>();
  private readonly problems: Problem[] = [];

  private rules(register: string): RegisterRules {
    let rules = this.registers.get(register);
    if (rules === undefined) {
      rules = { days: [], firstSaleUtc: undefined, cancelled: new Map(), suspects: [] };
      this.registers.set(register, rules);
    }
    return rules;
  }

  /** A closure of the context (before the checked range): it only tells when the register last closed. */
  addContext(r: JournalRecord): void {
    try {
      if (r.type === 'CLOSURE' && r.payload.kind === 'DAY') this.day(r);
    } catch {
      // unreadable fields: the verifier reports them (INVALID_FIELDS, TEXT_MISMATCH)
    }
  }

  private day(r: JournalRecord & { type: 'CLOSURE' }): void {
    const days = this.rules(r.register).days;
    if (days.some((d) => d.sequence === r.sequence)) return;
    const entry = { sequence: r.sequence, utc: r.timestamp.utc, ticketsTo: r.payload.tickets.to };
    let i = days.length;
    while (i > 0 && (days[i - 1] as DayClosure).sequence > r.sequence) i--;
    days.splice(i, 0, entry);
  }

  /** One record of the checked range, in ascending sequence within its register × chain. */
  add(r: JournalRecord): void {
    try {
      this.one(r);
    } catch {
      // unreadable fields: the verifier reports them (INVALID_FIELDS, TEXT_MISMATCH)
    }
  }

  private one(r: JournalRecord): void {
    const key = `${r.register}\u0000${r.chain}`;
    const before = this.lastUtc.get(key);
    const utc = r.timestamp.utc;
    if (before !== undefined && utc < before) {
      this.problems.push(
        at(
          r,
          'TIME_REVERSED',
          `Horodatage antérieur à celui de l'enregistrement précédent (${frenchUtc(utc)} < ${frenchUtc(before)}).`,
        ),
      );
    }
    if (before === undefined || utc > before) this.lastUtc.set(key, utc);
    const rules = this.rules(r.register);
    if (r.type === 'CLOSURE') {
      const p = r.payload;
      if (p.periodEnd.utc < p.periodStart.utc) {
        this.problems.push(
          at(
            r,
            'TIME_REVERSED',
            `Clôture dont la fin précède le début (${frenchUtc(p.periodEnd.utc)} < ${frenchUtc(p.periodStart.utc)}).`,
          ),
        );
      }
      if (p.kind === 'DAY') this.day(r);
      return;
    }
    if (r.type !== 'TICKET' && r.type !== 'CANCELLATION') return;
    if (rules.firstSaleUtc === undefined) rules.firstSaleUtc = utc;
    if (r.type === 'CANCELLATION' && r.payload.cancels !== undefined) {
      const target = r.payload.cancels.sequence;
      const first = rules.cancelled.get(target);
      if (first !== undefined) {
        this.problems.push(
          at(
            r,
            'DOUBLE_CANCELLATION',
            `Le ticket n° ${target} est annulé une seconde fois (déjà annulé par le n° ${first}).`,
          ),
        );
      } else rules.cancelled.set(target, r.sequence);
    }
    if (this.overdueSince(rules, r.sequence, utc) !== undefined) rules.suspects.push({ record: r, utc });
  }

  /** The stamp the 24 hours count from when the sale is overdue, else undefined. */
  private overdueSince(rules: RegisterRules, sequence: number, utc: string): string | undefined {
    let since: string | undefined;
    for (let i = rules.days.length - 1; i >= 0; i--) {
      const d = rules.days[i] as DayClosure;
      if (d.ticketsTo < sequence) {
        since = d.utc;
        break;
      }
    }
    since ??= rules.firstSaleUtc;
    if (since === undefined) return undefined;
    return ms(utc) - ms(since) > LIMIT_MS ? since : undefined;
  }

  /** The problems found, the suspects judged against every daily closure. */
  finish(): Problem[] {
    for (const rules of this.registers.values()) {
      for (const { record, utc } of rules.suspects) {
        const since = this.overdueSince(rules, record.sequence, utc);
        if (since === undefined) continue;
        this.problems.push(
          at(
            record,
            'CLOSURE_OVERDUE',
            `Vente enregistrée plus de ${MAX_HOURS_WITHOUT_CLOSURE} heures après la dernière clôture journalière ou la première vente (${frenchUtc(utc)}, compté depuis ${frenchUtc(since)}).`,
          ),
        );
      }
    }
    return this.problems;
  }
}
