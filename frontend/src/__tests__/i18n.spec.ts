import { describe, expect, it } from 'vitest'
import zhCN from '../locales/zh-CN'
import en from '../locales/en'
import { LOCALE_STORAGE_KEY, currentLocale, i18n, restoreLocale, setLocale, serverLanguage } from '../i18n'

type Tree = { [key: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out[path] = value
    else Object.assign(out, flatten(value, path))
  }
  return out
}

const zhMessages = flatten(zhCN)
const enMessages = flatten(en)

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort()
}

describe('locales', () => {
  it('have exactly the same keys', () => {
    const zhKeys = Object.keys(zhMessages)
    const enKeys = Object.keys(enMessages)
    expect(zhKeys.filter((k) => !(k in enMessages)), 'missing in en').toEqual([])
    expect(enKeys.filter((k) => !(k in zhMessages)), 'missing in zh-CN').toEqual([])
    expect(zhKeys.length).toBeGreaterThan(50)
  })

  it('have no empty message and the same placeholders in both languages', () => {
    for (const [key, zh] of Object.entries(zhMessages)) {
      const english = enMessages[key] ?? ''
      expect(zh.trim(), `zh-CN ${key}`).not.toBe('')
      expect(english.trim(), `en ${key}`).not.toBe('')
      expect(placeholders(english), key).toEqual(placeholders(zh))
    }
  })

  it('compile: every message renders, with its placeholders filled', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      setLocale(locale, { remember: false })
      for (const [key, message] of Object.entries(locale === 'en' ? enMessages : zhMessages)) {
        const params = Object.fromEntries(placeholders(message).map((name) => [name, `<${name}>`]))
        const text = i18n.global.t(key, params)
        expect(text, key).not.toBe(key)
        for (const name of Object.keys(params)) expect(text, key).toContain(`<${name}>`)
      }
    }
  })

  it('contain every key the source code asks for', () => {
    const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/__tests__/**'], {
      query: '?raw',
      import: 'default',
      eager: true,
    }) as Record<string, string>
    const used = new Set<string>()
    for (const source of Object.values(sources)) {
      for (const match of source.matchAll(/\bt\(\s*'([\w.]+)'/g)) used.add(match[1] ?? '')
    }
    expect(used.size).toBeGreaterThan(30)
    expect([...used].filter((key) => !(key in zhMessages))).toEqual([])
  })
})

describe('language choice', () => {
  it('defaults to Simplified Chinese', () => {
    restoreLocale()
    expect(currentLocale()).toBe('zh-CN')
    expect(serverLanguage()).toBe('zh-hans')
    expect(i18n.global.t('nav.home')).toBe('首页')
  })

  it('is kept in localStorage and restored', () => {
    setLocale('en')
    expect(window.localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en')
    expect(document.documentElement.lang).toBe('en')

    i18n.global.locale.value = 'zh-CN'
    restoreLocale()
    expect(currentLocale()).toBe('en')
    expect(serverLanguage()).toBe('en')
    expect(i18n.global.t('nav.home')).toBe('Home')
  })

  it('ignores an unknown stored value', () => {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, 'fr')
    restoreLocale()
    expect(currentLocale()).toBe('zh-CN')
  })
})
