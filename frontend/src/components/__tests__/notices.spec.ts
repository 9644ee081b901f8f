import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '../../App.vue'
import { i18n } from '../../i18n'
import { createAppRouter } from '../../router'
import { useBoardsStore } from '../../stores/boards'
import { useNoticesStore } from '../../stores/notices'
import { useSessionStore } from '../../stores/session'
import type { PostSummary } from '../../boards/types'
import type { Me } from '../../types'
import { callout } from '../../volunteer/__tests__/fixtures'
import { fakeChatServer } from '../../../tests/fakeSocket'
import { fakeServer, liWei, wangFang } from '../../../tests/helpers'

const inDocument = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)

function urgent(id: number, title: string, body = `<p>${title}</p>`): PostSummary {
  return {
    id,
    board: { id: 2, kind: 'notices', place_id: 10 },
    title,
    excerpt: body.replace(/<[^>]+>/g, ' ').trim(),
    body,
    author: { id: 5, name: '张敏' },
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
  }
}

async function mountApp(path: string, me: Me, routes: Parameters<typeof fakeServer>[0]) {
  fakeChatServer()
  const http = fakeServer({
    'GET /api/boards/urgent': { status: 200, body: [] },
    'GET /api/boards/unread': { status: 200, body: {} },
    'GET /api/volunteer/callouts/unseen': { status: 200, body: [] },
    'GET /api/applications': { status: 200, body: [] },
    'GET /api/review/applications?status=pending': { status: 200, body: [] },
    ...routes,
  })
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().set(me)
  const router = createAppRouter(createMemoryHistory())
  await router.push(path)
  const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
  await flushPromises()
  return { http, wrapper, router }
}

const TYPHOON = '<p><strong>受台风影响，今明两天有大风暴雨。</strong></p><ul><li>收好阳台花盆</li><li>车辆移至地面</li></ul>'

describe('one pop-up at a time', () => {
  it('shows the urgent notice in full first, then the call-out, never both', async () => {
    const { http, wrapper } = await mountApp('/applications', wangFang(), {
      'GET /api/boards/urgent': { status: 200, body: [urgent(90, '台风防御', TYPHOON)] },
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(21, '社区义诊帮手', { audience: 'residents' })] },
      'POST /api/boards/posts/90/acknowledge': { status: 204 },
    })
    expect(inDocument('urgent-title')?.textContent).toBe('台风防御')
    expect(inDocument('callout-notice-title')).toBeNull()
    // The notice keeps its paragraphs and list items.
    const body = inDocument('urgent-body')
    expect(body?.querySelectorAll('p')).toHaveLength(1)
    expect([...(body?.querySelectorAll('li') ?? [])].map((li) => li.textContent)).toEqual(['收好阳台花盆', '车辆移至地面'])
    expect(inDocument('notice-banner')).toBeNull()

    inDocument('urgent-acknowledge')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/boards/posts/90/acknowledge')).toHaveLength(1)
    expect(inDocument('urgent-title')).toBeNull()
    // Not a work page: the call-out comes next as its own pop-up.
    expect(inDocument('callout-notice-title')?.textContent).toBe('社区义诊帮手')
    expect(inDocument('notice-banner')).toBeNull()
    wrapper.unmount()
  })

  it('on a page one came to work on, puts the second in a banner that opens on request', async () => {
    const { http, wrapper } = await mountApp('/review', liWei(), {
      'GET /api/boards/urgent': { status: 200, body: [urgent(90, '台风防御')] },
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(21, '社区义诊帮手', { audience: 'residents' })] },
      'POST /api/boards/posts/90/acknowledge': { status: 204 },
      'POST /api/volunteer/callouts/21/seen': { status: 204 },
    })
    expect(inDocument('urgent-title')?.textContent).toBe('台风防御') // the first pop-up, urgent first
    inDocument('urgent-acknowledge')?.click()
    await flushPromises()

    // The second waits in the banner: the review page is not blocked.
    expect(inDocument('callout-notice-title')).toBeNull()
    expect(inDocument('notice-banner')?.dataset.kind).toBe('callout')
    expect(inDocument('notice-banner-title')?.textContent).toBe('社区义诊帮手')
    expect(inDocument('notice-banner-dismiss')?.getAttribute('aria-label')).toBe('关闭志愿召集：社区义诊帮手（标为已读）')
    expect(document.querySelector('.van-overlay:not([style*="display: none"])')).toBeNull()

    // "View" opens it as its pop-up, on the person's request.
    inDocument('notice-banner-view')?.click()
    await flushPromises()
    expect(inDocument('callout-notice-title')?.textContent).toBe('社区义诊帮手')
    expect(inDocument('notice-banner')).toBeNull()
    inDocument('callout-notice-later')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/volunteer/callouts/21/seen')).toHaveLength(1)
    expect(inDocument('callout-notice-title')).toBeNull()
    wrapper.unmount()
  })

  it('closing the banner acknowledges an urgent notice or marks a call-out seen', async () => {
    const { http, wrapper } = await mountApp('/review', liWei(), {
      'GET /api/boards/urgent': { status: 200, body: [urgent(90, '台风防御'), urgent(91, '停水通知')] },
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(21, '社区义诊帮手', { audience: 'residents' })] },
      'POST /api/boards/posts/90/acknowledge': { status: 204 },
      'POST /api/boards/posts/91/acknowledge': { status: 204 },
      'POST /api/volunteer/callouts/21/seen': { status: 204 },
    })
    inDocument('urgent-acknowledge')?.click()
    await flushPromises()
    expect(inDocument('notice-banner')?.dataset.kind).toBe('urgent') // urgent notices win
    expect(inDocument('notice-banner')?.textContent).toContain('还有 1 条')

    inDocument('notice-banner-dismiss')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/boards/posts/91/acknowledge')).toHaveLength(1)
    expect(inDocument('notice-banner')?.dataset.kind).toBe('callout')

    inDocument('notice-banner-dismiss')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/volunteer/callouts/21/seen')).toHaveLength(1)
    expect(inDocument('notice-banner')).toBeNull()
    expect(inDocument('urgent-title')).toBeNull()
    wrapper.unmount()
  })

  it('lets the first pop-up of a visit to a work page show, and starts afresh on the next page', async () => {
    const { wrapper, router } = await mountApp('/review', liWei(), {
      'GET /api/volunteer/callouts/unseen': {
        status: 200,
        body: [callout(21, '社区义诊帮手', { audience: 'residents' }), callout(22, '帮独居老人取药', { audience: 'residents' })],
      },
      'POST /api/volunteer/callouts/21/seen': { status: 204 },
    })
    expect(inDocument('callout-notice-title')?.textContent).toBe('社区义诊帮手')
    inDocument('callout-notice-later')?.click()
    await flushPromises()
    expect(inDocument('callout-notice-title')).toBeNull()
    expect(inDocument('notice-banner-title')?.textContent).toBe('帮独居老人取药')

    await router.push('/applications')
    await flushPromises()
    expect(inDocument('notice-banner')).toBeNull()
    expect(inDocument('callout-notice-title')?.textContent).toBe('帮独居老人取药')
    wrapper.unmount()
  })
})

