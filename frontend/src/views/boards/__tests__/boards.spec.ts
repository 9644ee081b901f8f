import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '../../../App.vue'
import AppTabbar from '../../../components/AppTabbar.vue'
import { i18n } from '../../../i18n'
import { createAppRouter } from '../../../router'
import { useBoardsStore } from '../../../stores/boards'
import { useSessionStore } from '../../../stores/session'
import { fakeServer, liWei, mountAt, wangFang } from '../../../../tests/helpers'
import { fakeChatServer } from '../../../../tests/fakeSocket'
import { board, detail, districtBoard, post } from '../../../../tests/boards'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)
const ids = (wrapper: VueWrapper) =>
  wrapper.findAll('[data-testid^="post-"]').map((a) => a.attributes('data-testid')).filter((id) => /^post-\d+$/.test(id ?? ''))

const notices = board(2, 'notices', { unread: 3 })
const guide = board(4, 'guide', { can_post: true, can_moderate: true })

function boardRoutes(extra: Parameters<typeof fakeServer>[0] = {}) {
  return fakeServer({
    'GET /api/boards/urgent': { status: 200, body: [] },
    'GET /api/boards/unread': { status: 200, body: { '1': 0, '2': 3 } },
    'GET /api/boards': { status: 200, body: [notices, districtBoard] },
    'GET /api/boards/2/posts': {
      status: 200,
      body: { pinned: [post(30, 2, '社区公约', { pinned: true })], posts: [post(40, 2, '停水通知')], next_before: null },
    },
    'POST /api/boards/2/read': { status: 200, body: { unread: 0 } },
    ...extra,
  })
}

describe('board routes', () => {
  it('has the board pages under /boards, all behind the login', async () => {
    const router = createAppRouter(createMemoryHistory())
    expect(router.resolve('/boards').name).toBe('boards')
    expect(router.resolve('/boards/review').name).toBe('board-review')
    expect(router.resolve('/boards/posts/12').name).toBe('board-post')
    expect(router.resolve('/boards/posts/12').meta.hideTabbar).toBe(true)
    expect(router.resolve('/boards/4/new')).toMatchObject({ name: 'board-compose', params: { boardId: '4' } })
    expect(router.resolve('/boards/abc/new').name).toBe('not-found')
    for (const path of ['/boards', '/boards/review', '/boards/posts/12', '/boards/4/new']) {
      expect(router.resolve(path).meta.requiresAuth, path).toBe(true)
    }

    fakeServer({})
    const { router: mounted } = await mountAt('/boards?board=2', null)
    expect(mounted.currentRoute.value.fullPath).toBe('/login?next=/boards?board=2')
  })
})

