import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fakeServer, mountAt, wangFang } from '../../../tests/helpers'
import { forget, recall, remember } from '../../offline'
import { keyBytes, pushState } from '../push'
import { reportVisibility } from '../visibility'
import type { RealtimeClient } from '../../realtime'

const SETTINGS = {
  direct: true,
  mention: true,
  reply: true,
  urgent: true,
  callout: true,
  decision: true,
  letter: true,
  cases: true,
  digest: false,
  quiet_start: null,
  quiet_end: null,
  muted_conversations: [],
  devices: 0,
}

/** A browser with service workers, the Push API and a permission the test decides. */
function pushBrowser(permission: NotificationPermission, existing: PushSubscription | null = null) {
  const subscribe = vi.fn(async () => ({
    endpoint: 'https://push.example/abc',
    toJSON: () => ({ endpoint: 'https://push.example/abc', keys: { p256dh: 'P'.repeat(87), auth: 'A'.repeat(22) } }),
    unsubscribe: vi.fn(async () => true),
  }))
  const registration = { pushManager: { getSubscription: vi.fn(async () => existing), subscribe } }
  vi.stubGlobal('PushManager', function PushManager() {})
  const notification = Object.assign(function Notification() {}, {
    permission,
    requestPermission: vi.fn(async () => permission),
  })
  vi.stubGlobal('Notification', notification)
  Object.defineProperty(navigator, 'serviceWorker', {
    configurable: true,
    value: { register: vi.fn(async () => registration), ready: Promise.resolve(registration) },
  })
  return { subscribe, registration }
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'serviceWorker')
  forget('chat.conversations')
})

describe('push on this device', () => {
  it('reads the VAPID key as the Push API takes it', () => {
    expect(Array.from(keyBytes('AQID_-8'))).toEqual([1, 2, 3, 255, 239])
  })

  it('says when the browser cannot push at all', async () => {
    expect(await pushState()).toBe('unsupported')
  })

  it('subscribes with the server key after permission and stores the subscription', async () => {
    const { subscribe } = pushBrowser('granted')
    const server = fakeServer({
      'GET /api/notifications/settings': { status: 200, body: SETTINGS },
      'GET /api/notifications/vapid': { status: 200, body: { public_key: 'AQID' } },
      'POST /api/notifications/subscriptions': { status: 201, body: { endpoint: 'https://push.example/abc', created: true } },
    })
    const { wrapper } = await mountAt('/settings/notifications', wangFang())
    await flushPromises()
    expect(wrapper.get('[data-testid="push-state"]').text()).toBe('未开启：只有打开页面时才能看到新消息')
    server.set('GET /api/notifications/settings', { status: 200, body: { ...SETTINGS, devices: 1 } })
    await wrapper.get('[data-testid="push-toggle"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.get('[data-testid="push-devices"]').text()).toContain('1'))
    expect(subscribe).toHaveBeenCalledWith({ userVisibleOnly: true, applicationServerKey: new Uint8Array([1, 2, 3]) })
    expect(server.calls('POST', '/api/notifications/subscriptions')[0]?.body).toEqual({
      endpoint: 'https://push.example/abc',
      keys: { p256dh: 'P'.repeat(87), auth: 'A'.repeat(22) },
    })
    expect(wrapper.get('[data-testid="push-state"]').text()).toBe('已开启：页面关闭时也会收到提醒')
    expect(wrapper.get('[data-testid="push-devices"]').text()).toBe('已开启推送的设备：1 台')
    wrapper.unmount()
  })

  it('tells the person how to allow notifications once the browser blocks them', async () => {
    pushBrowser('denied')
    fakeServer({ 'GET /api/notifications/settings': { status: 200, body: SETTINGS } })
    const { wrapper } = await mountAt('/settings/notifications', wangFang())
    await flushPromises()
    expect(wrapper.find('[data-testid="push-denied"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="push-toggle"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('saves a switched-off kind and quiet hours, and shows the server refusing', async () => {
    const server = fakeServer({
      'GET /api/notifications/settings': { status: 200, body: SETTINGS },
      'PATCH /api/notifications/settings': (request) => ({
        status: 200,
        body: { ...SETTINGS, ...(request.body as object) },
      }),
    })
    const { wrapper } = await mountAt('/settings/notifications', wangFang())
    await flushPromises()
    const reply = wrapper.get('[data-testid="push-kind-reply"]')
    await reply.setValue(false)
    await vi.waitFor(() => expect(server.calls('PATCH', '/api/notifications/settings')).toHaveLength(1))
    await flushPromises()
    expect(server.calls('PATCH', '/api/notifications/settings')[0]?.body).toEqual({ reply: false })
    expect((reply.element as HTMLInputElement).checked).toBe(false)
    await wrapper.get('[data-testid="quiet-start"]').setValue('21:30')
    await vi.waitFor(() => expect(server.calls('PATCH', '/api/notifications/settings')).toHaveLength(2))
    await flushPromises()
    expect(server.calls('PATCH', '/api/notifications/settings')[1]?.body).toEqual({
      quiet_start: '21:30',
      quiet_end: '07:00',
    })
    server.set('PATCH /api/notifications/settings', {
      status: 400,
      body: { detail: '请改正标出的字段。', code: 'invalid', errors: {} },
    })
    await wrapper.get('[data-testid="push-kind-digest"]').setValue(true)
    await vi.waitFor(() => expect(server.calls('PATCH', '/api/notifications/settings')).toHaveLength(3))
    await flushPromises()
    // Refused: the switch shows what is saved, not what was tried.
    expect((wrapper.get('[data-testid="push-kind-digest"]').element as HTMLInputElement).checked).toBe(false)
    wrapper.unmount()
  })
})

describe('the page in view', () => {
  it('tells the server when the socket opens and whenever the page is shown or hidden', () => {
    const opened: Array<() => void> = []
    const request = vi.fn(async () => ({ type: 'ack' }))
    const client = { state: 'open', onOpen: (f: () => void) => (opened.push(f), () => undefined), request }
    let state: DocumentVisibilityState = 'visible'
    const doc = new EventTarget() as unknown as Document
    Object.defineProperty(doc, 'visibilityState', { get: () => state })
    reportVisibility(client as unknown as RealtimeClient, doc)
    opened[0]?.()
    state = 'hidden'
    doc.dispatchEvent(new Event('visibilitychange'))
    expect(request.mock.calls).toEqual([
      ['visibility', { visible: true }],
      ['visibility', { visible: false }],
    ])
  })
})

describe('offline copies', () => {
  it('keeps the last-seen copy for its person only', () => {
    remember('chat.conversations', 7, [{ id: 1 }])
    expect(recall('chat.conversations', 7)).toEqual([{ id: 1 }])
    expect(recall('chat.conversations', 8)).toBeNull()
  })
})
