import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import { i18n } from '../../../i18n'
import { createAppRouter } from '../../../router'
import AppTabbar from '../../../components/AppTabbar.vue'
import { useSessionStore } from '../../../stores/session'
import { fakeChatServer } from '../../../../tests/fakeSocket'
import { fakeServer, liWei as liWeiMe, mountAt, place, wangFang as wangFangMe } from '../../../../tests/helpers'
import { aCase, committeeUnit, detailOf, entry, hoursAgo, liWei, may, streetDesk } from '../../../cases/__tests__/fixtures'
import { periodDates } from '../../../cases/periods'
import type { FiguresPage } from '../../../cases/types'

const preview = vi.hoisted(() => vi.fn())
vi.mock('vant', async (original) => ({ ...(await original<typeof import('vant')>()), showImagePreview: preview }))

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)
const inDocument = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)

/** XMLHttpRequest as api.upload() drives it: the test sends progress and the answer. */
class FakeXhr {
  static all: FakeXhr[] = []
  url = ''
  status = 0
  responseText = ''
  private listeners: Record<string, (() => void)[]> = {}
  private progress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void)[] = []
  upload = { addEventListener: (_type: string, listener: (typeof this.progress)[number]) => this.progress.push(listener) }
  constructor() {
    FakeXhr.all.push(this)
  }
  open(_method: string, url: string) {
    this.url = url
  }
  setRequestHeader() {}
  addEventListener(type: string, listener: () => void) {
    ;(this.listeners[type] ??= []).push(listener)
  }
  send() {}
  abort() {}
  sent(loaded: number, total: number) {
    for (const listener of this.progress) listener({ lengthComputable: true, loaded, total })
  }
  answer(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    for (const listener of this.listeners.load ?? []) listener()
  }
}

beforeEach(() => {
  FakeXhr.all = []
  preview.mockClear()
})
afterEach(() => vi.unstubAllGlobals())

const NO_UNITS = { 'GET /api/cases/units/mine': { status: 200, body: [] } }

describe('cases routes and the tab', () => {
  it('has the cases pages, all behind the login, and a 身边事 tab', async () => {
    const router = createAppRouter(createMemoryHistory())
    expect(router.resolve('/cases').name).toBe('cases')
    expect(router.resolve('/cases/new').name).toBe('case-new')
    expect(router.resolve('/cases/queue').name).toBe('case-queue')
    expect(router.resolve('/cases/supervise').name).toBe('case-supervise')
    expect(router.resolve('/cases/12')).toMatchObject({ name: 'case', params: { id: '12' } })
    expect(router.resolve('/cases/abc').name).toBe('not-found')
    for (const path of ['/cases', '/cases/new', '/cases/12', '/cases/queue', '/cases/supervise']) {
      expect(router.resolve(path).meta.requiresAuth, path).toBe(true)
    }

    fakeServer({})
    fakeChatServer()
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().set(wangFangMe())
    await router.push('/')
    const bar = mount(AppTabbar, { global: { plugins: [pinia, router, i18n] } })
    expect(byTestId(bar, 'tab-cases').text()).toBe('身边事')
  })

  it('offers a resident to report a problem from the home page', async () => {
    fakeServer({ 'GET /api/auth/session': { status: 200, body: { authenticated: true, user: wangFangMe(), time_zone: 'Asia/Shanghai' } } })
    const { wrapper } = await mountAt('/', wangFangMe())
    expect(byTestId(wrapper, 'home-report').attributes('href')).toBe('/cases/new')
    expect(byTestId(wrapper, 'home-cases-link').exists()).toBe(true)
  })
})

