import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '../api'
import { applyDisplay, DEFAULT_DISPLAY, isTextSize, rememberDisplay, storedDisplay, type Display } from '../display'
import type { DisplayChoice, Me, TextSize } from '../types'

/**
 * Elder mode: the text size and contrast a person chose. Applied at once and kept on this
 * device; for a logged-in person kept on the account as well, so it follows them to another
 * device. When the session is known, the account's choice wins; a choice the account has
 * never made is taken from this device (someone who enlarged the login page keeps it).
 */
export const useDisplayStore = defineStore('display', () => {
  const initial = storedDisplay()
  const textSize = ref<TextSize>(initial.textSize)
  const highContrast = ref(initial.highContrast)
  let signedIn = false

  function current(): Display {
    return { textSize: textSize.value, highContrast: highContrast.value }
  }

  function show(display: Display): void {
    textSize.value = display.textSize
    highContrast.value = display.highContrast
    applyDisplay(display)
    rememberDisplay(display)
  }

  /**
   * Change the display; saved to the account when someone is logged in. Rejects when the
   * account could not be told (the page shows the new display all the same).
   */
  async function choose(changes: Partial<Display>): Promise<void> {
    show({ ...current(), ...changes })
    if (!signedIn) return
    const body: Partial<DisplayChoice> = {}
    if (changes.textSize !== undefined) body.text_size = changes.textSize
    if (changes.highContrast !== undefined) body.high_contrast = changes.highContrast
    await api.saveDisplay(body)
  }

  /** The session is known (a user, or null after logging out). */
  function adopt(user: Me | null): void {
    signedIn = user !== null
    if (!user) return
    const account = user.display ?? { text_size: null, high_contrast: null }
    const device = current()
    const next: Display = {
      textSize: isTextSize(account.text_size) ? account.text_size : device.textSize,
      highContrast: account.high_contrast ?? device.highContrast,
    }
    show(next)
    // What the account has never chosen, this device's non-default choice becomes.
    const missing: Partial<DisplayChoice> = {}
    if (account.text_size === null && device.textSize !== DEFAULT_DISPLAY.textSize) missing.text_size = device.textSize
    if (account.high_contrast === null && device.highContrast) missing.high_contrast = true
    if (Object.keys(missing).length) api.saveDisplay(missing).catch(() => undefined)
  }

  return { textSize, highContrast, choose, adopt }
})
