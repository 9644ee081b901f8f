import { createI18n } from 'vue-i18n'
import { Locale as VantLocale } from 'vant'
import vantEnUS from 'vant/es/locale/lang/en-US'
import vantZhCN from 'vant/es/locale/lang/zh-CN'
import zhCN from './locales/zh-CN'
import en from './locales/en'

export const LOCALES = ['zh-CN', 'en'] as const
export type AppLocale = (typeof LOCALES)[number]

export const DEFAULT_LOCALE: AppLocale = 'zh-CN'
export const LOCALE_STORAGE_KEY = 'shequtong.locale'

/** The value of Accept-Language the Django server expects for each UI language. */
const SERVER_LANGUAGE: Record<AppLocale, string> = { 'zh-CN': 'zh-hans', en: 'en' }

function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

function storedLocale(): AppLocale {
  try {
    const value = window.localStorage.getItem(LOCALE_STORAGE_KEY)
    return isAppLocale(value) ? value : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE // storage disabled (private mode in some in-app browsers)
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, en },
})

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}

export function serverLanguage(): string {
  return SERVER_LANGUAGE[currentLocale()]
}

/** Switches the UI (ours and Vant's) to `locale` and remembers the choice on this device. */
export function setLocale(locale: AppLocale, { remember = true } = {}): void {
  i18n.global.locale.value = locale
  if (locale === 'en') VantLocale.use('en-US', vantEnUS)
  else VantLocale.use('zh-CN', vantZhCN)
  document.documentElement.lang = locale
  if (!remember) return
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    // the choice then lasts only for this visit
  }
}

/** Applies the language remembered on this device (Chinese when none was chosen). */
export function restoreLocale(): void {
  setLocale(storedLocale(), { remember: false })
}

/** Translate outside components (api.ts, stores). */
export const t = i18n.global.t