describe('BoardsView', () => {
  it('shows a tab per board with unread badges, pinned posts first, and marks the open board read', async () => {
    const socket = fakeChatServer()
    const http = boardRoutes()
    const { wrapper } = await mountAt('/boards?board=2', wangFang())
    await flushPromises()

    expect(wrapper.findAll('.van-tab').map((tab) => tab.text())).toEqual(['i宝山', '社区公告'])
    expect(wrapper.find('.board-tab-id-2 [data-testid="board-tab-unread"]').exists()).toBe(false)
    expect(ids(wrapper)).toEqual(['post-30', 'post-40'])
    expect(http.calls('POST', '/api/boards/2/read')).toHaveLength(1)

    // A post on the other board counts there, once, though two streams carry it.
    const news = post(60, 1, '区里的新闻', { board: { id: 1, kind: 'district', place_id: 1 } })
    socket.event({ type: 'post.created', post: news, stream: 'feed.district.1' })
    socket.event({ type: 'post.created', post: news, stream: 'feed.observe.1' })
    await flushPromises()
    expect(wrapper.find('.board-tab-id-1 [data-testid="board-tab-unread"]').text()).toBe('1')
    expect(wrapper.find('.board-tab-id-1 .visually-hidden').text()).toBe('i宝山，1 条未读')
  })

  it('lets a supervisor switch to the boards of a community below them, read-only', async () => {
    fakeChatServer()
    const below = board(5, 'notices', { place: { id: 9, name: '美罗家园居委', kind: 'residents_committee' } })
    const http = boardRoutes({
      'GET /api/boards/places': { status: 200, body: [{ id: 9, name: '美罗家园居委', kind: 'residents_committee', street: '罗店镇' }] },
      'GET /api/boards?place=9': { status: 200, body: [below] },
      'GET /api/boards/5/posts': { status: 200, body: { pinned: [], posts: [post(70, 5, '美罗的通知')], next_before: null } },
      'POST /api/boards/5/read': { status: 200, body: { unread: 0 } },
    })
    const { wrapper } = await mountAt('/boards?board=2', wangFang())
    await flushPromises()
    expect(ids(wrapper)).toEqual(['post-30', 'post-40'])

    const select = wrapper.find('[data-testid="board-observe"]')
    expect(select.findAll('option').map((o) => o.text())).toEqual(['我的版块', '罗店镇 · 美罗家园居委'])
    await select.setValue('9')
    await flushPromises()

    expect(http.calls('GET', '/api/boards?place=9')).toHaveLength(1)
    expect(wrapper.findAll('.van-tab').map((tab) => tab.text())).toEqual(['社区公告'])
    expect(ids(wrapper)).toEqual(['post-70'])
    expect(wrapper.text()).toContain('只读')
  })

  it('inserts new posts at once at the top, or behind an "N new posts" bar when scrolled down', async () => {
    const socket = fakeChatServer()
    boardRoutes()
    const { wrapper } = await mountAt('/boards?board=2', wangFang())
    await flushPromises()
    const boards = useBoardsStore()

    socket.event({ type: 'post.created', post: post(50, 2, '明天停电') })
    await flushPromises()
    expect(ids(wrapper)).toEqual(['post-30', 'post-50', 'post-40'])

    boards.setAtTop(false)
    socket.event({ type: 'post.created', post: post(51, 2, '周六义诊') })
    socket.event({ type: 'post.created', post: post(51, 2, '周六义诊') })
    socket.event({ type: 'post.created', post: post(52, 2, '垃圾分类新规') })
    await flushPromises()
    expect(ids(wrapper)).toEqual(['post-30', 'post-50', 'post-40'])
    expect(byTestId(wrapper, 'new-posts-bar').text()).toBe('2 条新帖')

    await byTestId(wrapper, 'new-posts-bar').trigger('click')
    await flushPromises()
    expect(ids(wrapper)).toEqual(['post-30', 'post-52', 'post-51', 'post-50', 'post-40'])
    expect(byTestId(wrapper, 'new-posts-bar').exists()).toBe(false)

    socket.event({ type: 'post.hidden', post_id: 51, board_id: 2 })
    await flushPromises()
    expect(ids(wrapper)).toEqual(['post-30', 'post-52', 'post-50', 'post-40'])
  })
})

