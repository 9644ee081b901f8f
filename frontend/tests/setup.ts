import { afterEach, beforeEach } from 'vitest'
import { enableAutoUnmount } from '@vue/test-utils'
import { setLocale } from '../src/i18n'
import { resetRealtime } from '../src/realtime'
import { FakeWebSocket } from './fakeSocket'

beforeEach(() => {
  window.localStorage.clear()
  setLocale('zh-CN', { remember: false })
})

afterEach(() => {
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0]?.trim()
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`
  }
  // The app's one live connection: each test starts with none.
  resetRealtime()
  FakeWebSocket.reset()
})

// Pages are mounted into document.body (Vant's dialogs need it); unmount each after its test.
enableAutoUnmount(afterEach)