describe('CasesView', () => {
  it('lists my cases with their state, and the community board with who reported', async () => {
    fakeChatServer()
    fakeServer({
      ...NO_UNITS,
      'GET /api/cases/mine': {
        status: 200,
        body: [aCase(8, '路灯不亮', { status: 'in_progress', tier: 'street', flag: 'amber' }), aCase(7, '楼道堆物', { status: 'resolved' })],
      },
      'GET /api/cases/board?community_id=10': {
        status: 200,
        body: [aCase(9, '小广场变成了菜地', { public: true, reporter: null }), aCase(6, '噪音', { public: true, reporter: liWei })],
      },
    })
    const { wrapper } = await mountAt('/cases', wangFangMe())
    const first = byTestId(wrapper, 'case-8')
    expect(first.text()).toContain('路灯不亮')
    expect(first.find('[data-testid="case-status"]').text()).toBe('处理中')
    expect(first.find('[data-testid="case-tier"]').text()).toBe('街镇')
    expect(first.find('[data-testid="case-flag"]').text()).toBe('即将超时')
    expect(byTestId(wrapper, 'case-7').find('[data-testid="case-status"]').text()).toBe('已解决')
    expect(byTestId(wrapper, 'case-report').exists()).toBe(true)
    expect(byTestId(wrapper, 'case-queue-link').exists()).toBe(false)

    await wrapper.findAll('.van-tab')[1]?.trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'case-9').text()).toContain('一位邻居反映')
    expect(byTestId(wrapper, 'case-6').text()).toContain('李伟 反映')
  })
})

describe('RaiseView', () => {
  it('asks for the kind and the description, uploads a photo with its progress, and opens the new case', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    document.cookie = 'csrftoken=token; path=/'
    fakeChatServer()
    const made = aCase(21, '3号楼东侧绿地被种了菜')
    const http = fakeServer({
      'GET /api/cases/categories?community_id=10': { status: 200, body: [{ id: 3, name: '环境卫生' }, { id: 4, name: '环境绿化' }] },
      'POST /api/cases': { status: 201, body: made },
      'GET /api/cases/21': { status: 200, body: detailOf(made, [entry(1, 21, 'submitted')]) },
    })
    const { wrapper, router } = await mountAt('/cases/new', wangFangMe())
    expect(byTestId(wrapper, 'raise-category').findAll('option').map((o) => o.text())).toEqual(['请选择', '环境卫生', '环境绿化'])

    await byTestId(wrapper, 'raise-form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('请选择问题类别')
    expect(wrapper.text()).toContain('请描述问题')
    expect(http.calls('POST', '/api/cases')).toHaveLength(0)

    await byTestId(wrapper, 'raise-category').setValue('4')
    await byTestId(wrapper, 'raise-description').setValue('3号楼东侧绿地被种了菜')
    await byTestId(wrapper, 'raise-location').setValue('3号楼东侧')
    const input = byTestId(wrapper, 'photo-input')
    Object.defineProperty(input.element, 'files', { value: [new File(['x'], '菜地.jpg', { type: 'image/jpeg' })] })
    await input.trigger('change')
    expect(FakeXhr.all[0]?.url).toBe('/api/cases/photos')
    FakeXhr.all[0]?.sent(50, 100)
    await flushPromises()
    expect((byTestId(wrapper, 'photo-progress').element as HTMLProgressElement).value).toBe(0.5)
    FakeXhr.all[0]?.answer(201, { id: 55, url: '/api/cases/photos/55', thumbnail_url: '/api/cases/photos/55/thumbnail', width: 800, height: 600 })
    await flushPromises()
    expect(byTestId(wrapper, 'photo-progress').exists()).toBe(false)
    expect(byTestId(wrapper, 'photo-picked-done').exists()).toBe(true)

    await byTestId(wrapper, 'raise-public').setValue(true)
    await byTestId(wrapper, 'raise-form').trigger('submit')
    await flushPromises()
    expect(http.calls('POST', '/api/cases')[0]?.body).toEqual({
      community_id: 10,
      category_id: 4,
      description: '3号楼东侧绿地被种了菜',
      estate_id: 100,
      building: '12',
      location: '3号楼东侧',
      public: true,
      show_reporter: false,
      photo_ids: [55],
    })
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/cases/21'))
  })
})