describe('ComposeView', () => {
  it('sends a guide with its structured fields, and says a post waits for review', async () => {
    fakeChatServer()
    const http = fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: {} },
      'GET /api/boards': { status: 200, body: [guide] },
      'POST /api/boards/4/posts': { status: 201, body: detail(post(70, 4, '办理居住证', { status: 'pending' })) },
    })
    const { wrapper } = await mountAt('/boards/4/new', liWei())
    await flushPromises()

    await byTestId(wrapper, 'compose-submit').trigger('submit')
    await byTestId(wrapper, 'compose-form').trigger('submit')
    await flushPromises()
    expect(http.calls('POST', '/api/boards/4/posts')).toHaveLength(0)
    expect(wrapper.text()).toContain('请填写办理事项')

    await byTestId(wrapper, 'compose-title').setValue('办理居住证')
    await byTestId(wrapper, 'compose-matter').setValue('居住证办理')
    await byTestId(wrapper, 'compose-step-0').setValue('网上预约')
    await byTestId(wrapper, 'compose-step-add').trigger('click')
    await byTestId(wrapper, 'compose-step-1').setValue('带材料到窗口')
    await byTestId(wrapper, 'compose-document-0').setValue('身份证')
    await byTestId(wrapper, 'compose-where').setValue('社区事务受理中心')
    await byTestId(wrapper, 'compose-body').setValue('请提前预约。\n\n- 周末不办理')
    await byTestId(wrapper, 'compose-form').trigger('submit')
    await flushPromises()

    expect(http.calls('POST', '/api/boards/4/posts')[0]?.body).toEqual({
      title: '办理居住证',
      body: '<p>请提前预约。</p><ul><li>周末不办理</li></ul>',
      pinned: false,
      extra: {
        matter: '居住证办理',
        steps: ['网上预约', '带材料到窗口'],
        documents: ['身份证'],
        where: '社区事务受理中心',
      },
    })
    expect(byTestId(wrapper, 'compose-pending').text()).toContain('已提交，等待审核')
  })

  it('shows the server’s field errors under the fields', async () => {
    fakeChatServer()
    fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: {} },
      'GET /api/boards': { status: 200, body: [board(2, 'notices', { can_post: true })] },
      'POST /api/boards/2/posts': {
        status: 400,
        body: { detail: '请检查填写的内容', code: 'invalid', errors: { title: '标题不能超过 120 个字' } },
      },
    })
    const { wrapper } = await mountAt('/boards/2/new', liWei())
    await flushPromises()

    await byTestId(wrapper, 'compose-title').setValue('停水')
    await byTestId(wrapper, 'compose-body').setValue('明天停水')
    await byTestId(wrapper, 'compose-form').trigger('submit')
    await flushPromises()

    expect(byTestId(wrapper, 'compose-error').text()).toBe('请检查填写的内容')
    expect(wrapper.find('[aria-invalid="true"]').attributes('data-testid')).toBe('compose-title')
    expect(wrapper.text()).toContain('标题不能超过 120 个字')
  })
})

describe('PostView', () => {
  it('lays a guide out as sections and follows live likes and comments', async () => {
    const socket = fakeChatServer()
    const guidePost = detail(
      post(80, 4, '办理居住证', {
        board: { id: 4, kind: 'guide', place_id: 10 },
        extra: { matter: '居住证', steps: ['预约', '交材料'], documents: ['身份证'], contact: '021-5555 1234' },
      }),
      { body: '<p>说明<strong>重要</strong></p>' },
    )
    fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: {} },
      'GET /api/boards/posts/80': { status: 200, body: guidePost },
      'GET /api/boards/posts/80/comments': { status: 200, body: [] },
    })
    const { wrapper } = await mountAt('/boards/posts/80', wangFang())
    await flushPromises()

    expect(byTestId(wrapper, 'guide-matter').text()).toBe('居住证')
    expect(byTestId(wrapper, 'guide-steps').findAll('li').map((li) => li.text())).toEqual(['1预约', '2交材料'])
    expect(byTestId(wrapper, 'guide-contact').find('a').attributes('href')).toBe('tel:02155551234')
    expect(byTestId(wrapper, 'post-body').html()).toContain('<strong>重要</strong>')

    socket.event({ type: 'post.liked', post_id: 80, board_id: 4, likes: 5 })
    socket.event({
      type: 'comment.created',
      post_id: 80,
      board_id: 4,
      comments: 1,
      comment: { id: 1, post_id: 80, parent_id: null, author: { id: 9, name: '赵磊' }, body: '谢谢', status: 'visible', created_at: '2026-11-27T09:00:00+00:00' },
    })
    await flushPromises()
    expect(byTestId(wrapper, 'post-like').text()).toBe('5')
    expect(byTestId(wrapper, 'comment-1').text()).toContain('谢谢')
  })

  it('opens the conversation with the owner when I want an idle item', async () => {
    fakeChatServer()
    const item = detail(
      post(81, 6, '婴儿车', { board: { id: 6, kind: 'idle', place_id: 10 }, extra: { item: '婴儿车', deal: 'free', state: 'available' } }),
    )
    const http = fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: {} },
      'GET /api/boards/posts/81': { status: 200, body: item },
      'GET /api/boards/posts/81/comments': { status: 200, body: [] },
      'POST /api/boards/posts/81/want': { status: 200, body: { conversation_id: 708 } },
    })
    const { wrapper, router } = await mountAt('/boards/posts/81', wangFang())
    await flushPromises()

    expect(byTestId(wrapper, 'item-state-81').text()).toBe('可预订')
    expect(byTestId(wrapper, 'item-reserve').exists()).toBe(false) // not my item
    await byTestId(wrapper, 'post-want').trigger('click')
    await flushPromises()

    expect(http.calls('POST', '/api/boards/posts/81/want')).toHaveLength(1)
    // (the conversation's page is loaded lazily)
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/chat/708'), { timeout: 5000 })
  })
})

