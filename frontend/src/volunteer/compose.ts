/** The call-out form: its fields as typed, defaults, and the request built from them. */
import type { Audience, CalloutInput } from './types'

export interface CalloutForm {
  communityId: number
  title: string
  description: string
  location: string
  /** `<input type="datetime-local">` values: local time, "2026-11-28T09:00". */
  startsAt: string
  endsAt: string
  capacity: string
  audience: Audience
  skills: string
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** A Date as a datetime-local value in the device's time zone. */
export function localInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** A datetime-local value as an ISO time with the device's offset; '' when not a time. */
export function isoFromLocal(value: string): string {
  if (!value) return ''
  const date = new Date(value) // datetime-local values are read as local time
  return Number.isNaN(date.getTime()) ? '' : date.toISOString()
}

/** Tomorrow 9:00–11:00, 10 people, all residents. */
export function emptyCalloutForm(communityId = 0, now = new Date()): CalloutForm {
  const start = new Date(now)
  start.setDate(start.getDate() + 1)
  start.setHours(9, 0, 0, 0)
  const end = new Date(start)
  end.setHours(11)
  return {
    communityId,
    title: '',
    description: '',
    location: '',
    startsAt: localInput(start),
    endsAt: localInput(end),
    capacity: '10',
    audience: 'residents',
    skills: '',
  }
}

/** Which required fields are empty or wrong, as field → message key (checked on the server again). */
export function calloutFormErrors(form: CalloutForm, now = Date.now()): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!form.title.trim()) errors.title = 'volunteer.compose.required'
  if (!form.description.trim()) errors.description = 'volunteer.compose.required'
  if (!form.location.trim()) errors.location = 'volunteer.compose.required'
  const start = isoFromLocal(form.startsAt)
  const end = isoFromLocal(form.endsAt)
  if (!start) errors.starts_at = 'volunteer.compose.required'
  else if (new Date(start).getTime() <= now) errors.starts_at = 'volunteer.compose.startInFuture'
  if (!end) errors.ends_at = 'volunteer.compose.required'
  else if (start && new Date(end).getTime() <= new Date(start).getTime()) errors.ends_at = 'volunteer.compose.endAfterStart'
  const capacity = Number(form.capacity)
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 500) errors.capacity = 'volunteer.compose.capacityRange'
  return errors
}

export function calloutInput(form: CalloutForm): CalloutInput {
  return {
    title: form.title.trim(),
    description: form.description.trim(),
    location: form.location.trim(),
    starts_at: isoFromLocal(form.startsAt),
    ends_at: isoFromLocal(form.endsAt),
    capacity: Number(form.capacity),
    audience: form.audience,
    skills: form.skills.trim(),
  }
}
