import { useI18n } from 'vue-i18n'

interface Address {
  building: string
  unit: string
  room: string
}

/** Dates and addresses written the way the chosen language writes them. */
export function useFormat() {
  const { t, locale } = useI18n()

  function format(iso: string | null | undefined, options: Intl.DateTimeFormatOptions): string {
    if (!iso) return ''
    const date = new Date(iso)
    return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale.value, options).format(date)
  }

  /** A message's time: the hour today, the day and hour before. */
  function time(iso: string | null | undefined): string {
    if (!iso) return ''
    const date = new Date(iso)
    if (Number.isNaN(date.getTime())) return iso
    const today = new Date().toDateString() === date.toDateString()
    const options: Intl.DateTimeFormatOptions = today
      ? { hour: '2-digit', minute: '2-digit' }
      : { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }
    return new Intl.DateTimeFormat(locale.value, options).format(date)
  }

  return {
    time,
    date: (iso: string | null | undefined) => format(iso, { dateStyle: 'medium' }),
    dateTime: (iso: string | null | undefined) => format(iso, { dateStyle: 'medium', timeStyle: 'short' }),
    address: ({ building, unit, room }: Address) =>
      unit ? t('place.address', { building, unit, room }) : t('place.addressNoUnit', { building, room }),
  }
}