describe('urgent notices', () => {
  it('shows each unacknowledged urgent notice after login until acknowledged', async () => {
    fakeChatServer()
    const http = fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [post(90, 2, '燃气泄漏，请勿使用明火', { urgent: true })] },
      'GET /api/boards/unread': { status: 200, body: {} },
      'POST /api/boards/posts/90/acknowledge': { status: 204 },
      'GET /api/applications': { status: 200, body: [] },
    })
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().set(wangFang())
    const router = createAppRouter(createMemoryHistory())
    await router.push('/applications')
    const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
    await flushPromises()

    const title = () => document.querySelector('[data-testid="urgent-title"]')
    expect(title()?.textContent).toBe('燃气泄漏，请勿使用明火')
    ;(document.querySelector('[data-testid="urgent-acknowledge"]') as HTMLElement).click()
    await flushPromises()

    expect(http.calls('POST', '/api/boards/posts/90/acknowledge')).toHaveLength(1)
    expect(useBoardsStore().urgent).toEqual([])
    wrapper.unmount()
  })
})

describe('Community tab', () => {
  it('shows the unread posts of all boards on the tab bar, counting live ones', async () => {
    const socket = fakeChatServer()
    boardRoutes()
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().set(wangFang())
    const router = createAppRouter(createMemoryHistory())
    await router.push('/')
    useBoardsStore().start()
    const wrapper = mount(AppTabbar, { global: { plugins: [pinia, router, i18n] } })
    await flushPromises()

    const tab = byTestId(wrapper, 'tab-boards')
    expect(tab.text()).toContain('社区')
    expect(tab.find('.van-badge').text()).toBe('3')

    socket.event({ type: 'post.created', post: post(61, 1, '区里的新闻', { board: { id: 1, kind: 'district', place_id: 1 } }) })
    await flushPromises()
    expect(tab.find('.van-badge').text()).toBe('4')
    expect(tab.find('.visually-hidden').text()).toBe('，4 条未读') // read out as "社区，4 条未读"
  })
})

describe('PostView moderation', () => {
  it('lets a moderator hide a post after giving a reason', async () => {
    fakeChatServer()
    const notice = detail(post(85, 2, '错误的通知'), { can_moderate: true, can_manage: true })
    const http = fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: {} },
      'GET /api/moderation/me/restrictions': { status: 200, body: [] },
      'GET /api/boards/posts/85': { status: 200, body: notice },
      'GET /api/boards/posts/85/comments': { status: 200, body: [] },
      'POST /api/moderation/posts/85/hide': () => {
        http.set('GET /api/boards/posts/85', { status: 200, body: { ...notice, status: 'hidden' } })
        return { status: 200, body: { ...notice, status: 'hidden' } }
      },
    })
    const { wrapper } = await mountAt('/boards/posts/85', liWei())
    await flushPromises()

    await byTestId(wrapper, 'post-hide').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/moderation/posts/85/hide')).toHaveLength(0)
    ;(document.querySelector('[data-testid="reason-input"]') as HTMLTextAreaElement).value = '内容有误'
    document.querySelector('[data-testid="reason-input"]')!.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid="reason-confirm"]') as HTMLElement).click()
    await flushPromises()

    expect(http.calls('POST', '/api/moderation/posts/85/hide')[0]?.body).toEqual({ reason: '内容有误' })
    expect(byTestId(wrapper, 'post-hidden').exists()).toBe(true)
    expect(byTestId(wrapper, 'post-restore').exists()).toBe(true)
  })
})

