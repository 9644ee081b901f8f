import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '../../../App.vue'
import { i18n } from '../../../i18n'
import { createAppRouter } from '../../../router'
import { useSessionStore } from '../../../stores/session'
import { useVolunteerStore } from '../../../stores/volunteer'
import { fakeChatServer } from '../../../../tests/fakeSocket'
import { fakeServer, liWei, mountAt, wangFang as wangFangMe } from '../../../../tests/helpers'
import {
  callout,
  detailOf,
  entry,
  inHours,
  partyMe,
  signup,
  wangFang,
  zhaoLei,
} from '../../../volunteer/__tests__/fixtures'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)
const inDocument = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)

const UNSEEN = { 'GET /api/volunteer/callouts/unseen': { status: 200, body: [] } }

afterEach(() => vi.useRealTimers())

describe('volunteer routes', () => {
  it('has the party and volunteering pages, all behind the login', async () => {
    const router = createAppRouter(createMemoryHistory())
    expect(router.resolve('/party').name).toBe('party')
    expect(router.resolve('/volunteer').name).toBe('volunteer')
    expect(router.resolve('/volunteer/new').name).toBe('volunteer-new')
    expect(router.resolve('/volunteer/me').name).toBe('volunteer-history')
    expect(router.resolve('/volunteer/callouts/12')).toMatchObject({ name: 'volunteer-callout', params: { id: '12' } })
    expect(router.resolve('/volunteer/callouts/12/thanks').name).toBe('volunteer-thanks')
    expect(router.resolve('/volunteer/callouts/abc').name).toBe('not-found')
    for (const path of ['/party', '/volunteer', '/volunteer/new', '/volunteer/me', '/volunteer/callouts/12/checkin']) {
      expect(router.resolve(path).meta.requiresAuth, path).toBe(true)
    }

    // Scanning the QR code while logged out: log in, then back to the check-in with its code.
    fakeServer({})
    const { router: mounted } = await mountAt('/volunteer/callouts/12/checkin?code=abc.def', null)
    expect(mounted.currentRoute.value.name).toBe('login')
    expect(mounted.currentRoute.value.query.next).toBe('/volunteer/callouts/12/checkin?code=abc.def')
  })
})

describe('CalloutsView', () => {
  it('lists upcoming call-outs with their audience, how full they are and my place', async () => {
    fakeChatServer()
    fakeServer({
      ...UNSEEN,
      'GET /api/volunteer/callouts?when=upcoming': {
        status: 200,
        body: [
          detailOf(callout(1, '周六清理楼道', { confirmed: 3, capacity: 10, waiting: 0 })),
          detailOf(callout(2, '社区义诊帮手', { audience: 'residents', confirmed: 10, capacity: 10, waiting: 2 }), {
            me: signup('waiting', { position: 2 }),
          }),
        ],
      },
      'GET /api/volunteer/callouts?when=past': { status: 200, body: [] },
    })
    const { wrapper } = await mountAt('/volunteer', wangFangMe())

    const first = byTestId(wrapper, 'callout-1')
    expect(first.text()).toContain('周六清理楼道')
    expect(first.find('[data-testid="audience-party"]').text()).toBe('党员')
    expect(first.find('[data-testid="callout-count"]').text()).toBe('3/10 已报名')
    const second = byTestId(wrapper, 'callout-2')
    expect(second.find('[data-testid="callout-count"]').text()).toBe('10/10 已报名，候补 2')
    expect(second.find('[data-testid="callout-mine"]').text()).toBe('候补第 2 位')
    // A resident does not post call-outs.
    expect(byTestId(wrapper, 'callout-new').exists()).toBe(false)

    await wrapper.findAll('.van-tab')[1]?.trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'callouts-empty').text()).toContain('还没有往期活动')
  })

  it('offers the committee a way to post a call-out', async () => {
    fakeChatServer()
    fakeServer({ ...UNSEEN, 'GET /api/volunteer/callouts?when=upcoming': { status: 200, body: [] } })
    const { wrapper } = await mountAt('/volunteer', liWei())
    expect(byTestId(wrapper, 'callout-new').exists()).toBe(true)
    expect(byTestId(wrapper, 'callouts-empty').exists()).toBe(true)
  })
})

