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

  return {
    date: (iso: string | null | undefined) => format(iso, { dateStyle: 'medium' }),
    dateTime: (iso: string | null | undefined) => format(iso, { dateStyle: 'medium', timeStyle: 'short' }),
    address: ({ building, unit, room }: Address) =>
      unit ? t('place.address', { building, unit, room }) : t('place.addressNoUnit', { building, room }),
  }
}
