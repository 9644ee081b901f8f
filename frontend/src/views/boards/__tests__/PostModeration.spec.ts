import { describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import { fakeServer, liWei, mountAt, wangFang, type FakeRequest } from '../../../../tests/helpers'
import { fakeChatServer } from '../../../../tests/fakeSocket'
import { comment, detail, post } from '../../../../tests/boards'
import { report, restriction } from '../../../moderation/__tests__/fixtures'
import PostCard from '../../../components/boards/PostCard.vue'
import type { PostDetail } from '../../../boards/types'
import { i18n } from '../../../i18n'
import { createAppRouter } from '../../../router'
import type { Me } from '../../../types'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

const zhaoLei = { id: 9, name: '赵磊', party: true }
const askForHelp = post(90, 5, '求借梯子', { author: zhaoLei, board: { id: 5, kind: 'mutual_aid', place_id: 10 } })
const reply = comment(501, 90, '我家有', { author: { id: 7, name: '周强' } })

async function openPost(me: Me, shown: PostDetail, routes = {}) {
  fakeChatServer()
  const http = fakeServer({
    'GET /api/boards/urgent': { status: 200, body: [] },
    'GET /api/boards/unread': { status: 200, body: {} },
    'GET /api/moderation/me/restrictions': { status: 200, body: [] },
    'GET /api/boards/posts/90': { status: 200, body: shown },
    'GET /api/boards/posts/90/comments': { status: 200, body: [reply] },
    ...routes,
  })
  const { wrapper } = await mountAt('/boards/posts/90', me)
  await flushPromises()
  return { http, wrapper }
}

async function giveReason(wrapper: VueWrapper, reason: string) {
  await byTestId(wrapper, 'reason-input').setValue(reason)
  await byTestId(wrapper, 'reason-confirm').trigger('click')
  await flushPromises()
}

describe('a reader of a post', () => {
  it('sees the party badge on the author of the post and of comments that show it', async () => {
    const { wrapper } = await openPost(wangFang(), detail(askForHelp))

    expect(byTestId(wrapper, 'post-author').find('[data-testid="party-badge"]').exists()).toBe(true)
    expect(byTestId(wrapper, 'comment-501').find('[data-testid="party-badge"]').exists()).toBe(false)
  })

  it('reports the post and a comment, each once', async () => {
    const { http, wrapper } = await openPost(wangFang(), detail(askForHelp), {
      'POST /api/moderation/reports': (request: FakeRequest) => ({
        status: 201,
        body: report(1, { target_kind: (request.body as { target_kind: 'post' }).target_kind }),
      }),
    })
    expect(byTestId(wrapper, 'post-hide').exists()).toBe(false)

    await byTestId(wrapper, 'post-report').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'report-reason-privacy').setValue(true)
    await byTestId(wrapper, 'report-submit').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'post-reported').text()).toBe('已举报')

    await byTestId(wrapper, 'comment-report-501').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'report-submit').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'comment-reported-501').exists()).toBe(true)

    expect(http.calls('POST', '/api/moderation/reports').map((r) => r.body)).toEqual([
      { target_kind: 'post', target_id: 90, reason: 'privacy', note: '' },
      { target_kind: 'comment', target_id: 501, reason: 'spam', note: '' },
    ])
  })

  it('sees the suspension banner instead of the comment box', async () => {
    const { wrapper } = await openPost(wangFang(), detail(askForHelp), {
      'GET /api/moderation/me/restrictions': {
        status: 200,
        body: [restriction(3, { kind: 'suspension', conversation: null, reason: '发布广告' })],
      },
    })

    expect(byTestId(wrapper, 'comment-form').exists()).toBe(false)
    expect(byTestId(wrapper, 'restriction-banner').text()).toContain('你已被暂停在本社区发言至')
    expect(byTestId(wrapper, 'restriction-banner').text()).toContain('发布广告')
  })

  it('cannot report their own post', async () => {
    const { wrapper } = await openPost(wangFang(), detail({ ...askForHelp, author: { id: 1, name: '王芳' } }, { can_edit: true }))
    expect(byTestId(wrapper, 'post-report').exists()).toBe(false)
  })
})