describe('CaseView', () => {
  it('shows the case, its photos full size, and its timeline with internal notes marked', async () => {
    fakeChatServer()
    const photo = { id: 55, url: '/api/cases/photos/55', thumbnail_url: '/api/cases/photos/55/thumbnail', width: 800, height: 600 }
    fakeServer({
      'GET /api/cases/7': {
        status: 200,
        body: detailOf(
          { ...aCase(7, '楼道里堆满了旧家具', { flag: 'red', overdue: true, photos: [photo], tier: 'street', unit: { id: 5, kind: 'street', name: '罗店镇 案件受理' } }) },
          [
            entry(1, 7, 'submitted'),
            entry(2, 7, 'escalated', { actor: liWei, from_unit: '美罗家园第一居委会', to_unit: '罗店镇 案件受理', body: '需要城管' }),
            entry(3, 7, 'note', { actor: liWei, public: false, body: '已电话联系' }),
          ],
        ),
      },
    })
    const { wrapper } = await mountAt('/cases/7', liWeiMe())
    expect(byTestId(wrapper, 'case-description').text()).toBe('楼道里堆满了旧家具')
    expect(byTestId(wrapper, 'case-flag').text()).toBe('已超时')
    expect(byTestId(wrapper, 'case-unit').text()).toContain('罗店镇 案件受理')
    expect(byTestId(wrapper, 'case-entry-2').text()).toContain('美罗家园第一居委会 → 罗店镇 案件受理')
    expect(byTestId(wrapper, 'case-entry-3').find('[data-testid="case-entry-internal"]').text()).toBe('内部')
    expect(byTestId(wrapper, 'case-entry-2').find('[data-testid="case-entry-internal"]').exists()).toBe(false)
    // Nothing I may do: no buttons.
    expect(byTestId(wrapper, 'case-actions').exists()).toBe(false)

    await byTestId(wrapper, 'case-photo-55').trigger('click')
    expect(preview).toHaveBeenCalledWith(expect.objectContaining({ images: ['/api/cases/photos/55'], startPosition: 0 }))
  })

  it('offers the steps `may` allows; a decline needs its reason', async () => {
    fakeChatServer()
    let served = detailOf({ ...aCase(7, '楼道堆物'), may: may('accept', 'decline', 'escalate', 'note') }, [entry(1, 7, 'submitted')])
    const http = fakeServer({
      'GET /api/cases/7': () => ({ status: 200, body: served }),
      'POST /api/cases/7/decline': () => {
        served = detailOf({ ...aCase(7, '楼道堆物', { status: 'declined' }), may: may() }, [entry(1, 7, 'submitted'), entry(2, 7, 'declined', { body: '属于私人物品' })])
        return { status: 200, body: served }
      },
    })
    const { wrapper } = await mountAt('/cases/7', liWeiMe())
    expect(wrapper.findAll('[data-testid^="case-action-"]').map((b) => b.attributes('data-testid'))).toEqual([
      'case-action-accept',
      'case-action-note',
      'case-action-escalate',
      'case-action-decline',
    ])
    await byTestId(wrapper, 'case-action-decline').trigger('click')
    await flushPromises()
    inDocument('case-dialog-confirm')?.click()
    await flushPromises()
    expect(document.body.textContent).toContain('请填写理由')
    expect(http.calls('POST', '/api/cases/7/decline')).toHaveLength(0)

    const reason = inDocument('case-dialog-text') as HTMLTextAreaElement
    reason.value = '属于私人物品'
    reason.dispatchEvent(new Event('input'))
    inDocument('case-dialog-confirm')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/cases/7/decline')[0]?.body).toEqual({ reason: '属于私人物品' })
    expect(byTestId(wrapper, 'case-status').text()).toBe('不予受理')
    expect(byTestId(wrapper, 'case-entry-2').text()).toContain('属于私人物品')
    expect(byTestId(wrapper, 'case-actions').exists()).toBe(false)
  })

  it('lets the reporter rate a resolved case with the stars, and a reply appears live', async () => {
    const socket = fakeChatServer()
    const http = fakeServer({
      'GET /api/cases/7': { status: 200, body: detailOf({ ...aCase(7, '楼道堆物', { status: 'resolved' }), may: may('rate', 'reopen') }, [entry(1, 7, 'submitted')]) },
      'POST /api/cases/7/rate': { status: 200, body: aCase(7, '楼道堆物', { status: 'closed', rating: 4 }) },
    })
    const { wrapper } = await mountAt('/cases/7', wangFangMe())
    socket.event({ type: 'case.entry', stream: 'user.1', case_id: 7, entry: entry(2, 7, 'reply', { actor: liWei, body: '已经清理' }) })
    await flushPromises()
    expect(byTestId(wrapper, 'case-entry-2').text()).toContain('已经清理')

    await byTestId(wrapper, 'case-action-rate').trigger('click')
    await flushPromises()
    inDocument('case-dialog-confirm')?.click()
    await flushPromises()
    expect(document.body.textContent).toContain('请选择满意度')
    const star = document.querySelector<HTMLInputElement>('[data-testid="star-4"] input')
    expect(star?.getAttribute('aria-label')).toBe('4 星')
    star?.click()
    await flushPromises()
    inDocument('case-dialog-confirm')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/cases/7/rate')[0]?.body).toEqual({ rating: 4, body: '' })
  })

  it('says so when the case is not mine to see', async () => {
    fakeChatServer()
    fakeServer({ 'GET /api/cases/7': { status: 404, body: { detail: 'Not found', code: 'not_found' } } })
    const { wrapper } = await mountAt('/cases/7', wangFangMe())
    expect(byTestId(wrapper, 'case-missing').text()).toContain('案件不存在')
  })
})