describe('the notices queue', () => {
  it('lets an urgent notice arriving after a call-out take the pop-up, the call-out then waiting', async () => {
    const { wrapper } = await mountApp('/review', liWei(), {
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(21, '社区义诊帮手', { audience: 'residents' })] },
      'POST /api/boards/posts/90/acknowledge': { status: 204 },
    })
    expect(inDocument('callout-notice-title')?.textContent).toBe('社区义诊帮手')
    const boards = useBoardsStore()
    boards.urgent = [urgent(90, '台风防御')]
    await flushPromises()
    expect(inDocument('urgent-title')?.textContent).toBe('台风防御') // still the first pop-up dealt with
    expect(inDocument('notice-banner')).toBeNull()
    inDocument('urgent-acknowledge')?.click()
    await flushPromises()
    expect(inDocument('notice-banner-title')?.textContent).toBe('社区义诊帮手')
    expect(inDocument('callout-notice-title')).toBeNull()
    wrapper.unmount()
  })

  it('shows nothing where the page says so, and only urgent notices on the check-in page', async () => {
    const { wrapper, router } = await mountApp('/applications', wangFang(), {
      'GET /api/boards/urgent': { status: 200, body: [urgent(90, '台风防御')] },
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(21, '社区义诊帮手', { audience: 'residents' })] },
    })
    const notices = useNoticesStore()
    expect(notices.queue.map((n) => n.key)).toEqual(['urgent-90', 'callout-21'])
    notices.enter({ path: '/login', work: false, hides: ['urgent', 'callout'] })
    expect(notices.dialog).toBeNull()
    expect(notices.banner).toBeNull()
    notices.enter({ path: '/volunteer/callouts/21/checkin', work: false, hides: ['callout'] })
    expect(notices.queue.map((n) => n.key)).toEqual(['urgent-90'])
    expect(notices.dialog?.key).toBe('urgent-90')
    // The router's own pages say the same in their meta.
    await router.push('/password-reset')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('password-reset')
    expect(inDocument('urgent-title')).toBeNull()
    expect(inDocument('callout-notice-title')).toBeNull()
    wrapper.unmount()
  })
})
