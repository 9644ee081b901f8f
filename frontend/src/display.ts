/**
 * Elder mode on the page: the text size (per cent of the phone's own, so every rem follows)
 * and high contrast, set on <html>. The choice is kept on this device, and public/display-boot.js
 * (loaded by index.html) applies it from there before the first paint: it must read the same key
 * and set the same things as applyDisplay. The account keeps it too: stores/display.ts.
 */
import type { TextSize } from './types'

export const DISPLAY_STORAGE_KEY = 'shequtong.display'
export const TEXT_SIZES: readonly TextSize[] = [100, 125, 150]

export interface Display {
  textSize: TextSize
  highContrast: boolean
}

export const DEFAULT_DISPLAY: Display = { textSize: 100, highContrast: false }

export function isTextSize(value: unknown): value is TextSize {
  return typeof value === 'number' && (TEXT_SIZES as readonly number[]).includes(value)
}

/** What this device remembers (the default when nothing, or nothing readable). */
export function storedDisplay(): Display {
  try {
    const raw: unknown = JSON.parse(window.localStorage.getItem(DISPLAY_STORAGE_KEY) ?? '{}')
    const data = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
    return {
      textSize: isTextSize(data.textSize) ? data.textSize : DEFAULT_DISPLAY.textSize,
      highContrast: data.highContrast === true,
    }
  } catch {
    return { ...DEFAULT_DISPLAY } // storage disabled, or not JSON
  }
}

export function rememberDisplay(display: Display): void {
  try {
    window.localStorage.setItem(DISPLAY_STORAGE_KEY, JSON.stringify(display))
  } catch {
    // the choice then lasts for this visit only
  }
}

/** Shows the page at `display` (the same as index.html's script does before the first paint). */
export function applyDisplay(display: Display): void {
  const root = document.documentElement
  if (display.textSize === 100) {
    root.style.removeProperty('font-size')
    root.removeAttribute('data-text-size')
  } else {
    root.style.fontSize = `${display.textSize}%`
    root.setAttribute('data-text-size', String(display.textSize))
  }
  root.classList.toggle('high-contrast', display.highContrast)
}