describe('QueueView', () => {
  it('shows the queue of my unit, most urgent first, and a new case arriving live', async () => {
    const socket = fakeChatServer()
    fakeServer({
      'GET /api/cases/units/mine': { status: 200, body: [streetDesk, committeeUnit] },
      'GET /api/cases/queue?unit_id=5': {
        status: 200,
        body: [aCase(3, '超时的', { flag: 'red', tier: 'street' }), aCase(4, '普通的', { tier: 'street', created_at: hoursAgo(5) })],
      },
    })
    const { wrapper } = await mountAt('/cases/queue', liWeiMe())
    expect(byTestId(wrapper, 'case-queue-unit').findAll('option').map((o) => o.text())).toEqual(['罗店镇 案件受理', '美罗家园第一居委会'])
    expect(wrapper.findAll('[data-testid="case-queue-list"] > li').map((li) => li.attributes('data-testid'))).toEqual(['case-3', 'case-4'])

    socket.event({ type: 'case.queue', stream: 'user.2', case_id: 8, unit: { kind: 'street', id: 5 }, action: 'added', case: aCase(8, '刚上报的', { flag: 'amber', tier: 'street' }) })
    await flushPromises()
    expect(wrapper.findAll('[data-testid="case-queue-list"] > li').map((li) => li.attributes('data-testid'))).toEqual(['case-3', 'case-8', 'case-4'])
  })
})