describe('CalloutView', () => {
  it('signs up with one tap, follows the count live, and cancels after confirming', async () => {
    const socket = fakeChatServer()
    const open = callout(7, '周六清理楼道', { confirmed: 3, capacity: 4 })
    const http = fakeServer({
      ...UNSEEN,
      'GET /api/volunteer/callouts/7': { status: 200, body: detailOf(open) },
      'POST /api/volunteer/callouts/7/signup': { status: 201, body: detailOf({ ...open, confirmed: 4 }, { me: signup('confirmed') }) },
      'DELETE /api/volunteer/callouts/7/signup': {
        status: 200,
        body: detailOf({ ...open, confirmed: 3 }, { me: signup('cancelled') }),
      },
    })
    const { wrapper } = await mountAt('/volunteer/callouts/7', wangFangMe())

    expect(byTestId(wrapper, 'callout-title').text()).toBe('周六清理楼道')
    expect(byTestId(wrapper, 'callout-count').text()).toBe('3/4 已报名')
    expect(byTestId(wrapper, 'callout-post-link').attributes('href')).toBe('/boards/posts/55')

    await byTestId(wrapper, 'callout-signup').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/volunteer/callouts/7/signup')).toHaveLength(1)
    expect(byTestId(wrapper, 'callout-state').text()).toBe('你已报名')
    expect(byTestId(wrapper, 'callout-count').text()).toBe('4/4 已报名')

    // Someone else joins the waiting list: everyone viewing sees it at once.
    socket.event({ type: 'callout.updated', callout: { ...open, confirmed: 4, waiting: 1 }, stream: 'party.10' })
    await flushPromises()
    expect(byTestId(wrapper, 'callout-count').text()).toBe('4/4 已报名，候补 1')
    expect(byTestId(wrapper, 'callout-state').text()).toBe('你已报名')

    await byTestId(wrapper, 'callout-cancel-signup').trigger('click')
    await flushPromises()
    inDocument('callout-cancel-signup-confirm')?.click()
    await flushPromises()
    expect(http.calls('DELETE', '/api/volunteer/callouts/7/signup')).toHaveLength(1)
    expect(byTestId(wrapper, 'callout-signup').exists()).toBe(true)
  })

  it('offers the waiting list when full, and says why signing up is closed', async () => {
    fakeChatServer()
    fakeServer({
      ...UNSEEN,
      'GET /api/volunteer/callouts/8': { status: 200, body: detailOf(callout(8, '满员', { confirmed: 5, capacity: 5 })) },
      'GET /api/volunteer/callouts/9': {
        status: 200,
        body: detailOf(callout(9, '已取消', { status: 'cancelled', cancel_reason: '下雨' }), { can_sign_up: false }),
      },
    })
    const { wrapper, router } = await mountAt('/volunteer/callouts/8', wangFangMe())
    expect(byTestId(wrapper, 'callout-signup').text()).toBe('报名候补')

    await router.push('/volunteer/callouts/9')
    await flushPromises()
    expect(byTestId(wrapper, 'callout-signup').exists()).toBe(false)
    expect(byTestId(wrapper, 'callout-closed').text()).toBe('该召集已取消')
    expect(byTestId(wrapper, 'callout-cancel-reason-text').text()).toBe('取消原因：下雨')
  })

  it('closes sign-up on a page left open when the call-out starts', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
    fakeChatServer()
    const soon = callout(6, '马上开始', { starts_at: inHours(0.25), ends_at: inHours(2) })
    fakeServer({ ...UNSEEN, 'GET /api/volunteer/callouts/6': { status: 200, body: detailOf(soon) } })
    const { wrapper } = await mountAt('/volunteer/callouts/6', wangFangMe())
    expect(byTestId(wrapper, 'callout-signup').exists()).toBe(true)

    vi.setSystemTime(Date.now() + 20 * 60_000)
    vi.advanceTimersByTime(30_000)
    await flushPromises()
    expect(byTestId(wrapper, 'callout-signup').exists()).toBe(false)
    expect(byTestId(wrapper, 'callout-closed').text()).toBe('活动已开始，不能再报名')
  })

  it('gives the organiser a live roster to tick names and set hours on', async () => {
    const socket = fakeChatServer({ me: { id: 2, name: '李伟' } })
    const running = callout(7, '周六清理楼道', { starts_at: inHours(-1), ends_at: inHours(1), confirmed: 1, capacity: 3 })
    const detail = detailOf(running, { can_manage: true, can_sign_up: false, checkin_opens_at: inHours(-3) })
    const checkedIn = entry(31, wangFang, 'confirmed', { checked_in_at: inHours(0), checked_in_by: 'organiser', minutes: 120 })
    const http = fakeServer({
      ...UNSEEN,
      'GET /api/volunteer/callouts/7': { status: 200, body: detail },
      'GET /api/volunteer/callouts/7/roster': { status: 200, body: { callout: running, signups: [entry(31, wangFang, 'confirmed')] } },
      'PATCH /api/volunteer/callouts/7/roster/31': (request) =>
        (request.body as { minutes?: number }).minutes === 90
          ? { status: 200, body: { ...checkedIn, minutes: 90 } }
          : { status: 200, body: checkedIn },
      'GET /api/volunteer/callouts/7/checkin-link': { status: 200, body: { url: 'http://testserver/volunteer/callouts/7/checkin?code=x', code: 'x' } },
    })
    const { wrapper } = await mountAt('/volunteer/callouts/7', liWei())

    expect(byTestId(wrapper, 'roster-summary').text()).toBe('已报名 1/3，候补 0，已签到 0')
    expect(byTestId(wrapper, 'roster-status-1').text()).toBe('已报名')

    socket.event({
      type: 'callout.roster',
      callout_id: 7,
      confirmed: 2,
      waiting: 0,
      entries: [entry(32, zhaoLei, 'confirmed')],
      stream: 'staff.10',
    })
    await flushPromises()
    expect(byTestId(wrapper, 'roster-9').text()).toContain('赵磊')
    expect(byTestId(wrapper, 'roster-summary').text()).toBe('已报名 2/3，候补 0，已签到 0')

    await byTestId(wrapper, 'roster-tick-1').setValue(true)
    await flushPromises()
    expect(http.calls('PATCH', '/api/volunteer/callouts/7/roster/31')[0]?.body).toEqual({ checked_in: true })
    expect(byTestId(wrapper, 'roster-summary').text()).toBe('已报名 2/3，候补 0，已签到 1')

    const hours = byTestId(wrapper, 'roster-hours-1')
    expect((hours.element as HTMLInputElement).value).toBe('2')
    await hours.setValue('1.5')
    await hours.trigger('change')
    await flushPromises()
    expect(http.calls('PATCH', '/api/volunteer/callouts/7/roster/31')[1]?.body).toEqual({ minutes: 90 })

    await byTestId(wrapper, 'checkin-qr-show').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'checkin-qr').attributes('src')).toBe('/api/volunteer/callouts/7/qr.svg')
    expect(byTestId(wrapper, 'checkin-url').text()).toContain('/volunteer/callouts/7/checkin?code=x')
  })
})

