/**
 * A call-out should stand out: a short vibration and a two-note tone, where the browser
 * allows them. Both are best effort — no vibration API (iOS, desktops), no WebAudio, or
 * audio not yet allowed by a user gesture simply means a silent dialog.
 */

type AudioContextClass = typeof AudioContext

let context: AudioContext | null = null

function audioContextClass(): AudioContextClass | null {
  if (typeof window === 'undefined') return null
  const w = window as unknown as { AudioContext?: AudioContextClass; webkitAudioContext?: AudioContextClass }
  return w.AudioContext ?? w.webkitAudioContext ?? null
}

export function vibrate(pattern: number[] = [200, 100, 200]): boolean {
  try {
    return typeof navigator !== 'undefined' && typeof navigator.vibrate === 'function' ? navigator.vibrate(pattern) : false
  } catch {
    return false
  }
}

/** Two short notes (A5 then E6), quiet enough not to startle. */
export function chime(): boolean {
  const Context = audioContextClass()
  if (!Context) return false
  try {
    context ??= new Context()
    const ctx = context
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined)
    const start = ctx.currentTime
    for (const [i, frequency] of [880, 1318.5].entries()) {
      const oscillator = ctx.createOscillator()
      const gain = ctx.createGain()
      const at = start + i * 0.18
      oscillator.type = 'sine'
      oscillator.frequency.value = frequency
      gain.gain.setValueAtTime(0.0001, at)
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16)
      oscillator.connect(gain).connect(ctx.destination)
      oscillator.start(at)
      oscillator.stop(at + 0.17)
    }
    return true
  } catch {
    return false
  }
}

/** Vibration and tone together. */
export function alertCallout(): void {
  vibrate()
  chime()
}
