/** The periods the league table offers, as dates (YYYY-MM-DD) read in the place's time zone. */
import { zonedParts } from '../time'

export const PERIODS = ['week', 'month', 'lastMonth', 'quarter', 'year', 'custom'] as const
export type Period = (typeof PERIODS)[number]

function day(year: number, month: number, date: number): string {
  // Date.UTC normalises month and day overflow (the 0th of a month is the last of the one before).
  const d = new Date(Date.UTC(year, month - 1, date))
  return d.toISOString().slice(0, 10)
}

/** The first and last day of `period` as of `now` (custom: null, the person types them). */
export function periodDates(period: Period, now = Date.now()): { since: string; until: string } | null {
  const p = zonedParts(now)
  if (!p || period === 'custom') return null
  const today = day(p.year, p.month, p.day)
  switch (period) {
    case 'week':
      return { since: day(p.year, p.month, p.day - 6), until: today }
    case 'month':
      return { since: day(p.year, p.month, 1), until: today }
    case 'lastMonth':
      return { since: day(p.year, p.month - 1, 1), until: day(p.year, p.month, 0) }
    case 'quarter':
      return { since: day(p.year, p.month - 2, 1), until: today }
    case 'year':
      return { since: day(p.year, 1, 1), until: today }
  }
}