describe('CalloutComposeView', () => {
  it('checks the form, then posts the call-out to the community and opens it', async () => {
    fakeChatServer()
    const made = detailOf(callout(70, '周六清理楼道', { audience: 'residents', organiser: { id: 2, name: '李伟' } }), { can_manage: true })
    const http = fakeServer({
      ...UNSEEN,
      'GET /api/party/me': { status: 200, body: [partyMe({ may_organise: true, branch: true })] },
      'POST /api/volunteer/communities/10/callouts': { status: 201, body: made },
      'GET /api/volunteer/callouts/70': { status: 200, body: made },
      'GET /api/volunteer/callouts/70/roster': { status: 200, body: { callout: made, signups: [] } },
    })
    const { wrapper, router } = await mountAt('/volunteer/new', liWei())

    await byTestId(wrapper, 'callout-form').trigger('submit')
    await flushPromises()
    expect(http.calls('POST', '/api/volunteer/communities/10/callouts')).toHaveLength(0)
    expect(byTestId(wrapper, 'callout-form-error').text()).toBe('请检查填写的内容')

    await byTestId(wrapper, 'callout-title-input').setValue('周六清理楼道')
    await byTestId(wrapper, 'callout-description-input').setValue('清理 3 号楼楼道杂物')
    await byTestId(wrapper, 'callout-location-input').setValue('美罗家园 3 号楼')
    await byTestId(wrapper, 'callout-starts-input').setValue('2099-05-02T09:00')
    await byTestId(wrapper, 'callout-ends-input').setValue('2099-05-02T08:00')
    await byTestId(wrapper, 'callout-form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('结束时间须晚于开始时间')

    await byTestId(wrapper, 'callout-ends-input').setValue('2099-05-02T11:00')
    await byTestId(wrapper, 'callout-capacity-input').setValue('6')
    await byTestId(wrapper, 'callout-skills-input').setValue('手套')
    await byTestId(wrapper, 'callout-form').trigger('submit')
    await flushPromises()

    expect(http.calls('POST', '/api/volunteer/communities/10/callouts')[0]?.body).toEqual({
      title: '周六清理楼道',
      description: '清理 3 号楼楼道杂物',
      location: '美罗家园 3 号楼',
      // 09:00 and 11:00 where the call-out happens (Asia/Shanghai), whatever the device's zone
      starts_at: '2099-05-02T01:00:00.000Z',
      ends_at: '2099-05-02T03:00:00.000Z',
      capacity: 6,
      audience: 'residents',
      skills: '手套',
    })
    // (the call-out's page is loaded lazily)
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/volunteer/callouts/70'), { timeout: 5000 })
  })

  it('shows the server’s field errors', async () => {
    fakeChatServer()
    fakeServer({
      ...UNSEEN,
      'GET /api/party/me': { status: 200, body: [partyMe({ may_organise: true })] },
      'POST /api/volunteer/communities/10/callouts': {
        status: 400,
        body: { detail: '请检查填写的内容', code: 'invalid', errors: { capacity: '人数须在 1 到 500 之间' } },
      },
    })
    const { wrapper } = await mountAt('/volunteer/new', liWei())
    await byTestId(wrapper, 'callout-title-input').setValue('义诊')
    await byTestId(wrapper, 'callout-description-input').setValue('帮忙排队')
    await byTestId(wrapper, 'callout-location-input').setValue('活动室')
    await byTestId(wrapper, 'callout-form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[aria-invalid="true"]').attributes('data-testid')).toBe('callout-capacity-input')
  })

  it('tells someone who may not organise that they cannot', async () => {
    fakeChatServer()
    fakeServer({ ...UNSEEN, 'GET /api/party/me': { status: 200, body: [partyMe()] } })
    const { wrapper } = await mountAt('/volunteer/new', wangFangMe())
    expect(byTestId(wrapper, 'callout-compose-denied').exists()).toBe(true)
  })
})

