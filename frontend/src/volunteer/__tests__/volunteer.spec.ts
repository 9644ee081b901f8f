import { describe, expect, it, vi } from 'vitest'
import { chime, vibrate } from '../alert'
import { hoursOf, minutesOf } from '../hours'
import { calloutFormErrors, emptyCalloutForm, isoFromLocal } from '../compose'

describe('call-out alert', () => {
  it('vibrates where the browser can, and quietly does nothing where it cannot', () => {
    const buzz = vi.fn(() => true)
    vi.stubGlobal('navigator', { ...navigator, vibrate: buzz })
    expect(vibrate()).toBe(true)
    expect(buzz).toHaveBeenCalledWith([200, 100, 200])

    vi.stubGlobal('navigator', { userAgent: 'iPhone' })
    expect(vibrate()).toBe(false)
    vi.stubGlobal('navigator', {
      vibrate: () => {
        throw new Error('blocked')
      },
    })
    expect(vibrate()).toBe(false)
  })

  it('plays two short notes through WebAudio, resuming a suspended context; none without WebAudio', () => {
    vi.stubGlobal('AudioContext', undefined)
    vi.stubGlobal('webkitAudioContext', undefined)
    expect(chime()).toBe(false)

    const started: number[] = []
    const resume = vi.fn(() => Promise.reject(new Error('needs a gesture')))
    class FakeContext {
      state = 'suspended'
      currentTime = 0
      destination = {}
      resume = resume
      createOscillator() {
        const node = { type: '', frequency: { value: 0 }, connect: (n: unknown) => n, start: () => started.push(node.frequency.value), stop: () => undefined }
        return node
      }
      createGain() {
        return { gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined }, connect: (n: unknown) => n }
      }
    }
    vi.stubGlobal('AudioContext', FakeContext)
    expect(chime()).toBe(true)
    expect(started).toEqual([880, 1318.5])
    expect(resume).toHaveBeenCalled()
  })
})

describe('hours and the call-out form', () => {
  it('turns minutes into hours and typed hours into minutes', () => {
    expect(hoursOf(90)).toBe('1.5')
    expect(hoursOf(null)).toBe('0')
    expect(minutesOf('2')).toBe(120)
    expect(minutesOf('1，5')).toBe(90)
    expect(minutesOf('')).toBeNull()
    expect(minutesOf('25')).toBeNull()
    expect(minutesOf('abc')).toBeNull()
  })

  it('defaults to tomorrow morning and refuses a start in the past or an end before the start', () => {
    const now = new Date('2026-11-27T20:00:00+08:00') // Shanghai's evening, whatever the device's zone
    const form = emptyCalloutForm(10, now)
    expect(form.startsAt).toBe('2026-11-28T09:00')
    expect(form.endsAt).toBe('2026-11-28T11:00')
    expect(isoFromLocal('')).toBe('')

    Object.assign(form, { title: '清理', description: '楼道', location: '3 号楼' })
    expect(calloutFormErrors(form, now.getTime())).toEqual({})
    expect(calloutFormErrors({ ...form, startsAt: '2026-11-27T08:00' }, now.getTime())).toMatchObject({
      starts_at: 'volunteer.compose.startInFuture',
    })
    expect(calloutFormErrors({ ...form, endsAt: '2026-11-28T08:00', capacity: '0' }, now.getTime())).toEqual({
      ends_at: 'volunteer.compose.endAfterStart',
      capacity: 'volunteer.compose.capacityRange',
    })
  })
})
