/**
 * Time in the place's time zone, whatever zone the viewer's device is set to.
 *
 * Events happen in the neighbourhood (Asia/Shanghai unless the server's TIME_ZONE says
 * otherwise; GET /api/auth/session tells): a call-out at 09:00 reads 09:00 on a phone set to
 * UTC too, and a time typed into a form means that time there. Nothing else in the app reads
 * the device's zone (no getHours(), toLocale*() or Intl without a timeZone). Formatting for
 * people is in format.ts, built on the parts computed here.
 */

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

let zone = DEFAULT_TIME_ZONE
const partFormats = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock reading of an instant in a zone; `weekday` 0 is Sunday. */
export interface ZonedParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  weekday: number
}

export function isTimeZone(name: unknown): name is string {
  if (typeof name !== 'string' || !name) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** Use `name` from now on (the server's setting); an unknown name keeps the current zone. */
export function setTimeZone(name: unknown): void {
  if (isTimeZone(name)) zone = name
}

export function timeZone(): string {
  return zone
}

function partFormat(name: string): Intl.DateTimeFormat {
  let format = partFormats.get(name)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
    partFormats.set(name, format)
  }
  return format
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** The instant `at` (ms, ISO string or Date) as read on a clock in `name` (the place's zone). */
export function zonedParts(at: number | string | Date, name = zone): ZonedParts | null {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime()
  if (Number.isNaN(ms)) return null
  const found: Record<string, string> = {}
  for (const part of partFormat(name).formatToParts(ms)) found[part.type] = part.value
  return {
    year: Number(found.year),
    month: Number(found.month),
    day: Number(found.day),
    hour: Number(found.hour) % 24,
    minute: Number(found.minute),
    weekday: WEEKDAYS.indexOf(found.weekday ?? ''),
  }
}

/** How far the zone's clocks are ahead of UTC at instant `ms`, in ms. */
function offsetAt(ms: number, name: string): number {
  const p = zonedParts(ms, name)
  if (!p) return 0
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute)
  return wall - Math.floor(ms / 60_000) * 60_000
}

/** The instant at which clocks in the zone read the given wall time. */
export function fromWallTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, name = zone): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  let guess = wall - offsetAt(wall, name)
  guess = wall - offsetAt(guess, name) // once more across a change of offset
  return guess
}

/** A number of days since 1970-01-01 for a zoned date: days compare and subtract. */
export function dayNumber(parts: Pick<ZonedParts, 'year' | 'month' | 'day'>): number {
  return Math.round(Date.UTC(parts.year, parts.month - 1, parts.day) / 86_400_000)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** An instant as the value of `<input type="datetime-local">`, read in the place's zone. */
export function toWallInput(at: number | string | Date): string {
  const p = zonedParts(at)
  return p ? `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}` : ''
}

/** An instant as the value of `<input type="date">`, read in the place's zone. */
export function toDateInput(at: number | string | Date): string {
  return toWallInput(at).slice(0, 10)
}

/** A datetime-local value, meant in the place's zone, as an ISO instant; '' when not a time. */
export function fromWallInput(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim())
  if (!match) return ''
  const [year, month, day, hour, minute, second] = match.slice(1).map((n) => Number(n ?? 0)) as number[]
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59) return ''
  return new Date(fromWallTime(year!, month!, day!, hour!, minute!, second!)).toISOString()
}

/** The last second of a day ("2026-12-04") in the place's zone, as an ISO instant. */
export function endOfDayIn(day: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return null
  const [year, month, date] = match.slice(1).map(Number) as [number, number, number]
  if (month < 1 || month > 12 || date < 1 || date > 31) return null
  return new Date(fromWallTime(year, month, date, 23, 59, 59)).toISOString()
}

/** Wall time `days` days after `at`'s day, at `hour`:`minute`, in the place's zone. */
export function wallTimeAfter(at: number, days: number, hour: number, minute = 0): number {
  const p = zonedParts(at)
  if (!p) return at
  const shifted = new Date(Date.UTC(p.year, p.month - 1, p.day + days))
  return fromWallTime(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate(), hour, minute)
}
