import { afterAll, afterEach, beforeEach } from 'vitest'
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

// Vant measures some components again up to 300 ms after they mount (the tab bar's
// safe-area height). A test file must not end, and its DOM be torn down, while such a
// timer is still due, or it fires into a missing `window`. So short timers are tracked and
// the file ends once every one due within SHORT_MS has run (or was cleared).
const SHORT_MS = 1000
const shortTimers = new Set<unknown>()
const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout
let allRan: (() => void) | null = null

function ran(handle: unknown) {
  shortTimers.delete(handle)
  if (!shortTimers.size && allRan) allRan()
}

globalThis.setTimeout = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
  if (typeof callback !== 'function' || (delay ?? 0) > SHORT_MS) return realSetTimeout(callback, delay, ...args)
  const handle = realSetTimeout(() => {
    try {
      callback(...args)
    } finally {
      ran(handle)
    }
  }, delay)
  shortTimers.add(handle)
  return handle
}) as typeof setTimeout

globalThis.clearTimeout = ((handle?: Parameters<typeof clearTimeout>[0]) => {
  realClearTimeout(handle)
  ran(handle)
}) as typeof clearTimeout

afterAll(async () => {
  if (shortTimers.size) await new Promise<void>((resolve) => (allRan = resolve))
  allRan = null
})
