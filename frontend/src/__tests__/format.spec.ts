import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setLocale } from '../i18n'
import { formatClock, formatDate, formatDateTime, formatMessageTime, formatRange, formatRelative } from '../format'
import {
  DEFAULT_TIME_ZONE,
  endOfDayIn,
  fromWallInput,
  fromWallTime,
  setTimeZone,
  timeZone,
  toDateInput,
  toWallInput,
  wallTimeAfter,
  zonedParts,
} from '../time'

// 2026-12-04 is a Friday. 01:00 UTC is 09:00 in Shanghai.
const START = '2026-12-04T01:00:00Z'
const END = '2026-12-04T04:00:00Z'
const NOW = Date.parse('2026-12-02T08:00:00+08:00')
const deviceZone = process.env.TZ

afterEach(() => {
  setTimeZone(DEFAULT_TIME_ZONE)
  if (deviceZone === undefined) delete process.env.TZ
  else process.env.TZ = deviceZone
})

describe('dates and times in the place’s time zone', () => {
  beforeEach(() => setLocale('zh-CN', { remember: false }))

  it('read the same on a device set to UTC, to Shanghai or to New York', () => {
    const seen = new Set<string>()
    for (const zone of ['UTC', 'Asia/Shanghai', 'America/New_York']) {
      process.env.TZ = zone // the device's zone (Node re-reads it)
      seen.add([formatDateTime(START), formatRange(START, END, NOW), formatMessageTime(START, NOW)].join(' | '))
    }
    expect([...seen]).toEqual(['2026年12月4日 09:00 | 12月4日（周五）09:00–12:00 | 12月4日 09:00'])
  })

  it('follow the place’s zone the server names', () => {
    expect(timeZone()).toBe('Asia/Shanghai')
    setTimeZone('Europe/London')
    expect(formatDateTime(START)).toBe('2026年12月4日 01:00')
    setTimeZone('Not/AZone') // unknown: the zone stays
    expect(timeZone()).toBe('Europe/London')
  })

  it('have one format per language', () => {
    expect(formatDate(START)).toBe('2026年12月4日')
    expect(formatClock(START)).toBe('09:00')
    expect(formatRange(START, '2026-12-04T16:30:00Z', NOW)).toBe('12月4日（周五）09:00 至 12月5日（周六）00:30')
    expect(formatRange('2027-01-08T01:00:00Z', '2027-01-08T03:00:00Z', NOW)).toBe('2027年1月8日（周五）09:00–11:00')
    setLocale('en', { remember: false })
    expect(formatDate(START)).toBe('4 Dec 2026')
    expect(formatDateTime(START)).toBe('4 Dec 2026, 09:00')
    expect(formatRange(START, END, NOW)).toBe('Fri 4 Dec, 09:00–12:00')
    expect(formatRange(START, '2026-12-04T16:30:00Z', NOW)).toBe('Fri 4 Dec, 09:00 to Sat 5 Dec, 00:30')
  })

  it('give a message its hour today, "yesterday", then its day', () => {
    const now = Date.parse('2026-12-04T20:00:00+08:00')
    expect(formatMessageTime('2026-12-04T00:30:00+08:00', now)).toBe('00:30')
    expect(formatMessageTime('2026-12-03T23:59:00+08:00', now)).toBe('昨天 23:59')
    expect(formatMessageTime('2026-11-30T08:05:00+08:00', now)).toBe('11月30日 08:05')
    expect(formatMessageTime('2025-11-30T08:05:00+08:00', now)).toBe('2025年11月30日 08:05')
    // 23:30 UTC on the 3rd is already the 4th in Shanghai: "today", not "yesterday".
    expect(formatMessageTime('2026-12-03T23:30:00Z', now)).toBe('07:30')
  })

  it('say how long ago in lists', () => {
    const now = Date.parse('2026-12-04T20:00:00+08:00')
    const ago = (ms: number) => new Date(now - ms).toISOString()
    expect(formatRelative(ago(20_000), now)).toBe('刚刚')
    expect(formatRelative(ago(3 * 60_000), now)).toBe('3 分钟前')
    expect(formatRelative(ago(59 * 60_000), now)).toBe('59 分钟前')
    expect(formatRelative(ago(5 * 3_600_000), now)).toBe('5 小时前')
    expect(formatRelative('2026-12-03T22:10:00+08:00', now)).toBe('昨天 22:10')
    expect(formatRelative('2026-12-01T10:00:00+08:00', now)).toBe('3 天前')
    expect(formatRelative('2026-11-20T10:00:00+08:00', now)).toBe('11月20日')
    expect(formatRelative('2025-11-20T10:00:00+08:00', now)).toBe('2025年11月20日')
    expect(formatRelative('2026-12-05T10:00:00+08:00', now)).toBe('2026年12月5日 10:00') // ahead: when
    setLocale('en', { remember: false })
    expect(formatRelative(ago(3 * 60_000), now)).toBe('3 min ago')
    expect(formatRelative('2026-12-03T22:10:00+08:00', now)).toBe('yesterday 22:10')
  })

  it('leave what is not a time as it is', () => {
    expect(formatDateTime('')).toBe('')
    expect(formatDateTime(null)).toBe('')
    expect(formatDateTime('not a time')).toBe('not a time')
    expect(formatRelative(undefined)).toBe('')
  })
})

