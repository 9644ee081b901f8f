import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '../App.vue'
import { i18n } from '../i18n'
import { createAppRouter } from '../router'
import { applyDisplay, DISPLAY_STORAGE_KEY, storedDisplay } from '../display'
import { useDisplayStore } from '../stores/display'
import { useSessionStore } from '../stores/session'
import { fakeChatServer } from '../../tests/fakeSocket'
import { fakeServer, sessionOf, wangFang } from '../../tests/helpers'

const root = document.documentElement

function resetRoot() {
  root.style.removeProperty('font-size')
  root.removeAttribute('data-text-size')
  root.classList.remove('high-contrast')
}

afterEach(resetRoot)

/** The script index.html loads in <head>, before the first paint (public/display-boot.js). */
function runPrePaintScript() {
  const html = readFileSync(resolve(__dirname, '../../index.html'), 'utf8')
  expect(html, 'index.html loads the pre-paint script').toContain('<script src="/display-boot.js"></script>')
  expect(/<script>/.test(html), 'index.html has no inline script (the CSP forbids it)').toBe(false)
  const script = readFileSync(resolve(__dirname, '../../public/display-boot.js'), 'utf8')
  new Function(script)()
}

describe('elder mode before the first paint', () => {
  it('applies the text size and contrast kept on this device, as the app does', () => {
    window.localStorage.setItem(DISPLAY_STORAGE_KEY, JSON.stringify({ textSize: 150, highContrast: true }))
    runPrePaintScript()
    const before = [root.style.fontSize, root.dataset.textSize, root.classList.contains('high-contrast')]
    expect(before).toEqual(['150%', '150', true])
    resetRoot()
    applyDisplay(storedDisplay())
    expect([root.style.fontSize, root.dataset.textSize, root.classList.contains('high-contrast')]).toEqual(before)
  })

  it('ignores what it cannot read', () => {
    for (const kept of ['{"textSize": 300}', 'not json', '{"textSize": "150"}']) {
      window.localStorage.setItem(DISPLAY_STORAGE_KEY, kept)
      runPrePaintScript()
      expect(root.style.fontSize).toBe('')
      expect(root.classList.contains('high-contrast')).toBe(false)
      expect(storedDisplay()).toEqual({ textSize: 100, highContrast: false })
    }
  })
})

describe('the display store', () => {
  it('applies and keeps a visitor’s choice on this device only', async () => {
    const server = fakeServer({})
    setActivePinia(createPinia())
    useSessionStore().set(null)
    await useDisplayStore().choose({ textSize: 125 })
    expect(root.style.fontSize).toBe('125%')
    expect(JSON.parse(window.localStorage.getItem(DISPLAY_STORAGE_KEY) ?? '')).toEqual({ textSize: 125, highContrast: false })
    expect(server.calls('POST', '/api/me/display')).toEqual([])
  })

  it('keeps a logged-in person’s choice on the account too', async () => {
    const server = fakeServer({ 'POST /api/me/display': { status: 200, body: { text_size: 150, high_contrast: null } } })
    setActivePinia(createPinia())
    useSessionStore().set(wangFang())
    const display = useDisplayStore()
    await display.choose({ textSize: 150 })
    await display.choose({ highContrast: true })
    expect(server.calls('POST', '/api/me/display').map((r) => r.body)).toEqual([{ text_size: 150 }, { high_contrast: true }])
    expect(root.style.fontSize).toBe('150%')
    expect(root.classList.contains('high-contrast')).toBe(true)
  })

  it('follows the account to another device', async () => {
    const server = fakeServer({})
    window.localStorage.setItem(DISPLAY_STORAGE_KEY, JSON.stringify({ textSize: 100, highContrast: false }))
    setActivePinia(createPinia())
    useSessionStore().set(wangFang({ display: { text_size: 150, high_contrast: true } }))
    expect(root.style.fontSize).toBe('150%')
    expect(root.classList.contains('high-contrast')).toBe(true)
    expect(storedDisplay()).toEqual({ textSize: 150, highContrast: true }) // the next first paint too
    expect(server.calls('POST', '/api/me/display')).toEqual([]) // nothing to tell the account
  })

  it('gives the account this device’s choice when it has never made one', async () => {
    const server = fakeServer({ 'POST /api/me/display': { status: 200, body: { text_size: 125, high_contrast: null } } })
    window.localStorage.setItem(DISPLAY_STORAGE_KEY, JSON.stringify({ textSize: 125, highContrast: false }))
    setActivePinia(createPinia())
    useSessionStore().set(wangFang({ display: { text_size: null, high_contrast: false } }))
    await flushPromises()
    expect(root.style.fontSize).toBe('125%')
    expect(server.calls('POST', '/api/me/display').map((r) => r.body)).toEqual([{ text_size: 125 }])
  })

  it('rejects when the account could not be told, the page showing the new size all the same', async () => {
    fakeServer({ 'POST /api/me/display': { status: 500, body: { detail: '出错了', code: 'error' } } })
    setActivePinia(createPinia())
    useSessionStore().set(wangFang())
    await expect(useDisplayStore().choose({ textSize: 150 })).rejects.toMatchObject({ status: 500 })
    expect(root.style.fontSize).toBe('150%')
  })
})

describe('the display settings in the top bar', () => {
  it('has a labelled button on every page, with the sizes and the contrast switch', async () => {
    const server = fakeServer({
      'POST /api/me/display': { status: 200, body: { text_size: 150, high_contrast: true } },
      'GET /api/auth/session': sessionOf(wangFang()),
      'GET /api/applications': { status: 200, body: [] },
    })
    fakeChatServer()
    server.set('GET /api/boards/urgent', { status: 200, body: [] })
    server.set('GET /api/boards/unread', { status: 200, body: {} })
    server.set('GET /api/volunteer/callouts/unseen', { status: 200, body: [] })
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().set(wangFang())
    const router = createAppRouter(createMemoryHistory())
    await router.push('/applications')
    const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
    await flushPromises()

    const open = document.querySelector<HTMLButtonElement>('[data-testid="display-open"]')
    expect(open?.getAttribute('aria-label')).toBe('显示设置：字号和对比度（长辈模式）')
    open?.click()
    await flushPromises()
    const big = document.querySelector<HTMLInputElement>('[data-testid="display-size-150"]')
    expect(big?.getAttribute('aria-label')).toBe('特大（150%）')
    big?.dispatchEvent(new Event('change'))
    const contrast = document.querySelector<HTMLInputElement>('[data-testid="display-contrast"]')
    expect(contrast?.getAttribute('role')).toBe('switch')
    contrast?.click()
    await flushPromises()
    expect(root.style.fontSize).toBe('150%')
    expect(root.classList.contains('high-contrast')).toBe(true)
    expect(server.calls('POST', '/api/me/display').map((r) => r.body)).toEqual([{ text_size: 150 }, { high_contrast: true }])
    wrapper.unmount()
  })
})
