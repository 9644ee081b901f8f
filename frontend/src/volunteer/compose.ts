/** The call-out form: its fields as typed, defaults, and the request built from them. */
import { fromWallInput, toWallInput, wallTimeAfter } from '../time'
import type { Audience, CalloutInput } from './types'

export interface CalloutForm {
  communityId: number
  title: string
  description: string
  location: string
  /** `<input type="datetime-local">` values, meant in the place's time zone: "2026-11-28T09:00". */
  startsAt: string
  endsAt: string
  capacity: string
  audience: Audience
  skills: string
}

/** An instant as a datetime-local value, read in the place's time zone. */
export function localInput(date: Date): string {
  return toWallInput(date)
}

/** A datetime-local value, meant in the place's time zone, as an ISO time; '' when not a time. */
export function isoFromLocal(value: string): string {
  return value ? fromWallInput(value) : ''
}

/** Tomorrow 9:00–11:00 where the call-out happens, 10 people, all residents. */
export function emptyCalloutForm(communityId = 0, now = new Date()): CalloutForm {
  const start = wallTimeAfter(now.getTime(), 1, 9)
  const end = wallTimeAfter(now.getTime(), 1, 11)
  return {
    communityId,
    title: '',
    description: '',
    location: '',
    startsAt: toWallInput(start),
    endsAt: toWallInput(end),
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