describe('times typed into forms mean the place’s time', () => {
  it('turn a datetime-local value into the instant, and back', () => {
    for (const zone of ['UTC', 'America/New_York']) {
      process.env.TZ = zone
      expect(fromWallInput('2026-12-04T09:00')).toBe('2026-12-04T01:00:00.000Z')
      expect(toWallInput(START)).toBe('2026-12-04T09:00')
      expect(toDateInput('2026-12-04T16:30:00Z')).toBe('2026-12-05')
      expect(endOfDayIn('2026-12-01')).toBe('2026-12-01T15:59:59.000Z')
    }
    expect(fromWallInput('2026-13-04T09:00')).toBe('')
    expect(fromWallInput('tomorrow')).toBe('')
    expect(endOfDayIn('1 Dec')).toBeNull()
  })

  it('cross a change of clocks in a zone that has one', () => {
    setTimeZone('America/New_York')
    // 8 March 2026: clocks go from 02:00 to 03:00 (UTC-5 to UTC-4).
    expect(new Date(fromWallTime(2026, 3, 7, 9, 0)).toISOString()).toBe('2026-03-07T14:00:00.000Z')
    expect(new Date(fromWallTime(2026, 3, 8, 9, 0)).toISOString()).toBe('2026-03-08T13:00:00.000Z')
    expect(new Date(wallTimeAfter(Date.parse('2026-03-07T23:00:00-05:00'), 1, 9)).toISOString()).toBe(
      '2026-03-08T13:00:00.000Z',
    )
  })

  it('read the zoned clock, weekday included', () => {
    expect(zonedParts(START)).toEqual({ year: 2026, month: 12, day: 4, hour: 9, minute: 0, weekday: 5 })
    expect(zonedParts('2026-12-03T16:00:00Z')).toMatchObject({ day: 4, hour: 0 }) // midnight is 0, not 24
    expect(zonedParts('nonsense')).toBeNull()
  })
})

describe('one module formats times', () => {
  it('no other source reads the device’s zone or formats a date itself', () => {
    const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/__tests__/**', '!../time.ts'], {
      query: '?raw',
      import: 'default',
      eager: true,
    }) as Record<string, string>
    const forbidden = /toLocale\w*String|Intl\.DateTimeFormat|\.get(?:Hours|Minutes|Date|Day|Month|FullYear)\(|\.set(?:Hours|Date|Minutes)\(|toDateString/
    const offenders = Object.entries(sources)
      .filter(([, source]) => forbidden.test(source))
      .map(([path]) => path)
    expect(Object.keys(sources).length).toBeGreaterThan(50)
    expect(offenders).toEqual([])
  })
})
