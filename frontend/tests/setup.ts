import { afterEach, beforeEach } from 'vitest'
import { enableAutoUnmount } from '@vue/test-utils'
import { LOCALE_STORAGE_KEY, setLocale } from '../src/i18n'

beforeEach(() => {
  window.localStorage.removeItem(LOCALE_STORAGE_KEY)
  setLocale('zh-CN', { remember: false })
})

afterEach(() => {
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0]?.trim()
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`
  }
})

// Pages are mounted into document.body (Vant's dialogs need it); unmount each after its test.
enableAutoUnmount(afterEach)