describe('SuperviseView', () => {
  const supervisor = () =>
    wangFangMe({ id: 30, display_name: '周强', memberships: [], roles: [{ id: 31, kind: 'street_supervisor', kind_label: '街镇督办', place: place(2, '罗店镇', 'town'), show_identity: false }] })

  const figures: FiguresPage = {
    place: { id: 2, name: '罗店镇' },
    level: 'community',
    levels: ['community'],
    figures: { raised: 12, accepted: 10, resolved: 8, overdue: 1, response_p50: 45, resolution_p50: 600, reopen_rate: 0.125, mean_rating: 4.5 },
    rows: [
      { place: { id: 10, name: '美罗家园第一居委会' }, raised: 5, resolved: 4, overdue: 0 },
      { place: { id: 11, name: '罗溪社区' }, raised: 7, resolved: 4, overdue: 1 },
    ],
  }

  it('patrols the area: overdue first, and the urges nobody answered', async () => {
    fakeChatServer()
    fakeServer({
      'GET /api/cases/patrol?place_id=2': {
        status: 200,
        body: {
          cases: [aCase(1, '新的', { created_at: hoursAgo(2) }), aCase(2, '超时', { overdue: true, flag: 'red', created_at: hoursAgo(100) })],
          urges: [{ id: 40, case_id: 2, note: '请尽快处理', created_at: hoursAgo(5), answered_at: null, supervisor: { id: 30, name: '周强' } }],
        },
      },
    })
    const { wrapper } = await mountAt('/cases/supervise', supervisor())
    expect(wrapper.findAll('[data-testid="patrol-cases"] > li').map((li) => li.attributes('data-testid'))).toEqual(['patrol-case-2', 'patrol-case-1'])
    expect(byTestId(wrapper, 'patrol-case-2').find('[data-testid="patrol-age"]').text()).toBe('已 4 天')
    expect(byTestId(wrapper, 'patrol-urge-40').text()).toContain('请尽快处理')
  })

  it('shows the league table, sorts it, drills into a figure, and links the CSV', async () => {
    fakeChatServer()
    const { since, until } = periodDates('month') ?? { since: '', until: '' }
    const q = `since=${since}&until=${until}`
    fakeServer({
      [`GET /api/cases/figures?place_id=2&${q}`]: { status: 200, body: figures },
      [`GET /api/cases/figures/cases?place_id=11&${q}&figure=overdue`]: {
        status: 200,
        body: { figure: 'overdue', since, until, count: 1, cases: [aCase(2, '超时的那件', { overdue: true })] },
      },
      // A time's cases are those it measured.
      [`GET /api/cases/figures/cases?place_id=2&${q}&figure=responded`]: { status: 200, body: { figure: 'responded', count: 0, cases: [] } },
    })
    const { wrapper } = await mountAt('/cases/supervise?tab=figures', supervisor())
    expect(byTestId(wrapper, 'figure-total-raised').text()).toBe('12')
    expect(byTestId(wrapper, 'figure-total-response_p50').text()).toBe('45 分钟')
    expect(byTestId(wrapper, 'figure-total-resolution_p50').text()).toBe('10.0 小时')
    expect(byTestId(wrapper, 'figure-total-reopen_rate').text()).toBe('12.5%')
    expect(byTestId(wrapper, 'figure-10-response_p50').text()).toBe('—')
    const order = () => wrapper.findAll('tbody tr[data-testid^="figures-row-"]').map((r) => r.attributes('data-testid'))
    // Most raised first; a click on the column turns it round.
    expect(order()).toEqual(['figures-row-11', 'figures-row-10'])
    await byTestId(wrapper, 'figures-sort-raised').trigger('click')
    expect(order()).toEqual(['figures-row-10', 'figures-row-11'])
    expect(byTestId(wrapper, 'figures-sort-raised').element.closest('th')?.getAttribute('aria-sort')).toBe('ascending')

    await byTestId(wrapper, 'figure-11-overdue').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'figures-drill').text()).toContain('罗溪社区 · 超时')
    expect(byTestId(wrapper, 'figures-drill').find('[data-testid="drill-case-2"]').text()).toContain('超时的那件')
    await byTestId(wrapper, 'figure-total-response_p50').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'figures-drill').text()).toContain('没有对应的案件')
    expect(byTestId(wrapper, 'figures-csv').attributes('href')).toBe(`/api/cases/figures.csv?place_id=2&${q}`)
  })
})

describe('the committee console', () => {
  it('shows cases as their own group, with the way to the case page', async () => {
    fakeChatServer()
    const item = {
      kind: 'case',
      id: 7,
      community: 10,
      title: '环境卫生',
      summary: '楼道堆物',
      created_at: hoursAgo(3),
      author: { id: 1, name: '王芳' },
      claimed_by: null,
      claimed_at: null,
      gated: false,
      gate_note: '',
      gated_by: null,
      may_decide: true,
      link: '/cases/7',
      extra: { flag: 'amber', status: 'submitted', tier: 'community' },
    }
    fakeServer({
      'GET /api/console/communities': { status: 200, body: [{ id: 10, name: '美罗家园第一居委会', kind: 'residents_committee', staff: true, counts: { case: 1 }, total: 1 }] },
      'GET /api/console/communities/10/items': {
        status: 200,
        body: { community: { id: 10, name: '美罗家园第一居委会' }, staff: true, gatekeeper: false, secretary: false, items: [item] },
      },
      'GET /api/cases/7': { status: 200, body: detailOf(aCase(7, '楼道堆物')) },
      'DELETE /api/console/items/case/7/claim': { status: 204 },
      'POST /api/console/items/case/7/claim': { status: 200, body: { ...item, claimed_by: { id: 2, name: '李伟' }, claimed_at: hoursAgo(0) } },
    })
    const { wrapper, router } = await mountAt('/console', liWeiMe())
    const group = byTestId(wrapper, 'console-group-case')
    expect(group.find('h3').text()).toContain('身边事')
    expect(byTestId(wrapper, 'console-flag-case-7').text()).toBe('即将超时')
    await byTestId(wrapper, 'console-open-case-7').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'console-link-case-7').text()).toBe('打开案件处理')
    await byTestId(wrapper, 'console-link-case-7').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/cases/7'))
  })
})
