/**
 * Every date and time a person reads, and addresses: one format per language, always in the
 * place's time zone (time.ts), with relative times ("3 分钟前") for lists.
 *
 * The words and patterns are messages (`time.*` in the locales), so they are translated like
 * everything else; the numbers come from the zoned clock, never from the device's zone.
 */
import { ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { i18n } from './i18n'
import { dayNumber, zonedParts, type ZonedParts } from './time'

interface Address {
  building: string
  unit: string
  room: string
}

type When = string | null | undefined

const t = (key: string, params: Record<string, unknown> = {}) => i18n.global.t(key, params)

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function list(key: string): string[] {
  return t(key).split(',')
}

function parts(iso: When): ZonedParts | null {
  return iso ? zonedParts(iso) : null
}

function clockOf(p: ZonedParts): string {
  return t('time.clock', { hour: pad(p.hour), minute: pad(p.minute) })
}

function monthName(p: ZonedParts): string {
  return list('time.months')[p.month - 1] ?? String(p.month)
}

function dateOf(p: ZonedParts, withYear = true): string {
  const month = monthName(p)
  return withYear ? t('time.date', { year: p.year, month, day: p.day }) : t('time.monthDay', { month, day: p.day })
}

function weekdayOf(p: ZonedParts): string {
  return list('time.weekdays')[p.weekday] ?? ''
}

/** "12月4日（周五）" — the year only when it is not this year's. */
function dayOf(p: ZonedParts, now: number): string {
  const thisYear = zonedParts(now)?.year === p.year
  return t('time.dayWithWeekday', { date: dateOf(p, !thisYear), weekday: weekdayOf(p) })
}

/** 2026年12月4日 */
export function formatDate(iso: When): string {
  const p = parts(iso)
  return p ? dateOf(p) : (iso ?? '')
}

/** 2026年12月4日 09:00 */
export function formatDateTime(iso: When): string {
  const p = parts(iso)
  return p ? t('time.dateTime', { date: dateOf(p), time: clockOf(p) }) : (iso ?? '')
}

/** 09:00 */
export function formatClock(iso: When): string {
  const p = parts(iso)
  return p ? clockOf(p) : (iso ?? '')
}

/** A message's time: the hour today, "昨天 09:00", then the day and hour (and year). */
export function formatMessageTime(iso: When, now = Date.now()): string {
  const p = parts(iso)
  const today = zonedParts(now)
  if (!p || !today) return iso ?? ''
  const days = dayNumber(today) - dayNumber(p)
  if (days === 0) return clockOf(p)
  if (days === 1) return t('time.yesterday', { time: clockOf(p) })
  return t('time.dateTime', { date: dateOf(p, p.year !== today.year), time: clockOf(p) })
}

/** How long ago, for lists: 刚刚, 3 分钟前, 2 小时前, 昨天 09:00, 3 天前, then the date. */
export function formatRelative(iso: When, now = Date.now()): string {
  const p = parts(iso)
  const today = zonedParts(now)
  if (!p || !today || !iso) return iso ?? ''
  const seconds = Math.round((now - Date.parse(iso)) / 1000)
  if (seconds < -60) return formatDateTime(iso) // in the future: say when
  if (seconds < 60) return t('time.justNow')
  if (seconds < 3600) return t('time.minutesAgo', { n: Math.floor(seconds / 60) })
  const days = dayNumber(today) - dayNumber(p)
  if (days === 0) return t('time.hoursAgo', { n: Math.floor(seconds / 3600) })
  if (days === 1) return t('time.yesterday', { time: clockOf(p) })
  if (days < 7) return t('time.daysAgo', { n: days })
  return dateOf(p, p.year !== today.year)
}

/** When something runs: "12月4日（周五）09:00–12:00", or both days when it ends on another. */
export function formatRange(startIso: When, endIso: When, now = Date.now()): string {
  const start = parts(startIso)
  const end = parts(endIso)
  if (!start) return startIso ?? ''
  if (!end) return t('time.dayAt', { day: dayOf(start, now), time: clockOf(start) })
  if (dayNumber(start) === dayNumber(end)) {
    return t('time.sameDayRange', { day: dayOf(start, now), start: clockOf(start), end: clockOf(end) })
  }
  return t('time.range', {
    start: t('time.dayAt', { day: dayOf(start, now), time: clockOf(start) }),
    end: t('time.dayAt', { day: dayOf(end, now), time: clockOf(end) }),
  })
}

// One clock for every relative time on the page, moving every 30 s while the app runs.
const ticking: Ref<number> = ref(Date.now())
let timer: ReturnType<typeof setInterval> | null = null

function liveNow(): Ref<number> {
  if (!timer && typeof window !== 'undefined') {
    timer = setInterval(() => (ticking.value = Date.now()), 30_000)
  }
  return ticking
}

/** The formats above for a component: they follow the chosen language (and, for relative
 * times, the clock). */
export function useFormat() {
  const { t: translate, locale } = useI18n()
  const now = liveNow()
  // Reading the locale makes each formatted text re-render when the language changes.
  const inLocale = <T>(fn: () => T): T => (void locale.value, fn())

  return {
    time: (iso: When) => inLocale(() => formatMessageTime(iso, now.value)),
    clock: (iso: When) => inLocale(() => formatClock(iso)),
    date: (iso: When) => inLocale(() => formatDate(iso)),
    dateTime: (iso: When) => inLocale(() => formatDateTime(iso)),
    relative: (iso: When) => inLocale(() => formatRelative(iso, now.value)),
    range: (start: When, end: When) => inLocale(() => formatRange(start, end, now.value)),
    address: ({ building, unit, room }: Address) =>
      unit ? translate('place.address', { building, unit, room }) : translate('place.addressNoUnit', { building, room }),
  }
}

/** For tests: set the clock relative times are measured against. */
export function setNowForTests(ms: number): void {
  ticking.value = ms
}