describe('PostView for those who only look', () => {
  function routes(notice: ReturnType<typeof detail>) {
    return fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: {} },
      'GET /api/boards/posts/87': { status: 200, body: notice },
      'GET /api/boards/posts/87/comments': { status: 200, body: [] },
    })
  }

  it('gives a supervisor no comment box, a disabled like and no moderation', async () => {
    fakeChatServer()
    routes(detail(post(87, 2, '社区通知'), { can_comment: false }))
    const { wrapper } = await mountAt('/boards/posts/87', liWei())
    await flushPromises()

    expect(byTestId(wrapper, 'post-title').text()).toBe('社区通知')
    expect(byTestId(wrapper, 'comment-form').exists()).toBe(false)
    expect(byTestId(wrapper, 'post-like').attributes('disabled')).toBeDefined()
    expect(byTestId(wrapper, 'post-hide').exists()).toBe(false)
  })

  it('lets a property manager pin and hide but not delete a resident\'s post', async () => {
    fakeChatServer()
    routes(detail(post(87, 7, '电梯维保'), { can_manage: true }))
    const { wrapper } = await mountAt('/boards/posts/87', liWei())
    await flushPromises()

    expect(byTestId(wrapper, 'post-hide').exists()).toBe(true)
    expect(byTestId(wrapper, 'post-pin').exists()).toBe(true)
    expect(byTestId(wrapper, 'post-delete').exists()).toBe(false)
    expect(byTestId(wrapper, 'comment-form').exists()).toBe(true)
  })
})

describe('editing a post', () => {
  it('opens the composer filled in and saves with PATCH, keeping the pictures left', async () => {
    fakeChatServer()
    const image = { id: 31, url: '/media/a.jpg', thumbnail_url: '/media/a-t.jpg', width: 800, height: 600 }
    const mine = detail(post(86, 2, '停水通知', { images: [image] }), { can_edit: true, body: '<p>明天停水</p>' })
    const http = fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: {} },
      'GET /api/boards': { status: 200, body: [board(2, 'notices', { can_post: true })] },
      'GET /api/boards/posts/86': { status: 200, body: mine },
      'GET /api/boards/posts/86/comments': { status: 200, body: [] },
      'PATCH /api/boards/posts/86': { status: 200, body: { ...mine, title: '停水通知（更正）', edited_at: '2026-11-27T10:00:00+00:00' } },
    })
    const { wrapper, router } = await mountAt('/boards/posts/86/edit', liWei())
    await flushPromises()

    expect((byTestId(wrapper, 'compose-title').element as HTMLInputElement).value).toBe('停水通知')
    expect((byTestId(wrapper, 'compose-body').element as HTMLTextAreaElement).value).toBe('明天停水')
    await byTestId(wrapper, 'compose-title').setValue('停水通知（更正）')
    await byTestId(wrapper, 'compose-form').trigger('submit')
    await flushPromises()

    expect(http.calls('PATCH', '/api/boards/posts/86')[0]?.body).toEqual({
      title: '停水通知（更正）',
      body: '<p>明天停水</p>',
      image_ids: [31],
      urgent: false,
    })
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/boards/posts/86'))
  })
})

describe('BoardReviewView', () => {
  it("says which of the community's filter words held a post back", async () => {
    fakeChatServer()
    boardRoutes({
      'GET /api/boards/review': {
        status: 200,
        body: [
          { ...post(70, 4, '求助', { status: 'pending' }), filter_words: ['代开发票', '刷单'] },
          { ...post(71, 4, '借梯子', { status: 'pending' }), filter_words: [] },
        ],
      },
    })
    const { wrapper } = await mountAt('/boards/review', liWei())
    await flushPromises()

    expect(byTestId(wrapper, 'pending-filter-70').text()).toBe('含过滤词：代开发票、刷单')
    expect(byTestId(wrapper, 'pending-71').exists()).toBe(true)
    expect(byTestId(wrapper, 'pending-filter-71').exists()).toBe(false)
  })
})
