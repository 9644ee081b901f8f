/** Minutes (as the server counts volunteer time) to hours for people: 90 → "1.5". */
export function hoursOf(minutes: number | null | undefined): string {
  if (!minutes) return '0'
  return String(Math.round((minutes / 60) * 10) / 10)
}

/** Hours typed by an organiser ("1.5") to whole minutes; null when not a number in 0–24. */
export function minutesOf(hours: string | number): number | null {
  const value = typeof hours === 'number' ? hours : Number(String(hours).trim().replace('，', '.').replace(',', '.'))
  if (!Number.isFinite(value) || value < 0 || value > 24 || String(hours).trim() === '') return null
  return Math.round(value * 60)
}