describe('CheckinView', () => {
  it('checks me in with the code from the QR code', async () => {
    fakeChatServer()
    const http = fakeServer({
      ...UNSEEN,
      'POST /api/volunteer/callouts/7/checkin': {
        status: 200,
        body: detailOf(callout(7, '周六清理楼道'), { me: signup('confirmed', { checked_in_at: '2026-11-28T01:05:00+00:00', minutes: 120 }) }),
      },
    })
    const { wrapper } = await mountAt('/volunteer/callouts/7/checkin?code=signed.token', wangFangMe())
    expect(http.calls('POST', '/api/volunteer/callouts/7/checkin')[0]?.body).toEqual({ code: 'signed.token' })
    expect(byTestId(wrapper, 'checkin-done').text()).toContain('签到成功')
    expect(byTestId(wrapper, 'checkin-callout').text()).toBe('周六清理楼道')
  })

  it('explains a refused check-in in words, not codes', async () => {
    fakeChatServer()
    fakeServer({
      ...UNSEEN,
      'POST /api/volunteer/callouts/7/checkin': { status: 400, body: { detail: 'Bad code', code: 'bad_code' } },
    })
    const { wrapper } = await mountAt('/volunteer/callouts/7/checkin?code=forged', wangFangMe())
    expect(byTestId(wrapper, 'checkin-error').text()).toBe('签到码无效，请重新扫描活动现场的二维码')
  })
})

describe('HistoryView', () => {
  it('shows my total hours and each call-out I joined', async () => {
    fakeChatServer()
    fakeServer({
      ...UNSEEN,
      'GET /api/volunteer/me/history': {
        status: 200,
        body: {
          total_minutes: 210,
          callouts: 2,
          entries: [
            { callout: callout(3, '社区义诊', { starts_at: inHours(-30), ends_at: inHours(-28) }), status: 'confirmed', checked_in_at: inHours(-29), minutes: 90 },
            { callout: callout(2, '楼道清理', { starts_at: inHours(-60), ends_at: inHours(-58) }), status: 'confirmed', checked_in_at: inHours(-59), minutes: 120 },
          ],
        },
      },
    })
    const { wrapper } = await mountAt('/volunteer/me', wangFangMe())
    expect(byTestId(wrapper, 'history-total').text()).toContain('3.5')
    expect(byTestId(wrapper, 'history-total').text()).toContain('共参加 2 次')
    expect(byTestId(wrapper, 'history-3').text()).toContain('1.5 小时')
  })
})

