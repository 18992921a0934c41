/** The store's local time for stamps and closure labels (the clock itself is passed in). */
import { type Stamp, stampOf } from '../../fiscal/record.ts';

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC of `timeZone` at `at` (Paris: 60 in winter, 120 in summer). */
export function offsetMinutesAt(at: Date, timeZone: string): number {
  // Offsets change at whole minutes: the last minute asked is remembered per zone (formatting the
  // offset costs more than the rest of a stamp).
  const minute = Math.floor(at.getTime() / 60_000);
  const last = lastOffsets.get(timeZone);
  if (last !== undefined && last.minute === minute) return last.offset;
  const offset = computeOffset(at, timeZone);
  lastOffsets.set(timeZone, { minute, offset });
  return offset;
}

const lastOffsets = new Map<string, { minute: number; offset: number }>();

function computeOffset(at: Date, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (match === null) throw new RangeError(`Fuseau horaire illisible : ${timeZone} (${name}).`);
  if (match[1] === undefined) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

export function localStamp(at: Date, timeZone: string): Stamp {
  return stampOf(at, offsetMinutesAt(at, timeZone));
}

/** The local date `YYYY-MM-DD` of a stamp. */
export function localDateOf(stamp: Stamp): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp.utc);
  const o = /^([+-])(\d{2})(\d{2})$/.exec(stamp.offset);
  if (m === null || o === null) throw new RangeError(`Horodatage invalide : ${stamp.utc}${stamp.offset}.`);
  const offset = (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3]));
  const utc = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  return new Date(utc + offset * 60_000).toISOString().slice(0, 10);
}