describe('a moderator of the board', () => {
  const moderated = detail(askForHelp, { can_moderate: true, can_manage: true })

  it('removes someone’s post with a reason through the moderation API', async () => {
    const { http, wrapper } = await openPost(liWei(), moderated, {
      'POST /api/moderation/posts/90/remove': () => {
        http.set('GET /api/boards/posts/90', { status: 200, body: { ...moderated, status: 'deleted' } })
        return { status: 200, body: {} }
      },
    })
    expect(byTestId(wrapper, 'post-report').exists()).toBe(false)

    await byTestId(wrapper, 'post-delete').trigger('click')
    await flushPromises()
    await giveReason(wrapper, '广告')

    expect(http.calls('POST', '/api/moderation/posts/90/remove')[0]?.body).toEqual({ reason: '广告' })
    expect(http.calls('DELETE', '/api/boards/posts/90')).toHaveLength(0)
    expect(byTestId(wrapper, 'post-deleted').exists()).toBe(true)
    expect(byTestId(wrapper, 'post-restore').exists()).toBe(true) // a removed post can come back
  })

  it('restores a hidden post with a reason', async () => {
    const hidden = { ...moderated, status: 'hidden' as const }
    const { http, wrapper } = await openPost(liWei(), hidden, {
      'POST /api/moderation/posts/90/restore': () => {
        http.set('GET /api/boards/posts/90', { status: 200, body: moderated })
        return { status: 200, body: {} }
      },
    })

    await byTestId(wrapper, 'post-restore').trigger('click')
    await flushPromises()
    await giveReason(wrapper, '误判')

    expect(http.calls('POST', '/api/moderation/posts/90/restore')[0]?.body).toEqual({ reason: '误判' })
    expect(byTestId(wrapper, 'post-hidden').exists()).toBe(false)
  })

  it('hides a comment with a reason and restores it', async () => {
    const { http, wrapper } = await openPost(liWei(), moderated, {
      'POST /api/moderation/comments/501/hide': () => {
        http.set('GET /api/boards/posts/90/comments', { status: 200, body: [{ ...reply, status: 'hidden' }] })
        return { status: 200, body: {} }
      },
      'POST /api/moderation/comments/501/restore': () => {
        http.set('GET /api/boards/posts/90/comments', { status: 200, body: [reply] })
        return { status: 200, body: {} }
      },
    })
    expect(byTestId(wrapper, 'comment-report-501').exists()).toBe(false)

    await byTestId(wrapper, 'comment-hide-501').trigger('click')
    await flushPromises()
    // The reason is required.
    await byTestId(wrapper, 'reason-confirm').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/moderation/comments/501/hide')).toHaveLength(0)
    await giveReason(wrapper, '人身攻击')
    expect(http.calls('POST', '/api/moderation/comments/501/hide')[0]?.body).toEqual({ reason: '人身攻击' })
    // The moderator still reads it, marked.
    expect(byTestId(wrapper, 'comment-marked-501').text()).toBe('该评论已被隐藏')
    expect(byTestId(wrapper, 'comment-501').text()).toContain('我家有')

    await byTestId(wrapper, 'comment-restore-501').trigger('click')
    await flushPromises()
    await giveReason(wrapper, '已核实')
    expect(http.calls('POST', '/api/moderation/comments/501/restore')).toHaveLength(1)
    expect(byTestId(wrapper, 'comment-hide-501').exists()).toBe(true)
    expect(byTestId(wrapper, 'comment-marked-501').exists()).toBe(false)
  })

  it('keeps the server’s refusal and changes nothing', async () => {
    const { wrapper } = await openPost(liWei(), moderated, {
      'POST /api/moderation/comments/501/remove': { status: 403, body: { detail: '只有党组织书记可以决定', code: 'gated' } },
    })

    await byTestId(wrapper, 'comment-remove-501').trigger('click')
    await flushPromises()
    await giveReason(wrapper, '违规')

    expect(document.body.textContent).toContain('只有党组织书记可以决定')
    expect(byTestId(wrapper, 'comment-hide-501').exists()).toBe(true)
  })
})

describe('PostCard', () => {
  it('shows the party badge next to the author', async () => {
    const router = createAppRouter(createMemoryHistory())
    const wrapper = mount(PostCard, { props: { post: askForHelp }, global: { plugins: [router, i18n] } })
    expect(wrapper.find('[data-testid="party-badge"]').text()).toContain('党员')
    await wrapper.setProps({ post: { ...askForHelp, author: { id: 9, name: '赵磊', party: false } } })
    expect(wrapper.find('[data-testid="party-badge"]').exists()).toBe(false)
  })
})