describe('call-out notice (app-wide)', () => {
  async function mountApp(routes: Parameters<typeof fakeServer>[0]) {
    const http = fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: {} },
      ...UNSEEN,
      ...routes,
    })
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().set(wangFangMe())
    const router = createAppRouter(createMemoryHistory())
    await router.push('/applications')
    const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
    await flushPromises()
    return { http, wrapper, router }
  }

  it('interrupts the open page with a live call-out (vibrating), and signs up from it', async () => {
    const vibrate = vi.fn(() => true)
    vi.stubGlobal('navigator', { ...navigator, vibrate })
    const socket = fakeChatServer()
    const fresh = callout(20, '帮独居老人取药')
    const { http, wrapper } = await mountApp({
      'GET /api/applications': { status: 200, body: [] },
      'POST /api/volunteer/callouts/20/signup': { status: 201, body: detailOf({ ...fresh, confirmed: 4 }, { me: signup('confirmed') }) },
      'POST /api/volunteer/callouts/20/seen': { status: 204 },
    })
    expect(inDocument('callout-notice-title')).toBeNull()

    socket.event({ type: 'callout.created', callout: fresh, stream: 'party.10' })
    await flushPromises()
    expect(inDocument('callout-notice-title')?.textContent).toBe('帮独居老人取药')
    expect(inDocument('callout-notice')?.textContent).toContain('3/10 已报名')
    expect(vibrate).toHaveBeenCalled()

    // The count fills up while the dialog is open.
    socket.event({ type: 'callout.updated', callout: { ...fresh, confirmed: 5 }, stream: 'party.10' })
    await flushPromises()
    expect(inDocument('callout-notice')?.textContent).toContain('5/10 已报名')

    inDocument('callout-notice-signup')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/volunteer/callouts/20/signup')).toHaveLength(1)
    expect(http.calls('POST', '/api/volunteer/callouts/20/seen')).toHaveLength(1)
    expect(useVolunteerStore().notices).toEqual([])
    wrapper.unmount()
  })

  it('shows the unseen ones on opening the app; "later" only marks them seen', async () => {
    fakeChatServer()
    const { http, wrapper } = await mountApp({
      'GET /api/applications': { status: 200, body: [] },
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(21, '社区义诊帮手', { audience: 'residents' })] },
      'POST /api/volunteer/callouts/21/seen': { status: 204 },
    })
    expect(inDocument('callout-notice-title')?.textContent).toBe('社区义诊帮手')
    inDocument('callout-notice-later')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/volunteer/callouts/21/seen')).toHaveLength(1)
    expect(http.calls('POST', '/api/volunteer/callouts/21/signup')).toHaveLength(0)
    expect(useVolunteerStore().notices).toEqual([])
    wrapper.unmount()
  })

  it('waits while an urgent notice is on screen', async () => {
    fakeChatServer()
    const { wrapper } = await mountApp({
      'GET /api/applications': { status: 200, body: [] },
      'GET /api/boards/urgent': {
        status: 200,
        body: [
          {
            id: 90,
            board: { id: 2, kind: 'notices', place_id: 10 },
            title: '燃气泄漏',
            excerpt: '请勿开火',
            author: { id: 2, name: '李伟' },
            status: 'published',
            pinned: false,
            urgent: true,
            expires_at: null,
            created_at: '2026-11-27T08:00:00+00:00',
            edited_at: null,
            likes: 0,
            comments: 0,
            reads: 0,
            images: [],
            extra: {},
          },
        ],
      },
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(21, '社区义诊帮手')] },
    })
    expect(inDocument('urgent-title')?.textContent).toBe('燃气泄漏')
    expect(inDocument('callout-notice-title')).toBeNull()
    expect(useVolunteerStore().notices).toHaveLength(1)
    wrapper.unmount()
  })
})
